"""The API guide (/api-docs) in Indonesian and English, and its examples: the
curl and Python (ckanapi) blocks are taken from the page served by the live
portal and run as they stand."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import requests
from bs4 import BeautifulSoup
from ckan.tests import helpers

from ckanext.satudata.tests.e2e.interop import servers


def _blocks(html: str) -> list[tuple[str, str, str]]:
    soup = BeautifulSoup(html, "html.parser")
    return [(c["data-example"], c["data-language"], c.get_text())
            for c in soup.select("code[data-example]")]


def test_the_guide_is_in_indonesian_and_in_english_with_the_same_examples(app, make_dataset):
    make_dataset("approved", title="Jumlah Penduduk per Kecamatan")
    indonesian = BeautifulSoup(app.get("/api-docs").get_data(as_text=True), "html.parser")
    english = BeautifulSoup(app.get("/en/api-docs").get_data(as_text=True), "html.parser")
    assert indonesian.find("h1").get_text(strip=True) == "Panduan API"
    assert english.find("h1").get_text(strip=True) == "API guide"
    headings_id = [h.get_text(strip=True) for h in indonesian.select(".satudata-api-guide h2")]
    assert headings_id[:3] == ["Memulai", "Cari", "Membaca dataset"]
    assert "Terbitkan dengan token" in headings_id
    assert [h.get_text(strip=True) for h in english.select(".satudata-api-guide h2")][:3] == \
        ["Getting started", "Search", "Read a dataset"]
    assert _blocks(str(indonesian)) == _blocks(str(english))
    ids = [b[0] for b in _blocks(str(indonesian))]
    assert {"search-curl", "show-curl", "create-curl", "upload-curl", "submit-curl", "read-python",
            "publish-python", "dcat-curl", "codes-curl", "cors-curl"} == set(ids)
    # The reference codes are listed with code and name.
    rows = [[td.get_text(strip=True) for td in tr.find_all("td")]
            for tr in indonesian.select(".satudata-codes tbody tr")]
    assert ["64.08.04", "Kecamatan Sangatta Utara", "kecamatan"] in rows and len(rows) == 19
    assert app.get("/panduan-api", follow_redirects=False).headers["Location"].endswith("/api-docs")
    # Every page's footer leads to it.
    footer = BeautifulSoup(app.get("/").get_data(as_text=True), "html.parser").select_one("footer")
    assert footer.find("a", href="/api-docs").get_text(strip=True) == "Panduan API"


@pytest.mark.ckan_config("ckan.site_url", servers.PORTAL_URL)
def test_every_example_of_the_guide_runs_against_the_live_portal(live_portal, make_dataset, portal, api, tmp_path):
    public = make_dataset("approved", title="Jumlah Penduduk per Kecamatan", cakupan="64.08.04", tahun=2024)
    make_dataset("pending", title="Penduduk Belum Diverifikasi", cakupan="64.08.04", tahun=2024)

    page = requests.get(f"{live_portal.url}/api-docs", timeout=30)
    assert page.ok
    blocks = _blocks(page.text)
    assert all(live_portal.url in code for _, _, code in blocks if "curl" in code or "RemoteCKAN" in code)

    env = dict(os.environ, CKAN_TOKEN=api.token(portal.editor), CKAN_INSTANSI="dinkes")
    out = {}
    for example, language, code in blocks:
        command = ["bash", "-e", "-o", "pipefail", "-c", code] if language == "bash" \
            else [sys.executable, "-c", code]
        proc = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, (example, proc.stdout[-2000:], proc.stderr[-2000:])
        out[example] = proc.stdout

    search = json.loads(out["search-curl"])
    assert search["success"] and [d["name"] for d in search["result"]["results"]] == [public["name"]]
    assert json.loads(out["show-curl"])["result"]["sumber"] == "SIAK"
    assert [a["code"] for a in json.loads(out["codes-curl"])["result"]["results"]] == ["64.08.04", "64.08.12"]
    assert "Jumlah Penduduk per Kecamatan" in out["dcat-curl"]
    assert "Belum Diverifikasi" not in out["dcat-curl"]
    assert "access-control-allow-origin: *" in out["cors-curl"].lower()
    assert json.loads(out["create-curl"])["result"]["name"] == "contoh-data-curl"
    assert json.loads(out["upload-curl"])["result"]["format"] == "CSV"
    assert json.loads(out["submit-curl"])["result"]["approval_status"] == "pending"
    assert out["read-python"].startswith("1 dataset")
    assert f"{public['name']} 2024 64.08.04 tahunan" in out["read-python"]
    assert out["publish-python"].strip() == "contoh-data-python pending"

    for name in ("contoh-data-curl", "contoh-data-python"):
        dataset = helpers.call_action("package_show", {"ignore_auth": True}, id=name)
        assert dataset["organization"]["name"] == "dinkes"
        assert dataset["approval_status"] == "pending"
        assert dataset["approval_submitted_by"] == portal.editor["name"]
        assert all(c["ok"] for c in dataset["approval_checks"]), dataset["approval_checks"]
        assert dataset["resources"][0]["url_type"] == "upload"


def test_the_api_guide_and_the_data_api_guide_lead_to_each_other(app):
    for lang, heading in (("", "API Data: baris-baris tabel data"), ("/en", "Data API: the rows of the tables")):
        guide = BeautifulSoup(app.get(f"{lang}/api-docs").get_data(as_text=True), "html.parser")
        link = guide.find("h2", id="baris").find_next("a")["href"]
        assert link == f"{lang}/api-docs/datastore"
        data_api = BeautifulSoup(app.get(link).get_data(as_text=True), "html.parser")
        assert data_api.find("h1").get_text(strip=True) == heading
        assert data_api.find("a", href=f"{lang}/api-docs") is not None


def test_the_first_example_searches_for_data_the_portal_has(app, make_dataset):
    # The catalogue has no dataset in the area and year the guide used to hard-code.
    make_dataset("approved", title="Jumlah Penduduk Kaliorang", cakupan="64.08.12", tahun=2023)
    search = dict((e, code) for e, _lang, code in _blocks(app.get("/api-docs").get_data(as_text=True)))["search-curl"]
    assert 'fq=cakupan:"64.08.12" AND tahun:2023' in search and "q=penduduk" in search
    fq = 'cakupan:"64.08.12" AND tahun:2023'
    found = helpers.call_action("package_search", {"ignore_auth": False, "user": ""}, q="penduduk", fq=fq)
    assert found["count"] == 1
