"""The dataset form posted as a browser sends it: CSRF token, multipart upload,
errors next to the fields and nothing typed lost."""
from __future__ import annotations

import io

import pytest

from ckan.tests import helpers

FORM = lambda f: f.get("id") == "dataset-edit"  # noqa: E731
RESOURCE_FORM = lambda f: f.get("id") == "resource-edit"  # noqa: E731

TYPED = {
    "title": "Jumlah Posyandu 2024",
    "name": "jumlah-posyandu-2024",
    "notes": "Posyandu aktif menurut kecamatan.",
    "sumber": "Laporan puskesmas",
    "maintainer": "Seksi Kesga",
    "maintainer_email": "bukan-surel",
    "frekuensi": "tahunan",
    "level_penyajian": "kecamatan",
    "tahun": "24",
    "cakupan": "64.08.04",
    "rujukan": ["https://dinkes.kutaitimurkab.go.id/posyandu", "ftp://salah"],
}


def _error_next_to(page, field):
    control = page.find(attrs={"name": field})
    group = control.find_parent(class_="form-group") or control.find_parent(class_="control-group")
    error = group.find(class_="error-block")
    return error.get_text(" ", strip=True) if error else None


def test_a_rejected_form_shows_each_error_by_its_field_and_keeps_what_was_typed(portal, browser):
    produsen = browser().login(portal.editor)
    response = produsen.submit("/dataset/new", dict(TYPED, owner_org=portal.orgs["dinkes"]["id"]), form=FORM)
    assert response.status_code == 200
    from bs4 import BeautifulSoup
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")

    assert "Masukkan alamat surel yang valid" in _error_next_to(page, "maintainer_email")
    assert "Tulis tahun dengan empat angka" in _error_next_to(page, "tahun")
    assert "ftp://salah" in _error_next_to(page, "rujukan")
    summary = page.find(class_="error-explanation").get_text(" ", strip=True)
    assert "Alamat Surel Pengelola" in summary and "Tahun" in summary

    # Everything typed is still in the form.
    assert page.find("input", attrs={"name": "title"})["value"] == TYPED["title"]
    assert page.find("textarea", attrs={"name": "notes"}).get_text() == TYPED["notes"]
    assert page.find("input", attrs={"name": "maintainer_email"})["value"] == "bukan-surel"
    assert page.find("input", attrs={"name": "tahun"})["value"] == "24"
    assert page.find("select", attrs={"name": "frekuensi"}).find("option", selected=True)["value"] == "tahunan"
    assert page.find("select", attrs={"name": "cakupan"}).find("option", selected=True)["value"] == "64.08.04"
    assert [i["value"] for i in page.find_all("input", attrs={"name": "rujukan"})] == TYPED["rujukan"]
    assert helpers.call_action("package_search", {"ignore_auth": True}, q="posyandu",
                               include_drafts=True, include_private=True)["count"] == 0


def test_the_form_creates_a_dataset_then_uploads_its_file(portal, browser):
    produsen = browser().login(portal.editor)
    typed = dict(TYPED, maintainer_email="kesga@kutaitimurkab.go.id", tahun="2024",
                 rujukan=["https://dinkes.kutaitimurkab.go.id/posyandu"], owner_org=portal.orgs["dinkes"]["id"])
    response = produsen.submit("/dataset/new", typed, form=FORM)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dataset/jumlah-posyandu-2024/resource/new")

    csv = b"kecamatan,posyandu\nBengalon,31\nKaubun,12\n"
    response = produsen.submit("/dataset/jumlah-posyandu-2024/resource/new",
                               {"name": "Posyandu (CSV)", "url": "", "url_type": "upload"},
                               form=RESOURCE_FORM, button=("save", "go-metadata"),
                               files={"upload": (io.BytesIO(csv), "posyandu.csv")})
    assert response.status_code == 302
    dataset = helpers.call_action("package_show", {"ignore_auth": True}, id="jumlah-posyandu-2024")
    assert dataset["state"] == "active" and dataset["approval_status"] == "draft"
    assert dataset["tahun"] == 2024 and dataset["cakupan"] == "64.08.04"
    assert dataset["rujukan"] == ["https://dinkes.kutaitimurkab.go.id/posyandu"]
    resource = dataset["resources"][0]
    assert resource["url_type"] == "upload" and resource["format"] == "CSV"
    assert produsen.get(resource["url"].replace("http://test.ckan.net", "")).get_data() == csv


def test_save_as_draft_keeps_an_incomplete_dataset(portal, browser):
    produsen = browser().login(portal.editor)
    response = produsen.submit("/dataset/new", {"title": "Baru sebagian", "name": "baru-sebagian",
                                                "owner_org": portal.orgs["dinkes"]["id"]},
                               form=FORM, button=("save", "satudata-draft"))
    assert response.status_code == 302
    draft = helpers.call_action("package_show", {"ignore_auth": True}, id="baru-sebagian")
    assert draft["state"] == "draft" and not draft.get("sumber")


@pytest.mark.ckan_config("ckan.max_resource_size", 1)
def test_a_too_large_upload_is_refused_with_a_clear_message_and_the_form_kept(portal, make_dataset, browser):
    dataset = make_dataset("draft")
    produsen = browser().login(portal.editor)
    big = b"a,b\n" + b"1,2\n" * 400_000
    response = produsen.submit(f"/dataset/{dataset['name']}/resource/new",
                               {"name": "Berkas besar", "description": "Data lengkap", "url_type": "upload"},
                               form=RESOURCE_FORM, button=("save", "go-metadata"),
                               files={"upload": (io.BytesIO(big), "besar.csv")})
    from bs4 import BeautifulSoup
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "berkas terbesar yang diterima portal adalah 1 MB" in page.get_text(" ", strip=True)
    assert page.find("input", attrs={"name": "name"})["value"] == "Berkas besar"
    assert len(helpers.call_action("package_show", {"ignore_auth": True}, id=dataset["id"])["resources"]) == 1


def test_the_wrong_file_type_is_refused_in_the_form(portal, make_dataset, browser):
    dataset = make_dataset("draft")
    produsen = browser().login(portal.editor)
    response = produsen.submit(f"/dataset/{dataset['name']}/resource/new",
                               {"name": "Program", "url_type": "upload"}, form=RESOURCE_FORM,
                               button=("save", "go-metadata"),
                               files={"upload": (io.BytesIO(b"MZ\x90\x00"), "alat.exe")})
    assert "Berkas berjenis EXE tidak dapat diunggah" in response.get_data(as_text=True)


def test_tags_are_autocompleted_from_existing_ones(portal, make_dataset, browser):
    make_dataset("approved", tags=[{"name": "posyandu"}, {"name": "gizi"}])
    produsen = browser().login(portal.editor)
    field = produsen.page("/dataset/new").find("input", attrs={"name": "tag_string"})
    assert field["data-module"] == "autocomplete"
    source = field["data-module-source"]
    assert source.endswith("incomplete=?")  # the module puts what is typed after "="
    suggestions = produsen.app.get(source.replace("incomplete=?", "incomplete=pos")).json
    assert {"Name": "posyandu"} in suggestions["ResultSet"]["Result"]


def test_the_description_shows_the_140_character_guidance(portal, browser):
    page = browser().login(portal.editor).page("/dataset/new")
    notes = page.find("textarea", attrs={"name": "notes"})
    assert notes["data-module"] == "satudata-char-counter" and notes["data-module-limit"] == "140"
    counter = page.find(id=notes["aria-describedby"])
    assert counter.get_text(strip=True) == "0 dari sekitar 140 karakter"


def _flashes(page) -> str:
    return " ".join(f.get_text(" ", strip=True) for f in page.select(".flash-messages .alert"))


def test_each_step_says_what_it_saved(portal, browser):
    produsen = browser().login(portal.editor)
    response = produsen.submit("/dataset/new", {"title": "Baru sebagian", "name": "baru-sebagian",
                                                "owner_org": portal.orgs["dinkes"]["id"]},
                               form=FORM, button=("save", "satudata-draft"))
    page = produsen.page(response.headers["Location"])
    assert "Draf tersimpan" in _flashes(page)

    typed = dict(TYPED, maintainer_email="kesga@kutaitimurkab.go.id", tahun="2024",
                 rujukan=["https://dinkes.kutaitimurkab.go.id/posyandu"], owner_org=portal.orgs["dinkes"]["id"])
    response = produsen.submit("/dataset/new", typed, form=FORM)
    files = produsen.page(response.headers["Location"])
    assert "Metadata tersimpan sebagai draf" in _flashes(files)
    # The last button of the file step is named for what it does: it saves, it does not publish.
    buttons = {b.get("value"): b.get_text(strip=True) for b in files.select("#resource-edit button[name=save]")}
    assert buttons["go-metadata"] == "Simpan dataset" and "Terbitkan" not in buttons.values()
    response = produsen.submit("/dataset/jumlah-posyandu-2024/resource/new",
                               {"name": "Posyandu (CSV)", "url": "", "url_type": "upload"},
                               form=RESOURCE_FORM, button=("save", "go-metadata"),
                               files={"upload": (io.BytesIO(b"kecamatan,posyandu\nBengalon,31\n"), "p.csv")})
    dataset_page = produsen.page(response.headers["Location"])
    assert "Dataset tersimpan sebagai draf" in _flashes(dataset_page)
    assert "Ajukan verifikasi" in _flashes(dataset_page)

    response = produsen.submit("/dataset/edit/jumlah-posyandu-2024", {"notes": "Diperbarui."}, form=FORM)
    assert "Perubahan Anda tersimpan" in _flashes(produsen.page(response.headers["Location"]))


def test_the_dashboard_gives_one_status_per_dataset(portal, make_dataset, browser):
    make_dataset("draft", title="Sudah Lengkap")
    helpers.call_action("package_create", {"user": portal.editor["name"]}, name="setengah-jadi",
                        title="Setengah Jadi", owner_org=portal.orgs["dinkes"]["id"], state="draft")
    page = browser().login(portal.editor).page("/dashboard/datasets")
    badges = {item.select_one(".dataset-heading a").get_text(strip=True):
              [b.get_text(strip=True) for b in item.select(".dataset-heading .badge, .dataset-heading [class*=status]")]
              for item in page.select(".dataset-item")}
    assert badges["Setengah Jadi"] == ["Formulir belum selesai"]
    assert badges["Sudah Lengkap"] == ["Draf"]


def test_a_bad_reference_is_marked_where_it_was_typed(portal, browser):
    produsen = browser().login(portal.editor)
    response = produsen.submit("/dataset/new", dict(TYPED, owner_org=portal.orgs["dinkes"]["id"]), form=FORM)
    from bs4 import BeautifulSoup
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    entries = page.select("fieldset[name=rujukan] li")
    assert [e.select_one("input")["value"] for e in entries] == TYPED["rujukan"]
    assert entries[0].select_one(".error-block") is None
    assert "ftp://salah" in entries[1].select_one(".error-block").get_text()
    # No "Add" link a browser would refuse to run under the policy.
    assert not page.select('a[href^="javascript:"]')


def test_a_taken_address_names_the_dataset_that_has_it(portal, make_dataset, browser):
    make_dataset("approved", name="jumlah-posyandu-2024", title="Jumlah Posyandu 2024")
    typed = dict(TYPED, maintainer_email="kesga@kutaitimurkab.go.id", tahun="2024",
                 rujukan=["https://dinkes.kutaitimurkab.go.id/posyandu"], owner_org=portal.orgs["dinkes"]["id"])
    response = browser().login(portal.editor).submit("/dataset/new", typed, form=FORM)
    from bs4 import BeautifulSoup
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    warning = page.select_one(".satudata-name-taken")
    assert warning.select_one("a")["href"].endswith("/dataset/jumlah-posyandu-2024")
    assert "Jumlah Posyandu 2024" in warning.get_text()
    # Someone who may not see it learns only that the address is taken.
    make_dataset("draft", name="rencana-rahasia", title="Rencana Rahasia")
    response = browser().login(portal.other_editor).submit(
        "/dataset/new", dict(typed, name="rencana-rahasia", owner_org=portal.orgs["distan"]["id"]), form=FORM)
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    warning = page.select_one(".satudata-name-taken")
    assert warning is not None and warning.select_one("a") is None and "Rencana Rahasia" not in page.get_text()


def test_an_empty_title_is_one_error_not_two(portal, browser):
    response = browser().login(portal.editor).submit(
        "/dataset/new", {"title": "", "name": "", "owner_org": portal.orgs["dinkes"]["id"]}, form=FORM)
    from bs4 import BeautifulSoup
    summary = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one(".error-explanation")
    items = [li.get_text(" ", strip=True) for li in summary.select("li")]
    assert any(item.startswith("Judul") for item in items), items
    assert not any(item.startswith("URL") for item in items), items
