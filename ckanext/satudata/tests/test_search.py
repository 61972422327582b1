"""Datasets created through the Action API are found through real Solr."""
import pytest

from ckan.tests import factories as core_factories
from ckan.tests import helpers

from ckanext.satudata.tests.factories import complete_dataset


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestSearchOnRealSolr:
    def test_dataset_found_by_a_word_of_its_title(self, sysadmin):
        ctx = {"user": sysadmin["name"]}
        org = core_factories.Organization(name="dinkes", title="Dinas Kesehatan")
        helpers.call_action("package_create", dict(ctx), **complete_dataset(
            org["id"], name="fasilitas-kesehatan", title="Jumlah Puskesmas per Kecamatan"))
        helpers.call_action("package_create", dict(ctx), **complete_dataset(
            org["id"], name="guru", title="Jumlah Guru SD"))

        result = helpers.call_action("package_search", q="puskesmas")

        assert result["count"] == 1
        assert result["results"][0]["name"] == "fasilitas-kesehatan"

    def test_organization_facet_counts_and_filter(self, sysadmin):
        ctx = {"user": sysadmin["name"]}
        dinkes = core_factories.Organization(name="dinkes")
        distan = core_factories.Organization(name="distan")
        for i in range(3):
            helpers.call_action("package_create", dict(ctx), **complete_dataset(dinkes["id"], name=f"kes-{i}"))
        helpers.call_action("package_create", dict(ctx), **complete_dataset(distan["id"], name="padi"))

        result = helpers.call_action("package_search", q="*:*", **{"facet.field": '["organization"]'})
        facet = result["search_facets"]["organization"]["items"]
        assert {i["name"]: i["count"] for i in facet} == {"dinkes": 3, "distan": 1}

        filtered = helpers.call_action("package_search", fq="organization:distan")
        assert [d["name"] for d in filtered["results"]] == ["padi"]


def test_a_search_asks_the_database_the_same_for_one_result_as_for_many(portal):
    """A result page costs the same number of SQL statements whatever its length:
    nothing is looked up per dataset or per file of the results (core tracking
    did, one query each, ¾ of a search's time)."""
    import sqlalchemy as sa
    import ckan.model as model

    sysadmin, org = portal.sysadmin, portal.orgs["dinkes"]
    for i in range(6):
        helpers.call_action("package_create", {"user": sysadmin["name"]}, **complete_dataset(
            org["id"], name=f"data-{i}", resources=[{"name": "Data", "url": f"https://data.example/{i}.csv",
                                                     "format": "CSV"},
                                                    {"name": "PDF", "url": f"https://data.example/{i}.pdf",
                                                     "format": "PDF"}]))
    statements = []

    def count(*_args):
        statements.append(1)

    def statements_for(rows: int) -> int:
        statements.clear()
        sa.event.listen(model.meta.engine, "before_cursor_execute", count)
        try:
            result = helpers.call_action("package_search", {"user": sysadmin["name"]}, q="*:*", rows=rows,
                                         **{"facet.field": ["organization", "res_format", "frekuensi"]})
        finally:
            sa.event.remove(model.meta.engine, "before_cursor_execute", count)
        assert len(result["results"]) == rows
        return len(statements)

    statements_for(1)  # warm caches
    assert statements_for(6) == statements_for(1)
