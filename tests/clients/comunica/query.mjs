// Runs one SPARQL query with Comunica over a Triple Pattern Fragments interface and prints the
// answer as SPARQL JSON results, with the time taken and the number of HTTP requests made, on stdout:
//   node query.mjs FRAGMENTS_URL QUERY_FILE
// Run by tests/http/test_fragments.py, which compares the answer with /sparql's.
import { readFileSync } from 'node:fs';
import { QueryEngine } from '@comunica/query-sparql';

const [source, queryFile] = process.argv.slice(2);
const query = readFileSync(queryFile, 'utf8');
let requests = 0;
const counting = (input, init) => {
  requests += 1;
  return fetch(input, init);
};

function term(value) {
  if (value.termType === 'NamedNode') return { type: 'uri', value: value.value };
  if (value.termType === 'BlankNode') return { type: 'bnode', value: value.value };
  const literal = { type: 'literal', value: value.value };
  if (value.language) literal['xml:lang'] = value.language;
  else if (value.datatype && value.datatype.value !== 'http://www.w3.org/2001/XMLSchema#string') {
    literal.datatype = value.datatype.value;
  }
  return literal;
}

const started = performance.now();
const engine = new QueryEngine();
const stream = await engine.queryBindings(query, {
  sources: [source], // a plain URL: Comunica finds the TPF form in the page's Hydra controls
  fetch: counting,
  lenient: false,
});
const bindings = [];
for (const row of await stream.toArray()) {
  const binding = {};
  for (const [variable, value] of row) binding[variable.value] = term(value);
  bindings.push(binding);
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(JSON.stringify({ results: { bindings }, seconds, requests }));
