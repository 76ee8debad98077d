// The SPARQL editor: CodeMirror 6 with the SPARQL mode, completion from our own terms, PREFIX
// declarations added as prefixed names are used, Ctrl/Cmd+Enter to run, the engine's error marked.

import { autocompletion, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { bracketMatching, StreamLanguage, syntaxHighlighting, defaultHighlightStyle } from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { EditorView, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";
import { slotAt } from "./slots.js";

const THEME = EditorView.theme({
  "&": { border: "1px solid #d9d4c7", borderRadius: "6px", background: "#fff", fontSize: "14px" },
  "&.cm-focused": { outline: "2px solid #0b6e99", outlineOffset: "1px" },
  ".cm-scroller": { fontFamily: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace', lineHeight: "1.45", minHeight: "18rem", maxHeight: "34rem" },
  ".cm-gutters": { background: "#f7f5ef", borderRight: "1px solid #e6e1d6", color: "#8a8577" },
  ".cm-tooltip-autocomplete ul li": { fontFamily: "ui-monospace, Menlo, Consolas, monospace" },
  ".cm-completionDetail": { marginLeft: "0.8em", color: "#6b675c", fontStyle: "normal" },
  ".cm-tooltip-autocomplete ul li[aria-selected] .cm-completionDetail": { color: "#e6eef6" },
});
const NAME = /[A-Za-z][\w-]*:[\w.-]*$|[A-Za-z][\w-]*$/u;

/** The prefixes a query declares, as {prefix: namespace}. */
export function declaredPrefixes(text) {
  const found = {};
  for (const match of text.matchAll(/PREFIX\s+([\w-]*):\s*<([^>]*)>/giu)) found[match[1]] = match[2];
  return found;
}

/** The prefixes a query uses in prefixed names, outside IRIs, strings and comments. */
export function usedPrefixes(text) {
  const code = text
    .replace(/#[^\n]*/gu, "")
    .replace(/<[^>\s]*>/gu, "")
    .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/gu, "")
    .replace(/PREFIX\s+[\w-]*:/giu, "");
  return new Set([...code.matchAll(/(?<![\w:?$])([A-Za-z][\w-]*):(?!\/\/)/gu)].map((m) => m[1]));
}

/** The changes that declare every known prefix the query uses but does not declare. */
function missingDeclarations(state, prefixes) {
  const text = state.doc.toString();
  const declared = declaredPrefixes(text);
  const missing = [...usedPrefixes(text)].filter((p) => prefixes[p] && !(p in declared)).sort();
  if (!missing.length) return null;
  const lines = missing.map((p) => `PREFIX ${p}: <${prefixes[p]}>\n`).join("");
  const last = [...text.matchAll(/^\s*PREFIX[^\n]*\n/gimu)].at(-1);
  const at = last ? last.index + last[0].length : 0;
  return { from: at, insert: lines };
}

function completeFrom(terms) {
  const prefixes = Object.entries(terms.prefixes).map(([prefix, namespace]) => ({
    label: `${prefix}:`,
    type: "namespace",
    detail: namespace,
    boost: 1,
  }));
  const byKind = { class: [], property: [], concept: [] };
  for (const term of terms.list) {
    const name = terms.prefixed(term.iri);
    if (!name) continue;
    const type = term.kind === "class" ? "class" : term.kind === "property" ? "property" : "constant";
    const boost = term.kind === "concept" ? -1 : 0;
    const found = byKind[term.kind];
    found.push({ label: name, type, detail: term.label ?? term.kind, info: term.comment, boost, iri: term.iri });
    // A term is found by its label too: "Ethiopia" completes to country:et.
    if (term.label) found.push({ label: term.label, apply: name, type, detail: name, info: term.comment, boost: boost - 1, iri: term.iri });
  }
  const everything = [...prefixes, ...byKind.class, ...byKind.property, ...byKind.concept];
  return (context) => {
    const word = context.matchBefore(NAME);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    const text = context.state.doc.toString();
    const where = slotAt(text.slice(0, word.from), text, declaredPrefixes(text), terms.prefixes);
    let options = everything;
    if (where.slot === "class") options = [...prefixes, ...byKind.class];
    if (where.slot === "property") {
      // The subject's classes use these properties in the graph (VoID partitions): offer them first.
      const used = new Set(where.classes.flatMap((iri) => terms.links[iri] ?? []));
      options = [...prefixes, ...byKind.property.map((o) => (used.has(o.iri) ? { ...o, boost: o.boost + 10 } : o))];
    }
    return { from: word.from, options, validFor: /^[\w:.-]*$/u };
  };
}

/** Mount the editor in place of ``textarea`` (kept in sync, so the plain form still submits). */
export function mountEditor(textarea, terms, run) {
  const prefixes = terms.prefixes;
  // Typing, pasting or completing a prefixed name declares its prefix in the same transaction.
  const declareUsed = EditorState.transactionFilter.of((transaction) => {
    if (!transaction.docChanged || !(transaction.isUserEvent("input") || transaction.isUserEvent("paste")))
      return transaction;
    const change = missingDeclarations(transaction.state, prefixes);
    return change ? [transaction, { changes: change, sequential: true }] : transaction;
  });
  const sync = EditorView.updateListener.of((update) => {
    if (update.docChanged) textarea.value = update.state.doc.toString();
  });
  // In a shadow root CodeMirror adopts its style sheets instead of writing <style> elements,
  // which the page's Content-Security-Policy (style-src 'self') refuses.
  const host = document.createElement("div");
  host.className = "editor-host";
  textarea.before(host);
  const root = host.attachShadow({ mode: "open" });
  const view = new EditorView({
    root,
    parent: root,
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        lineNumbers(),
        history(),
        bracketMatching(),
        highlightActiveLine(),
        StreamLanguage.define(sparql),
        syntaxHighlighting(defaultHighlightStyle),
        autocompletion({ override: [completeFrom(terms)], icons: true }),
        lintGutter(),
        keymap.of([
          { key: "Mod-Enter", run: () => (run(), true) },
          ...completionKeymap,
          ...defaultKeymap,
          ...historyKeymap,
        ]),
        EditorView.lineWrapping,
        THEME,
        EditorView.contentAttributes.of({ "aria-label": "SPARQL query", spellcheck: "false" }),
        declareUsed,
        sync,
      ],
    }),
  });
  textarea.hidden = true;
  return {
    view,
    text: () => view.state.doc.toString(),
    setText(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    /** Mark the engine's syntax error at its line and column (1-based), or clear the marks. */
    markError(problem) {
      if (!problem) return view.dispatch(setDiagnostics(view.state, []));
      const doc = view.state.doc;
      const line = doc.line(Math.min(Math.max(problem.line, 1), doc.lines));
      const at = Math.min(line.from + Math.max(problem.column - 1, 0), line.to);
      // A mark needs one character: the one at the column, else (at the end) the one before it.
      const [from, to] = at < line.to ? [at, at + 1] : [Math.max(line.from, at - 1), at];
      view.dispatch(setDiagnostics(view.state, [{ from, to, severity: "error", message: problem.message }]));
    },
  };
}
