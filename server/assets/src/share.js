// Sharing a query: a short link kept by the server, and code that runs it elsewhere.

import { element } from "./table.js";

/** The code that runs ``text`` against ``endpoint`` with curl, Python, R and JavaScript. */
export function snippets(text, endpoint) {
  const python = JSON.stringify(text);
  const quoted = text.replace(/'/gu, "'\\''");
  return {
    curl: `curl -G '${endpoint}' \\\n  -H 'Accept: application/sparql-results+json' \\\n  --data-urlencode 'query=${quoted}'`,
    "Python (SPARQLWrapper)": `from SPARQLWrapper import JSON, SPARQLWrapper\n\nsparql = SPARQLWrapper(${JSON.stringify(endpoint)})\nsparql.setQuery(${python})\nsparql.setReturnFormat(JSON)\nfor row in sparql.queryAndConvert()["results"]["bindings"]:\n    print({name: cell["value"] for name, cell in row.items()})`,
    "Python (requests)": `import requests\n\nanswer = requests.get(\n    ${JSON.stringify(endpoint)},\n    params={"query": ${python}},\n    headers={"Accept": "application/sparql-results+json"},\n    timeout=60,\n)\nanswer.raise_for_status()\nfor row in answer.json()["results"]["bindings"]:\n    print({name: cell["value"] for name, cell in row.items()})`,
    R: `library(httr)\n\nanswer <- GET(${JSON.stringify(endpoint)},\n  query = list(query = ${JSON.stringify(text)}),\n  add_headers(Accept = "text/csv"))\nstop_for_status(answer)\nrows <- read.csv(text = content(answer, as = "text", encoding = "UTF-8"))\nprint(rows)`,
    "JavaScript (fetch)": `const url = new URL(${JSON.stringify(endpoint)});\nurl.searchParams.set("query", ${JSON.stringify(text)});\nconst answer = await fetch(url, { headers: { Accept: "application/sparql-results+json" } });\nconst { results } = await answer.json();\nconsole.table(results.bindings.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v.value]))));`,
  };
}

async function shortLink(text) {
  const response = await fetch("/sparql/links", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ query: text }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? `${response.status}`);
  return body.url;
}

/** Add the share link button and the code snippets below the editor's form. */
export function drawShare(form, editor) {
  const output = element("output", { class: "short-link", "aria-live": "polite" });
  const share = element("button", { type: "button", class: "secondary" }, "Short link");
  share.addEventListener("click", async () => {
    output.replaceChildren("Keeping the query …");
    try {
      const url = await shortLink(editor.text());
      const field = element("input", { type: "url", readonly: "", value: url, "aria-label": "Short link to this query" });
      output.replaceChildren(field);
      field.select();
      navigator.clipboard?.writeText(url).catch(() => {});
    } catch (error) {
      output.replaceChildren(`No short link: ${error.message}`);
    }
  });
  const code = element("pre", { class: "snippet" });
  const choices = element("div", { class: "tabs", role: "tablist", "aria-label": "Languages" });
  const show = (name) => {
    for (const tab of choices.children) tab.setAttribute("aria-selected", String(tab.dataset.language === name));
    code.textContent = snippets(editor.text(), new URL("/sparql", location.href).href)[name];
  };
  for (const name of Object.keys(snippets("", ""))) {
    const tab = element("button", { type: "button", role: "tab", "data-language": name }, name);
    tab.addEventListener("click", () => show(name));
    choices.append(tab);
  }
  const details = element("details", { class: "snippets" }, element("summary", {}, "Code for this query"), choices, code);
  details.addEventListener("toggle", () => details.open && show(choices.querySelector("[aria-selected=true]")?.dataset.language ?? "curl"));
  const actions = form.querySelector(".actions");
  actions?.insertBefore(output, actions.querySelector(".hint"));
  actions?.insertBefore(share, output);
  form.append(details);
}
