"""ckan satudata seed-demo: the demo portal, loaded once through the Action API."""
import pytest

from ckan.tests import helpers



@pytest.mark.usefixtures("clean_db", "clean_index", "empty_datastore")
def test_seed_demo_loads_once_and_does_nothing_the_second_time(cli, sysadmin):
    from ckan.cli.cli import ckan

    first = cli.invoke(ckan, ["satudata", "seed-demo"])
    assert first.exit_code == 0, first.output
    orgs = helpers.call_action("organization_list")
    groups = helpers.call_action("group_list")
    datasets = helpers.call_action("package_search", q="*:*", rows=0, include_private=True)["count"]
    assert {"dinkes", "disdikbud", "bappeda", "disdukcapil", "diskominfo", "distan", "bps"} <= set(orgs)
    assert {"kesehatan", "pendidikan", "ekonomi", "kependudukan", "infrastruktur", "pemerintahan"} <= set(groups)
    assert datasets >= 20

    # Every demo dataset carries the Kutai Timur metadata and a CSV file in the file store.
    pkg = helpers.call_action("package_show", id="jumlah-penduduk-per-kecamatan-2024")
    for field in ("sumber", "maintainer", "maintainer_email", "frekuensi", "level_penyajian",
                  "tahun", "cakupan", "rujukan", "license_id", "notes", "tags", "groups"):
        assert pkg.get(field), field
    resource = pkg["resources"][0]
    assert resource["url_type"] == "upload" and resource["format"] == "CSV"
    from ckan.lib.uploader import get_resource_uploader
    with open(get_resource_uploader(resource).get_path(resource["id"]), encoding="utf-8") as f:
        header = f.readline().strip().split(";")
    # Written as Indonesian offices save CSV (semicolons, 125.430), loaded exactly, with a chart.
    assert header[:2] == ["kode_wilayah", "kecamatan"]
    from ckanext.satudata import dataapi
    dataapi.load_job(resource["id"])
    table = helpers.call_action("datastore_search", {"ignore_auth": True}, resource_id=resource["id"], limit=1)
    types = {f["id"]: f["type"] for f in table["fields"]}
    assert types["kode_wilayah"] == "text" and types["laki_laki"] == "int8"
    assert table["records"][0]["laki_laki"] > 1000
    assert '"kategori": "kecamatan"' in resource["grafik"]

    # The demo portal comes with months of generated usage, of public datasets
    # in the public figures only.
    stats = helpers.call_action("satudata_statistics", {"user": ""})
    assert stats["totals"]["downloads"] > 0 and stats["totals"]["views"] > stats["totals"]["downloads"]
    public = {d["name"] for d in helpers.call_action("package_search", {"user": ""}, rows=100)["results"]}
    assert stats["most_downloaded"] and {r["dataset"] for r in stats["most_downloaded"]} <= public

    second = cli.invoke(ckan, ["satudata", "seed-demo"])
    assert second.exit_code == 0, second.output
    assert "nothing to do" in second.output
    assert helpers.call_action("package_search", q="*:*", rows=0, include_private=True)["count"] == datasets
    assert len(helpers.call_action("organization_list")) == len(orgs)


def test_index_upgrade_rebuilds_an_index_built_by_an_older_version_once(cli, make_dataset):
    """After an upgrade whose pages read new indexed fields (the quality report, the
    statistics' growth, the release calendar), the run command rebuilds the index once."""
    from ckan.cli.cli import ckan
    from ckan.lib import search as core_search
    from ckan.model.system_info import set_system_info

    make_dataset("approved", name="sudah-ada")
    core_search.clear_all()  # an index that lacks what this version stores
    set_system_info("satudata.index_version", "older")
    assert helpers.call_action("package_search", {"ignore_auth": True}, q="name:sudah-ada")["count"] == 0

    first = cli.invoke(ckan, ["satudata", "index-upgrade"])
    assert first.exit_code == 0 and "Rebuilding the search index (older ->" in first.output, first.output
    assert helpers.call_action("package_search", {"ignore_auth": True}, q="name:sudah-ada")["count"] == 1
    second = cli.invoke(ckan, ["satudata", "index-upgrade"])
    assert second.exit_code == 0 and "up to date" in second.output, second.output
