"""No side door: published data changes only through the Walidata, and what
names internal addresses is the Walidata's. Each refusal says, in Indonesian on
the Indonesian API, whom to ask; nothing changes when it is refused."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.satudata.tests.conftest import ctx


def _shown(dataset_id):
    return helpers.call_action("package_show", {"ignore_auth": True}, id=dataset_id)


def test_a_produsen_cannot_make_verified_data_public_without_the_walidata(portal, make_dataset, api):
    dataset = make_dataset("approved", private=True)
    for user in (portal.editor, portal.admin):
        answer = api.ok("package_patch", user, id=dataset["id"], private=False)
        # A revision: the published (private) version stays until the Walidata approves.
        assert answer["private"] is True and answer["satudata_revision"]["changed_fields"] == ["private"]
    assert _shown(dataset["id"])["private"] is True
    assert api.call("package_show", None, id=dataset["id"])[0] == 403
    api.ok("satudata_dataset_approve", portal.walidata, id=dataset["id"])
    assert api.call("package_show", None, id=dataset["id"])[0] == 200


@pytest.mark.ckan_config("ckanext.satudata.approval.on_edit", "keep")
def test_without_revisions_a_produsen_is_refused_making_verified_data_public(portal, make_dataset, api):
    dataset = make_dataset("approved", private=True)
    for user in (portal.editor, portal.admin):
        error = api.error("package_patch", user, id=dataset["id"], private=False)
        assert "Walidata" in error["message"], error
    status, body = api.call("package_patch", portal.admin, locale="id", id=dataset["id"], private=False)
    assert status == 403 and "hanya Walidata" in body["error"]["message"], body
    assert _shown(dataset["id"])["private"] is True
    # Other edits of the same dataset still work; the Walidata publishes it.
    api.ok("package_patch", portal.editor, id=dataset["id"], notes="Catatan baru")
    assert api.ok("package_patch", portal.walidata, id=dataset["id"], private=False)["private"] is False
    status, _ = api.call("package_show", None, id=dataset["id"])
    assert status == 200


def test_a_produsen_may_still_make_an_unverified_draft_public(portal, make_dataset, api):
    dataset = make_dataset("draft", private=True)
    api.ok("package_patch", portal.editor, id=dataset["id"], private=False)
    status, _ = api.call("package_show", None, id=dataset["id"])
    assert status == 403  # public only once verified


def test_a_produsen_cannot_delete_published_data(portal, make_dataset, api):
    dataset = make_dataset("approved")
    status, body = api.call("package_delete", portal.admin, locale="id", id=dataset["id"])
    assert status == 403 and "hanya Walidata" in body["error"]["message"], body
    assert _shown(dataset["id"])["state"] == "active"
    draft = make_dataset("draft")
    api.ok("package_delete", portal.editor, id=draft["id"])
    api.ok("package_delete", portal.walidata, id=dataset["id"])
    assert _shown(dataset["id"])["state"] == "deleted"


def test_the_edit_form_sends_a_change_of_verified_data_to_the_walidata(portal, make_dataset, browser):
    """A Produsen may choose Publik in the form of verified private data: the
    form says changes are verified first, and the dataset stays private until
    the Walidata approves; the dataset page shows both versions."""
    dataset = make_dataset("approved", private=True)
    editor = browser().login(portal.editor)
    page = editor.page(f"/id/dataset/edit/{dataset['name']}")
    assert "diverifikasi Walidata" in page.select_one(".satudata-revision-notice").get_text()
    editor.submit(f"/id/dataset/edit/{dataset['name']}", {"private": "False", "notes": "Catatan yang diperbaiki"},
                  form=lambda f: f.get("id") == "dataset-edit")
    shown = _shown(dataset["id"])
    assert shown["private"] is True and shown["notes"] != "Catatan yang diperbaiki"
    read = editor.page(f"/id/dataset/{dataset['name']}")
    diff = read.select_one(".satudata-revision-diff").get_text(" ", strip=True)
    assert "Jenis Publikasi" in diff and "Privat" in diff and "Publik" in diff
    assert "Catatan yang diperbaiki" in diff
    # The form continues the same change.
    again = editor.page(f"/id/dataset/edit/{dataset['name']}")
    assert again.find("textarea", attrs={"name": "notes"}).get_text() == "Catatan yang diperbaiki"


@pytest.mark.ckan_config("ckanext.satudata.approval.on_edit", "keep")
def test_without_revisions_the_edit_form_keeps_verified_data_private(portal, make_dataset, browser):
    """The form asks the same auth function: the choice is fixed, with the reason;
    a forged post that makes it public is refused and changes nothing."""
    dataset = make_dataset("approved", private=True)
    editor = browser().login(portal.editor)
    page = editor.page(f"/id/dataset/edit/{dataset['name']}")
    select = page.find("select", attrs={"name": "private"})
    assert select.has_attr("disabled")
    assert "hanya Walidata" in page.find(id="satudata-private-locked").get_text()
    # Saving the form keeps it private and saves the other edits.
    editor.submit(f"/id/dataset/edit/{dataset['name']}", {"notes": "Catatan yang diperbaiki"},
                  form=lambda f: f.get("id") == "dataset-edit")
    shown = _shown(dataset["id"])
    assert shown["private"] is True and shown["notes"] == "Catatan yang diperbaiki"
    # A forged post asking for public is refused.
    forged = editor.submit(f"/id/dataset/edit/{dataset['name']}", {"private": "False"},
                           form=lambda f: f.get("id") == "dataset-edit")
    assert forged.status_code == 403
    assert _shown(dataset["id"])["private"] is True
    # The Walidata has the choice.
    walidata = browser().login(portal.walidata).page(f"/id/dataset/edit/{dataset['name']}")
    assert not walidata.find("select", attrs={"name": "private"}).has_attr("disabled")


def test_the_delete_page_refuses_a_produsen_and_keeps_the_dataset(portal, make_dataset, browser):
    dataset = make_dataset("approved")
    admin = browser().login(portal.admin)
    page = admin.page(f"/id/dataset/delete/{dataset['name']}")
    assert "hanya Walidata" in page.select_one(".satudata-delete-refused").get_text()
    assert not page.find(id="confirm-dataset-delete-form")
    assert page.find("textarea", attrs={"name": "note"})  # asks for withdrawal instead
    # A post made by hand (with a valid CSRF token) is refused by the auth function.
    token = admin.page(f"/id/dataset/edit/{dataset['name']}").find(
        "input", attrs={"name": tk.config.get("WTF_CSRF_FIELD_NAME", "_csrf_token")})
    forged = admin.app.post(f"/id/dataset/delete/{dataset['name']}",
                            data={"delete": "", token["name"]: token["value"]})
    assert forged.status_code == 403
    assert _shown(dataset["id"])["state"] == "active"
    # The Walidata is asked to confirm.
    walidata = browser().login(portal.walidata).page(f"/id/dataset/delete/{dataset['name']}")
    assert walidata.find(id="confirm-dataset-delete-form")


@pytest.mark.parametrize("action,data", [
    ("datastore_upsert", {"records": [{"jumlah": 999}], "method": "insert"}),
    ("datastore_delete", {"filters": {}}),
    ("datastore_records_delete", {"filters": {}}),
    ("datastore_create", {"records": [{"jumlah": 999}]}),
])
def test_a_produsen_cannot_change_a_published_table(portal, make_dataset, api, action, data):
    dataset = make_dataset("approved")
    resource_id = dataset["resources"][0]["id"]
    helpers.call_action("datastore_create", {"user": portal.sysadmin["name"]}, resource_id=resource_id,
                        force=True, records=[{"jumlah": 17}], fields=[{"id": "jumlah", "type": "int"}])
    status, body = api.call(action, portal.editor, locale="id", resource_id=resource_id, force=True, **data)
    assert status == 403 and "Walidata" in body["error"]["message"], body
    rows = helpers.call_action("datastore_search", {"ignore_auth": True}, resource_id=resource_id)["records"]
    assert [r["jumlah"] for r in rows] == [17]
    # The Walidata may correct them.
    api.ok("datastore_upsert", portal.walidata, resource_id=resource_id, force=True, method="insert",
           records=[{"jumlah": 18}])


def test_a_produsen_still_writes_the_table_of_unpublished_data(portal, make_dataset, api):
    dataset = make_dataset("pending")
    resource_id = dataset["resources"][0]["id"]
    api.ok("datastore_create", portal.editor, resource_id=resource_id, force=True,
           records=[{"jumlah": 1}], fields=[{"id": "jumlah", "type": "int"}])
    api.ok("datastore_upsert", portal.editor, resource_id=resource_id, force=True, method="insert",
           records=[{"jumlah": 2}])


@pytest.mark.parametrize("user", ["anonymous", "outsider", "editor", "pembina"])
def test_harvest_sources_are_the_walidatas(portal, api, user):
    source = api.ok("harvest_source_create", portal.walidata, url="https://data.example.go.id/",
                    source_type="ckan", title="Portal lain", name="portal-lain",
                    owner_org=portal.orgs["diskominfo"]["id"], config='{"instansi": "dinkes"}')
    who = None if user == "anonymous" else (portal.outsider if user == "outsider" else getattr(portal, user))
    for action, data in [("harvest_source_list", {}), ("harvest_source_show", {"id": source["id"]}),
                         ("harvest_job_list", {"source_id": source["id"]})]:
        status, body = api.call(action, who, **data)
        assert status == 403, (action, status, body)
        assert "data.example.go.id" not in str(body)
    assert [s["id"] for s in api.ok("harvest_source_list", portal.walidata)] == [source["id"]]


def test_the_approval_panel_offers_exactly_the_available_steps(portal, make_dataset, browser):
    """The buttons are ``workflow.available_steps``, the table the auth functions read."""
    from ckan import model
    from ckanext.satudata import workflow
    cases = [("draft", "editor", {"submit"}), ("draft", "walidata", {"submit", "approve"}),
             ("pending", "editor", set()), ("pending", "walidata", {"approve", "reject"}),
             ("pembina_review", "walidata", set()), ("pembina_review", "pembina", {"approve", "reject"}),
             ("rejected", "editor", {"submit"}), ("approved", "walidata", set())]
    labels = {"submit": "Ajukan verifikasi", "approve": "Setujui", "reject": "Kembalikan"}
    for status, who, steps in cases:
        dataset = make_dataset(status, prioritas=status == "pembina_review")
        user = getattr(portal, who)
        assert set(workflow.available_steps(model.Package.get(dataset["id"]), user["name"])) == steps
        page = browser().login(user).page(f"/id/dataset/{dataset['name']}")
        buttons = {b.get_text(strip=True) for b in page.select(".satudata-approval-actions button")}
        assert buttons == {labels[s] for s in steps}, (status, who, buttons)
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("satudata_dataset_approve", ctx(portal.editor), id=dataset["id"])
