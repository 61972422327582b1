"""CSV and XLSX files go into the DataStore through the Redis queue and the jobs
worker, and come out through datastore_search, the dumps and the DataTables view.

Real processes: the portal served by ``ckan run`` and ``ckan jobs worker``
(tests/live.py), the test DataStore database, Solr and Redis.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import requests

from ckan.tests import helpers

from ckanext.satudata.tests.conftest import GOOD_CSV, ctx, upload
from ckanext.satudata.tests.factories import complete_dataset
from ckanext.satudata.tests.live import LIVE_URL, live_site, streamed_upload

pytestmark = live_site

ROWS_CSV = (
    "kode_wilayah,kecamatan,jumlah\n"
    "64.08.04,Sangatta Utara,120\n"
    "64.08.12,Sangatta Selatan,80\n"
    "64.08.01,Muara Ancalong,45\n"
)


def _dataset(portal, **fields):
    return helpers.call_action("package_create", ctx(portal.editor),
                               **complete_dataset(portal.orgs["dinkes"]["id"], **fields))


def _api_upload(api, user, package_id: str, path: Path, **fields) -> dict:
    response = streamed_upload(f"{LIVE_URL}/api/3/action/resource_create",
                               dict({"package_id": package_id, "name": path.stem}, **fields),
                               path, api.token(user))
    assert response.status_code == 200, response.text
    return response.json()["result"]


def _search(api, user=None, **params) -> tuple[int, dict]:
    response = requests.post(f"{LIVE_URL}/api/3/action/datastore_search", json=params,
                             headers=api.headers(user), timeout=30)
    return response.status_code, response.json()


def _resource(resource_id: str) -> dict:
    return helpers.call_action("resource_show", {"ignore_auth": True}, id=resource_id)


def test_csv_uploaded_through_the_api_is_loaded_by_the_worker_and_searchable(portal, api, loader, tmp_path):
    dataset = _dataset(portal, name="penduduk-kecamatan")
    path = tmp_path / "penduduk.csv"
    path.write_text(ROWS_CSV, encoding="utf-8")
    resource = _api_upload(api, portal.editor, dataset["id"], path, format="CSV")
    assert not _resource(resource["id"]).get("datastore_active")

    loader.run_worker()

    assert _resource(resource["id"])["datastore_active"] is True
    status, body = _search(api, portal.editor, resource_id=resource["id"])
    assert status == 200, body
    result = body["result"]
    assert result["total"] == 3
    assert [f["id"] for f in result["fields"]] == ["_id", "kode_wilayah", "kecamatan", "jumlah"]
    assert {r["kecamatan"] for r in result["records"]} == {"Sangatta Utara", "Sangatta Selatan", "Muara Ancalong"}

    _, body = _search(api, portal.editor, resource_id=resource["id"], filters={"kecamatan": "Sangatta Utara"})
    assert [(r["kode_wilayah"], r["jumlah"]) for r in body["result"]["records"]] == [("64.08.04", 120)]
    _, body = _search(api, portal.editor, resource_id=resource["id"], q="Sangatta")
    assert body["result"]["total"] == 2
    _, body = _search(api, portal.editor, resource_id=resource["id"], sort="kecamatan asc", fields=["kecamatan"])
    assert [r["kecamatan"] for r in body["result"]["records"]] == ["Muara Ancalong", "Sangatta Selatan",
                                                                     "Sangatta Utara"]
    # A draft is not public: its table is not either.
    status, body = _search(api, None, resource_id=resource["id"])
    assert status == 403 and not body["success"]
    assert "records" not in str(body)

    # Approved by the Walidata, the dataset and its table are public.
    helpers.call_action("satudata_dataset_submit", ctx(portal.editor), id=dataset["id"])
    helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"])
    status, body = _search(api, None, resource_id=resource["id"], filters={"kecamatan": "Muara Ancalong"})
    assert status == 200 and body["result"]["records"][0]["jumlah"] == 45


def test_csv_uploaded_through_the_form_is_loaded_with_a_table_view(portal, api, loader, browser):
    dataset = _dataset(portal, name="posyandu-aktif")
    produsen = browser().login(portal.editor)
    response = produsen.submit(f"/dataset/{dataset['name']}/resource/new",
                               {"name": "Posyandu per kecamatan", "format": "CSV", "save": "go-dataset-complete"},
                               form=lambda f: f.find("input", attrs={"name": "upload"}),
                               files={"upload": upload(ROWS_CSV, "posyandu.csv")})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    resource = helpers.call_action("package_show", {"ignore_auth": True}, id=dataset["id"])["resources"][-1]

    loader.run_worker()

    resource = _resource(resource["id"])
    assert resource["datastore_active"] is True
    views = helpers.call_action("resource_view_list", {"ignore_auth": True}, id=resource["id"])
    assert "datatables_view" in [v["view_type"] for v in views]
    assert _search(api, portal.editor, resource_id=resource["id"])[1]["result"]["total"] == 3

    # The Produsen sees the status in Indonesian on the file page; the public does not.
    page = produsen.page(f"/dataset/{dataset['name']}/resource/{resource['id']}")
    box = page.find(class_="satudata-datastore-status")
    assert "Berhasil dimuat" in box.get_text()
    assert "3 baris, sama dengan berkas, dapat dipratinjau" in box.get_text()
    helpers.call_action("satudata_dataset_submit", ctx(portal.editor), id=dataset["id"])
    helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"])
    public = browser().page(f"/dataset/{dataset['name']}/resource/{resource['id']}")
    assert public.find("iframe", attrs={"data-module": "data-viewer"})
    assert not public.find(class_="satudata-datastore-status")
    assert public.find("a", class_="satudata-dataapi-guide-link")


def test_replacing_the_file_loads_the_new_rows(portal, api, loader, tmp_path):
    dataset = _dataset(portal)
    path = tmp_path / "data.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    resource = _api_upload(api, portal.editor, dataset["id"], path, format="CSV")
    loader.run_worker()
    assert _search(api, portal.editor, resource_id=resource["id"])[1]["result"]["total"] == 2

    path.write_text(ROWS_CSV + "64.08.02,Muara Wahau,33\n", encoding="utf-8")
    response = streamed_upload(f"{LIVE_URL}/api/3/action/resource_patch", {"id": resource["id"]}, path,
                               api.token(portal.editor))
    assert response.status_code == 200, response.text
    loader.run_worker()

    result = _search(api, portal.editor, resource_id=resource["id"], sort="kecamatan asc")[1]["result"]
    assert result["total"] == 4, api.ok("satudata_table_status", portal.editor, resource_id=resource["id"])
    assert result["records"][0]["kecamatan"] == "Muara Ancalong"


def test_xlsx_is_loaded_like_a_csv(portal, api, loader, tmp_path):
    import openpyxl
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [("kecamatan", "sekolah"), ("Sangatta Utara", 41), ("Bengalon", 17)]:
        sheet.append(row)
    path = tmp_path / "sekolah.xlsx"
    workbook.save(path)
    dataset = _dataset(portal)
    resource = _api_upload(api, portal.editor, dataset["id"], path, format="XLSX")

    loader.run_worker()

    result = _search(api, portal.editor, resource_id=resource["id"], filters={"kecamatan": "Bengalon"})[1]["result"]
    assert [r["sekolah"] for r in result["records"]] == [17]


def test_a_malformed_csv_gives_a_readable_error_and_stays_downloadable(portal, api, loader, tmp_path, browser):
    dataset = _dataset(portal, name="data-rusak")
    path = tmp_path / "rusak.csv"
    path.write_text("kecamatan,jumlah\nSangatta Utara,120\nBengalon,17,3\n", encoding="utf-8")
    resource = _api_upload(api, portal.editor, dataset["id"], path, format="CSV")

    loader.run_worker()

    assert not _resource(resource["id"]).get("datastore_active")
    status = api.ok("satudata_table_status", portal.editor, resource_id=resource["id"])
    assert status["state"] == "error" and status["problem_codes"] == ["extra_values"]
    produsen = browser().login(portal.editor)
    page = produsen.page(f"/dataset/{dataset['name']}/resource/{resource['id']}")
    box = page.find(class_="satudata-datastore-status").get_text(" ", strip=True)
    assert "Gagal dimuat" in box
    assert "Baris 3 berisi lebih banyak nilai daripada 2 kolom" in box
    assert "tetap dapat diunduh" in box
    details = produsen.page(f"/dataset/{dataset['name']}/resource/{resource['id']}/table").get_text(" ", strip=True)
    assert "Baris 3 berisi lebih banyak nilai" in details

    # The Walidata sees it too; the file still downloads, byte for byte.
    walidata = browser().login(portal.walidata)
    assert "Gagal dimuat" in walidata.page(f"/dataset/{dataset['name']}/resource/{resource['id']}").get_text()
    download = produsen.get(f"/dataset/{dataset['id']}/resource/{resource['id']}/download/rusak.csv")
    assert download.status_code == 200
    assert download.get_data() == path.read_bytes()


def test_a_file_over_the_loader_limit_is_explained_and_not_loaded(portal, api, loader, tmp_path, browser):
    dataset = _dataset(portal, name="data-besar")
    path = tmp_path / "besar.csv"
    path.write_text("kecamatan,jumlah\n" + "Sangatta Utara,120\n" * 2000, encoding="utf-8")
    resource = _api_upload(api, portal.editor, dataset["id"], path, format="CSV")

    loader.run_worker(ckanext__satudata__table__max_size=10240)

    assert not _resource(resource["id"]).get("datastore_active")
    produsen = browser().login(portal.editor)
    box = produsen.page(f"/dataset/{dataset['name']}/resource/{resource['id']}") \
        .find(class_="satudata-datastore-status").get_text(" ", strip=True)
    assert "Berkas berukuran 37 KB; tabel dibuat dari berkas hingga 10 KB" in box
    assert "ckanext.satudata.table.max_size" in box


@pytest.mark.ckan_config("ckan.max_resource_size", 1)
def test_an_upload_over_the_upload_limit_is_refused_with_the_limit(portal, api, tmp_path):
    dataset = _dataset(portal)
    path = tmp_path / "terlalu-besar.csv"
    path.write_text("kecamatan,jumlah\n" + "Sangatta Utara,120\n" * 80000, encoding="utf-8")
    response = api.app.post("/api/3/action/resource_create", data={
        "package_id": dataset["id"], "name": "Terlalu besar",
        "upload": (io.BytesIO(path.read_bytes()), "terlalu-besar.csv")},
        headers=api.headers(portal.editor), content_type="multipart/form-data")
    assert response.status_code == 409
    message = str(response.json["error"])
    assert "Ukuran berkas 1.4 MB; berkas terbesar yang diterima portal adalah 1 MB" in message
    assert helpers.call_action("package_show", {"ignore_auth": True}, id=dataset["id"])["resources"] == []


def test_links_are_never_fetched_by_the_loader(portal, api, loader):
    dataset = _dataset(portal)
    # A link into the portal's own network (Solr): the worker must not fetch it.
    resource = helpers.call_action("resource_create", ctx(portal.editor), package_id=dataset["id"],
                                   name="Tautan", format="CSV",
                                   url="http://127.0.0.1:8983/solr/admin/info/system?wt=csv")
    loader.run_worker()
    assert not _resource(resource["id"]).get("datastore_active")
    assert api.error("satudata_table_status", portal.editor, resource_id=resource["id"])["__type"] == "Not Found Error"


def write_large_csv(path: Path, size: int = 100_000_000) -> int:
    """A CSV of about ``size`` bytes (generated for the run, never committed);
    returns its number of data rows."""
    kecamatan = ["Sangatta Utara", "Sangatta Selatan", "Bengalon", "Muara Wahau", "Kaliorang", "Sangkulirang"]
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("no,kode_wilayah,kecamatan,tahun,jenis_kelamin,jumlah,keterangan\n")
        written = 0
        while written < size:
            lines = []
            for i in range(rows, rows + 10000):
                lines.append(f"{i},64.08.{i % 18 + 1:02d},{kecamatan[i % 6]},{2015 + i % 10},"
                             f"{'laki-laki' if i % 2 else 'perempuan'},{i * 7 % 100000},"
                             f"Data registrasi penduduk baris {i}\n")
            chunk = "".join(lines)
            out.write(chunk)
            written += len(chunk.encode("utf-8"))
            rows += 10000
    return rows


def test_a_100_mb_csv_loads_without_the_web_process_holding_it_in_memory(portal, api, loader, tmp_path):
    from ckanext.satudata.tests.live import peak_memory_kb, reset_peak_memory

    path = tmp_path / "penduduk-besar.csv"
    rows = write_large_csv(path)
    size_mb = path.stat().st_size / 1024 / 1024
    assert 95 <= size_mb < 100
    dataset = _dataset(portal, name="penduduk-besar")

    reset_peak_memory(loader.pid)
    before = peak_memory_kb(loader.pid)
    resource = _api_upload(api, portal.editor, dataset["id"], path, format="CSV")
    upload_growth_mb = (peak_memory_kb(loader.pid) - before) / 1024

    loader.run_worker()
    serve_growth_mb = (peak_memory_kb(loader.pid) - before) / 1024

    # The web process streamed the file to disk (the worker reads it from the
    # file store): its peak memory grew by a fraction of the file, not by the file.
    assert upload_growth_mb < 40, f"web process grew {upload_growth_mb:.0f} MB for a {size_mb:.0f} MB upload"
    assert serve_growth_mb < 40, f"web process grew {serve_growth_mb:.0f} MB while the worker loaded"
    assert _resource(resource["id"])["datastore_active"] is True
    status, body = _search(api, portal.editor, resource_id=resource["id"], limit=1,
                           filters={"no": str(rows - 1)})
    assert status == 200 and body["result"]["total"] == 1
    assert body["result"]["records"][0]["keterangan"] == f"Data registrasi penduduk baris {rows - 1}"
    _, body = _search(api, portal.editor, resource_id=resource["id"], limit=0)
    assert body["result"]["total"] == rows
