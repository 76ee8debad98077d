// Which views fit an answer: a chart (a label and a number), a map (countries or regions), a
// timeline (dates or years), a node-link graph (triples). Drawing them loads charts.js on demand.

import { isPlace } from "./geo.js";

const XSD = "http://www.w3.org/2001/XMLSchema#";
const NUMBERS = new Set(["integer", "decimal", "double", "float", "long", "int", "nonNegativeInteger", "positiveInteger"]);
const DATES = new Set(["date", "dateTime", "gYear", "gYearMonth"]);

function isNumber(cell) {
  return cell?.type !== "uri" && cell?.datatype?.startsWith(XSD) && NUMBERS.has(cell.datatype.slice(XSD.length));
}

/** A year (as a number) for a date, a dateTime, a gYear, or an integer that reads as one. */
export function yearOf(cell, name) {
  if (!cell || cell.type === "uri") return null;
  const type = cell.datatype?.startsWith(XSD) ? cell.datatype.slice(XSD.length) : null;
  if (DATES.has(type)) return Number(cell.value.slice(0, cell.value.startsWith("-") ? 5 : 4));
  if (/year/iu.test(name) && /^\d{4}$/u.test(cell.value)) return Number(cell.value);
  return null;
}

/** What each variable holds, judged from every row: "number", "year", "place", "label" or null. */
export function columnKinds(results, terms) {
  const rows = results.results.bindings;
  const kinds = {};
  for (const name of results.head.vars) {
    const cells = rows.map((row) => row[name]).filter(Boolean);
    if (!cells.length) kinds[name] = null;
    else if (cells.every((c) => yearOf(c, name) !== null)) kinds[name] = "year";
    else if (cells.every(isNumber)) kinds[name] = "number";
    else if (cells.every((c) => isPlace(c, terms))) kinds[name] = "place";
    else kinds[name] = "label";
  }
  return kinds;
}

/** The views that fit a SELECT answer, best first, with the columns each would draw. */
export function fittingViews(results, terms) {
  const kinds = columnKinds(results, terms);
  const of = (kind) => Object.keys(kinds).filter((name) => kinds[name] === kind);
  const [number] = of("number");
  const [place] = of("place");
  const [year, end] = of("year");
  const label = of("label")[0] ?? place;
  const views = [];
  if (place) views.push({ kind: "map", place, number, label: of("label")[0] });
  if (label && number && results.results.bindings.length <= 200) views.push({ kind: "chart", label, number, year });
  if (year) views.push({ kind: "timeline", year, end, label: of("label")[0], number });
  return views;
}

/** Draw a view into ``container`` (loads the chart library the first time). */
export async function drawView(container, view, data, terms, base) {
  const charts = await import("./charts.js");
  return charts.draw(container, view, data, terms, base);
}
