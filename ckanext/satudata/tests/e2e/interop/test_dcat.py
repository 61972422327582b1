"""DCAT-AP 3 with the Kutai Timur fields: per-field graph assertions, the round
trip, public-only catalogue endpoints (every format, paged)."""
from __future__ import annotations

import pytest
from ckan.tests import helpers
from ckanext.dcat.processors import RDFParser, RDFSerializer
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from ckanext.satudata import reference
from ckanext.satudata.rdf import EU_FREQUENCY, FREQUENCY, SATUDATA, frekuensi_for
from ckanext.satudata.tests.conftest import ctx

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
FOAF = "http://xmlns.com/foaf/0.1/"
HYDRA = "http://www.w3.org/ns/hydra/core#"
FORMATS = {"ttl": "turtle", "rdf": "xml", "xml": "xml", "jsonld": "json-ld"}


def u(namespace: str, term: str) -> URIRef:
    return URIRef(namespace + term)


@pytest.fixture
def full_dataset(make_dataset, portal):
    """A public priority dataset with every field filled in, in a Tematik."""
    helpers.call_action("group_create", ctx(portal.sysadmin), name="kesehatan", title="Kesehatan")
    dataset = make_dataset("approved", prioritas=True, title="Jumlah Puskesmas per Kecamatan",
                           notes="Puskesmas rawat inap dan non rawat inap.", tag_string="kesehatan,puskesmas",
                           sumber="Profil Kesehatan Dinas Kesehatan", frekuensi="triwulanan",
                           level_penyajian="kecamatan", tahun=2025, cakupan="64.08.04",
                           rujukan=["https://sirusa.bps.go.id/puskesmas", "https://kutaitimurkab.go.id/a"])
    helpers.call_action("member_create", ctx(portal.sysadmin), id="kesehatan", object=dataset["id"],
                        object_type="package", capacity="public")
    return helpers.call_action("package_show", {"ignore_auth": True}, id=dataset["id"])


def _graph(app, url: str, fmt: str = "turtle") -> Graph:
    response = app.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return Graph().parse(data=response.get_data(as_text=True), format=fmt)


def _dataset_ref(g: Graph) -> URIRef:
    refs = list(g.subjects(RDF.type, u(DCAT, "Dataset")))
    assert len(refs) == 1, refs
    return refs[0]


def _one(g: Graph, subject, predicate):
    values = list(g.objects(subject, predicate))
    assert len(values) == 1, (predicate, values)
    return values[0]


# Each field of schemas/dataset.yaml and how it shows in the dataset's RDF.
def _title(g, ds, d):
    assert str(_one(g, ds, u(DCT, "title"))) == d["title"]


def _name(g, ds, d):
    assert str(_one(g, ds, u(DCAT, "landingPage"))).endswith(f"/dataset/{d['name']}")


def _notes(g, ds, d):
    assert str(_one(g, ds, u(DCT, "description"))) == d["notes"]


def _tags(g, ds, d):
    assert {str(k) for k in g.objects(ds, u(DCAT, "keyword"))} == {"kesehatan", "puskesmas"}


def _license(g, ds, d):
    licence = _one(g, ds, u(DCT, "license"))
    assert str(licence) == d["license_url"]
    assert str(_one(g, licence, u(DCT, "identifier"))) == "cc-by"
    for distribution in g.objects(ds, u(DCAT, "distribution")):
        assert (distribution, u(DCT, "license"), licence) in g


def _publisher(g, ds, d):
    agent = _one(g, ds, u(DCT, "publisher"))
    assert (agent, RDF.type, u(FOAF, "Agent")) in g
    assert str(_one(g, agent, u(FOAF, "name"))) == "Dinkes"
    assert str(_one(g, agent, SKOS.notation)) == "dinkes"


def _private(g, ds, d):
    assert str(_one(g, ds, u(DCT, "accessRights"))).endswith("/access-right/PUBLIC")


def _sumber(g, ds, d):
    assert _one(g, ds, u(DCT, "source")) == Literal("Profil Kesehatan Dinas Kesehatan")


def _contact(g, ds, d):
    contact = _one(g, ds, u(DCAT, "contactPoint"))
    assert str(_one(g, contact, u(VCARD, "fn"))) == "Bidang Statistik"
    assert str(_one(g, contact, u(VCARD, "hasEmail"))) == "mailto:statistik@kutaitimurkab.go.id"


def _frekuensi(g, ds, d):
    frequency = _one(g, ds, u(DCT, "accrualPeriodicity"))
    assert frequency == EU_FREQUENCY.QUARTERLY
    assert (frequency, RDF.type, u(DCT, "Frequency")) in g


def _level(g, ds, d):
    level = _one(g, ds, SATUDATA.presentationLevel)
    assert str(_one(g, level, SKOS.notation)) == "kecamatan"
    assert {(str(label), label.language) for label in g.objects(level, SKOS.prefLabel)} == \
        {("Kecamatan", "id"), ("District (kecamatan)", "en")}
    assert str(_one(g, level, SATUDATA.codeFormat)) == "PP.KK.CC"


def _tahun(g, ds, d):
    period = _one(g, ds, u(DCT, "temporal"))
    assert (period, RDF.type, u(DCT, "PeriodOfTime")) in g
    assert _one(g, period, u(DCAT, "startDate")) == Literal("2025", datatype=XSD.gYear)
    assert _one(g, period, u(DCAT, "endDate")) == Literal("2025", datatype=XSD.gYear)


def _cakupan(g, ds, d):
    area = _one(g, ds, u(DCT, "spatial"))
    assert (area, RDF.type, u(DCT, "Location")) in g
    assert str(_one(g, area, SKOS.notation)) == "64.08.04"
    assert _one(g, area, SKOS.prefLabel) == Literal("Kecamatan Sangatta Utara", lang="id")


def _rujukan(g, ds, d):
    assert {str(r) for r in g.objects(ds, u(DCT, "references"))} == set(d["rujukan"])


def _prioritas(g, ds, d):
    assert _one(g, ds, SATUDATA.priorityData) == Literal(True, datatype=XSD.boolean)


def _groups(g, ds, d):
    theme = _one(g, ds, u(DCAT, "theme"))
    assert str(theme).endswith("/group/kesehatan")
    assert _one(g, theme, SKOS.prefLabel) == Literal("Kesehatan", lang="id")


def _workflow(predicate, field, public=None):
    """``public``: the public RDF names a role there, never the username."""
    def check(g, ds, d):
        value = _one(g, ds, predicate)
        if field == "approval_checks":
            import json
            assert json.loads(str(value)) == d[field]
        elif field.endswith("_role"):
            assert value == SATUDATA[f"role-{d[field]}"]
        elif public:
            assert str(value).startswith(public) and str(value) != str(d[field])
        else:
            assert str(value) == str(d[field])
    return check


FIELD_CHECKS = {
    "title": _title, "name": _name, "notes": _notes, "tag_string": _tags, "license_id": _license,
    "owner_org": _publisher, "private": _private, "sumber": _sumber, "maintainer": _contact,
    "maintainer_email": _contact, "frekuensi": _frekuensi, "level_penyajian": _level, "tahun": _tahun,
    "cakupan": _cakupan, "rujukan": _rujukan, "prioritas": _prioritas,
    "approval_status": _workflow(SATUDATA.verificationStatus, "approval_status"),
    "approval_by": _workflow(SATUDATA.verifiedBy, "approval_by", public="Pembina Data"),  # priority data
    "approval_at": _workflow(SATUDATA.verifiedAt, "approval_at"),
    "approval_submitted_by": _workflow(SATUDATA.submittedBy, "approval_submitted_by", public="Produsen Data "),
    "approval_submitted_at": _workflow(SATUDATA.submittedAt, "approval_submitted_at"),
    "approval_by_role": _workflow(SATUDATA.verifierRole, "approval_by_role"),
    "approval_submitted_by_role": _workflow(SATUDATA.submitterRole, "approval_submitted_by_role"),
    "approval_checks": _workflow(SATUDATA.validationResults, "approval_checks"),
}


def test_every_field_of_the_schema_has_its_rdf_mapping():
    schema_fields = {f["field_name"] for f in reference._load("dataset.yaml")["dataset_fields"]}
    # A note and a change mark exist only after a note or an edit: tested below.
    mapped = set(FIELD_CHECKS) | {"approval_note", "approval_changed_after"}
    assert schema_fields == mapped, "map every new schema field to RDF in rdf.py and here"


def test_dataset_rdf_carries_each_kutai_timur_field(app, full_dataset):
    g = _graph(app, f"/dataset/{full_dataset['name']}.ttl")
    failures = {}
    for field, check in sorted(FIELD_CHECKS.items()):
        try:
            check(g, _dataset_ref(g), full_dataset)
        except AssertionError as e:
            failures[field] = str(e) or repr(e)
    assert not failures, failures


@pytest.mark.ckan_config("ckanext.satudata.approval.on_edit", "keep")
def test_dataset_rdf_carries_the_verification_note_and_the_change_mark(app, make_dataset, portal):
    """Without revisions an edit of verified data is published at once and marked."""
    dataset = make_dataset("pending")
    helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"], note="Diperiksa")
    helpers.call_action("package_patch", ctx(portal.editor), id=dataset["id"], notes="Deskripsi baru")
    shown = helpers.call_action("package_show", {"ignore_auth": True}, id=dataset["id"])
    g = _graph(app, f"/dataset/{dataset['name']}.ttl")
    ds = _dataset_ref(g)
    assert str(_one(g, ds, SATUDATA.verificationNote)) == "Diperiksa"
    assert str(_one(g, ds, SATUDATA.changedAfterVerification)) == shown["approval_changed_after"]


def test_every_frequency_choice_has_its_eu_frequency():
    assert set(FREQUENCY) == set(reference.choice_values("frekuensi"))
    assert len(set(FREQUENCY.values())) == len(FREQUENCY), "one to one, so it parses back"
    for value, code in FREQUENCY.items():
        assert frekuensi_for(str(EU_FREQUENCY[code])) == value
    assert frekuensi_for(str(EU_FREQUENCY.MONTHLY_2)) == "bulanan"   # other portals' nearest


def test_round_trip_gives_back_every_field_in_every_format(app, full_dataset):
    for fmt in FORMATS:
        _check_round_trip(app, full_dataset, fmt)


def _check_round_trip(app, full_dataset, fmt):
    data = app.get(f"/dataset/{full_dataset['name']}.{fmt}").get_data(as_text=True)
    parser = RDFParser()
    parser.parse(data, _format=FORMATS[fmt])
    [parsed] = list(parser.datasets())
    for field in ("title", "name", "notes", "license_id", "owner_org", "private", "sumber", "maintainer",
                  "maintainer_email", "frekuensi", "level_penyajian", "tahun", "cakupan", "prioritas",
                  "approval_status", "approval_at", "approval_submitted_at", "approval_checks",
                  "approval_by_role", "approval_submitted_by_role"):
        assert parsed[field] == full_dataset[field], (fmt, field)
    # People are roles in the public RDF (hardening finding 3).
    assert parsed["approval_by"] == "Pembina Data"  # priority data: the Pembina approved last
    assert parsed["approval_submitted_by"].startswith("Produsen Data ")
    assert sorted(parsed["rujukan"]) == sorted(full_dataset["rujukan"])
    assert sorted(t["name"] for t in parsed["tags"]) == sorted(t["name"] for t in full_dataset["tags"])
    assert [g["name"] for g in parsed["groups"]] == ["kesehatan"]
    assert [r["url"] for r in parsed["resources"]] == [r["url"] for r in full_dataset["resources"]]


def test_round_trip_through_the_serializer_in_code(full_dataset):
    serializer = RDFSerializer()
    serializer.graph_from_dataset(full_dataset)
    parser = RDFParser()
    parser.g = serializer.g
    [parsed] = list(parser.datasets())
    assert {k: parsed[k] for k in ("cakupan", "tahun", "frekuensi", "level_penyajian", "sumber")} == \
        {k: full_dataset[k] for k in ("cakupan", "tahun", "frekuensi", "level_penyajian", "sumber")}



def test_turtle_is_written_byte_for_byte_as_rdflib_writes_it(app, full_dataset, make_dataset):
    """The portal writes Turtle with its own serializer (``rdf.TurtleSerializer``,
    faster on catalogue pages): the same bytes as rdflib's, for a catalogue with
    datasets, distributions, Tematik, a period, an area and the workflow fields."""
    import io

    from rdflib.plugin import get
    from rdflib.plugins.serializers.turtle import TurtleSerializer as RdflibTurtle
    from rdflib.serializer import Serializer

    from ckanext.satudata.rdf import TurtleSerializer
    assert get("turtle", Serializer) is TurtleSerializer and get("ttl", Serializer) is TurtleSerializer
    second = make_dataset("approved", title="Jumlah Sekolah", rujukan=["https://kutaitimurkab.go.id/b"])
    serializer = RDFSerializer()
    serializer.graph_from_catalog({})
    for dataset in (full_dataset, helpers.call_action("package_show", {"ignore_auth": True}, id=second["id"])):
        serializer.graph_from_dataset(dataset)
    ours = serializer.g.serialize(format="turtle", encoding="utf-8")
    theirs = io.BytesIO()
    RdflibTurtle(serializer.g).serialize(theirs, encoding="utf-8")
    assert b"<http" in ours and b"dcat:Dataset" in ours  # full IRIs and prefixed names both written
    assert ours == theirs.getvalue()
    page = app.get("/catalog.ttl?page=1&uncached=1")
    assert page.status_code == 200 and "Jumlah Sekolah" in page.get_data(as_text=True)

@pytest.fixture
def hidden_and_public(make_dataset, portal):
    datasets = {status: make_dataset(status, title=f"Dataset {status}")
                for status in ("draft", "pending", "rejected")}
    datasets["pembina_review"] = make_dataset("pembina_review", prioritas=True, title="Dataset pembina")
    datasets["private"] = make_dataset("approved", private=True, title="Dataset privat")
    datasets["public"] = make_dataset("approved", title="Dataset publik")
    return datasets


def test_private_and_unapproved_datasets_are_in_no_catalogue_whoever_asks(app, api, portal,
                                                                           hidden_and_public):
    for fmt, parser_format in FORMATS.items():
        for user in (None, portal.editor, portal.walidata, portal.sysadmin):
            response = app.get(f"/catalog.{fmt}", headers=api.headers(user))
            g = Graph().parse(data=response.get_data(as_text=True), format=parser_format)
            titles = {str(t) for ds in g.subjects(RDF.type, u(DCAT, "Dataset"))
                      for t in g.objects(ds, u(DCT, "title"))}
            assert titles == {"Dataset publik"}, (fmt, user and user["name"], titles)


def test_a_dataset_the_public_may_not_see_has_rdf_only_for_who_checks_it(app, api, portal, hidden_and_public):
    # As its page: the public and other Instansi get "not found" until it is public;
    # its Instansi, the Walidata and (priority data under review) the Pembina see it.
    for status, dataset in hidden_and_public.items():
        for fmt in FORMATS:
            for user in (None, portal.outsider, portal.other_editor, portal.pembina, portal.editor,
                         portal.walidata, portal.sysadmin):
                response = app.get(f"/dataset/{dataset['name']}.{fmt}", headers=api.headers(user))
                sees = (status == "public" or user in (portal.editor, portal.walidata, portal.sysadmin)
                        or (user is portal.pembina and status == "pembina_review"))
                assert response.status_code == (200 if sees else 404), (status, fmt, user and user["name"])
                if sees:
                    assert dataset["title"] in response.get_data(as_text=True), (status, fmt)


def test_catalogue_search_action_shows_only_public_datasets(api, portal, hidden_and_public):
    for user in (None, portal.walidata, portal.sysadmin):
        status, _ = api.call("dcat_catalog_search", user, q="Dataset", format="ttl")
        assert status == 200
    response = api.app.get("/api/3/action/dcat_catalog_search?q=Dataset&format=ttl",
                           headers=api.headers(portal.sysadmin))
    g = Graph().parse(data=response.json["result"], format="turtle")
    titles = {str(t) for t in g.objects(None, u(DCT, "title"))}
    assert "Dataset publik" in titles and not titles & {"Dataset pending", "Dataset privat", "Dataset draft"}


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "2")
def test_catalogue_is_paged(app, make_dataset):
    for i in range(3):
        make_dataset("approved", title=f"Dataset {i}")
    first = _graph(app, "/catalog.ttl")
    collections = list(first.subjects(RDF.type, u(HYDRA, "PagedCollection")))
    assert len(collections) == 1
    assert int(_one(first, collections[0], u(HYDRA, "totalItems"))) == 3
    assert str(_one(first, collections[0], u(HYDRA, "nextPage"))).endswith("/catalog.ttl?page=2")
    assert len(list(first.subjects(RDF.type, u(DCAT, "Dataset")))) == 2
    second = _graph(app, "/catalog.ttl?page=2")
    assert len(list(second.subjects(RDF.type, u(DCAT, "Dataset")))) == 1


def test_catalogue_names_the_regency_and_the_walidata(app, make_dataset):
    make_dataset("approved")
    g = _graph(app, "/catalog.ttl")
    [catalog] = list(g.subjects(RDF.type, u(DCAT, "Catalog")))
    area = _one(g, catalog, u(DCT, "spatial"))
    assert str(_one(g, area, SKOS.notation)) == "64.08"
    assert _one(g, area, SKOS.prefLabel) == Literal("Kabupaten Kutai Timur", lang="id")
    publisher = _one(g, catalog, u(DCT, "publisher"))
    assert str(publisher).endswith("/organization/diskominfo")


def test_another_portals_publisher_and_themes_are_not_taken_as_ours(portal):
    """Parsing another portal's RDF never assigns its datasets to an Instansi or
    a Tematik of this portal (the harvest source decides the Instansi)."""
    turtle = """
    @prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
    <https://data.go.id/dataset/x> a dcat:Dataset ; dct:title "X" ;
        dct:publisher <https://data.go.id/organization/dinkes> ;
        dcat:theme <https://data.go.id/group/kesehatan> ;
        dct:accrualPeriodicity <http://publications.europa.eu/resource/authority/frequency/MONTHLY_2> ;
        dct:spatial [ <http://www.w3.org/2004/02/skos/core#prefLabel> "Kecamatan Bengalon" ] .
    """
    helpers.call_action("group_create", ctx(portal.sysadmin), name="kesehatan", title="Kesehatan")
    parser = RDFParser()
    parser.parse(turtle, _format="turtle")
    [parsed] = list(parser.datasets())
    assert "owner_org" not in parsed and not parsed.get("groups")
    assert parsed["frekuensi"] == "bulanan"
    assert parsed["cakupan"] == "64.08.09"


def _catalogue_titles(app, url: str = "/catalog.ttl") -> set[str]:
    g = _graph(app, url)
    return {str(t) for ds in g.subjects(RDF.type, u(DCAT, "Dataset")) for t in g.objects(ds, u(DCT, "title"))}


def _kept_catalogue_pages() -> int:
    from ckan.lib.redis import connect_to_redis
    return len(list(connect_to_redis().scan_iter("*:satudata:cache:dcat-catalogue:*")))


def test_a_kept_catalogue_page_follows_every_change_at_once(app, portal, make_dataset):
    """Catalogue pages are kept in Redis between requests (harvesters walk them
    again and again), but never outlive a change to what the public may see."""
    first = make_dataset("approved", title="Dataset satu")
    before = _kept_catalogue_pages()
    assert _catalogue_titles(app) == {"Dataset satu"}
    assert _kept_catalogue_pages() == before + 1
    assert _catalogue_titles(app) == {"Dataset satu"}  # served as kept
    second = make_dataset("pending", title="Dataset dua")
    assert _catalogue_titles(app) == {"Dataset satu"}
    helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=second["id"])
    assert _catalogue_titles(app) == {"Dataset satu", "Dataset dua"}
    helpers.call_action("package_patch", ctx(portal.walidata), id=first["id"], title="Dataset satu (baru)")
    assert _catalogue_titles(app) == {"Dataset satu (baru)", "Dataset dua"}
    helpers.call_action("package_patch", ctx(portal.walidata), id=second["id"], private=True)
    assert _catalogue_titles(app) == {"Dataset satu (baru)"}
    helpers.call_action("package_delete", ctx(portal.sysadmin), id=first["id"])
    assert _catalogue_titles(app) == set()
    # Made-up pages and parameters are answered, but not kept.
    kept = _kept_catalogue_pages()
    for url in ("/catalog.ttl?page=999", "/catalog.ttl?page=1&anything=1", "/catalog.ttl?q=Dataset"):
        assert app.get(url).status_code == 200, url
    assert _kept_catalogue_pages() == kept
