"""Exact tables (tables.py, dataapi.load_job): a file goes into the DataStore
with its own values, typed by the portal's conventions, on first load and on
every replacement, or is refused with a reason in Indonesian while the table
already published stays as it was.

The load job runs in the test process (the same function the worker runs,
tests/e2e/test_dataapi_load.py runs it in ``ckan jobs worker``), against the
test DataStore database.
"""
from __future__ import annotations

import datetime
import io
import json

import pytest
import sqlalchemy as sa

from ckan.tests import helpers

from ckanext.satudata import dataapi
from ckanext.satudata.tests.conftest import ctx, upload

pytestmark = pytest.mark.usefixtures("empty_datastore")

# An operator's CSV as Excel writes it on an Indonesian Windows: semicolons,
# dots for thousands, commas for decimals, area codes, leading zeros, dates.
INDONESIAN_CSV = (
    "Kode Wilayah;Kecamatan;Jumlah Penduduk;Luas (km2);Angka Kesakitan per 100.000 Penduduk;"
    "Tanggal Data;No Urut;Perubahan\n"
    "64.08.01;Muara Ancalong;9.390;2.608,9;12,5;31/12/2024;007;-1.250\n"
    "64.08.04;Sangatta Utara;125.430;1.128,5;7;31/12/2024;010;3.000\n"
    "64.08.12;Sangatta Selatan;82.470;180,25;0,75;31/12/2024;011;0\n"
    ";;;;;;;\n"
    "64.08.02;Muara Wahau;27.610;5.724;9;31/12/2024;012;-15\n"
)


def _rows(resource_id: str, **params) -> dict:
    return helpers.call_action("datastore_search", {"ignore_auth": True}, resource_id=resource_id, **params)


def _types(resource_id: str) -> dict:
    return {f["id"]: f["type"] for f in _rows(resource_id, limit=0)["fields"] if f["id"] != "_id"}


def _dataset_with(portal, make_dataset, data, filename="data.csv", fmt="CSV"):
    dataset = make_dataset("draft")
    resource = helpers.call_action("resource_create", ctx(portal.editor), package_id=dataset["id"],
                                   name="Tabel", format=fmt, upload=upload(data, filename))
    return dataset, resource


def _status(api, portal, resource_id):
    """The status through the web API, in the portal's language (Indonesian)."""
    return api.ok("satudata_table_status", portal.editor, resource_id=resource_id)


def _stage_tables() -> list[str]:
    from ckanext.datastore.backend.postgres import get_write_engine
    with get_write_engine().connect() as conn:
        return conn.execute(sa.text(
            "select tablename from pg_tables where tablename like 'satudata_stage_%'")).scalars().all()


def test_an_indonesian_csv_loads_with_its_own_values(portal, make_dataset, api):
    _dataset, resource = _dataset_with(portal, make_dataset, INDONESIAN_CSV)
    dataapi.load_job(resource["id"])

    assert _types(resource["id"]) == {
        "Kode Wilayah": "text", "Kecamatan": "text", "Jumlah Penduduk": "int8", "Luas (km2)": "numeric",
        "Angka Kesakitan per 100.000 Penduduk": "numeric", "Tanggal Data": "date", "No Urut": "text",
        "Perubahan": "int8"}
    records = _rows(resource["id"], sort="Jumlah Penduduk desc")["records"]
    # Sorted by value, not as text; 125.430 is 125430, the area codes and the
    # leading zeros are as written, the empty row is skipped.
    assert [r["Jumlah Penduduk"] for r in records] == [125430, 82470, 27610, 9390]
    assert [r["Kode Wilayah"] for r in records] == ["64.08.04", "64.08.12", "64.08.02", "64.08.01"]
    assert [r["No Urut"] for r in records] == ["010", "011", "012", "007"]
    assert [str(r["Luas (km2)"]) for r in records] == ["1128.5", "180.25", "5724", "2608.9"]
    assert [r["Perubahan"] for r in records] == [3000, 0, -15, -1250]
    assert records[0]["Angka Kesakitan per 100.000 Penduduk"] == 7
    assert {r["Tanggal Data"] for r in records} == {"2024-12-31"}
    # Numeric filters and ranges work on numbers.
    assert _rows(resource["id"], filters={"Jumlah Penduduk": 9390})["total"] == 1

    status = _status(api, portal, resource["id"])
    assert status["state"] == "complete" and status["rows"] == 4
    assert any("Jumlah Penduduk" in n and "gaya Indonesia" in n for n in status["notes"])
    assert helpers.call_action("resource_show", {"ignore_auth": True}, id=resource["id"])["datastore_active"]
    assert _stage_tables() == []


def test_replacing_the_file_with_a_changed_header_stays_exact(portal, make_dataset, api):
    """The issue's case: xloader fell back to type guessing and published 125.43
    and the date 2064-08-01."""
    _dataset, resource = _dataset_with(portal, make_dataset, "kode;jumlah\n64.08.01;9.390\n")
    dataapi.load_job(resource["id"])
    assert _rows(resource["id"])["records"][0]["jumlah"] == 9390

    helpers.call_action("resource_patch", ctx(portal.editor), id=resource["id"],
                        upload=upload("Kode Wilayah;Kecamatan;Jumlah\n64.08.01;Muara Ancalong;125.430\n"
                                      "64.08.04;Sangatta Utara;2.608\n", "baru.csv"))
    dataapi.load_job(resource["id"])

    rows = _rows(resource["id"], sort="Jumlah asc")
    assert [(r["Kode Wilayah"], r["Jumlah"]) for r in rows["records"]] == [("64.08.04", 2608), ("64.08.01", 125430)]
    assert rows["total"] == 2
    assert _types(resource["id"]) == {"Kode Wilayah": "text", "Kecamatan": "text", "Jumlah": "int8"}


def test_international_style_and_mixed_styles(portal, make_dataset, api):
    csv_text = ('kecamatan,luas,anggaran,campur\n'
                'Bengalon,"2,608.9","1,250,000",1.5\n'
                'Kaliorang,12.5,"980,000","2.608,9"\n')
    _dataset, resource = _dataset_with(portal, make_dataset, csv_text)
    dataapi.load_job(resource["id"])

    assert _types(resource["id"]) == {"kecamatan": "text", "luas": "numeric", "anggaran": "int8",
                                      "campur": "text"}
    records = _rows(resource["id"], sort="luas desc")["records"]
    assert [str(r["luas"]) for r in records] == ["2608.9", "12.5"]
    assert [r["anggaran"] for r in records] == [1250000, 980000]
    # A column written in two styles is never guessed: text as written, and said why.
    assert [r["campur"] for r in records] == ["1.5", "2.608,9"]
    notes = " ".join(_status(api, portal, resource["id"])["notes"])
    assert "campur" in notes and "mencampur" in notes


def test_codes_stay_text(portal, make_dataset, api):
    csv_text = ("kode_kecamatan,nik,telepon,kode_pos,jumlah\n"
                "6408,6408011234567890,081234567890,75611,5\n"
                "6409,6408019876543210,+62549123456,75683,6\n")
    _dataset, resource = _dataset_with(portal, make_dataset, csv_text)
    dataapi.load_job(resource["id"])
    assert _types(resource["id"]) == {"kode_kecamatan": "text", "nik": "text", "telepon": "text",
                                      "kode_pos": "text", "jumlah": "int8"}
    record = _rows(resource["id"], sort="jumlah asc")["records"][0]
    assert (record["nik"], record["telepon"]) == ("6408011234567890", "081234567890")


def test_dates_in_the_forms_offices_write(portal, make_dataset, api):
    csv_text = ("periode;tanggal;catatan\n"
                "Desember 2024;31/12/2024;31/12/2024\n"
                "Januari 2025;2025-01-15;belum\n")
    _dataset, resource = _dataset_with(portal, make_dataset, csv_text)
    dataapi.load_job(resource["id"])
    # A column is a date only when every value is one.
    assert _types(resource["id"]) == {"periode": "date", "tanggal": "date", "catatan": "text"}
    records = _rows(resource["id"], sort="tanggal asc")["records"]
    assert [(r["periode"][:10], r["tanggal"][:10]) for r in records] == [
        ("2024-12-01", "2024-12-31"), ("2025-01-01", "2025-01-15")]


def test_an_xlsx_keeps_the_types_of_its_cells(portal, make_dataset, api):
    import openpyxl
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Kecamatan", "Jumlah", "Rasio", "Tanggal", "Kode", "Teks angka"])
    sheet.append(["Bengalon", 125430, 2608.9, datetime.date(2024, 12, 31), "64.08.01", "1.250"])
    sheet.append(["Kaliorang", 9390, 0.1, datetime.date(2025, 1, 15), "64.08.02", "30"])
    data = io.BytesIO()
    workbook.save(data)
    _dataset, resource = _dataset_with(portal, make_dataset, data.getvalue(), "data.xlsx", "XLSX")
    dataapi.load_job(resource["id"])

    assert _types(resource["id"]) == {"Kecamatan": "text", "Jumlah": "int8", "Rasio": "numeric",
                                      "Tanggal": "date", "Kode": "text", "Teks angka": "int8"}
    records = _rows(resource["id"], sort="Jumlah desc")["records"]
    assert [r["Jumlah"] for r in records] == [125430, 9390]
    # 0.1 stays 0.1 (not 0.1000000000000000055...), 2608.9 stays 2608.9.
    assert [str(r["Rasio"]) for r in records] == ["2608.9", "0.1"]
    assert [r["Teks angka"] for r in records] == [1250, 30]


def test_a_formula_without_a_saved_value_is_refused(portal, make_dataset, api):
    import openpyxl
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Kecamatan", "Jumlah"])
    sheet.append(["Bengalon", 5])
    sheet.append(["Total", "=SUM(B2:B2)"])  # openpyxl saves formulas without a value
    data = io.BytesIO()
    workbook.save(data)
    _dataset, resource = _dataset_with(portal, make_dataset, data.getvalue(), "data.xlsx", "XLSX")
    dataapi.load_job(resource["id"])
    status = _status(api, portal, resource["id"])
    assert status["state"] == "error" and status["problem_codes"] == ["formula_without_value"]
    assert "B3" in status["problems"][0] and "rumus" in status["problems"][0]


def test_a_refused_replacement_keeps_the_published_table(portal, make_dataset, api):
    _dataset, resource = _dataset_with(portal, make_dataset, "kecamatan;jumlah\nBengalon;1.250\n")
    dataapi.load_job(resource["id"])
    for bad, code in [("kecamatan;kecamatan\nBengalon;5\n", "duplicate_header"),
                      ("kecamatan;;jumlah\nBengalon;x;5\n", "empty_header"),
                      ("kecamatan;jumlah\nBengalon;5;7\n", "extra_values"),
                      ("kecamatan;jumlah\n", "no_rows")]:
        helpers.call_action("resource_patch", ctx(portal.editor), id=resource["id"],
                            upload=upload(bad, "baru.csv"))
        dataapi.load_job(resource["id"])
        status = _status(api, portal, resource["id"])
        assert status["state"] == "error" and status["problem_codes"] == [code], bad
        assert _rows(resource["id"])["records"][0]["jumlah"] == 1250, bad
    assert _stage_tables() == []
    # Told on the file's page in Indonesian, with what stays.
    page = api.app.get(f"/dataset/{resource['package_id']}/resource/{resource['id']}",
                               headers=api.headers(portal.editor))
    assert "Tabel berkas sebelumnya tetap seperti semula" in page.get_data(as_text=True)


def test_a_windows_1252_csv_is_read(portal, make_dataset, api):
    data = "kecamatan;keterangan;jumlah\nKongbeng;Desa \u2013 lama;1.250\n".encode("cp1252")
    _dataset, resource = _dataset_with(portal, make_dataset, data)
    dataapi.load_job(resource["id"])
    record = _rows(resource["id"])["records"][0]
    assert (record["keterangan"], record["jumlah"]) == ("Desa \u2013 lama", 1250)


def test_the_kamus_data_type_is_obeyed_and_kept(portal, make_dataset, api):
    _dataset, resource = _dataset_with(portal, make_dataset, "tahun;jumlah;status\n2023;1.250;-\n2024;980;5\n")
    dataapi.load_job(resource["id"])
    assert _types(resource["id"]) == {"tahun": "int8", "jumlah": "int8", "status": "text"}

    # The Produsen writes the Kamus Data: label, unit, and "tahun" as text.
    helpers.call_action("datastore_create", ctx(portal.editor), resource_id=resource["id"], force=True, fields=[
        {"id": "tahun", "type": "int8", "info": {"label": "Tahun", "type_override": "text"}},
        {"id": "jumlah", "type": "int8", "info": {"label": "Jumlah Penduduk", "satuan": "jiwa"}},
        {"id": "status", "type": "text", "info": {"type_override": "numeric"}}])
    # The type change queued a load again; run it here.
    dataapi.load_job(resource["id"], force=True)
    status = _status(api, portal, resource["id"])
    # "-" is not a number: refused, naming the row and the value, the table unchanged.
    assert status["state"] == "error" and status["problem_codes"] == ["override_number"]
    assert "baris 2" in status["problems"][0] and '"-"' in status["problems"][0]
    assert _types(resource["id"])["tahun"] == "int8"

    helpers.call_action("datastore_create", ctx(portal.editor), resource_id=resource["id"], force=True, fields=[
        {"id": "status", "type": "text", "info": {}}])
    dataapi.load_job(resource["id"], force=True)
    assert _types(resource["id"]) == {"tahun": "text", "jumlah": "int8", "status": "text"}
    info = {f["id"]: f.get("info") for f in helpers.call_action(
        "datastore_info", {"ignore_auth": True}, id=resource["id"])["fields"]}
    assert info["jumlah"]["satuan"] == "jiwa" and info["jumlah"]["label"] == "Jumlah Penduduk"
    assert info["tahun"]["type_override"] == "text"


def test_an_unchanged_file_is_not_loaded_again(portal, make_dataset, api):
    _dataset, resource = _dataset_with(portal, make_dataset, "kecamatan;jumlah\nBengalon;5\n")
    dataapi.load_job(resource["id"])
    first = _status(api, portal, resource["id"])["last_updated"]
    helpers.call_action("resource_patch", ctx(portal.editor), id=resource["id"], description="Baru")
    dataapi.load_job(resource["id"])
    status = _status(api, portal, resource["id"])
    assert status["state"] == "complete" and status["rows"] == 1
    assert status["last_updated"] >= first


def test_the_produsen_writes_the_kamus_data_in_the_form_and_everyone_reads_it(portal, make_dataset, api, browser,
                                                                            app):
    dataset, resource = _dataset_with(portal, make_dataset, "kecamatan;jumlah\nBengalon;1.250\nKaubun;980\n")
    dataapi.load_job(resource["id"])
    produsen = browser().login(portal.editor)
    url = f"/dataset/{dataset['name']}/dictionary/{resource['id']}"
    form = produsen.page(url)
    # The type choices are the portal's, in Indonesian, with the type as read.
    options = [o.get_text(strip=True) for o in form.find("select", attrs={"name": "info__2__type_override"})
               .find_all("option")]
    assert options == ["Sesuai isi berkas (bilangan bulat)", "teks", "bilangan bulat", "angka", "tanggal"]
    response = produsen.submit(url, {"info__2__label": "Jumlah Penduduk", "info__2__satuan": "jiwa",
                                     "info__2__notes": "Penduduk menurut registrasi",
                                     "info__1__label": "Kecamatan", "info__1__notes": "Nama kecamatan"},
                               form=lambda f: f.find("input", attrs={"name": "info__2__satuan"}))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    flash = produsen.page(response.headers["Location"]).find(class_="alert").get_text(" ", strip=True)
    assert "Kamus Data tersimpan" in flash

    info = {f["id"]: f.get("info") for f in api.ok("datastore_info", portal.editor, id=resource["id"])["fields"]}
    assert info["jumlah"]["satuan"] == "jiwa" and info["jumlah"]["label"] == "Jumlah Penduduk"
    page = produsen.page(f"/dataset/{dataset['name']}/resource/{resource['id']}").get_text(" ", strip=True)
    assert "Satuan" in page and "jiwa" in page and "bilangan bulat (jiwa)" in page

    # Published: the Kamus Data is in the RDF of the distribution and counts for completeness.
    helpers.call_action("satudata_dataset_submit", ctx(portal.editor), id=dataset["id"])
    helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"])
    import rdflib
    graph = rdflib.Graph().parse(data=app.get(f"/dataset/{dataset['name']}.ttl").get_data(as_text=True),
                                 format="turtle")
    csvw = rdflib.Namespace("http://www.w3.org/ns/csvw#")
    units = {str(o) for o in graph.objects(None, rdflib.URIRef(
        "https://data.kutaitimurkab.go.id/ns/satudata#unit"))}
    assert units == {"jiwa"}
    names = {str(graph.value(c, csvw.name)): graph.value(c, csvw.datatype)
             for c in graph.objects(None, csvw.column)}
    assert names == {"kecamatan": rdflib.XSD.string, "jumlah": rdflib.XSD.integer}
    # The catalogue (the Kamus Data of a whole page read in one query) says the same.
    catalogue = rdflib.Graph().parse(data=app.get("/catalog.ttl").get_data(as_text=True), format="turtle")
    assert {str(graph.value(c, csvw.name)): (graph.value(c, csvw.datatype), graph.value(c, csvw.titles))
            for c in graph.objects(None, csvw.column)} == \
        {str(catalogue.value(c, csvw.name)): (catalogue.value(c, csvw.datatype), catalogue.value(c, csvw.titles))
         for c in catalogue.objects(None, csvw.column)}
    quality = api.ok("satudata_dataset_quality", portal.walidata, id=dataset["id"])["completeness"]
    # The first file (make_dataset's) is not loaded here, the second has its Kamus Data complete.
    assert "kamus_data" not in quality["missing"]
    # The reports over the catalogue (Kamus Data read once per batch) say the same as the dataset's panel.
    report = api.ok("satudata_quality_report", portal.walidata)
    dinkes = [r for r in report["instansi"] if r["instansi"] == "dinkes"]
    assert dinkes[0]["completeness"] == quality["score"]
    inventory = api.ok("satudata_inventory", portal.walidata, q=dataset["name"])["results"]
    assert [r["completeness"] for r in inventory] == [quality["score"]]

    # A later change of the Kamus Data (the unit taken away) reaches the report at
    # once: the report reads completeness from the search index.
    fields = [{"id": f["id"], "type": f["type"], "info": dict(f.get("info") or {})}
              for f in api.ok("datastore_info", portal.editor, id=resource["id"])["fields"] if f["id"] != "_id"]
    for field in fields:
        if field["id"] == "jumlah":
            field["info"]["satuan"] = ""
    helpers.call_action("datastore_create", ctx(portal.sysadmin), resource_id=resource["id"], force=True,
                        fields=fields)
    lower = api.ok("satudata_dataset_quality", portal.walidata, id=dataset["id"])["completeness"]
    assert "kamus_data" in lower["missing"] and lower["score"] < quality["score"]
    report = api.ok("satudata_quality_report", portal.walidata)
    assert [r["completeness"] for r in report["instansi"] if r["instansi"] == "dinkes"] == [lower["score"]]


def test_the_preview_shows_numbers_the_indonesian_way_and_every_column(portal, make_dataset, app):
    dataset, resource = _dataset_with(portal, make_dataset, INDONESIAN_CSV)
    dataapi.load_job(resource["id"])
    helpers.call_action("satudata_dataset_submit", ctx(portal.editor), id=dataset["id"])
    helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"])
    view = helpers.call_action("resource_view_create", ctx(portal.sysadmin), resource_id=resource["id"],
                               view_type="datatables_view", title="Tabel")
    page = app.get(f"/dataset/{dataset['name']}/resource/{resource['id']}/view/{view['id']}")
    assert page.status_code == 200
    columns = ["_id", "Kode Wilayah", "Kecamatan", "Jumlah Penduduk", "Luas (km2)",
               "Angka Kesakitan per 100.000 Penduduk", "Tanggal Data", "No Urut", "Perubahan"]
    form = {"draw": "1", "start": "0", "length": "10", "search[value]": "", "order[0][column]": "3",
            "order[0][dir]": "desc"}
    for i, name in enumerate(columns):
        form.update({f"columns[{i}][data]": name, f"columns[{i}][name]": name,
                     f"columns[{i}][searchable]": "true", f"columns[{i}][search][value]": ""})
    response = app.post(f"/datatables/ajax/{view['id']}", data=form)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    rows = json.loads(response.get_data(as_text=True))["data"]
    assert [r["Jumlah Penduduk"] for r in rows] == ["125.430", "82.470", "27.610", "9.390"]
    assert [r["Luas (km2)"] for r in rows] == ["1.128,5", "180,25", "5.724", "2.608,9"]
    # DataTables reads "a.b" as a nested property: the value is where it looks.
    assert [r["Angka Kesakitan per 100"]["000 Penduduk"] for r in rows] == ["7", "0,75", "9", "12,5"]
    assert [r["Kode Wilayah"] for r in rows][0] == "64.08.04"


def test_the_produsen_chooses_a_chart_and_the_public_sees_it_drawn_by_the_server(portal, make_dataset, api,
                                                                                browser, app):
    dataset, resource = _dataset_with(portal, make_dataset, INDONESIAN_CSV)
    dataapi.load_job(resource["id"])
    produsen = browser().login(portal.editor)
    tab = f"/dataset/{dataset['name']}/resource/{resource['id']}/table"
    page = produsen.page(tab)
    # A sensible default is proposed: bars of the first number columns by the first text column.
    assert page.find("select", attrs={"name": "jenis"}).find("option", selected=True)["value"] == "bar"
    assert page.find("select", attrs={"name": "kategori"}).find("option", selected=True)["value"] == "Kecamatan"
    # A choice without a value column is refused with the choice kept.
    response = produsen.submit(tab, {"jenis": "line", "kategori": "Kecamatan", "nilai": []},
                               form=lambda f: f.find("select", attrs={"name": "jenis"}))
    assert response.status_code == 200
    refused = response.get_data(as_text=True)
    assert "Pilih satu sampai enam kolom angka" in refused
    assert 'value="line" selected' in refused
    response = produsen.submit(tab, {"jenis": "bar", "kategori": "Kecamatan", "nilai": ["Jumlah Penduduk"]},
                               form=lambda f: f.find("select", attrs={"name": "jenis"}))
    assert response.status_code == 302
    assert json.loads(helpers.call_action("resource_show", {"ignore_auth": True}, id=resource["id"])["grafik"]) == {
        "jenis": "bar", "kategori": "Kecamatan", "nilai": ["Jumlah Penduduk"]}

    # Not public while the dataset is a draft: no chart, no SVG for a visitor.
    svg_url = f"/dataset/{dataset['name']}/resource/{resource['id']}/grafik.svg"
    assert app.get(svg_url).status_code == 404
    helpers.call_action("satudata_dataset_submit", ctx(portal.editor), id=dataset["id"])
    helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"])

    public = browser().page(f"/dataset/{dataset['name']}")
    figure = public.find(attrs={"data-satudata-chart": True})
    svg = figure.find("svg")
    assert svg is not None and svg.find("title").get_text() == "Tabel: Jumlah Penduduk"
    # The numbers, written the Indonesian way, in the bars and in the table beside them.
    texts = [t.get_text() for t in svg.find_all("text")]
    assert "125.430" in texts and any(t.endswith("Sangatta Utara") for t in texts)
    numbers = [[c.get_text(strip=True) for c in row.find_all(["th", "td"])]
               for row in figure.find("details").find("tbody").find_all("tr")]
    assert numbers == [["Muara Ancalong", "9.390"], ["Sangatta Utara", "125.430"],
                       ["Sangatta Selatan", "82.470"], ["Muara Wahau", "27.610"]]
    assert browser().page(f"/dataset/{dataset['name']}/resource/{resource['id']}").find(
        attrs={"data-satudata-chart": True}).find("svg")
    download = app.get(svg_url)
    assert download.status_code == 200 and download.mimetype == "image/svg+xml"
    assert download.get_data(as_text=True).startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg')


def test_the_chart_settings_are_checked_through_the_api(portal, make_dataset, api):
    _dataset, resource = _dataset_with(portal, make_dataset, "kecamatan;jumlah\nBengalon;5\n")
    for bad in ('{"jenis": "pie", "kategori": "kecamatan", "nilai": ["jumlah"]}', "bukan json",
                '{"jenis": "bar", "kategori": "kecamatan", "nilai": ["a", "b", "c", "d", "e", "f", "g"]}'):
        error = api.error("resource_patch", portal.editor, id=resource["id"], grafik=bad)
        assert error["__type"] == "Validation Error" and "grafik" in error, bad
    api.ok("resource_patch", portal.editor, id=resource["id"], grafik='{"jenis": "", "kategori": "x"}')
    assert helpers.call_action("resource_show", {"ignore_auth": True}, id=resource["id"]).get("grafik") in (None, "")


def test_a_replaced_file_waits_as_a_table_and_is_published_at_once_on_approval(portal, make_dataset, api):
    """Issue 13: the public keeps the published table while the new file waits;
    approving publishes the new table in the same moment as the new file."""
    from ckanext.satudata import tables
    dataset = make_dataset("approved", csv="kecamatan;jumlah\nBengalon;1.250\n")
    rid = dataset["resources"][0]["id"]
    dataapi.load_job(rid)
    assert _rows(rid)["records"][0]["jumlah"] == 1250

    helpers.call_action("resource_patch", ctx(portal.editor), id=rid,
                        upload=upload("kecamatan;jumlah\nBengalon;2.500\nKaubun;7\n", "baru.csv"))
    waiting = dataapi.load_state(rid, dataapi.NEXT_KEY)
    assert waiting["state"] == "pending"
    dataapi.stage_job(rid, waiting["file_id"], "csv")
    assert dataapi.load_state(rid, dataapi.NEXT_KEY)["state"] == "complete"
    # The public still reads the published table; the waiting one is no resource's.
    assert [r["jumlah"] for r in api.ok("datastore_search", None, resource_id=rid)["records"]] == [1250]
    assert api.error("datastore_search", portal.walidata,
                     resource_id=tables.next_table(rid))["__type"] == "Not Found Error"

    helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"])
    # Published with the approval, without waiting for the worker.
    found = api.ok("datastore_search", None, resource_id=rid, sort="jumlah desc")
    assert [r["jumlah"] for r in found["records"]] == [2500, 7] and found["total"] == 2
    assert _status(api, portal, rid)["rows"] == 2
    assert dataapi.load_state(rid, dataapi.NEXT_KEY) is None
    assert _stage_tables() == []

    # A discarded change leaves no waiting table behind.
    helpers.call_action("resource_patch", ctx(portal.editor), id=rid,
                        upload=upload("kecamatan;jumlah\nBengalon;1\n", "lagi.csv"))
    waiting = dataapi.load_state(rid, dataapi.NEXT_KEY)
    dataapi.stage_job(rid, waiting["file_id"], "csv")
    helpers.call_action("satudata_revision_discard", ctx(portal.editor), id=dataset["id"])
    from ckanext.datastore.backend.postgres import get_write_engine
    with get_write_engine().connect() as conn:
        assert conn.execute(sa.text("select to_regclass(:t)"), {"t": f'"{tables.next_table(rid)}"'}).scalar() is None
    assert [r["jumlah"] for r in api.ok("datastore_search", None, resource_id=rid, sort="jumlah desc")["records"]] \
        == [2500, 7]
