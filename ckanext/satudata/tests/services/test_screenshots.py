"""The pages as a person sees them: headless Chromium (Debian's chromium and
chromedriver) against the portal served from this test on 127.0.0.1, saving
screenshots of /statistik, /inventaris, a dataset page with its stars and
freshness, and the data request flow to test-artifacts/screenshots/."""
from __future__ import annotations

import contextlib
import datetime
import os
import threading

import pytest
from freezegun import freeze_time
from werkzeug.serving import make_server

from ckan.tests import factories as core_factories
from ckan.tests import helpers

from ckanext.satudata.services import usage
from ckanext.satudata.tests.conftest import PASSWORD, ctx
from ckanext.satudata.tests.services.conftest import created_on

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
SHOTS = os.environ.get("SATUDATA_SCREENSHOTS") or os.path.join(ROOT, "test-artifacts", "screenshots")
PORT = int(os.environ.get("SATUDATA_SCREENSHOT_PORT", "5006"))


@pytest.fixture
def live_portal(app):
    server = make_server("127.0.0.1", PORT, app.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{PORT}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def chromium(chromium):
    """The suite's Chromium (conftest), at this file's window size."""
    chromium.set_window_size(1366, 1000)
    return chromium


def _shot(driver, name: str) -> str:
    os.makedirs(SHOTS, exist_ok=True)
    path = os.path.join(SHOTS, f"{name}.png")
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1366, min(max(height, 800), 6000))
    driver.save_screenshot(path)
    driver.set_window_size(1366, 1000)
    assert os.path.getsize(path) > 10_000
    return path


@pytest.fixture
def demo_catalogue(portal, make_dataset, visitors):
    """A small, realistic catalogue with visits over a few months."""
    for name, title in (("kesehatan", "Kesehatan"), ("pertanian", "Pertanian"), ("kependudukan", "Kependudukan")):
        core_factories.Group(name=name, title=title)
    specs = [
        ("jumlah-penduduk-2024", "Jumlah Penduduk per Kecamatan 2024", "dinkes", "kependudukan", "tahunan", 2024),
        ("posyandu-aktif", "Posyandu Aktif per Kecamatan", "dinkes", "kesehatan", "tahunan", 2024),
        ("imunisasi-dasar", "Cakupan Imunisasi Dasar Lengkap", "dinkes", "kesehatan", "bulanan", 2025),
        ("produksi-padi", "Produksi Padi Sawah per Kecamatan", "distan", "pertanian", "triwulanan", 2024),
        ("luas-panen", "Luas Panen Jagung", "distan", "pertanian", "tahunan", 2023),
    ]
    datasets = {}
    today = datetime.date.today()
    months = []
    for back in range(5, -1, -1):
        year, month = today.year, today.month - back
        while month < 1:
            year, month = year - 1, month + 12
        months.append(datetime.date(year, month, min(today.day, 10)))
    for i, (name, title, org, group, freq, year) in enumerate(specs):
        creator = portal.editor if org == "dinkes" else portal.other_editor
        # The Dinas Pertanian files were last uploaded long ago: overdue.
        with freeze_time(today - datetime.timedelta(days=200)) if org == "distan" else contextlib.nullcontext():
            datasets[name] = make_dataset("approved", name=name, title=title, owner_org=portal.orgs[org]["id"],
                                          creator=creator, frekuensi=freq, tahun=year,
                                          tag_string="statistik,kutai-timur",
                                          rujukan=["https://data.go.id"] if i % 2 == 0 else [])
        helpers.call_action("package_patch", ctx(portal.sysadmin), id=datasets[name]["id"],
                            groups=[{"name": group}])
        created_on(datasets[name], f"{months[i]} 08:00:00")
    helpers.call_action("resource_create", ctx(portal.sysadmin), package_id=datasets["luas-panen"]["id"],
                        name="Laporan", url="https://data.kutaitimurkab.go.id/luas-panen.pdf", format="PDF")
    make_dataset("pending", name="menunggu-verifikasi", title="Data Menunggu Verifikasi")
    visitor = 1
    for month_index, day in enumerate(months):
        with visitors.on(f"{day} 10:00:00"):
            for j, name in enumerate(datasets):
                for _ in range((month_index + 1) * (len(datasets) - j) // 2):
                    visitors.view(name, visitor % 250 + 1)
                    if visitor % 3 == 0:
                        visitors.download(datasets[name], visitor % 250 + 1)
                    visitor += 1
    usage.summarise()
    return datasets


def _click(driver, css: str) -> None:
    # A real click may land on the page footer of a short headless window.
    element = driver.find_element("css selector", css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); "
                          "if (arguments[0].tagName === 'OPTION') { arguments[0].selected = true; }"
                          " else { arguments[0].click(); }", element)


def _wait(driver, element_id: str):
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, 30).until(expected_conditions.presence_of_element_located(("id", element_id)))


def _login(driver, base, user):
    driver.get(f"{base}/user/login")
    driver.find_element("name", "login").send_keys(user["name"])
    password = driver.find_element("name", "password")
    password.send_keys(PASSWORD)
    driver.execute_script("arguments[0].form.requestSubmit();", password)
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(driver, 30).until(lambda d: "/user/login" not in d.current_url)


@pytest.mark.ckan_config("ckan.site_url", f"http://127.0.0.1:{PORT}")
def test_screenshots_of_the_service_pages(live_portal, chromium, demo_catalogue, portal):
    driver, base = chromium, live_portal
    driver.get(f"{base}/statistik?months=6")
    assert driver.find_element("tag name", "h1").text == "Statistik pemanfaatan data terbuka"
    assert len(driver.find_elements("css selector", "svg.satudata-chart")) >= 7
    _shot(driver, "statistik")

    driver.get(f"{base}/inventaris")
    assert len(driver.find_elements("css selector", "tr[data-dataset]")) == 5
    _shot(driver, "inventaris")

    driver.get(f"{base}/dataset/produksi-padi")
    panel = driver.find_element("css selector", ".satudata-quality")
    assert "Terlambat" in panel.text and "3/5" in panel.text
    _shot(driver, "dataset-bintang-kemutakhiran")

    # The request flow: the form, the status page, the Walidata's triage.
    driver.get(f"{base}/permohonan-data/baru")
    for field, value in (("name", "Rina Wulandari"), ("email", "rina@example.com"),
                         ("title", "Jumlah tenaga kesehatan per puskesmas 2024"),
                         ("description", "Dokter, perawat dan bidan per puskesmas."),
                         ("purpose", "Penelitian skripsi")):
        driver.find_element("name", field).send_keys(value)
    _shot(driver, "permohonan-1-formulir")
    _click(driver, "form.satudata-request-form button[type=submit]")
    assert _wait(driver, "request-status").text == "Baru"
    status_url = driver.current_url
    _shot(driver, "permohonan-2-diterima")

    _login(driver, base, portal.walidata)
    driver.get(status_url)
    _click(driver, "#triage-status option[value=dipenuhi]")
    driver.find_element("id", "triage-dataset").send_keys("posyandu-aktif")
    driver.find_element("id", "triage-note").send_keys("Data tersedia pada dataset berikut.")
    _shot(driver, "permohonan-3-walidata")
    _click(driver, "form.satudata-triage-form button[type=submit]")
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(driver, 30).until(lambda d: d.find_element("id", "request-status").text == "Dipenuhi")
    driver.delete_all_cookies()
    driver.get(status_url)
    assert driver.find_element("id", "request-dataset").text == "Posyandu Aktif per Kecamatan"
    _shot(driver, "permohonan-4-dipenuhi")

    driver.get(f"{base}/permohonan-data")
    _shot(driver, "permohonan-5-daftar")
    driver.get(f"{base}/bantuan")
    _shot(driver, "bantuan")

    _login(driver, base, portal.walidata)
    driver.get(f"{base}/spbe")
    assert len(driver.find_elements("css selector", ".satudata-spbe-level")) == 5
    _shot(driver, "spbe")
    driver.get(f"{base}/kualitas-data")
    _shot(driver, "kualitas-data")
    for name in ("statistik", "inventaris", "dataset-bintang-kemutakhiran", "permohonan-4-dipenuhi"):
        assert os.path.exists(os.path.join(SHOTS, f"{name}.png"))
