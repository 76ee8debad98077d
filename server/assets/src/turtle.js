// A graph answer read from N-Triples and written back as Turtle with our prefixes (N3.js).

import { Parser, Writer } from "n3";

/** The triples of an N-Triples text. */
export function triplesOf(text) {
  return new Parser({ format: "N-Triples" }).parse(text);
}

/** Readable Turtle of ``triples``: subjects grouped, prefixes declared for the namespaces used. */
export function turtleOf(triples, prefixes) {
  const used = Object.fromEntries(
    Object.entries(prefixes).filter(([, namespace]) =>
      triples.some((t) => [t.subject, t.predicate, t.object].some((term) => term.value.startsWith(namespace))),
    ),
  );
  const writer = new Writer({ prefixes: used });
  const sorted = [...triples].sort((a, b) => (a.subject.value < b.subject.value ? -1 : a.subject.value > b.subject.value ? 1 : 0));
  writer.addQuads(sorted);
  let written = "";
  writer.end((error, result) => {
    written = error ? `# ${error.message}` : result;
  });
  return written;
}
