// The query page's workbench: it takes over the plain form of /sparql when this script loads.
// Without it the page stays a form that the server answers; with it, queries run from the page.

import { mountEditor } from "./editor.js";
import { remember, drawHistory } from "./history.js";
import { drawShare } from "./share.js";
import { drawTable, element } from "./table.js";
import { loadTerms } from "./terms.js";
import { drawView, fittingViews } from "./views.js";

const RESULTS = "application/sparql-results+json";
const TRIPLES = "application/n-triples";
const RAW_SHOWN = 512 * 1024;
const VIEW_NAMES = { table: "Table", chart: "Chart", map: "Map", timeline: "Timeline", turtle: "Turtle", graph: "Graph", raw: "Raw response" };

/** "SELECT", "ASK", "CONSTRUCT" or "DESCRIBE": the form of a query, read past its prologue. */
export function queryForm(text) {
  const code = text.replace(/#[^\n]*/gu, " ").replace(/<[^>]*>/gu, "<>");
  const found = code.match(/\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/iu);
  return found ? found[1].toUpperCase() : "SELECT";
}

function answerSection() {
  let section = document.getElementById("answer");
  if (!section) {
    section = element("section", { class: "answer", id: "answer", "aria-live": "polite" });
    document.querySelector("main").append(section);
  }
  return section;
}

function downloads(text, form, formats) {
  const offered = (form === "SELECT" || form === "ASK" ? formats.results : formats.graphs).split(" ");
  const links = offered.map((pair) => {
    const [short, mediaType] = pair.split("=");
    const url = `/sparql?${new URLSearchParams({ query: text, format: short })}`;
    return element("a", { href: url, download: `answer.${short}`, type: mediaType, title: mediaType }, short);
  });
  return element("p", { class: "downloads" }, "Download: ", ...links);
}

async function run(editor, terms, page, { first = false } = {}) {
  const text = editor.text();
  const form = queryForm(text);
  const section = answerSection();
  section.replaceChildren(element("h2", {}, "Answer"), element("p", { class: "meta" }, "Running …"));
  editor.markError(null);
  const started = performance.now();
  let response;
  try {
    response = await fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: form === "SELECT" || form === "ASK" ? RESULTS : TRIPLES },
      body: new URLSearchParams({ query: text }),
    });
  } catch (error) {
    section.replaceChildren(element("h2", {}, "Answer"), element("p", { class: "error", role: "alert" }, `The server could not be reached: ${error.message}`));
    return;
  }
  const body = await response.text();
  const seconds = (performance.now() - started) / 1000;
  // Each query run gets its own URL, as the plain form's would: back returns to the one before.
  const url = `/sparql?${new URLSearchParams({ query: text })}`;
  if (!first && url !== location.pathname + location.search) history.pushState(null, "", url);
  if (!response.ok) return showError(section, editor, body, response.status);
  remember(text);
  drawHistory(page.historyList, editor);
  const truncated = response.headers.get("Result-Truncated") === "true";
  const header = [element("h2", {}, "Answer"), downloads(text, form, page.formats)];
  const views = {};
  let summary;
  if (form === "ASK") {
    const yes = JSON.parse(body).boolean;
    section.replaceChildren(...header, element("p", { class: "boolean" }, yes ? "Yes" : "No"), meta(`in ${seconds.toFixed(2)} s`));
    return;
  }
  if (form === "SELECT") {
    const results = JSON.parse(body);
    const rows = results.results.bindings;
    summary = `${rows.length.toLocaleString("en")} row${rows.length === 1 ? "" : "s"} in ${seconds.toFixed(2)} s`;
    views.table = (box) => drawTable(box, results, terms, page.base);
    for (const view of fittingViews(results, terms)) views[view.kind] = (box) => drawView(box, view, rows, terms, page.base);
  } else {
    const { triplesOf, turtleOf } = await import("./turtle.js");
    const triples = triplesOf(body);
    summary = `${triples.length.toLocaleString("en")} triple${triples.length === 1 ? "" : "s"} in ${seconds.toFixed(2)} s`;
    views.turtle = (box) => box.replaceChildren(element("pre", { class: "graph" }, turtleOf(triples, terms.prefixes)));
    views.graph = (box) => drawView(box, { kind: "graph" }, triples, terms, page.base);
  }
  views.raw = (box) => box.replaceChildren(element("pre", { class: "raw" }, body.slice(0, RAW_SHOWN) + (body.length > RAW_SHOWN ? "\n…" : "")));
  const notice = truncated
    ? ` The endpoint answers at most ${page.cap} rows: use LIMIT and OFFSET, or a dump, for the rest.`
    : "";
  const chosen = ["map", "chart", "timeline"].find((name) => name in views) ?? Object.keys(views)[0];
  section.replaceChildren(...header, meta(summary + "." + notice), viewSwitcher(views, chosen));
}

function meta(text) {
  return element("p", { class: "meta" }, text);
}

function viewSwitcher(views, chosen) {
  const box = element("div", { class: "view", id: "view" });
  const tabs = element("div", { class: "tabs", role: "tablist", "aria-label": "Views of the answer" });
  const show = (name) => {
    for (const tab of tabs.children) tab.setAttribute("aria-selected", String(tab.dataset.view === name));
    box.className = `view view-${name}`;
    // Each view draws into its own pane: a chart still loading when another tab is chosen
    // draws into a pane no longer shown, never over the view chosen since.
    const pane = element("div", { class: "pane" });
    box.replaceChildren(pane);
    views[name](pane);
  };
  for (const name of Object.keys(views)) {
    const tab = element("button", { type: "button", role: "tab", "data-view": name }, VIEW_NAMES[name]);
    tab.addEventListener("click", () => show(name));
    tabs.append(tab);
  }
  const wrapper = element("div", {}, tabs, box);
  queueMicrotask(() => show(chosen));
  return wrapper;
}

function showError(section, editor, body, status) {
  let problem = { error: body.slice(0, 500) };
  try {
    problem = JSON.parse(body);
  } catch {
    /* not JSON: show the text */
  }
  const parts = [element("h2", {}, "Answer"), element("p", { class: "error", role: "alert" }, `${status}: ${problem.error}`)];
  if (problem.excerpt) parts.push(element("pre", { class: "excerpt" }, problem.excerpt));
  section.replaceChildren(...parts);
  if (problem.line) editor.markError({ line: problem.line, column: problem.column ?? 1, message: problem.error });
}

async function start() {
  const formNode = document.querySelector("form.editor");
  const textarea = formNode?.querySelector("textarea");
  if (!textarea) return;
  const terms = await loadTerms();
  const page = {
    base: formNode.dataset.base,
    cap: Number(formNode.dataset.resultCap).toLocaleString("en"),
    formats: { results: formNode.dataset.resultFormats, graphs: formNode.dataset.graphFormats },
    historyList: null,
  };
  const editor = mountEditor(textarea, terms, () => run(editor, terms, page));
  document.body.classList.add("workbench");
  formNode.addEventListener("submit", (event) => {
    event.preventDefault();
    run(editor, terms, page);
  });
  page.historyList = drawHistory(null, editor, formNode);
  drawShare(formNode, editor);
  window.addEventListener("popstate", () => location.reload()); // back to an earlier query: show it again
  if (document.getElementById("answer")) run(editor, terms, page, { first: true }); // the server answered: show it all
}

start();
