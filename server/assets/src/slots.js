// Where the cursor is in a triple pattern, for completion that fits the spot: a class after "a",
// a property in the predicate's place (those of the subject's class first), anything else after.

const RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const TOKEN = /<[^>\s]*>|[?$][\w]+|[A-Za-z][\w-]*:[\w.-]*|:[\w.-]*|[;.,{}()[\]]|[A-Za-z_][\w-]*|\S/gu;
const ENDS_PATTERN = new Set(["{", ".", "}", undefined]);

/** The query's code before the cursor, without comments and string contents. */
function code(text) {
  return text.replace(/#[^\n]*/gu, " ").replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/gu, '""');
}

function isTerm(token) {
  return token !== undefined && !/^[;.,{}()[\]]$/u.test(token) && !/^(a|SELECT|WHERE|FILTER|OPTIONAL|GRAPH|UNION|MINUS|BIND|VALUES)$/iu.test(token);
}

/** The subject of the pattern the cursor is in, walking back over ";"-separated predicates. */
function subjectOf(tokens) {
  let depth = 0;
  for (let i = tokens.length - 1; i >= 0; i -= 1) {
    const token = tokens[i];
    if (token === "]" || token === ")") depth += 1;
    else if (token === "[" || token === "(") depth -= 1;
    else if (depth === 0 && ENDS_PATTERN.has(token)) return tokens[i + 1];
  }
  return tokens[0];
}

/** The IRI a prefixed name or <IRI> stands for, with the query's declarations and our own. */
export function expand(name, declared, known) {
  if (name.startsWith("<")) return name.slice(1, -1);
  if (name === "a") return RDF_TYPE;
  const [prefix, local] = [name.slice(0, name.indexOf(":")), name.slice(name.indexOf(":") + 1)];
  const namespace = declared[prefix] ?? known[prefix];
  return namespace === undefined ? null : namespace + local;
}

/** The classes the query gives a subject (``?x a bd4m:Project``), as IRIs. */
function classesOf(subject, text, declared, known) {
  if (!subject) return [];
  const escaped = subject.replace(/[?$]/gu, "\\$&");
  const pattern = new RegExp(`${escaped}\\s+(?:a|rdf:type|<${RDF_TYPE}>)\\s+([A-Za-z][\\w-]*:[\\w.-]*|<[^>\\s]*>)`, "gu");
  return [...text.matchAll(pattern)].map((m) => expand(m[1], declared, known)).filter(Boolean);
}

/**
 * What fits where the word being completed starts: {slot: "class"}, {slot: "property", classes:
 * [the subject's classes]} or {slot: "any"}. ``before`` is the text up to that word.
 */
export function slotAt(before, whole, declared, known) {
  const tokens = code(before).match(TOKEN) ?? [];
  const previous = tokens.at(-1);
  if (previous === "a" || previous === "rdf:type" || previous === `<${RDF_TYPE}>`) return { slot: "class" };
  const inWhere = tokens.some((t) => t === "{");
  if (!inWhere) return { slot: "any" };
  const predicatePlace = previous === ";" || (isTerm(previous) && ENDS_PATTERN.has(tokens.at(-2)));
  if (!predicatePlace) return { slot: "any" };
  const subject = previous === ";" ? subjectOf(tokens.slice(0, -1)) : previous;
  return { slot: "property", classes: classesOf(subject, code(whole), declared, known) };
}
