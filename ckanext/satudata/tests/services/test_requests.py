"""Data requests (/permohonan-data) and the help desk (/bantuan): anyone asks,
bad input is refused with clear messages and nothing stored, the Walidata
triages, the requester is told by e-mail and follows a public status page."""
from __future__ import annotations

import pytest

from ckan.tests import helpers

from ckanext.satudata.services.model import DataRequest
from ckanext.satudata.tests.services.conftest import delivered

GOOD = {
    "name": "Rina Wulandari",
    "email": "rina@example.com",
    "title": "Jumlah tenaga kesehatan per puskesmas 2024",
    "description": "Dokter, perawat dan bidan per puskesmas.",
    "purpose": "Penelitian skripsi tentang layanan kesehatan di Kutai Timur",
    "owner_org": "dinkes",
}


def _stored() -> int:
    return helpers.call_action("satudata_request_list", {"ignore_auth": True})["count"]


def _form(client, data):
    return client.submit("/permohonan-data/baru", data, form=lambda f: f.find("input", attrs={"name": "purpose"})
                         or f.find("textarea", attrs={"name": "purpose"}))


# --------------------------------------------------------------------------- asking

@pytest.mark.usefixtures("with_test_worker", "clean_queues")
def test_anyone_requests_data_and_is_told_by_email(api, portal, smtp):
    created = api.ok("satudata_request_create", **GOOD)
    assert created["status"] == "baru" and created["organization"]["name"] == "dinkes"
    assert "email" not in created and "name" not in created and "purpose" not in created
    mails = delivered(smtp)
    assert set(mails) == {"rina@example.com", "walidata@kutaitimurkab.go.id", portal.sysadmin["email"]}
    receipt = mails["rina@example.com"]
    assert f"#{created['id']}" in receipt["subject"] and "diterima" in receipt["subject"]
    assert f"/permohonan-data/{created['id']}" in receipt["body"]
    walidata = mails["walidata@kutaitimurkab.go.id"]
    assert "Penelitian skripsi" in walidata["body"] and "Dinkes" in walidata["body"]


@pytest.mark.usefixtures("with_test_worker", "clean_queues")
def test_a_title_with_a_line_break_still_reaches_everyone_on_one_subject_line(api, portal, smtp):
    """A CR/LF in a title made the mailer refuse the whole message."""
    title = "Jumlah bidan\r\nper puskesmas"
    try:
        created = api.ok("satudata_request_create", **dict(GOOD, title=title))
    except AssertionError:
        return  # refused with a message: nothing to send
    mails = delivered(smtp)
    assert set(mails) == {"rina@example.com", "walidata@kutaitimurkab.go.id", portal.sysadmin["email"]}
    # (a long header is folded by the mail library; unfolded it reads as one line)
    assert "Jumlah bidan per puskesmas" in " ".join(mails["walidata@kutaitimurkab.go.id"]["subject"].split())
    assert f"#{created['id']}" in mails["rina@example.com"]["subject"]


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "Wajib diisi"),
    ("email", "", "Wajib diisi"),
    ("title", "   ", "Wajib diisi"),
    ("purpose", "", "Wajib diisi"),
    ("email", "rina@", "Masukkan alamat surel yang valid"),
    ("email", "rina example.com", "Masukkan alamat surel yang valid"),
    ("title", "x" * 201, "Paling banyak 200 karakter, isian ini 201 karakter"),
    ("description", "x" * 2001, "Paling banyak 2000 karakter, isian ini 2001 karakter"),
    ("name", "<script>alert(1)</script>", "Tulis teks biasa"),
    ("purpose", "lihat <a href='x'>ini</a>", "Tulis teks biasa"),
    ("description", "javascript:alert(1)", "Tulis teks biasa"),
    ("owner_org", "dinas-tidak-ada", "Instansi tidak dikenal"),
])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_stored(api, portal, field, value, message):
    error = api.error("satudata_request_create", **dict(GOOD, **{field: value}))
    assert error["__type"] == "Validation Error"
    assert message in error[field][0], error
    assert _stored() == 0


def test_several_problems_are_reported_at_once(api, portal):
    error = api.error("satudata_request_create", name="", email="bukan-surel", title="", purpose="")
    assert set(k for k in error if not k.startswith("__")) == {"name", "email", "title", "purpose"}
    assert _stored() == 0


@pytest.mark.ckan_config("ckanext.satudata.requests.per_hour", "2")
def test_one_address_may_send_only_so_many_requests_an_hour(api, portal):
    api.ok("satudata_request_create", **GOOD)
    api.ok("satudata_request_create", **GOOD)
    error = api.error("satudata_request_create", **GOOD)
    assert "Terlalu banyak permohonan" in error["rate_limit"][0]
    assert _stored() == 2
    # The Walidata entering a request received by telephone is not limited.
    api.ok("satudata_request_create", portal.walidata, **GOOD)
    assert _stored() == 3


@pytest.mark.ckan_config("ckanext.satudata.requests.per_hour", "1")
@pytest.mark.ckan_config("ckanext.satudata.requests.proxy_hops", "1")
def test_behind_a_proxy_the_limit_counts_the_visitors_address(app, portal):
    def send(address):
        return app.post("/api/3/action/satudata_request_create", json=GOOD,
                        headers={"X-Forwarded-For": f"6.6.6.6, {address}"}).json["success"]  # 6.6.6.6: forged
    assert send("36.80.1.1") and send("36.80.2.2")
    assert not send("36.80.1.1")
    assert _stored() == 2


def test_the_request_form_sends_a_request_and_shows_its_status_page(portal, browser):
    person = browser()
    response = _form(person, GOOD)
    assert response.status_code == 302
    number = helpers.call_action("satudata_request_list", {"ignore_auth": True})["results"][0]["id"]
    assert response.headers["Location"].endswith(f"/permohonan-data/{number}")
    page = person.page(f"/permohonan-data/{number}")
    assert f"#{number}" in page.find(class_="flash-messages").get_text()
    assert page.find(id="request-status").get_text(strip=True) == "Baru"
    assert "Rina" not in page.get_text() and "rina@example.com" not in page.get_text()
    assert "Penelitian skripsi" not in page.get_text()
    stored = DataRequest.get(number)
    assert (stored.name, stored.email, stored.owner_org) == ("Rina Wulandari", "rina@example.com",
                                                             portal.orgs["dinkes"]["id"])


def test_the_form_keeps_what_was_typed_and_names_each_problem(portal, browser):
    person = browser()
    response = _form(person, dict(GOOD, email="rina@", title="<b>Data</b>", purpose=""))
    assert response.status_code == 200
    from bs4 import BeautifulSoup
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    summary = [li.get_text(strip=True) for li in page.find(class_="satudata-form-errors").find_all("li")]
    assert "Surel Anda: Masukkan alamat surel yang valid, misalnya nama@kutaitimurkab.go.id" in summary
    assert "Data yang dibutuhkan: Tulis teks biasa: tag HTML dan kode tidak diterima" in summary
    assert "Tujuan: Wajib diisi" in summary
    assert page.find("input", attrs={"name": "name"})["value"] == "Rina Wulandari"
    assert page.find("input", attrs={"name": "title"})["value"] == "<b>Data</b>"  # escaped, shown as typed
    assert "<b>Data</b>" not in response.get_data(as_text=True)
    assert _stored() == 0


def test_a_robot_filling_the_hidden_field_stores_nothing(portal, browser):
    response = _form(browser(), dict(GOOD, website="http://spam.example"))
    assert response.status_code == 400
    assert "tidak dapat diproses" in response.get_data(as_text=True)
    assert _stored() == 0


def test_a_triage_step_without_the_csrf_token_is_refused(portal, browser, api):
    number = api.ok("satudata_request_create", **GOOD)["id"]
    # CKAN exempts a view from CSRF checks once an anonymous visitor posts to it.
    assert browser().app.post(f"/permohonan-data/{number}/ubah", data={"status": "diproses"}).status_code == 403
    walidata = browser().login(portal.walidata)
    response = walidata.app.post(f"/permohonan-data/{number}/ubah", data={"status": "diproses"},
                                 follow_redirects=False)
    assert response.status_code == 400
    assert api.ok("satudata_request_show", id=number)["status"] == "baru"


# --------------------------------------------------------------------------- triage

@pytest.mark.usefixtures("with_test_worker", "clean_queues")
def test_walidata_triages_a_request_to_fulfilled_and_the_requester_is_told(api, portal, make_dataset, smtp):
    number = api.ok("satudata_request_create", **GOOD)["id"]
    delivered(smtp)
    api.ok("satudata_request_update", portal.walidata, id=number, status="diproses",
           note="Kami teruskan ke Dinas Kesehatan")
    mails = delivered(smtp)
    assert set(mails) == {"rina@example.com"}
    assert "Diproses" in mails["rina@example.com"]["subject"]
    assert "Kami teruskan ke Dinas Kesehatan" in mails["rina@example.com"]["body"]

    pending = make_dataset("pending", name="nakes-belum")
    error = api.error("satudata_request_update", portal.walidata, id=number, status="dipenuhi",
                      dataset_id=pending["name"])
    assert error["dataset_id"] == ["Dataset harus ada dan bersifat publik (sudah disetujui)"]
    assert api.error("satudata_request_update", portal.walidata, id=number, status="dipenuhi")["dataset_id"]

    public = make_dataset("approved", name="tenaga-kesehatan", title="Tenaga Kesehatan per Puskesmas")
    delivered(smtp)
    done = api.ok("satudata_request_update", portal.walidata, id=number, status="dipenuhi",
                  dataset_id=f"http://test.ckan.net/dataset/{public['name']}")
    assert done["dataset"]["name"] == "tenaga-kesehatan" and done["answered"]
    assert [e["status"] for e in done["events"]] == ["baru", "diproses", "dipenuhi"]
    mail = delivered(smtp)["rina@example.com"]
    assert "Dipenuhi" in mail["subject"] and "/dataset/tenaga-kesehatan" in mail["body"]

    # A fulfilled request is closed.
    error = api.error("satudata_request_update", portal.walidata, id=number, status="diproses")
    assert error["status"] == ["Permohonan yang berstatus Dipenuhi tidak dapat menjadi Diproses"]


@pytest.mark.usefixtures("with_test_worker", "clean_queues")
def test_refusing_a_request_needs_a_reason_that_the_requester_gets(api, portal, smtp):
    number = api.ok("satudata_request_create", **GOOD)["id"]
    delivered(smtp)
    assert api.error("satudata_request_update", portal.walidata, id=number, status="ditolak")["note"] == \
        ["Tuliskan alasan penolakan permohonan"]
    api.ok("satudata_request_update", portal.walidata, id=number, status="ditolak",
           note="Data ini dikecualikan menurut UU KIP")
    mail = delivered(smtp)["rina@example.com"]
    assert "Ditolak" in mail["subject"] and "Alasan:" in mail["body"] and "UU KIP" in mail["body"]
    shown = api.ok("satudata_request_show", id=number)
    assert shown["reply"] == "Data ini dikecualikan menurut UU KIP" and shown["status"] == "ditolak"


def test_only_the_walidata_triages(api, portal, browser):
    number = api.ok("satudata_request_create", **GOOD)["id"]
    for user in (None, portal.editor, portal.pembina, portal.outsider):
        status, body = api.call("satudata_request_update", user, id=number, status="diproses")
        assert status == 403, user
    assert api.ok("satudata_request_show", id=number)["status"] == "baru"
    produsen = browser().login(portal.editor)
    page = produsen.page(f"/permohonan-data/{number}")
    assert not page.find("form", class_="satudata-triage-form")
    token = page.find("input", attrs={"name": "_csrf_token"})
    response = produsen.app.post(f"/permohonan-data/{number}/ubah",
                                 data={"status": "diproses", "_csrf_token": token["value"] if token else ""})
    assert response.status_code == 403
    assert api.error("satudata_request_update", portal.walidata, id=number, status="entah")["status"]
    assert api.call("satudata_request_show", id=999)[0] == 404


def test_walidata_triages_from_the_status_page(portal, browser, make_dataset):
    number = helpers.call_action("satudata_request_create", {"user": ""}, **GOOD)["id"]
    make_dataset("approved", name="tenaga-kesehatan", title="Tenaga Kesehatan per Puskesmas")
    walidata = browser().login(portal.walidata)
    page = walidata.page(f"/permohonan-data/{number}")
    assert "rina@example.com" in page.find(id="request-requester").get_text()
    def form(f):
        return "satudata-triage-form" in (f.get("class") or [])
    # Fulfilled without a dataset: refused, the message shown, nothing changed.
    walidata.submit(f"/permohonan-data/{number}", {"status": "dipenuhi", "dataset_id": ""}, form=form)
    page = walidata.page(f"/permohonan-data/{number}")
    assert "Sebutkan dataset yang memenuhi permohonan" in page.find(class_="flash-messages").get_text()
    assert page.find(id="request-status").get_text(strip=True) == "Baru"
    walidata.submit(f"/permohonan-data/{number}", {"status": "dipenuhi", "dataset_id": "tenaga-kesehatan"},
                    form=form)
    public = browser().page(f"/permohonan-data/{number}")
    assert public.find(id="request-status").get_text(strip=True) == "Dipenuhi"
    assert public.find(id="request-dataset")["href"].endswith("/dataset/tenaga-kesehatan")


# --------------------------------------------------------------------------- public list

def test_the_public_list_has_no_personal_data(api, portal, browser):
    for i in range(3):
        api.ok("satudata_request_create", **dict(GOOD, title=f"Permohonan {i}", email=f"orang{i}@example.com"))
    listed = api.ok("satudata_request_list")
    assert listed["count"] == 3 and listed["counts"]["baru"] == 3
    for item in listed["results"]:
        assert not {"name", "email", "purpose"} & set(item)
    assert {"name", "email", "purpose"} <= set(api.ok("satudata_request_list", portal.walidata)["results"][0])
    html = browser().get("/permohonan-data").get_data(as_text=True)
    assert "Permohonan 2" in html
    assert "example.com" not in html and "Rina" not in html and "skripsi" not in html
    assert api.ok("satudata_request_list", status="ditolak")["count"] == 0
    assert api.error("satudata_request_list", status="hilang")["status"]


def test_help_desk_page_has_questions_contact_and_the_request_form(portal, browser):
    page = browser().page("/bantuan")
    assert page.find("h1").get_text(strip=True) == "Layanan bantuan"
    assert len(page.select(".satudata-faq details")) >= 6
    assert page.find("a", href="mailto:walidata@data.kutaitimurkab.go.id")
    assert page.find("a", href=lambda h: h and h.endswith("/permohonan-data/baru"))
    assert browser().page("/en/bantuan").find("h1").get_text(strip=True) == "Help desk"
