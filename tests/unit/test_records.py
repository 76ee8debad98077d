"""The records of data/: one file a record, IRIs as designed, sources everywhere, links that resolve."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS, PROV

from bd4m_kg.layout import knowledge_files, project_root
from bd4m_kg.rdf.namespaces import BD4M, ID, VOCAB

DATA_FILES = [f for f in knowledge_files(parts=("data",))]


def record_iri(path: Path) -> URIRef:
    kind, slug = path.relative_to(project_root() / "data").with_suffix("").parts
    return ID[f"{kind}/{slug}"]


@pytest.fixture(scope="module")
def records() -> dict[Path, Graph]:
    return {f.path: Graph().parse(f.path, format="turtle") for f in DATA_FILES}


def test_the_directory_is_all_there():
    kinds = [f.path.parent.name for f in DATA_FILES]
    # the fact sheet's 56 rows and 18 collaboratives, and the records read from the leads (issue 22)
    assert kinds.count("project") == 95
    assert kinds.count("collaborative") == 25
    assert kinds.count("studio") == 5
    assert kinds.count("organisation") >= 120
    assert kinds.count("catalogue") == 1


def test_each_file_holds_one_record_and_its_own_nodes(records):
    for path, graph in records.items():
        record = record_iri(path)
        assert (record, RDF.type, None) in graph, path
        for subject in set(graph.subjects()):
            assert subject == record or str(subject).startswith(f"{record}#"), (path, subject)


def test_each_record_has_a_name_and_a_source(records):
    for path, graph in records.items():
        record = record_iri(path)
        assert graph.value(record, RDFS.label) is not None, path
        sources = list(graph.objects(record, DCTERMS.source))
        assert all(str(s).startswith(("https://", "http://")) for s in sources), path
        # a Studio known only from a document without a public address cites it by title instead
        cited = path.parent.name == "studio" and graph.value(record, DCTERMS.bibliographicCitation)
        assert sources or cited, path


def test_every_link_to_a_record_or_concept_resolves(data_graph, vocab_graph):
    records = {record_iri(f.path) for f in DATA_FILES}
    concepts = set(vocab_graph.subjects())
    for obj in set(data_graph.objects()):
        if not isinstance(obj, URIRef):
            continue
        if obj.startswith(str(ID)) and "#" not in obj:
            assert obj in records, obj
        elif obj.startswith(str(VOCAB)):
            assert obj in concepts, obj


def test_involvement_iris_name_their_role_and_organisation(data_graph):
    involvements = list(data_graph.subjects(RDF.type, BD4M.Involvement))
    assert len(involvements) > 150
    for involvement in involvements:
        role = str(data_graph.value(involvement, PROV.hadRole)).rsplit("/", 1)[1]
        organisation = str(data_graph.value(involvement, PROV.agent)).rsplit("/", 1)[1]
        assert str(involvement).endswith(f"#{role}-{organisation}"), involvement
        assert (None, BD4M.involvement, involvement) in data_graph


def test_the_directory_listing_is_stated_only_for_confirmed_rows(data_graph):
    listed = set(data_graph.subjects(BD4M.listedIn, ID["catalogue/data-innovation-directory"]))
    # rows 1, 5, 23, 24, 26, 28, 29 of the fact sheet and the DID pages read for issue 22
    # (leads 1, 2, 3, 6, the Global Mobilities Database page and the DID's two Yahoo! pages)
    assert len(listed) == 14


def test_inferred_classifications_say_where_they_come_from(data_graph):
    inferred = set(data_graph.subjects(BD4M.evidence, VOCAB["evidence/inferred"]))
    assert len(inferred) >= 14
    for node in inferred:
        record = URIRef(str(node).split("#", 1)[0])
        assert data_graph.value(record, DCTERMS.source) is not None, node
