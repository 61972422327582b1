"""A Produsen Data chooses Cakupan by typing part of a kecamatan's name, in a
real browser (headless Debian Chromium) against the live portal."""
from __future__ import annotations

import os

import pytest

from ckanext.satudata.tests.conftest import PASSWORD
from ckanext.satudata.tests.e2e.interop import servers

ARTIFACTS = os.path.join(servers.ROOT, "test-artifacts")


@pytest.fixture
def chrome(chromium):
    """The suite's Chromium (conftest), tall enough for the whole form."""
    chromium.set_window_size(1280, 3200)
    chromium.implicitly_wait(5)
    return chromium


def test_cakupan_is_found_by_typing_part_of_its_name(live_portal, portal, chrome):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    chrome.get(f"{live_portal.url}/user/login")
    chrome.find_element(By.NAME, "login").send_keys(portal.editor["name"])
    chrome.find_element(By.NAME, "password").send_keys(PASSWORD + Keys.ENTER)
    WebDriverWait(chrome, 20).until(lambda d: "/user/login" not in d.current_url)

    chrome.get(f"{live_portal.url}/dataset/new")
    wait = WebDriverWait(chrome, 20)
    # The select is turned into a searchable list (select2) by CKAN's autocomplete module.
    box = wait.until(ec.element_to_be_clickable(
        (By.CSS_SELECTOR, "#field-cakupan + .select2-container .select2-selection")))
    chrome.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    box.click()
    search = wait.until(ec.visibility_of_element_located(
        (By.CSS_SELECTOR, ".select2-container--open .select2-search__field")))
    search.send_keys("sangatta sel")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".select2-results__option")) == 1)
    results = [r.text for r in chrome.find_elements(By.CSS_SELECTOR, ".select2-results__option")]
    assert results == ["64.08.12 Kecamatan Sangatta Selatan"]
    os.makedirs(ARTIFACTS, exist_ok=True)
    chrome.save_screenshot(os.path.join(ARTIFACTS, "cakupan-search.png"))
    search.send_keys(Keys.ENTER)
    assert Select(chrome.find_element(By.NAME, "cakupan")).first_selected_option.get_attribute("value") == \
        "64.08.12"
    assert "Kecamatan Sangatta Selatan" in box.text
