"""Revisions of published data through the web pages, as the Produsen, the
Walidata and the public meet them (the rules themselves: tests/logic/test_revisions.py)."""
from __future__ import annotations

from ckan.tests import helpers

from ckanext.satudata.tests.conftest import GOOD_CSV, ctx, upload

NEW_CSV = "kode_wilayah,kecamatan,jumlah\n64.08.04,Sangatta Utara,125430\n64.08.12,Sangatta Selatan,99\n"


def _shown(dataset_id):
    return helpers.call_action("package_show", {"ignore_auth": True}, id=dataset_id)


def _step_form(step):
    return lambda f: (f.get("action") or "").endswith(f"/{step}")


def test_a_change_is_proposed_reviewed_and_published_through_the_pages(portal, make_dataset, browser, app):
    dataset = make_dataset("approved", title="Data Posyandu 2024", tag_string="posyandu,balita")
    rid = dataset["resources"][0]["id"]
    produsen = browser().login(portal.editor)

    # The form says the change is verified first; saving it says so again.
    form = produsen.page(f"/dataset/edit/{dataset['name']}")
    assert "diverifikasi Walidata" in form.select_one(".satudata-revision-notice").get_text()
    # No "Unpublish" (core's first button: Enter in a field made the dataset a draft).
    assert not form.find("button", attrs={"value": "go-metadata-unpublish"})
    produsen.submit(f"/dataset/edit/{dataset['name']}", {"title": "Data Posyandu Aktif 2024"},
                    form=lambda f: f.get("id") == "dataset-edit")
    # Only what was changed counts (the form's line ends and tag_string are not changes).
    pending = helpers.call_action("satudata_revision_show", ctx(portal.editor), id=dataset["id"])["pending"]
    assert [f["field"] for f in pending["fields"]] == ["title"]
    produsen.submit(f"/dataset/{dataset['name']}/resource/{rid}/edit", {"name": "Data"},
                    form=lambda f: f.get("id") == "resource-edit",
                    files={"upload": upload(NEW_CSV, "posyandu.csv")})
    page = produsen.page(f"/dataset/{dataset['name']}")
    assert "menunggu verifikasi Walidata" in page.find(class_="flash-messages").get_text()

    # The Produsen sees the published version and the change side by side.
    revision = page.select_one(".satudata-revision")
    diff = revision.select_one(".satudata-revision-diff").get_text(" ", strip=True)
    assert "Versi terbit" in diff and "Data Posyandu 2024" in diff and "Data Posyandu Aktif 2024" in diff
    assert "Berkas diganti: Data" in revision.get_text()

    # The public page and file stay as published; no trace of the change.
    public = browser().page(f"/dataset/{dataset['name']}")
    assert "Data Posyandu Aktif" not in public.get_text() and not public.select_one(".satudata-revision")
    download = app.get(f"/dataset/{dataset['id']}/resource/{rid}/download/data.csv")
    assert download.get_data(as_text=True) == GOOD_CSV

    # The Walidata finds it in the queue, sees the diff and the new rows, approves.
    walidata = browser().login(portal.walidata)
    queue = walidata.page("/verifikasi")
    row = next(tr for tr in queue.select(".satudata-review-table tbody tr") if "Data Posyandu 2024" in tr.get_text())
    assert "Perubahan menunggu verifikasi" in row.get_text()
    review = walidata.page(f"/verifikasi/{dataset['name']}")
    assert "Data Posyandu Aktif 2024" in review.select_one(".satudata-revision-diff").get_text()
    # The new rows as they will be published: the number typed and written the page's way, the code kept.
    preview = review.select_one(".satudata-revision-previews .satudata-load-sample").get_text(" ", strip=True)
    assert "125.430" in preview and "64.08.04" in preview and "Sangatta Utara" in preview
    assert "Data: dapat dibaca" in review.get_text()
    walidata.submit(f"/verifikasi/{dataset['name']}", {"note": ""}, form=_step_form("setujui"))

    public = browser().page(f"/dataset/{dataset['name']}")
    assert "Data Posyandu Aktif 2024" in public.find("h1").get_text()
    history = public.select_one(".satudata-version-history").get_text(" ", strip=True)
    assert "Riwayat versi" in history and "diverifikasi oleh Walidata" in history
    assert "Judul" in history and "Berkas diganti: Data" in history
    assert portal.editor["fullname"] not in history
    assert app.get(f"/dataset/{dataset['id']}/resource/{rid}/download/posyandu.csv").get_data(
        as_text=True) == NEW_CSV


def test_a_produsen_asks_for_withdrawal_and_can_take_a_change_back(portal, make_dataset, browser):
    dataset = make_dataset("approved", title="Data Lama 2020")
    produsen = browser().login(portal.admin)
    # Withdrawal: the delete page asks for the reason; the dataset stays published.
    produsen.submit(f"/dataset/delete/{dataset['name']}", {"note": ""}, form=_step_form("tarik"))
    assert helpers.call_action("satudata_revision_show", ctx(portal.admin), id=dataset["id"])["pending"] is None
    produsen.submit(f"/dataset/delete/{dataset['name']}", {"note": "Diganti Data Baru 2024"},
                    form=_step_form("tarik"))
    page = produsen.page(f"/dataset/{dataset['name']}")
    assert "Permintaan penarikan dataset" in page.get_text()
    assert _shown(dataset["id"])["state"] == "active"
    # Taken back with one button: nothing waits any more.
    produsen.submit(f"/dataset/{dataset['name']}", {}, form=_step_form("batalkan"))
    assert "Perubahan dibatalkan" in produsen.page(f"/dataset/{dataset['name']}").get_text()
    assert helpers.call_action("satudata_revision_show", ctx(portal.admin), id=dataset["id"])["pending"] is None

    # Asked again and approved by the Walidata: the dataset leaves the portal.
    produsen.submit(f"/dataset/delete/{dataset['name']}", {"note": "Diganti Data Baru 2024"},
                    form=_step_form("tarik"))
    walidata = browser().login(portal.walidata)
    review = walidata.page(f"/verifikasi/{dataset['name']}")
    assert "Diganti Data Baru 2024" in review.get_text()
    walidata.submit(f"/verifikasi/{dataset['name']}", {}, form=_step_form("setujui"))
    assert _shown(dataset["id"])["state"] == "deleted"
    assert browser().get(f"/dataset/{dataset['name']}").status_code == 404
