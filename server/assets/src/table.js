// The results table: every row of the answer, sortable by any column, in pages of PAGE_ROWS.

import { pageOf } from "./terms.js";

const PAGE_ROWS = 100;

/** The text a cell shows: a prefixed name (or the IRI), a literal's value. */
export function cellText(cell, terms) {
  if (!cell) return "";
  if (cell.type === "uri") return terms.shortName(cell.value);
  if (cell.type === "bnode") return `_:${cell.value}`;
  return cell.value;
}

function sortKey(cell, terms) {
  if (!cell) return [2, ""];
  const number = Number(cell.value);
  if (cell.type !== "uri" && cell.value.trim() !== "" && Number.isFinite(number)) return [0, number];
  return [1, cellText(cell, terms).toLowerCase()];
}

function compare(a, b) {
  if (a[0] !== b[0]) return a[0] - b[0];
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function cellNode(cell, terms, base) {
  const text = cellText(cell, terms);
  if (cell?.type !== "uri") return document.createTextNode(text);
  const label = terms.label(cell.value);
  return element("a", { href: pageOf(cell.value, base), title: label ? `${label}\n${cell.value}` : cell.value }, text);
}

/** Draw ``results`` (SPARQL JSON) into ``container``, with sorting and paging controls. */
export function drawTable(container, results, terms, base) {
  const variables = results.head.vars;
  const rows = results.results.bindings;
  let order = null; // [variable, 1 | -1]
  let page = 0;
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_ROWS));

  const redraw = () => {
    const sorted = order
      ? [...rows].sort((a, b) => order[1] * compare(sortKey(a[order[0]], terms), sortKey(b[order[0]], terms)))
      : rows;
    const head = element(
      "tr",
      {},
      ...variables.map((name) => {
        const sorted = order?.[0] === name ? (order[1] > 0 ? "ascending" : "descending") : "none";
        const button = element("button", { type: "button", class: "sort" }, name);
        button.addEventListener("click", () => {
          order = order?.[0] === name ? [name, -order[1]] : [name, 1];
          page = 0;
          redraw();
        });
        return element("th", { "aria-sort": sorted, scope: "col" }, button);
      }),
    );
    const body = sorted
      .slice(page * PAGE_ROWS, (page + 1) * PAGE_ROWS)
      .map((row) => element("tr", {}, ...variables.map((name) => element("td", {}, cellNode(row[name], terms, base)))));
    const table = element("table", { class: "results" }, element("thead", {}, head), element("tbody", {}, ...body));
    container.replaceChildren(element("div", { class: "table-wrap" }, table), pager());
  };

  const pager = () => {
    const nav = element("nav", { class: "pager", "aria-label": "Pages of the answer" });
    if (pages === 1) return nav;
    const go = (to, label, disabled) => {
      const button = element("button", { type: "button" }, label);
      button.disabled = disabled;
      button.addEventListener("click", () => {
        page = to;
        redraw();
      });
      return button;
    };
    const first = page * PAGE_ROWS + 1;
    const last = Math.min(rows.length, (page + 1) * PAGE_ROWS);
    nav.append(
      go(0, "« First", page === 0),
      go(page - 1, "‹ Previous", page === 0),
      element("span", { class: "where" }, `rows ${first}–${last} of ${rows.length} (page ${page + 1} of ${pages})`),
      go(page + 1, "Next ›", page === pages - 1),
      go(pages - 1, "Last »", page === pages - 1),
    );
    return nav;
  };
  redraw();
}

export { element };
