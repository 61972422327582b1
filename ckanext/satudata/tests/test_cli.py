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


def _solr_docs(ids):
    """The documents Solr holds for these datasets, without what every write changes."""
    from ckan.lib.search.common import make_connection
    found = make_connection().search(q="*:*", fq="id:(" + " OR ".join(f'"{i}"' for i in ids) + ")",
                                     fl="*", rows=len(ids) + 10)
    return {d["id"]: {k: v for k, v in d.items() if k not in ("_version_", "indexed_ts")} for d in found}


def _waiting():
    from ckan.lib.search.common import make_connection
    return [d["id"] for d in make_connection().search(q="*:*", fq="revision_status:pending", fl="id")]


def test_reindex_sends_core_s_documents_in_batches_and_keeps_the_queue(cli, make_dataset, portal):
    """`ckan satudata reindex` gives Solr the very documents core's `search-index
    rebuild` gives (every plugin's fields), a change waiting for the Walidata
    included; a batch smaller than the catalogue still indexes every dataset."""
    from ckan.cli.cli import ckan
    from ckan.lib import search as core_search

    from ckanext.satudata.tests.conftest import ctx

    published = make_dataset("approved", title="Data Terbit")
    changed = make_dataset("approved", title="Data Berubah")
    helpers.call_action("package_patch", ctx(portal.editor), id=changed["id"], title="Data Berubah Lagi")
    draft = make_dataset("draft", title="Data Draf")
    ids = [published["id"], changed["id"], draft["id"]]
    # One of them came from another portal: ckanext-harvest adds its source to the document.
    import datetime

    from ckanext.harvest import model as harvest_model
    source = harvest_model.HarvestSource(url="https://data.kaltimprov.go.id", type="ckan", title="Satu Data Kaltim")
    source.save()
    job = harvest_model.HarvestJob(source=source, status="Finished")
    job.save()
    harvest_model.HarvestObject(guid="kaltim-1", job=job, source=source, package_id=published["id"], current=True,
                                state="COMPLETE", import_finished=datetime.datetime.utcnow()).save()

    core = cli.invoke(ckan, ["search-index", "rebuild", "-q"])
    assert core.exit_code == 0, core.output
    by_core = _solr_docs(ids)
    assert set(by_core) == set(ids) and _waiting() == [changed["id"]]
    assert "Satu Data Kaltim" in by_core[published["id"]]["validated_data_dict"]
    assert "Satu Data Kaltim" not in by_core[changed["id"]]["validated_data_dict"]

    core_search.clear_all()
    assert _solr_docs(ids) == {}
    ours = cli.invoke(ckan, ["satudata", "reindex", "--batch", "2"])
    assert ours.exit_code == 0, ours.output
    assert "datasets indexed in" in ours.output
    assert _solr_docs(ids) == by_core
    assert _waiting() == [changed["id"]]  # indexed, not stored: asked by a search
    queue = helpers.call_action("satudata_review_list", ctx(portal.walidata), status="pending")
    assert [d["id"] for d in queue["results"]] == [changed["id"]]

    # Only the named datasets, by name.
    core_search.clear_all()
    one = cli.invoke(ckan, ["satudata", "reindex", "-q", published["name"]])
    assert one.exit_code == 0, one.output
    assert set(_solr_docs(ids)) == {published["id"]}
    missing = cli.invoke(ckan, ["satudata", "reindex", "tidak-ada"])
    assert missing.exit_code != 0 and "no dataset tidak-ada" in missing.output


def test_reindex_names_the_dataset_solr_refuses(cli, make_dataset, monkeypatch):
    """A document Solr refuses in a batch stops the rebuild with that dataset's name
    (Solr answers for the whole batch; the rebuild asks it dataset by dataset)."""
    from ckan.cli.cli import ckan

    from ckanext.satudata import search

    good = make_dataset("approved", title="Data Baik")
    bad = make_dataset("approved", title="Data Rusak")
    index = search.before_dataset_index

    def broken(pkg_dict):
        pkg_dict = index(pkg_dict)
        if pkg_dict["id"] == bad["id"]:
            pkg_dict["metadata_modified"] = "bukan tanggal"  # Solr's date field refuses it
        return pkg_dict
    monkeypatch.setattr(search, "before_dataset_index", broken)
    result = cli.invoke(ckan, ["satudata", "reindex", "-q", good["name"], bad["name"]])
    assert result.exit_code != 0
    assert f"Solr refused dataset {bad['name']}" in result.output
    assert good["name"] not in result.output
