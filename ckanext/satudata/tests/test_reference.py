"""Reference codes (kode referensi): the Kemendagri area codes of Kutai Timur,
shipped with their source, chosen by name in the form, checked, and exported
with code and name."""
from __future__ import annotations

import re

import pytest

from ckanext.satudata import reference
from ckanext.satudata.tests.factories import complete_dataset


def test_code_list_loads_with_its_source_and_its_levels():
    areas = reference.wilayah_list()
    assert areas[0] == {"code": "64.08", "level": "kabupaten", "name": "Kabupaten Kutai Timur"}
    kecamatan = [a for a in areas if a["level"] == "kecamatan"]
    assert len(kecamatan) == 18
    assert len({a["code"] for a in areas}) == len(areas) == 19
    assert "Menteri Dalam Negeri" in reference.wilayah_source()
    assert reference.wilayah_source_url().startswith("https://")
    formats = {t["value"]: t["code_format"] for t in reference.tingkat_list()}
    for area in areas:
        pattern = re.escape(formats[area["level"]]).replace("P", r"\d").replace("K", r"\d") \
            .replace("C", r"\d").replace("D", r"\d")
        assert re.fullmatch(pattern, area["code"]), area
        assert area["code"].startswith("64.08")
    # Level Penyajian's area levels are the levels of the code.
    area_levels = {"kabupaten", "kecamatan", "desa"}
    assert area_levels <= set(reference.choice_values("level_penyajian"))
    assert set(formats) == area_levels


def test_areas_are_found_by_name_or_code():
    assert [a["code"] for a in reference.wilayah_search("sangatta")] == ["64.08.04", "64.08.12"]
    assert [a["code"] for a in reference.wilayah_search("Kecamatan Bengalon")] == ["64.08.09"]
    assert [a["code"] for a in reference.wilayah_search("64.08.1")] == [f"64.08.{i}" for i in range(10, 19)]
    assert len(reference.wilayah_search("")) == 19
    assert reference.wilayah_code_for("kec. teluk pandan") == "64.08.13"
    assert reference.wilayah_code_for("Kab. Kutai Timur") == "64.08"
    assert reference.wilayah_code_for("Kutai Kartanegara") is None


def test_anyone_can_list_and_search_the_codes_through_the_api(api, portal):
    result = api.ok("satudata_wilayah_list", None, q="sangatta")
    assert [(a["code"], a["label"]) for a in result["results"]] == [
        ("64.08.04", "Kecamatan Sangatta Utara"), ("64.08.12", "Kecamatan Sangatta Selatan")]
    assert "Menteri Dalam Negeri" in result["source"]
    assert [level["value"] for level in result["levels"]] == ["kabupaten", "kecamatan", "desa"]
    everything = api.app.get("/api/3/action/satudata_wilayah_list").json["result"]
    assert len(everything["results"]) == 19


@pytest.mark.parametrize("locale, words", [
    (None, ['Wilayah "64.99" tidak dikenal', "64.08.01", "64.08.18"]),
    ("en", ['Unknown area "64.99"', "64.08.01", "64.08.18"]),
])
def test_a_bad_area_code_is_refused_with_a_message_naming_the_valid_codes(api, portal, locale, words):
    data = complete_dataset(portal.orgs["dinkes"]["id"], cakupan="64.99")
    status, body = api.call("package_create", portal.editor, locale=locale, **data)
    assert status == 409
    message = body["error"]["cakupan"][0]
    for word in words:
        assert word in message, message


def test_the_form_offers_every_area_by_code_and_name_in_a_searchable_list(browser, portal):
    page = browser().login(portal.editor).page("/dataset/new")
    select = page.find("select", attrs={"name": "cakupan"})
    assert select.get("data-module") == "autocomplete", "select2: type a name to filter the list"
    options = [(o["value"], o.text.strip()) for o in select.find_all("option")]
    assert options[0] == ("64.08", "64.08 Kabupaten Kutai Timur")
    assert ("64.08.12", "64.08.12 Kecamatan Sangatta Selatan") in options
    assert len(options) == 19


def test_a_bad_code_posted_through_the_form_is_shown_and_nothing_is_lost(browser, portal):
    b = browser().login(portal.editor)
    data = complete_dataset(portal.orgs["dinkes"]["id"], cakupan="99.01", name="data-kode-salah")
    data.pop("tahun")
    data["tahun"] = "2024"
    response = b.submit("/dataset/new", data, form=lambda f: f.find("select", attrs={"name": "cakupan"}),
                        button=("save", "continue"))
    assert response.status_code == 200
    from bs4 import BeautifulSoup
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert 'Wilayah "99.01" tidak dikenal' in soup.get_text()
    assert soup.find("input", attrs={"name": "title"})["value"] == data["title"]
    assert soup.find("input", attrs={"name": "sumber"})["value"] == "SIAK"


def test_the_dataset_page_shows_the_area_by_name_and_code(app, make_dataset):
    dataset = make_dataset("approved", cakupan="64.08.12")
    text = " ".join(app.get(f"/dataset/{dataset['name']}").get_data(as_text=True).split())
    assert "Kecamatan Sangatta Selatan" in text and "64.08.12" in text
