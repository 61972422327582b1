"""A table as people see it in Chromium (Debian's chromium and chromedriver,
headless), at 1280 and 375 px: the chart drawn by the server is readable at
both widths, and the DataTables preview shows Indonesian numbers right-aligned
with its controls side by side or stacked, never overlapping. Screenshots go
to test-artifacts/screenshots/."""
from __future__ import annotations

import json
import threading

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from ckan.tests import helpers

from ckanext.satudata import dataapi
from ckanext.satudata.tests.conftest import ctx, screenshot, upload
from ckanext.satudata.tests.logic.test_tables import INDONESIAN_CSV

PORT = 5007


@pytest.fixture
def site(app):
    server = make_server("127.0.0.1", PORT, app.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{PORT}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def published_table(portal, make_dataset, empty_datastore):
    dataset = make_dataset("draft", name="angka-kesakitan")
    resource = helpers.call_action("resource_create", ctx(portal.editor), package_id=dataset["id"],
                                   name="Angka kesakitan 2024", format="CSV",
                                   upload=upload(INDONESIAN_CSV, "kesakitan.csv"))
    dataapi.load_job(resource["id"])
    helpers.call_action("resource_patch", ctx(portal.editor), id=resource["id"], grafik=json.dumps(
        {"jenis": "bar", "kategori": "Kecamatan", "nilai": ["Jumlah Penduduk"]}))
    helpers.call_action("satudata_dataset_submit", ctx(portal.editor), id=dataset["id"])
    helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"])
    return dataset, resource


def _box(driver, element) -> dict:
    return driver.execute_script("var r = arguments[0].getBoundingClientRect();"
                                 "return {x: r.x, y: r.y, w: r.width, h: r.height};", element)


def _text_box(driver, element) -> dict:
    """Where the element's text is drawn (its box may run under a floated neighbour)."""
    return driver.execute_script("var g = document.createRange(); g.selectNodeContents(arguments[0]);"
                                 "var r = g.getBoundingClientRect();"
                                 "return {x: r.x, y: r.y, w: r.width, h: r.height};", element)


def _overlap(a: dict, b: dict) -> bool:
    return a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] \
        and b["y"] < a["y"] + a["h"]


# The page's scripts load their translations from the site's own address.
@pytest.mark.ckan_config("ckan.site_url", f"http://127.0.0.1:{PORT}")
def test_the_chart_and_the_preview_read_well_at_1280_and_375_px(site, chromium, published_table):
    dataset, resource = published_table
    for width in (1280, 375):
        chromium.set_window_size(width, 1000)
        chromium.get(f"{site}/dataset/{dataset['name']}")
        shown = [svg for svg in chromium.find_elements(By.CSS_SELECTOR, "[data-satudata-chart] svg")
                 if svg.is_displayed()]
        assert len(shown) == 1, width
        assert _box(chromium, shown[0])["w"] <= width
        # Every label drawn at least 9 px high: readable, not a shrunk drawing.
        heights = [_box(chromium, t)["h"] for t in shown[0].find_elements(By.TAG_NAME, "text")]
        assert heights and min(heights) >= 9, (width, min(heights))
        labels = [t.text for t in shown[0].find_elements(By.TAG_NAME, "text")]
        assert "125.430" in labels
        screenshot(chromium, f"tabel-grafik-{width}")

        views = helpers.call_action("resource_view_list", {"ignore_auth": True}, id=resource["id"])
        view = [v for v in views if v["view_type"] == "datatables_view"][0]
        chromium.get(f"{site}/dataset/{dataset['name']}/resource/{resource['id']}/view/{view['id']}")
        table_text = 'return (document.getElementById("dtprv") || {}).textContent || ""'
        WebDriverWait(chromium, 30).until(lambda d: "125.430" in d.execute_script(table_text))
        WebDriverWait(chromium, 30).until(
            lambda d: d.execute_script('return getComputedStyle(document.body).visibility') == "visible")
        info = chromium.find_element(By.ID, "dtprv_info")
        search = chromium.find_element(By.ID, "dtprv_filter")
        assert not _overlap(_text_box(chromium, info), _box(chromium, search)), width
        # Read in one script: DataTables may redraw the rows (language file loaded) between two calls.
        align = WebDriverWait(chromium, 30).until(lambda d: d.execute_script(
            "const c = [...document.querySelectorAll('#dtprv td')].find(c => c.textContent.trim() === '125.430');"
            "return c ? getComputedStyle(c).textAlign : null;"))
        assert align in ("right", "end")
        # The column whose name holds a dot ("per 100.000 Penduduk") is filled, not blank.
        assert "0,75" in chromium.execute_script(table_text)
        screenshot(chromium, f"tabel-pratinjau-{width}")
        # No script error (the factories' picture addresses do not resolve here: network, not script).
        errors = [e for e in chromium.get_log("browser") if e["level"] == "SEVERE" and e.get("source") != "network"]
        assert not errors, errors
