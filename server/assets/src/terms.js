// The graph's own terms, fetched once from /sparql/completions: prefixes, classes, properties, concepts.
// Completion, prefixed names in tables, the map's regions and the named-query forms all read them.

let loaded = null;

/** The completion list of this server (one request per page). */
export function loadTerms() {
  loaded ??= fetch("/sparql/completions", { headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : { prefixes: {}, terms: [] }))
    .catch(() => ({ prefixes: {}, terms: [] }))
    .then((data) => new Terms(data));
  return loaded;
}

export class Terms {
  constructor({ prefixes, terms, links = {} }) {
    this.prefixes = prefixes;
    this.list = terms;
    this.links = links; // class IRI -> the properties its instances have in the graph
    this.byIri = new Map(terms.map((term) => [term.iri, term]));
    // Longest namespace first, so project: wins over a shorter namespace it starts with.
    this.namespaces = Object.entries(prefixes).sort((a, b) => b[1].length - a[1].length);
  }

  /** "bd4m:Project" for an IRI in a known namespace, else null. */
  prefixed(iri) {
    for (const [prefix, namespace] of this.namespaces) {
      if (iri.startsWith(namespace)) {
        const local = iri.slice(namespace.length);
        if (/^[\w.-]*$/u.test(local) && !local.endsWith(".")) return `${prefix}:${local}`;
      }
    }
    return null;
  }

  /** How a person reads an IRI: its prefixed name, for a part of a record ``project:x#lead-y``, else the IRI. */
  shortName(iri) {
    const name = this.prefixed(iri);
    if (name) return name;
    const [whole, fragment] = iri.split("#", 2);
    const record = fragment === undefined ? null : this.prefixed(whole);
    return record ? `${record}#${fragment}` : iri;
  }

  /** A term's label, if the graph gives one. */
  label(iri) {
    return this.byIri.get(iri)?.label ?? null;
  }

  /** The concepts of a scheme (e.g. https://w3id.org/bd4m/vocab/region). */
  conceptsOf(scheme) {
    return this.list.filter((term) => term.kind === "concept" && term.scheme === scheme);
  }
}

/** Where a person reads about an IRI: ours on this host (it dereferences), any other as it is. */
export function pageOf(iri, base) {
  return base && iri.startsWith(base) ? `/${iri.slice(base.length)}` : iri;
}
