"""The plugin loads, registers itself and talks to the real Solr 9."""
import pytest

import ckan.plugins as p
from ckan.lib.search import check_solr_schema_version
from ckan.lib.search.common import make_connection
from ckan.tests import helpers


def test_plugin_is_loaded():
    assert p.plugin_loaded("satudata")


def test_status_show_lists_the_plugin(app):
    status = app.get("/api/3/action/status_show").json["result"]
    assert "satudata" in status["extensions"]
    assert status["ckan_version"] == "2.12.0"


def test_solr_schema_check_passes_on_ckans_schema():
    # CKAN reads the schema name (ckan-2.12) from the running Solr and raises if unsupported.
    assert check_solr_schema_version() is True


def test_solr_is_a_real_solr_9():
    info = make_connection().ping()  # raises if Solr is not there
    assert info
    import requests
    from ckan.plugins.toolkit import config
    base = config["solr_url"].rsplit("/", 1)[0]
    system = requests.get(f"{base}/admin/info/system", params={"wt": "json"}, timeout=10).json()
    assert system["lucene"]["solr-spec-version"].startswith("9.")


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_schema_is_loaded_for_datasets_instansi_and_tematik():
    dataset = helpers.call_action("scheming_dataset_schema_show", type="dataset")
    fields = {f["field_name"] for f in dataset["dataset_fields"]}
    assert {"sumber", "frekuensi", "level_penyajian", "tahun", "cakupan", "rujukan", "prioritas"} <= fields
    org = helpers.call_action("scheming_organization_schema_show", type="organization")
    assert {"alamat", "telepon", "email", "website"} <= {f["field_name"] for f in org["fields"]}
    group = helpers.call_action("scheming_group_schema_show", type="group")
    assert "image_url" in {f["field_name"] for f in group["fields"]}
