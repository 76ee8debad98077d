// Curator actions on a record's history page: roll back to a version, retire the record.
// Shown only when this tab holds a token (given on /curate); sent as "Authorization: Bearer".
"use strict";

const token = sessionStorage.getItem("bd4m-token");
const panel = document.getElementById("curator-actions");
const record = panel.dataset.record;

function say(text, bad) {
  const line = document.createElement("p");
  line.className = bad ? "outcome bad" : "outcome";
  line.textContent = text;
  document.getElementById("outcome").replaceChildren(line);
}

async function act(action, payload) {
  const response = await fetch(`/curate/records/${record}/${action}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(payload),
  });
  const data = await response.json().catch(() => ({}));
  if (response.ok) {
    say(`Published as generation ${data.generation}. Reloading…`, false);
    setTimeout(() => window.location.reload(), 800);
  } else {
    say(data.error || `The server answered ${response.status}.`, true);
  }
}

async function showCuratorNames() {
  const response = await fetch(window.location.pathname, {
    headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
  });
  if (!response.ok) return;
  const data = await response.json();
  for (const version of data.versions) {
    const code = document.querySelector(`#generation-${version.generation} code.curator`);
    if (code && version.curator_name) {
      code.textContent = version.curator_name;
      code.title = "the curator's name, shown to curators";
    }
  }
}

if (token) {
  panel.hidden = false;
  showCuratorNames();
  const versions = document.querySelectorAll("section.version");
  versions.forEach((section, index) => {
    if (index === 0) return; // the live version
    const button = document.createElement("button");
    button.type = "button";
    button.className = "rollback secondary";
    button.textContent = "Roll back to this version";
    button.addEventListener("click", () => act("rollback", { generation: Number(section.dataset.generation) }));
    section.querySelector("h2").after(button);
  });
  document.getElementById("retire").addEventListener("click", () => {
    const into = document.getElementById("retire-into").value.trim();
    act("retire", { reason: document.getElementById("retire-reason").value, replaced_by: into || null });
  });
}
