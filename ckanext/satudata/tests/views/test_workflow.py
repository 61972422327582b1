"""The approval workflow through the web pages, as a browser sends them."""
from __future__ import annotations


from ckan.tests import helpers


def _status(dataset_id):
    return helpers.call_action("package_show", {"ignore_auth": True}, id=dataset_id)["approval_status"]


def _step_form(step):
    return lambda f: (f.get("action") or "").endswith(f"/{step}")


def test_produsen_submits_from_the_dataset_page(portal, make_dataset, browser):
    dataset = make_dataset("draft", title="Jumlah Posyandu")
    produsen = browser().login(portal.editor)
    page = produsen.page(f"/dataset/{dataset['name']}")
    assert "Draf" in page.find(class_="satudata-approval").get_text()
    assert page.find("form", action=lambda a: a and a.endswith("/ajukan"))
    assert not page.find("form", action=lambda a: a and a.endswith("/setujui"))

    response = produsen.submit(f"/dataset/{dataset['name']}", {}, form=_step_form("ajukan"))
    assert response.status_code == 302
    assert _status(dataset["id"]) == "pending"
    page = produsen.page(f"/dataset/{dataset['name']}")
    assert "Dataset telah diajukan untuk diverifikasi" in page.get_text()
    assert "Menunggu verifikasi" in page.find(class_="satudata-approval").get_text()


def test_a_failed_submission_lists_every_problem_on_the_page(portal, browser):
    dataset = helpers.call_action("package_create", {"user": portal.editor["name"]}, name="belum-lengkap",
                                  title="Belum lengkap", owner_org=portal.orgs["dinkes"]["id"], state="draft")
    produsen = browser().login(portal.editor)
    produsen.submit(f"/dataset/{dataset['name']}", {}, form=_step_form("ajukan"))
    flash = produsen.page(f"/dataset/{dataset['name']}").find(class_="flash-messages").get_text()
    assert "Dataset belum dapat dilanjutkan" in flash
    assert "Sumber Data: Wajib diisi" in flash
    assert "Frekuensi Penerbitan: Wajib diisi" in flash
    assert "Dataset belum memiliki berkas atau tautan" in flash
    assert _status(dataset["id"]) == "draft"


def test_walidata_reviews_and_returns_with_a_note_then_approves(portal, make_dataset, browser):
    dataset = make_dataset("pending", title="Data Posyandu Aktif")
    walidata = browser().login(portal.walidata)
    queue = walidata.page("/verifikasi")
    links = [a.get_text(strip=True) for a in queue.select(".satudata-review-table a")]
    assert "Data Posyandu Aktif" in links

    review = walidata.page(f"/verifikasi/{dataset['name']}")
    assert "Metadata lengkap dan sesuai format" in review.get_text()
    assert "Data: dapat dibaca" in review.get_text()

    # A return without a note is refused and changes nothing.
    walidata.submit(f"/verifikasi/{dataset['name']}", {"note": ""}, form=_step_form("kembalikan"))
    assert _status(dataset["id"]) == "pending"
    assert "Tulis catatan" in walidata.page(f"/verifikasi/{dataset['name']}").get_text()

    response = walidata.submit(f"/verifikasi/{dataset['name']}", {"note": "Tambahkan definisi posyandu aktif"},
                               form=_step_form("kembalikan"))
    assert response.headers["Location"].endswith(f"/verifikasi/{dataset['name']}")
    assert _status(dataset["id"]) == "rejected"

    produsen = browser().login(portal.editor)
    note = produsen.page(f"/dataset/{dataset['name']}").find(class_="satudata-approval-note").get_text()
    assert "Tambahkan definisi posyandu aktif" in note

    produsen.submit(f"/dataset/{dataset['name']}", {}, form=_step_form("ajukan"))
    walidata.submit(f"/verifikasi/{dataset['name']}", {"note": "Lengkap"}, form=_step_form("setujui"))
    assert _status(dataset["id"]) == "approved"
    public = browser().page(f"/dataset/{dataset['name']}")
    assert "Data Posyandu Aktif" in public.get_text()
    assert not public.find(class_="satudata-approval")


def test_the_page_does_not_grant_what_the_api_refuses(portal, make_dataset, browser):
    dataset = make_dataset("pending")
    produsen = browser().login(portal.editor)
    # The approve form is not shown to the Produsen; posting it anyway is refused.
    response = produsen.app.post(f"/dataset/{dataset['name']}/setujui",
                                 data={"_csrf_token": _csrf(produsen, f"/dataset/{dataset['name']}")})
    assert response.status_code == 403
    assert _status(dataset["id"]) == "pending"


def test_a_step_without_the_csrf_token_is_refused(portal, make_dataset, browser):
    dataset = make_dataset("draft")
    produsen = browser().login(portal.editor)
    response = produsen.app.post(f"/dataset/{dataset['name']}/ajukan", data={})
    assert response.status_code in (400, 403)
    assert _status(dataset["id"]) == "draft"


def test_a_token_request_does_not_exempt_the_step_from_csrf_for_sessions(portal, make_dataset, browser, api):
    """Hardening finding 2: CKAN exempts a view from CSRF for good once a request
    with an API token (or none at all) reaches it; then a forged form made a
    signed-in Walidata approve."""
    other = make_dataset("pending")
    # A token request (a developer's script) reaches the view first...
    response = api.app.post(f"/dataset/{other['name']}/setujui", data={},
                            headers={**api.headers(portal.walidata), "Origin": "https://evil.example"})
    assert response.status_code < 500
    # ...and a forged post from another site with the Walidata's cookie is still refused.
    dataset = make_dataset("pending")
    walidata = browser().login(portal.walidata)
    forged = walidata.app.post(f"/dataset/{dataset['name']}/setujui", data={"note": ""},
                               headers={"Origin": "https://evil.example"})
    assert forged.status_code == 400
    assert _status(dataset["id"]) == "pending"
    # The real form still works.
    walidata.submit(f"/dataset/{dataset['name']}", {}, form=lambda f: (f.get("action") or "").endswith("/setujui"))
    assert _status(dataset["id"]) == "approved"


def test_unapproved_datasets_are_not_shown_to_the_public(portal, make_dataset, browser):
    dataset = make_dataset("pending")
    anonymous = browser()
    assert anonymous.get(f"/dataset/{dataset['name']}").status_code == 404
    resource = dataset["resources"][0]
    download = f"/dataset/{dataset['id']}/resource/{resource['id']}/download/data.csv"
    assert anonymous.get(download).status_code in (403, 404)
    rdf = anonymous.get(f"/dataset/{dataset['name']}.ttl")
    assert rdf.status_code in (403, 404)
    assert dataset["title"] not in rdf.get_data(as_text=True)
    assert anonymous.get("/verifikasi").status_code == 302
    warga = browser().login(portal.outsider)
    assert warga.get("/verifikasi").status_code == 403
    assert warga.get(f"/verifikasi/{dataset['name']}").status_code in (403, 404)


def test_produsen_dashboard_lists_their_instansi_by_status(portal, make_dataset, browser):
    make_dataset("draft", name="draf-kes", title="Draf Kesehatan")
    make_dataset("pending", name="ajuan-kes", title="Ajuan Kesehatan")
    make_dataset("pending", name="padi", title="Produksi Padi", owner_org=portal.orgs["distan"]["id"],
                 creator=portal.other_editor)
    produsen = browser().login(portal.editor)
    page = produsen.page("/dashboard/instansi")
    titles = {a.get_text(strip=True) for a in page.select(".satudata-review-table a")}
    assert titles == {"Draf Kesehatan", "Ajuan Kesehatan"}
    tabs = {a.get_text(" ", strip=True) for a in page.select(".satudata-status-tabs a")}
    assert "Draf 1" in tabs and "Menunggu verifikasi 1" in tabs
    pending = produsen.page("/dashboard/instansi?status=pending")
    assert [a.get_text(strip=True) for a in pending.select(".satudata-review-table a")] == ["Ajuan Kesehatan"]


def _csrf(browser, url):
    return browser.page(url).find("input", attrs={"name": "_csrf_token"})["value"]


def test_the_dataset_page_names_the_role_that_verified_last(portal, make_dataset, browser):
    """Priority data is verified last by the Pembina Data, other data by the
    Walidata: the metadata table says which, from the role stored when they acted."""
    def verified_row(dataset):
        table = browser().page(f"/dataset/{dataset['name']}").find(class_="satudata-metadata")
        return [row.get_text(" ", strip=True) for row in table.find_all("tr") if "Diverifikasi" in row.get_text()]

    priority = make_dataset("approved", prioritas=True, title="Angka Harapan Hidup")
    ordinary = make_dataset("approved", title="Jumlah Puskesmas Keliling")
    assert priority["approval_by_role"] == "pembina" and ordinary["approval_by_role"] == "walidata"
    [row] = verified_row(priority)
    assert row.startswith("Diverifikasi Pembina Data")
    [row] = verified_row(ordinary)
    assert row.startswith("Diverifikasi Walidata")
