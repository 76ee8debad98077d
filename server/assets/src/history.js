// The queries run from this browser, newest first, kept in its own storage (never sent anywhere).

import { element } from "./table.js";

const KEY = "bd4m-kg.query-history";
const KEPT = 50;

function read() {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? "[]");
  } catch {
    return [];
  }
}

/** Keep ``text`` as the newest query (once: running it again moves it to the top). */
export function remember(text) {
  const kept = [{ text, time: new Date().toISOString() }, ...read().filter((entry) => entry.text !== text)];
  try {
    localStorage.setItem(KEY, JSON.stringify(kept.slice(0, KEPT)));
  } catch {
    /* storage full or refused: the history is a convenience */
  }
}

function firstLine(text) {
  const line = text.split("\n").find((l) => l.trim() && !/^\s*(PREFIX|BASE)\b/iu.test(l)) ?? text;
  return line.trim().slice(0, 90);
}

/** Draw (or redraw) the history list; the first call puts it at the end of ``form``. */
export function drawHistory(list, editor, form) {
  let box = list;
  if (!box) {
    box = element("ol", { class: "history-list" });
    const details = element("details", { class: "history" }, element("summary", {}, "Your recent queries"), box);
    form.append(details);
  }
  const entries = read();
  box.replaceChildren(
    ...(entries.length
      ? entries.map((entry) => {
          const button = element("button", { type: "button", title: entry.text }, firstLine(entry.text));
          button.addEventListener("click", () => editor.setText(entry.text));
          return element("li", {}, button, element("time", { datetime: entry.time }, entry.time.slice(0, 16).replace("T", " ")));
        })
      : [element("li", {}, "Queries you run are listed here, in this browser only.")]),
  );
  return box;
}
