"""Harvesting both ways with a second CKAN site on a real port (not a mock):
the national portal's datasets come in through ckanext-harvest's queues and wait
for verification in the right Instansi; the national portal harvests ours
through the CKAN API and through DCAT and gets only what the public may see."""
from __future__ import annotations

import json
import uuid

import pytest
import requests
from ckan.tests import helpers

from ckanext.satudata import harvesting
from ckanext.satudata.tests.conftest import ctx
from ckanext.satudata.tests.e2e.interop import servers
from ckanext.satudata.tests.e2e.interop.conftest import FREQUENCY

# The second CKAN site of these tests listens on loopback: allowed here only.
pytestmark = pytest.mark.ckan_config("ckanext.satudata.fetch.allowed_hosts",
                                     f"127.0.0.1:{servers.PEER_PORT}")


def _create_source(api, walidata, url: str, source_type: str, instansi: str) -> dict:
    return api.ok("harvest_source_create", walidata, name=f"impor-{source_type}-{uuid.uuid4().hex[:6]}",
                  title=f"Portal Data Indonesia ({source_type})", url=url, source_type=source_type,
                  owner_org="diskominfo", frequency="MANUAL", config=json.dumps({"instansi": instansi}))


def _run_harvest(api, app, walidata, source: dict) -> dict:
    """Start a job (it goes on the Redis gather queue), run the queues, return the job."""
    api.ok("harvest_job_create", walidata, source_id=source["id"])
    counts = harvesting.run_queues()
    assert counts["gather"] == 1, counts
    status = api.ok("harvest_source_show_status", walidata, id=source["id"])
    assert status["last_job"]["status"] == "Finished", status
    return status["last_job"]


def _imported(source: dict) -> dict[str, dict]:
    result = helpers.call_action("package_search", {"ignore_auth": True}, include_private=True,
                                 fq=f'+harvest_source_id:"{source["id"]}"', rows=100)
    return {d["title"]: helpers.call_action("package_show", {"ignore_auth": True}, id=d["id"])
            for d in result["results"]}


def _failed_fields(dataset: dict) -> set[str]:
    return {c.get("field") for c in dataset["approval_checks"] if not c["ok"]}


def test_ckan_harvest_brings_the_national_datasets_as_pending_into_the_named_instansi(peer, portal, api, app):
    source = _create_source(api, portal.walidata, peer.url, "ckan", "dinkes")
    job = _run_harvest(api, app, portal.walidata, source)
    assert job["stats"]["added"] == 2 and job["stats"]["errored"] == 0

    imported = _imported(source)
    assert set(imported) == {"Jumlah Puskesmas di Kabupaten Kutai Timur", "Tenaga Kesehatan Kalimantan Timur"}
    for dataset in imported.values():
        assert dataset["organization"]["name"] == "dinkes"
        assert dataset["approval_status"] == "pending"
        assert dataset["approval_submitted_by"] == harvesting.harvest_user_name()
        assert "Portal Data Indonesia (ckan)" in dataset["approval_note"]
        assert dataset["private"] is False

    puskesmas = imported["Jumlah Puskesmas di Kabupaten Kutai Timur"]
    assert puskesmas["maintainer"] == "Pusat Data dan Informasi"
    assert puskesmas["maintainer_email"] == "pusdatin@kemkes.go.id"
    assert puskesmas["frekuensi"] == "tahunan"          # from the EU frequency ANNUAL
    assert puskesmas["tahun"] == 2023                   # from temporal_start
    assert puskesmas["cakupan"] == "64.08"              # from spatial_text "Kabupaten Kutai Timur"
    assert puskesmas["license_id"] == "cc-by"
    assert puskesmas["sumber"] == "Portal Data Indonesia (ckan) - Kementerian Kesehatan"
    assert puskesmas["rujukan"] == [f"{peer.url}/dataset/jumlah-puskesmas-kutai-timur"]
    assert {t["name"] for t in puskesmas["tags"]} == {"kesehatan", "puskesmas"}
    assert _failed_fields(puskesmas) == {"level_penyajian"}

    nakes = imported["Tenaga Kesehatan Kalimantan Timur"]
    assert nakes["maintainer"] == "Biro Data"           # the remote author
    assert nakes["license_id"] == "notspecified"        # never an assumed licence
    assert _failed_fields(nakes) == {"frekuensi", "level_penyajian", "maintainer_email", "tahun"}

    # The private dataset of the remote portal is not visible to a harvester.
    assert "Data Internal Kemenkes" not in imported


def test_imported_datasets_stay_out_of_public_view_until_approved(peer, portal, api, app):
    source = _create_source(api, portal.walidata, peer.url, "ckan", "dinkes")
    _run_harvest(api, app, portal.walidata, source)

    assert api.ok("package_search", None, q="Puskesmas")["count"] == 0
    assert "Puskesmas" not in app.get("/catalog.ttl").get_data(as_text=True)
    queue = api.ok("satudata_review_list", portal.walidata, status="pending")
    assert {d["title"] for d in queue["results"]} >= {"Jumlah Puskesmas di Kabupaten Kutai Timur"}
    own = api.ok("satudata_review_list", portal.editor, status="pending")
    assert own["count"] == 2, "the Produsen of the Instansi see what came into it"
    assert api.ok("satudata_review_list", portal.other_editor, status="pending")["count"] == 0

    # The import is a step of the dataset's history (by the site user, whose
    # activities CKAN lists as hidden ones).
    history = helpers.call_action("package_activity_list", ctx(portal.sysadmin), include_hidden_activity=True,
                                  id=_imported(source)["Jumlah Puskesmas di Kabupaten Kutai Timur"]["id"])
    steps = [a["data"]["satudata_approval"] for a in history if "satudata_approval" in a["data"]]
    assert steps and steps[0]["action"] == "import" and steps[0]["to"] == "pending"


def test_an_incomplete_import_is_approved_only_once_completed(peer, portal, api, app):
    source = _create_source(api, portal.walidata, peer.url, "ckan", "dinkes")
    _run_harvest(api, app, portal.walidata, source)
    nakes = _imported(source)["Tenaga Kesehatan Kalimantan Timur"]

    status, body = api.call("satudata_dataset_approve", portal.walidata, id=nakes["id"])
    assert status == 409
    assert set(body["error"]) >= {"frekuensi", "level_penyajian", "maintainer_email", "tahun"}
    assert helpers.call_action("package_show", {"ignore_auth": True}, id=nakes["id"])["approval_status"] == \
        "pending"

    api.ok("package_patch", portal.walidata, id=nakes["id"], frekuensi="tahunan", level_penyajian="kabupaten",
           tahun=2024, maintainer_email="biro.data@kemkes.go.id")
    approved = api.ok("satudata_dataset_approve", portal.walidata, id=nakes["id"])
    assert approved["approval_status"] == "approved"
    assert all(c["ok"] for c in approved["approval_checks"])
    assert api.ok("package_show", None, id=nakes["id"])["title"] == "Tenaga Kesehatan Kalimantan Timur"
    assert "Tenaga Kesehatan Kalimantan Timur" in app.get("/catalog.ttl").get_data(as_text=True)


def test_a_new_harvest_keeps_what_was_completed_here_and_flags_the_change(peer, portal, api, app):
    remote = peer.api.action.package_create(
        name=f"rumah-sakit-{uuid.uuid4().hex[:6]}", title="Rumah Sakit Kutai Timur", owner_org="kemenkes",
        notes="Rumah sakit umum dan khusus.",
        license_id="cc-by", maintainer="Pusdatin", maintainer_email="pusdatin@kemkes.go.id",
        extras=[{"key": "frequency", "value": FREQUENCY + "ANNUAL"},
                {"key": "temporal_start", "value": "2024-01-01"}],
        resources=[{"name": "RS", "format": "CSV", "url": "https://data.kemkes.example.go.id/rs.csv"}])
    try:
        source = _create_source(api, portal.walidata, peer.url, "ckan", "dinkes")
        _run_harvest(api, app, portal.walidata, source)
        local = _imported(source)["Rumah Sakit Kutai Timur"]
        api.ok("package_patch", portal.walidata, id=local["id"], level_penyajian="instansi")
        assert api.ok("satudata_dataset_approve", portal.walidata, id=local["id"])["approval_status"] == "approved"

        peer.api.action.package_patch(id=remote["id"], title="Rumah Sakit di Kutai Timur")
        job = _run_harvest(api, app, portal.walidata, source)
        assert job["stats"]["updated"] == 1

        again = helpers.call_action("package_show", {"ignore_auth": True}, id=local["id"])
        assert again["title"] == "Rumah Sakit di Kutai Timur"
        assert again["level_penyajian"] == "instansi", "completed here, kept"
        assert again["approval_status"] == "approved"   # ckanext.satudata.approval.on_edit = keep
        assert again["approval_changed_after"]
        changed = api.ok("satudata_review_list", portal.walidata, status="changed")
        assert local["id"] in {d["id"] for d in changed["results"]}
    finally:
        peer.api.action.dataset_purge(id=remote["id"])


def test_dcat_harvest_reads_the_national_catalogue_into_the_named_instansi(peer, portal, api, app):
    source = _create_source(api, portal.walidata, f"{peer.url}/catalog.ttl", "dcat_rdf", "distan")
    job = _run_harvest(api, app, portal.walidata, source)
    assert job["stats"]["errored"] == 0, job

    imported = _imported(source)
    puskesmas = imported["Jumlah Puskesmas di Kabupaten Kutai Timur"]
    assert puskesmas["organization"]["name"] == "distan"
    assert puskesmas["approval_status"] == "pending"
    assert puskesmas["maintainer"] == "Pusat Data dan Informasi"      # dcat:contactPoint
    assert puskesmas["maintainer_email"] == "pusdatin@kemkes.go.id"
    assert puskesmas["frekuensi"] == "tahunan"                          # dct:accrualPeriodicity
    assert puskesmas["tahun"] == 2023                                   # dct:temporal
    # The national catalogue names no licence (plain CKAN puts none in its RDF):
    # none is assumed.
    assert puskesmas["license_id"] == "notspecified"
    assert puskesmas["resources"][0]["url"].endswith("puskesmas-kutim-2023.csv")
    assert "Data Internal Kemenkes" not in imported
    assert all(d["approval_status"] == "pending" for d in imported.values())

    # Harvested again unchanged: the same datasets, found by their DCAT guid.
    _run_harvest(api, app, portal.walidata, source)
    assert set(_imported(source)) == set(imported)


def test_only_the_walidata_manages_imports_from_other_portals(portal, api):
    source = dict(name="impor-dinkes", title="Impor", url="https://data.go.id", source_type="ckan",
                  frequency="MANUAL")
    for user, org in ((portal.admin, "dinkes"), (portal.editor, "dinkes"), (portal.outsider, "dinkes")):
        status, body = api.call("harvest_source_create", user, owner_org=org, **source)
        assert status == 403, body
    status, body = api.call("package_create", portal.admin, type="harvest", owner_org="dinkes", **source)
    assert status == 403, "no harvest source through package_create either"

    status, body = api.call("harvest_source_create", portal.walidata, owner_org="diskominfo",
                            config='{"instansi": "dinas-tidak-ada"}', **source)
    assert status == 409
    assert "Instansi" in body["error"]["config"][0] and "dinas-tidak-ada" in body["error"]["config"][0]

    created = api.ok("harvest_source_create", portal.walidata, owner_org="diskominfo",
                     config='{"instansi": "dinkes"}', **source)
    status, _ = api.call("harvest_job_create", portal.admin, source_id=created["id"])
    assert status == 403
    status, _ = api.call("harvest_source_patch", portal.editor, id=created["id"], frequency="DAILY")
    assert status == 403
    api.ok("harvest_job_create", portal.walidata, source_id=created["id"])


# ---------------------------------------------------------------------------
# The other way: the national portal harvests ours

# Our datasets are indexed by the test process: with the live address, their
# download links are the ones the other portal can follow.
live_site_url = pytest.mark.ckan_config("ckan.site_url", servers.PORTAL_URL)


@pytest.fixture
def our_datasets(make_dataset, portal):
    """One public dataset and three that the public may not see."""
    stamp = uuid.uuid4().hex[:6]
    return {
        "public": make_dataset("approved", title=f"Penduduk Kutai Timur {stamp}", frekuensi="bulanan",
                               cakupan="64.08.04", tahun=2025),
        "pending": make_dataset("pending", title=f"Data Menunggu {stamp}"),
        "private": make_dataset("approved", title=f"Data Privat {stamp}", private=True),
        "draft": make_dataset("draft", title=f"Data Draf {stamp}"),
    }


def _peer_harvest(peer, url: str, source_type: str) -> list[dict]:
    source = peer.api.action.harvest_source_create(
        name=f"satudata-kutim-{source_type}-{uuid.uuid4().hex[:6]}".replace("_", "-"),
        title="Portal Satu Data Kutai Timur", url=url, source_type=source_type, owner_org="kemenkes",
        frequency="MANUAL")
    peer.cli("harvester", "run-test", source["name"])
    peer.cli("harvester", "purge-queues", check=False)
    found = peer.anonymous.action.package_search(fq=f'+harvest_source_id:"{source["id"]}"', rows=100)
    return found["results"]


@live_site_url
def test_national_portal_harvests_our_public_datasets_through_the_ckan_api(live_portal, peer, our_datasets):
    harvested = _peer_harvest(peer, live_portal.url, "ckan")
    assert [d["title"] for d in harvested] == [our_datasets["public"]["title"]]
    dataset = harvested[0]
    assert dataset["maintainer"] == "Bidang Statistik"
    assert dataset["maintainer_email"] == "statistik@kutaitimurkab.go.id"
    assert dataset["license_id"] == "cc-by"
    url = dataset["resources"][0]["url"]
    assert url.startswith(live_portal.url)
    assert requests.get(url, timeout=10).text.startswith("kode_wilayah,kecamatan,jumlah")


@live_site_url
def test_national_portal_harvests_our_catalogue_through_dcat(live_portal, peer, our_datasets):
    harvested = _peer_harvest(peer, f"{live_portal.url}/catalog.ttl", "dcat_rdf")
    assert [d["title"] for d in harvested] == [our_datasets["public"]["title"]]
    extras = {e["key"]: e["value"] for e in harvested[0]["extras"]}
    # Plain DCAT-AP 3 on the other side still gets the Kutai Timur fields it knows.
    assert extras["frequency"] == FREQUENCY + "MONTHLY"
    assert extras["temporal_start"].startswith("2025")
    assert extras["spatial_text"] == "Kecamatan Sangatta Utara"
    assert "SIAK" in extras["source"]
    assert extras["contact_name"] == "Bidang Statistik"
    assert extras["contact_email"] == "statistik@kutaitimurkab.go.id"
    assert extras["publisher_name"] == "Dinkes"
    assert extras["access_rights"].endswith("/access-right/PUBLIC")
    assert harvested[0]["license_id"] == "cc-by"
    assert harvested[0]["url"].startswith(f"{live_portal.url}/dataset/")


def test_the_queue_consumers_outlast_an_idle_queue_and_import(peer, portal, api):
    """`ckan satudata harvest-consumer gather|fetch`, as run.sh and compose run
    them: still alive after more than redis-py's 5 s socket timeout of waiting,
    then they import a job queued from the web."""
    import subprocess
    import time

    source = _create_source(api, portal.walidata, peer.url, "ckan", "dinkes")
    site = servers.portal()  # its ini and environment: this run's database, Solr core and Redis
    consumers = [subprocess.Popen([servers._CKAN, "-c", site.ini, "satudata", "harvest-consumer", stage],
                                  env=site.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                 for stage in ("gather", "fetch")]
    try:
        time.sleep(12)
        for proc in consumers:
            assert proc.poll() is None, proc.communicate()[0][-3000:]
        # What the other portal shows the public now (earlier tests may have added some).
        public = {d["title"] for d in peer.anonymous.action.package_search(rows=1000)["results"]}
        assert {"Jumlah Puskesmas di Kabupaten Kutai Timur", "Tenaga Kesehatan Kalimantan Timur"} <= public
        api.ok("harvest_job_create", portal.walidata, source_id=source["id"])
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and len(_imported(source)) < len(public):
            time.sleep(1)
        imported = _imported(source)
        assert set(imported) == public
        assert {d["approval_status"] for d in imported.values()} == {"pending"}
        assert {d["organization"]["name"] for d in imported.values()} == {"dinkes"}
    finally:
        for proc in consumers:
            proc.terminate()
            proc.wait(timeout=20)
