"""In headless Chromium: a Produsen publishes a dataset with a CSV through the forms and
files it under a Tematik, the Walidata returns it with a note from /verifikasi, the
Produsen reads the note in the inbox, corrects and resubmits, the Walidata approves,
and the public finds it under its Tematik and downloads it."""
from __future__ import annotations

import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from ckan.tests import helpers

from ckanext.satudata.tests.conftest import chromium_login, screenshot

CSV = "kode_wilayah,kecamatan,posyandu_aktif\n64.08.04,Sangatta Utara,42\n64.08.12,Sangatta Selatan,17\n"


def _wait(driver, condition, timeout=20):
    return WebDriverWait(driver, timeout).until(condition)


def _logout(driver):
    driver.delete_all_cookies()


def _views_recorded(url: str) -> int:
    import sqlalchemy as sa
    import ckan.model as model
    model.Session.remove()
    return model.Session.execute(sa.text("select count(*) from tracking_raw where url = :url and "
                                         "tracking_type = 'page'"), {"url": url}).scalar()


def _inbox(driver, base):
    """(unread count in the header, headlines and notes of the inbox page)."""
    driver.get(f"{base}/dashboard/")
    unread = int(driver.find_element(By.CSS_SELECTOR, ".satudata-inbox-count").text)
    driver.get(f"{base}/dashboard/kotak-masuk")
    notices = [n.text for n in driver.find_elements(By.CSS_SELECTOR, ".satudata-notice")]
    return unread, notices


def test_produsen_to_walidata_to_public_in_chromium(portal, live_server, chromium, tmp_path):
    driver, base = chromium, live_server
    helpers.call_action("group_create", {"user": portal.sysadmin["name"], "ignore_auth": True},
                        name="kesehatan", title="Kesehatan")
    csv_path = tmp_path / "posyandu.csv"
    csv_path.write_text(CSV, encoding="utf-8")

    # The Produsen fills in the dataset form ...
    chromium_login(driver, base, portal.editor)
    driver.get(f"{base}/dataset/new")
    driver.find_element(By.ID, "field-title").send_keys("Jumlah Posyandu Aktif per Kecamatan 2024")
    driver.find_element(By.ID, "field-notes").send_keys("Posyandu yang aktif melayani balita di setiap kecamatan.")
    driver.find_element(By.ID, "field-sumber").send_keys("Laporan bulanan puskesmas")
    driver.find_element(By.ID, "field-maintainer").send_keys("Seksi Kesehatan Keluarga")
    driver.find_element(By.ID, "field-maintainer_email").send_keys("kesga@kutaitimurkab.go.id")
    Select(driver.find_element(By.ID, "field-frekuensi")).select_by_value("tahunan")
    Select(driver.find_element(By.ID, "field-level_penyajian")).select_by_value("kecamatan")
    driver.find_element(By.ID, "field-tahun").send_keys("2024")
    # The Produsen chooses the Tematik.
    driver.find_element(By.CSS_SELECTOR, "label[for=field-tematik-kesehatan]").click()
    tematik = driver.find_element(By.ID, "field-tematik-kesehatan")
    assert tematik.is_selected()
    _wait(driver, lambda d: d.find_element(By.ID, "field-name").get_attribute("value"))
    screenshot(driver, "workflow-1-dataset-form")
    driver.find_element(By.CSS_SELECTOR, "#dataset-edit button.btn-primary[name=save]").click()

    # ... adds the CSV file ...
    _wait(driver, EC.presence_of_element_located((By.ID, "resource-upload-button")))
    driver.find_element(By.ID, "resource-upload-button").click()
    driver.find_element(By.ID, "field-resource-upload").send_keys(str(csv_path))
    driver.find_element(By.ID, "field-name").clear()
    driver.find_element(By.ID, "field-name").send_keys("Posyandu aktif 2024 (CSV)")
    screenshot(driver, "workflow-2-resource-form")
    driver.find_element(By.CSS_SELECTOR, "button[name=save][value=go-metadata]").click()

    # ... and submits it for verification from the dataset page.
    submit = _wait(driver, EC.element_to_be_clickable((By.CSS_SELECTOR, "form[action$='/ajukan'] button")))
    name = driver.current_url.rstrip("/").rsplit("/", 1)[-1]
    submit.click()
    _wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".satudata-approval"), "Menunggu verifikasi"))
    screenshot(driver, "workflow-3-submitted")
    assert helpers.call_action("package_show", {"ignore_auth": True}, id=name)["approval_status"] == "pending"

    # The public cannot see it yet.
    _logout(driver)
    driver.get(f"{base}/dataset/?q=posyandu")
    assert "Jumlah Posyandu Aktif" not in driver.page_source

    # The Walidata returns it from the verification queue with a note ...
    chromium_login(driver, base, portal.walidata)
    driver.get(f"{base}/verifikasi")
    driver.find_element(By.LINK_TEXT, "Jumlah Posyandu Aktif per Kecamatan 2024").click()
    _wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".satudata-checks"), "dapat dibaca"))
    screenshot(driver, "workflow-4-review")
    driver.find_element(By.ID, "satudata-reject-note").send_keys("Sumber data: sebutkan nama laporannya.")
    driver.find_element(By.CSS_SELECTOR, "form[action$='/kembalikan'] button").click()
    _wait(driver, EC.presence_of_element_located((By.CSS_SELECTOR, ".flash-messages .alert-success")))
    _logout(driver)

    # ... which the Produsen reads in the inbox, the header counting it unread ...
    chromium_login(driver, base, portal.editor)
    unread, notices = _inbox(driver, base)
    screenshot(driver, "workflow-4a-inbox-returned")
    assert unread == 1
    assert len(notices) == 1 and notices[0].startswith("Baru Dikembalikan")
    assert "Sumber data: sebutkan nama laporannya." in notices[0]
    assert "Jumlah Posyandu Aktif per Kecamatan 2024" in notices[0]
    driver.find_element(By.CSS_SELECTOR, ".satudata-notice form button").click()  # mark as read
    _wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, ".satudata-notice-unread"))
    assert driver.find_element(By.CSS_SELECTOR, ".satudata-inbox-count").text == "0"

    # ... corrects the dataset and submits it again.
    driver.get(f"{base}/dataset/edit/{name}")
    sumber = driver.find_element(By.ID, "field-sumber")
    sumber.clear()
    sumber.send_keys("Laporan bulanan puskesmas (LB3 KIA)")
    driver.find_element(By.CSS_SELECTOR, "#dataset-edit button[name=save]").click()
    _wait(driver, EC.element_to_be_clickable((By.CSS_SELECTOR, "form[action$='/ajukan'] button"))).click()
    _wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".satudata-approval"), "Menunggu verifikasi"))
    _logout(driver)

    # The Walidata approves it.
    chromium_login(driver, base, portal.walidata)
    driver.get(f"{base}/verifikasi")
    driver.find_element(By.LINK_TEXT, "Jumlah Posyandu Aktif per Kecamatan 2024").click()
    _wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".satudata-checks"), "dapat dibaca"))
    driver.find_element(By.ID, "satudata-approve-note").send_keys("Data lengkap, terima kasih.")
    driver.find_element(By.CSS_SELECTOR, "form[action$='/setujui'] button").click()
    _wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash-messages"), "Dataset telah disetujui"))
    _logout(driver)

    # The Produsen is told in the inbox.
    chromium_login(driver, base, portal.editor)
    unread, notices = _inbox(driver, base)
    assert unread == 1 and notices[0].startswith("Baru Disetujui") and "Data lengkap, terima kasih." in notices[0]
    assert not notices[1].startswith("Baru")  # the return, read before

    # The public finds it under its Tematik and downloads the file.
    _logout(driver)
    driver.get(f"{base}/group/kesehatan")
    assert "Jumlah Posyandu Aktif per Kecamatan 2024" in driver.find_element(By.ID, "content").text
    driver.get(f"{base}/dataset/?q=posyandu")
    driver.find_element(By.PARTIAL_LINK_TEXT, "Jumlah Posyandu Aktif").click()
    screenshot(driver, "workflow-5-public-dataset")
    # The portal's script counted the visit (usage statistics).
    _wait(driver, lambda d: _views_recorded(f"/dataset/{name}"))
    driver.find_element(By.PARTIAL_LINK_TEXT, "Posyandu aktif 2024").click()
    link = _wait(driver, EC.presence_of_element_located((By.CSS_SELECTOR, "a.resource-url-analytics")))
    with urllib.request.urlopen(link.get_attribute("href"), timeout=20) as response:
        assert response.status == 200
        assert response.read().decode("utf-8") == CSV
