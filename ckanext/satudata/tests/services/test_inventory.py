"""The inventory of shared data (/inventaris, satudata_inventory): the public
sees public datasets, the Walidata all with their status; CSV and XLSX."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from ckan.tests import factories as core_factories
from ckan.tests import helpers

from ckanext.satudata.tests.conftest import ctx


@pytest.fixture
def inventory(portal, make_dataset):
    core_factories.Group(name="kesehatan", title="Kesehatan")
    datasets = {
        "penduduk": make_dataset("approved", name="penduduk", title="Jumlah Penduduk", tahun=2024,
                                 rujukan=["https://sdi.go.id/a", "https://sdi.go.id/b"]),
        "padi": make_dataset("approved", name="padi", title="Produksi Padi", tahun=2023, frekuensi="bulanan",
                             owner_org=portal.orgs["distan"]["id"], creator=portal.other_editor),
        "menunggu": make_dataset("pending", name="menunggu", title="Data Menunggu", tahun=2024),
        "privat": make_dataset("approved", name="privat", title="Data Privat", tahun=2024, private=True),
        "formula": make_dataset("approved", name="formula", title="=HYPERLINK(\"http://jahat\")", tahun=2022),
    }
    helpers.call_action("package_patch", ctx(portal.sysadmin), id=datasets["penduduk"]["id"],
                        groups=[{"name": "kesehatan"}])
    return datasets


def test_the_public_inventory_lists_public_datasets_with_full_metadata(api, inventory):
    result = api.ok("satudata_inventory")
    assert result["count"] == 3
    names = [r["name"] for r in result["results"]]
    assert set(names) == {"penduduk", "padi", "formula"}
    keys = [c["key"] for c in result["columns"]]
    assert "approval_status" not in keys
    for key in ("instansi", "tematik", "sumber", "maintainer", "maintainer_email", "frekuensi",
                "level_penyajian", "tahun", "cakupan", "rujukan", "license", "stars", "freshness", "completeness"):
        assert key in keys, key
    row = {r["name"]: r for r in result["results"]}["penduduk"]
    assert row["instansi"] == "Dinkes"
    assert row["tematik"] == "Kesehatan"
    assert row["frekuensi"] == "Tahunan"
    assert row["level_penyajian"] == "Kecamatan"
    assert row["cakupan"] == "64.08 Kutai Timur" or row["cakupan"].startswith("64.08 ")
    assert row["rujukan"] == "https://sdi.go.id/a; https://sdi.go.id/b"
    assert row["stars"] == 3 and row["formats"] == "CSV" and row["files"] == 1
    english = api.call("satudata_inventory", locale="en")[1]["result"]
    assert {c["key"]: c["label"] for c in english["columns"]}["frekuensi"] == "Publication frequency"


def test_walidata_sees_every_dataset_with_its_status(api, inventory, portal):
    result = api.ok("satudata_inventory", portal.walidata)
    assert result["count"] == 5
    status = {r["name"]: r["approval_status"] for r in result["results"]}
    assert status["menunggu"] == "Menunggu verifikasi"
    assert status["penduduk"] == "Terverifikasi"
    assert {r["name"]: r["jenis_publikasi"] for r in result["results"]}["privat"] == "Privat"
    pending = api.ok("satudata_inventory", portal.walidata, status="pending")
    assert [r["name"] for r in pending["results"]] == ["menunggu"]
    # The public asking for unapproved data gets nothing more.
    assert api.ok("satudata_inventory", status="pending")["count"] == 0
    # A Produsen sees their own Instansi's datasets that are not public yet, not others'.
    other = api.ok("satudata_inventory", portal.other_editor)
    assert {r["name"] for r in other["results"]} == {"penduduk", "padi", "formula"}


def test_inventory_filters_by_instansi_tematik_year_and_words(api, inventory, portal):
    assert [r["name"] for r in api.ok("satudata_inventory", owner_org="distan")["results"]] == ["padi"]
    assert [r["name"] for r in api.ok("satudata_inventory",
                                      owner_org=portal.orgs["distan"]["id"])["results"]] == ["padi"]
    assert [r["name"] for r in api.ok("satudata_inventory", groups="kesehatan")["results"]] == ["penduduk"]
    assert {r["name"] for r in api.ok("satudata_inventory", tahun=2024)["results"]} == {"penduduk"}
    assert {r["name"] for r in api.ok("satudata_inventory", portal.walidata, tahun=2024)["results"]} == \
        {"penduduk", "menunggu", "privat"}
    assert api.error("satudata_inventory", tahun="dua ribu")["tahun"] == [
        "Tulis tahun dengan empat angka, misalnya 2024"]
    assert api.error("satudata_inventory", status="hilang")["status"]


def test_inventory_page_filters_and_shows_status_to_the_walidata(inventory, portal, browser):
    public = browser().page("/inventaris?owner_org=dinkes")
    rows = [tr["data-dataset"] for tr in public.select("tr[data-dataset]")]
    assert set(rows) == {"penduduk", "formula"}
    assert public.find("h1").get_text(strip=True) == "Inventaris data berbagi pakai"
    assert not public.find(class_="satudata-inventory-status")
    assert "Data Menunggu" not in public.get_text()

    walidata = browser().login(portal.walidata).page("/inventaris?status=pending")
    row = walidata.find("tr", attrs={"data-dataset": "menunggu"})
    assert row.find(class_="satudata-inventory-status").get_text(strip=True) == "Menunggu verifikasi"
    assert walidata.find("select", attrs={"name": "status"})


def test_inventory_downloads_as_csv_with_the_filters(inventory, browser, portal):
    response = browser().get("/inventaris.csv?tahun=2024")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "inventaris-data.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["ID Dataset", "Judul", "Instansi"]
    assert [r[0] for r in rows[1:]] == ["penduduk"]

    everything = browser().login(portal.walidata).get("/inventaris.csv")
    rows = list(csv.reader(io.StringIO(everything.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][-1] == "Status verifikasi"
    assert len(rows) == 6
    # A title that a spreadsheet would run as a formula is written as text.
    formula = [r for r in rows if r[0] == "formula"][0]
    assert formula[1] == "'=HYPERLINK(\"http://jahat\")"
    # Streamed as the catalogue is read; a bad filter is refused before anything is sent.
    assert browser().get("/inventaris.csv").is_streamed
    refused = browser().get("/inventaris.csv?tahun=dua-ribu")
    assert refused.status_code == 400 and refused.mimetype == "text/html"


def test_inventory_downloads_as_xlsx(inventory, browser):
    response = browser().get("/inventaris.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("ID Dataset", "Judul")
    assert {r[0] for r in rows[1:]} == {"penduduk", "padi", "formula"}
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold and sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}4"
    english = browser().get("/en/inventaris.xlsx")
    header = next(openpyxl.load_workbook(io.BytesIO(english.get_data())).active.iter_rows(values_only=True))
    assert header[:2] == ("Dataset ID", "Title")
