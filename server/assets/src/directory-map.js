// The map page (/map): the table of places the server wrote, drawn as a choropleth of countries.
// A click on a country opens the listing of its projects (or of its region's, counted by region).

import { Terms } from "./terms.js";

const WORLD = "001"; // listed, not drawn: it would colour every country no finer region names

async function start() {
  const table = document.querySelector("table.places");
  const box = document.getElementById("directory-map");
  if (!table || !box) return;
  const rows = [...table.tBodies[0].rows]
    .filter((row) => row.dataset.code && row.dataset.code !== WORLD)
    .map((row) => ({
      place: { type: "literal", value: row.dataset.code },
      projects: { type: "literal", value: row.dataset.projects, datatype: "http://www.w3.org/2001/XMLSchema#integer" },
      label: { type: "literal", value: row.cells[0].textContent.trim() },
      href: row.querySelector("a")?.getAttribute("href"),
    }));
  box.hidden = false;
  const { draw } = await import("./charts.js");
  const view = { kind: "map", place: "place", number: "projects", label: "label" };
  draw(box, view, rows, new Terms({ prefixes: {}, terms: [] }), "", (row) => {
    if (row?.href) window.location.href = row.href;
  });
  box.dataset.drawn = String(rows.length);
}

start();
