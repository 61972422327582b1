"""The DataTables view of a loaded file, in headless Chromium (Debian's
chromium and chromedriver) against the portal served by ``ckan run``:
the public sorts, filters and pages through the rows of a published table."""
from __future__ import annotations

import itertools

import pytest

from ckan.tests import helpers

from ckanext.satudata.tests.live import LIVE_URL, ROOT, live_site

pytestmark = live_site

KECAMATAN = ["Muara Ancalong", "Muara Bengkal", "Muara Wahau", "Sangatta Utara", "Sangatta Selatan", "Bengalon",
             "Kaliorang", "Sandaran", "Sangkulirang", "Kaubun", "Karangan", "Kongbeng", "Telen", "Busang",
             "Long Mesangat", "Batu Ampar", "Rantau Pulung", "Teluk Pandan"]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture
def chromium(chromium):
    """The suite's Chromium (conftest), at this file's window size."""
    chromium.set_window_size(1280, 2400)
    return chromium


def test_the_public_sorts_filters_and_pages_a_table_in_the_datatables_view(portal, make_dataset, loader,
                                                                            chromium):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    rows = [f"{k},{tahun},{100 + i}" for i, (tahun, k) in enumerate(itertools.product((2023, 2024), KECAMATAN))]
    dataset = make_dataset("approved", name="penduduk-kutim", csv="kecamatan,tahun,jumlah\n" + "\n".join(rows) + "\n")
    loader.run_worker()
    resource = helpers.call_action("resource_show", {"ignore_auth": True}, id=dataset["resources"][0]["id"])
    assert resource["datastore_active"]

    chromium.get(f"{LIVE_URL}/dataset/{dataset['name']}/resource/{resource['id']}")
    wait = WebDriverWait(chromium, 30)
    frame = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "iframe[data-module='data-viewer']")))
    chromium.switch_to.frame(frame)

    # Read in one script call: DataTables redraws the rows under Selenium's feet.
    def body_rows():
        return chromium.execute_script(
            "return Array.from(document.querySelectorAll('table.dataTable tbody tr'))"
            ".map(tr => Array.from(tr.cells).map(td => td.innerText.trim()))")

    def info():
        return chromium.execute_script(
            "const e = document.querySelector('.dataTables_info, .dt-info'); return e ? e.innerText : ''")

    wait.until(lambda d: len(body_rows()) == 20 and "dari 36 entri" in info())
    assert info() == "Menampilkan 1 sampai 20 dari 36 entri"
    header = [th.text.strip() for th in chromium.find_elements(By.CSS_SELECTOR, "table.dataTable thead th")]
    assert {"kecamatan", "tahun", "jumlah"} <= set(header)

    # Filter: the search box narrows the rows (server-side, through datastore_search).
    search = chromium.find_element(By.CSS_SELECTOR, ".dataTables_filter input, .dt-search input")
    search.send_keys("Muara", Keys.ENTER)
    wait.until(lambda d: "dari 6 entri" in info())
    column = header.index("kecamatan")
    assert {r[column] for r in body_rows()} == {"Muara Ancalong", "Muara Bengkal", "Muara Wahau"}
    search.send_keys(Keys.CONTROL, "a")
    search.send_keys(Keys.BACKSPACE, Keys.ENTER)
    wait.until(lambda d: "dari 36 entri" in info())

    # Sort: by kecamatan, descending after a second click.
    heading = chromium.find_elements(By.CSS_SELECTOR, "table.dataTable thead th")[column]
    heading.click()
    wait.until(lambda d: body_rows() and body_rows()[0][column] == "Batu Ampar")
    chromium.find_elements(By.CSS_SELECTOR, "table.dataTable thead th")[column].click()
    wait.until(lambda d: body_rows() and body_rows()[0][column] == "Teluk Pandan")

    # Page: the second page holds the last 16 rows.
    # The pager is at the foot of the frame: scroll the page to it, as a reader does.
    chromium.switch_to.default_content()
    chromium.execute_script("arguments[0].scrollIntoView({block: 'end'})", frame)
    chromium.switch_to.frame(frame)
    chromium.find_element(By.CSS_SELECTOR, ".paginate_button.next a, .dt-paging-button.next").click()
    wait.until(lambda d: "Menampilkan 21 sampai 36 dari 36 entri" in info())
    assert len(body_rows()) == 16

    ARTIFACTS.mkdir(exist_ok=True)
    chromium.switch_to.default_content()
    chromium.save_screenshot(str(ARTIFACTS / "datatables-view.png"))
