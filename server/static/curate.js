// The /curate page's inbox: submit, list, review (report, diff, preview), publish and reject.
// The token lives in this tab's sessionStorage and goes out as "Authorization: Bearer"; every
// value from the server is shown as text, never as markup.
"use strict";

const TOKEN_KEY = "bd4m-token";
const byId = (id) => document.getElementById(id);

function el(tag, properties = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, properties);
  for (const child of children) node.append(child);
  return node;
}

async function api(method, path, body = null, type = null) {
  const headers = { Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) || ""}`, Accept: "application/json" };
  if (type) headers["Content-Type"] = type;
  const response = await fetch(path, { method, headers, body });
  let data = {};
  try {
    data = await response.json();
  } catch (error) {
    data = { error: `the server answered ${response.status}` };
  }
  return { status: response.status, data };
}

function problems(report) {
  if (!report) return el("p", { textContent: "Not validated yet." });
  if (report.error) return el("p", { className: "problem violation" }, el("strong", { textContent: "Unreadable " }), report.error);
  if (!report.problems.length) return el("p", { textContent: "Conforms: no problems found." });
  const list = el("ul", { className: "problems" });
  for (const p of report.problems) {
    const where = p.line ? `line ${p.line}` : p.pointer || "line unknown";
    list.append(el("li", { className: `problem ${p.severity.toLowerCase()}` },
      el("strong", { textContent: p.severity }), ` ${where}: ${p.message}`));
  }
  return list;
}

function diffBlock(diff) {
  const block = el("div");
  for (const [graph, change] of Object.entries(diff || {})) {
    const pre = el("pre", { className: "diff" });
    for (const line of change.removed) pre.append(el("span", { className: "removed", textContent: `- ${line}` }));
    for (const line of change.added) pre.append(el("span", { className: "added", textContent: `+ ${line}` }));
    if (!change.removed.length && !change.added.length) pre.append("No change.");
    block.append(el("h4", { textContent: graph }), pre);
  }
  return block;
}

async function refresh() {
  const { status, data } = await api("GET", "/curate/submissions");
  const who = byId("who");
  if (status !== 200) {
    who.textContent = data.error || `The server answered ${status}.`;
    byId("inbox").hidden = true;
    return;
  }
  who.textContent = `Signed in as ${data.you.name} (${data.you.role}).`;
  document.body.dataset.role = data.you.role;
  byId("inbox").hidden = false;
  const rows = byId("submission-list").querySelector("tbody");
  rows.replaceChildren();
  for (const s of data.submissions) {
    const button = el("button", { type: "button", textContent: "Review", className: "secondary" });
    button.addEventListener("click", () => review(s.id));
    rows.append(el("tr", { id: `submission-${s.id}` },
      el("td", { textContent: s.id }), el("td", { className: `state ${s.state}`, textContent: s.state }),
      el("td", { textContent: s.submitter }), el("td", { textContent: s.received.slice(0, 16).replace("T", " ") }),
      el("td", { textContent: s.filename }), el("td", {}, button)));
  }
}

async function review(id) {
  const panel = byId("review");
  const { status, data } = await api("GET", `/curate/submissions/${id}`);
  panel.hidden = false;
  if (status !== 200) {
    panel.replaceChildren(el("p", { className: "outcome bad", textContent: data.error }));
    return;
  }
  panel.replaceChildren(
    el("h3", {}, `Submission ${data.id}: `, el("span", { className: `state ${data.state}`, textContent: data.state })),
    el("p", { className: "meta", textContent: `From ${data.submitter}, ${data.received}, ${data.filename}, sha256 ${data.checksum}` }),
  );
  if (data.reason) panel.append(el("p", { textContent: `Reason: ${data.reason}` }));
  panel.append(el("h4", { textContent: "Report" }), problems(data.report));
  if (data.diff) {
    const changed = Object.keys(data.changed_since_submitted || {});
    if (changed.length) panel.append(el("p", { className: "outcome bad", textContent: `Changed since it was submitted: ${changed.join(", ")}` }));
    panel.append(el("h4", { textContent: "Changes to the live records" }), diffBlock(data.diff));
  }
  const actions = el("div", { className: "actions" });
  for (const href of data.previews || []) {
    const button = el("button", { type: "button", className: "secondary", textContent: `Preview ${href.split("/preview/")[1]}` });
    button.addEventListener("click", () => preview(href));
    actions.append(button);
  }
  const curator = ["curator", "admin"].includes(document.body.dataset.role);
  if (curator && ["valid", "invalid"].includes(data.state)) {
    const publish = el("button", { type: "button", id: "publish", textContent: "Publish" });
    publish.addEventListener("click", () => decide(id, "publish"));
    const reason = el("input", { id: "reason", placeholder: "Reason for rejecting (the submitter reads it)" });
    const reject = el("button", { type: "button", id: "reject", className: "secondary", textContent: "Reject" });
    reject.addEventListener("click", () => decide(id, "reject", reason.value));
    actions.append(publish, reason, reject);
  }
  panel.append(actions, el("div", { id: "outcome", ariaLive: "polite" }));
}

async function preview(href) {
  const response = await fetch(href, { headers: { Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY)}`, Accept: "text/html" } });
  const frame = el("iframe", { className: "preview", title: "Preview of the record" });
  frame.setAttribute("sandbox", "");
  frame.srcdoc = await response.text();
  const old = byId("review").querySelector("iframe.preview");
  if (old) old.replaceWith(frame); else byId("review").append(frame);
}

async function decide(id, action, reason = "") {
  const body = action === "reject" ? JSON.stringify({ reason }) : null;
  const { status, data } = await api("POST", `/curate/submissions/${id}/${action}`, body, body ? "application/json" : null);
  let message;
  if (status === 200) message = action === "publish" ? `Published as generation ${data.generation}.` : "Rejected.";
  else message = data.error || `The server answered ${status}.`;
  await refresh();
  await review(id);
  const outcome = byId("outcome");
  outcome.replaceChildren(el("p", { className: status === 200 ? "outcome" : "outcome bad", textContent: message }));
  if (status === 422) outcome.append(problems(data.report));
  if (status === 409 && data.diff) outcome.append(diffBlock(data.diff));
}

byId("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, byId("token").value.trim());
  byId("token").value = "";
  refresh();
});

byId("submit-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const { status, data } = await api("POST", "/curate/submissions", byId("submit-data").value, byId("submit-format").value);
  const result = byId("submit-result");
  if (status === 201) {
    result.replaceChildren(el("p", { className: data.state === "valid" ? "outcome" : "outcome bad", textContent: `Submission ${data.id} is ${data.state}.` }), problems(data.report));
  } else {
    result.replaceChildren(el("p", { className: "outcome bad", textContent: data.error || `The server answered ${status}.` }));
  }
  refresh();
});

if (sessionStorage.getItem(TOKEN_KEY)) refresh();
