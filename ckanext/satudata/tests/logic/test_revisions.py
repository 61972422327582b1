"""Revisions of published data through the Action API, on real PostgreSQL, Solr
and the file store: a Produsen's change waits for the Walidata while the
public keeps the published version."""
from __future__ import annotations

import os

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import uploader
from ckan.tests import helpers

from ckanext.satudata.tests.conftest import GOOD_CSV, ctx, upload

NEW_CSV = "kode_wilayah,kecamatan,jumlah\n64.08.04,Sangatta Utara,125430\n64.08.12,Sangatta Selatan,99\n"


def _public(dataset_id):
    return helpers.call_action("package_show", ctx(None), id=dataset_id)


def _found(q):
    return [d["id"] for d in helpers.call_action("package_search", ctx(None), q=q)["results"]]


def _download(app, dataset, resource_id, user=None, api=None):
    headers = api.headers(user) if (api and user) else {}
    return app.get(f"/dataset/{dataset['id']}/resource/{resource_id}/download/data.csv", headers=headers)


def _files_in_store():
    root = os.path.join(tk.config.get("ckan.storage_path"), "resources")
    return {os.path.join(d, f) for d, _, files in os.walk(root) for f in files}


def test_an_edit_waits_while_the_published_version_stays_everywhere(portal, make_dataset, app, api):
    dataset = make_dataset("approved", title="Data Imunisasi Dasar")
    answer = api.ok("package_patch", portal.editor, id=dataset["id"], title="Data Imunisasi Lengkap",
                    private=False)
    # The answer is the published dataset, with the change that waits.
    assert answer["title"] == "Data Imunisasi Dasar"
    assert answer["satudata_revision"]["status"] == "pending"
    assert answer["satudata_revision"]["changed_fields"] == ["title"]
    assert answer["satudata_revision"]["submitted_by"] == portal.editor["name"]

    # Show, search, RDF and the file keep the published version.
    assert _public(dataset["id"])["title"] == "Data Imunisasi Dasar"
    assert _found("Lengkap") == [] and _found("Dasar") == [dataset["id"]]
    rdf = app.get(f"/dataset/{dataset['name']}.ttl").get_data(as_text=True)
    assert "Data Imunisasi Dasar" in rdf and "Lengkap" not in rdf
    assert _download(app, dataset, dataset["resources"][0]["id"]).status_code == 200

    # The Walidata's queue lists it beside new submissions, with the diff.
    queue = helpers.call_action("satudata_review_list", ctx(portal.walidata), status="pending")
    assert [d["id"] for d in queue["results"]] == [dataset["id"]]
    assert queue["results"][0]["revision"]["status"] == "pending"
    assert queue["counts"]["pending"] == 1
    shown = helpers.call_action("satudata_revision_show", ctx(portal.walidata), id=dataset["id"])
    assert shown["pending"]["fields"] == [
        {"field": "title", "old": "Data Imunisasi Dasar", "new": "Data Imunisasi Lengkap"}]
    # The public sees no pending change, only history.
    assert helpers.call_action("satudata_revision_show", ctx(None), id=dataset["id"])["pending"] is None

    # Editing again continues the same revision.
    api.ok("package_patch", portal.editor, id=dataset["id"], notes="Cakupan imunisasi dasar lengkap")
    shown = helpers.call_action("satudata_revision_show", ctx(portal.editor), id=dataset["id"])
    assert {f["field"] for f in shown["pending"]["fields"]} == {"title", "notes"}
    assert shown["pending"]["id"] == answer["satudata_revision"]["id"]

    approved = api.ok("satudata_dataset_approve", portal.walidata, id=dataset["id"])
    assert approved["title"] == "Data Imunisasi Lengkap"
    assert _public(dataset["id"])["notes"] == "Cakupan imunisasi dasar lengkap"
    assert _found("Lengkap") == [dataset["id"]]
    assert _public(dataset["id"])["approval_status"] == "approved"
    history = helpers.call_action("satudata_revision_show", ctx(None), id=dataset["id"])["history"]
    assert len(history) == 1 and history[0]["verified_by"] == "walidata"
    assert set(history[0]["changes"]) == {"title", "notes"}
    assert set(history[0]) == {"approved_at", "verified_by", "changes"}  # roles, never usernames
    assert helpers.call_action("satudata_review_list", ctx(portal.walidata), status="pending")["count"] == 0


def test_a_replaced_file_is_kept_aside_until_approved(portal, make_dataset, app, api):
    dataset = make_dataset("approved")
    rid = dataset["resources"][0]["id"]
    before = _files_in_store()
    helpers.call_action("resource_update", ctx(portal.editor), id=rid, name="Data", format="CSV",
                        upload=upload(NEW_CSV, "data-baru.csv"))
    # The published file is untouched; the new one is in the store under an id
    # no resource has, so nobody downloads it.
    assert _download(app, dataset, rid).get_data(as_text=True) == GOOD_CSV
    staged = _files_in_store() - before
    assert len(staged) == 1
    rev = helpers.call_action("satudata_revision_show", ctx(portal.walidata), id=dataset["id"])["pending"]
    assert rev["resources"] == [{"id": rid, "name": "Data", "change": "replaced"}]
    assert all(c["ok"] for c in rev["checks"])

    # The Walidata previews the new table, typed as it will be published, before approving.
    from ckanext.satudata import revisions
    previews = revisions.file_previews(revisions.open_revision(dataset["id"]))
    assert previews[0]["sample"][0] == ["64.08.04", "Sangatta Utara", "125430"]
    assert [c["type"] for c in previews[0]["columns"]] == ["text", "text", "int8"]

    helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"])
    assert _download(app, dataset, rid).get_data(as_text=True) == NEW_CSV
    assert _files_in_store() == before  # swapped into place: no copy left behind
    assert _public(dataset["id"])["resources"][0]["url"].endswith("data-baru.csv")


def test_a_returned_change_keeps_the_published_version_and_says_why(portal, make_dataset, app, api):
    dataset = make_dataset("approved", title="Data Gizi Balita")
    rid = dataset["resources"][0]["id"]
    helpers.call_action("resource_update", ctx(portal.editor), id=rid, name="Data", format="CSV",
                        upload=upload(NEW_CSV, "data.csv"))
    helpers.call_action("package_patch", ctx(portal.editor), id=dataset["id"], title="Data Gizi Anak")
    with pytest.raises(tk.ValidationError):
        helpers.call_action("satudata_dataset_reject", ctx(portal.walidata), id=dataset["id"], note="")
    helpers.call_action("satudata_dataset_reject", ctx(portal.walidata), id=dataset["id"],
                        note="Angka Sangatta Utara tidak sesuai")
    assert _public(dataset["id"])["title"] == "Data Gizi Balita"
    assert _download(app, dataset, rid).get_data(as_text=True) == GOOD_CSV
    returned = helpers.call_action("satudata_revision_show", ctx(portal.editor), id=dataset["id"])["pending"]
    assert returned["status"] == "returned" and returned["note"] == "Angka Sangatta Utara tidak sesuai"
    # Nothing waits; editing again starts from the returned change, nothing lost.
    assert helpers.call_action("satudata_review_list", ctx(portal.walidata), status="pending")["count"] == 0
    again = api.ok("package_patch", portal.editor, id=dataset["id"], tahun=2023)
    assert set(again["satudata_revision"]["changed_fields"]) == {"title", "tahun"}
    assert [r["change"] for r in again["satudata_revision"]["resources"]] == ["replaced"]


def test_private_to_public_and_withdrawal_wait_for_the_walidata(portal, make_dataset, app, api):
    hidden = make_dataset("approved", private=True, title="Data Stunting")
    api.ok("package_patch", portal.editor, id=hidden["id"], private=False)
    assert _found("Stunting") == []
    with pytest.raises((tk.ObjectNotFound, tk.NotAuthorized)):
        _public(hidden["id"])
    helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=hidden["id"])
    assert _found("Stunting") == [hidden["id"]]

    # Published data is deleted by the Walidata only; its Produsen asks for it.
    with pytest.raises(tk.NotAuthorized, match="satudata_dataset_withdraw"):
        helpers.call_action("package_delete", ctx(portal.editor), id=hidden["id"])
    with pytest.raises(tk.ValidationError):
        helpers.call_action("satudata_dataset_withdraw", ctx(portal.editor), id=hidden["id"], note=" ")
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("satudata_dataset_withdraw", ctx(portal.other_editor), id=hidden["id"], note="x")
    answer = api.ok("satudata_dataset_withdraw", portal.editor, id=hidden["id"], note="Diganti data 2025")
    assert answer["satudata_revision"]["withdraw"] is True
    assert _public(hidden["id"])["state"] == "active"
    assert _download(app, hidden, hidden["resources"][0]["id"]).status_code == 200
    helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=hidden["id"])
    with pytest.raises((tk.ObjectNotFound, tk.NotAuthorized)):
        _public(hidden["id"])
    assert _found("Stunting") == []


def test_a_new_file_and_a_removed_file_wait_and_can_be_taken_back(portal, make_dataset, app, api):
    dataset = make_dataset("approved")
    before = _files_in_store()
    added = helpers.call_action("resource_create", ctx(portal.editor), package_id=dataset["id"],
                                name="Tambahan", format="CSV", upload=upload(NEW_CSV, "tambahan.csv"))
    assert added["satudata_revision"]["status"] == "pending"
    assert len(_public(dataset["id"])["resources"]) == 1
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("resource_show", ctx(portal.walidata), id=added["id"])
    assert _download(app, dataset, added["id"]).status_code == 404
    # The new file is edited in its revision.
    patched = helpers.call_action("resource_patch", ctx(portal.editor), id=added["id"], name="Tambahan 2024")
    assert patched["name"] == "Tambahan 2024"
    # Others may not take it back; its Produsen may.
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("satudata_revision_discard", ctx(portal.other_editor), id=dataset["id"])
    for who in (portal.member, portal.walidata):  # the Walidata returns a change, with a note
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("satudata_revision_discard", ctx(who), id=dataset["id"])
    helpers.call_action("satudata_revision_discard", ctx(portal.editor), id=dataset["id"])
    assert _files_in_store() == before
    assert helpers.call_action("satudata_revision_show", ctx(portal.editor), id=dataset["id"])["pending"] is None

    # Removing the only file is refused: the dataset would have none.
    with pytest.raises(tk.ValidationError):
        helpers.call_action("resource_delete", ctx(portal.editor), id=dataset["resources"][0]["id"])
    assert helpers.call_action("satudata_revision_show", ctx(portal.editor), id=dataset["id"])["pending"] is None


def test_who_may_propose_and_decide(portal, make_dataset, api):
    dataset = make_dataset("approved")
    for outsider in (portal.other_editor, portal.member, portal.outsider, None):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("package_patch", ctx(outsider), id=dataset["id"], title="Coba")
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("resource_patch", ctx(outsider), id=dataset["resources"][0]["id"], name="x")
    assert helpers.call_action("satudata_revision_show", ctx(portal.walidata), id=dataset["id"])["pending"] is None
    helpers.call_action("package_patch", ctx(portal.editor), id=dataset["id"], title="Judul Baru")
    for who in (portal.editor, portal.admin, portal.other_editor, portal.pembina):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("satudata_dataset_approve", ctx(who), id=dataset["id"])
    for who in (portal.other_editor, portal.outsider, None):
        assert helpers.call_action("satudata_revision_show", ctx(who), id=dataset["id"])["pending"] is None
    # Core's bulk actions write past the revision: refused on published data.
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("bulk_update_private", ctx(portal.admin), org_id=dataset["owner_org"],
                            datasets=[dataset["id"]])
    assert not _public(dataset["id"])["private"]


def test_priority_data_goes_to_the_pembina_data(portal, make_dataset):
    dataset = make_dataset("approved", prioritas=True, title="Data Kemiskinan")
    helpers.call_action("package_patch", ctx(portal.editor), id=dataset["id"], title="Data Kemiskinan Ekstrem")
    helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"])
    assert _public(dataset["id"])["title"] == "Data Kemiskinan"
    queue = helpers.call_action("satudata_review_list", ctx(portal.pembina), status="pembina_review")
    assert [d["id"] for d in queue["results"]] == [dataset["id"]]
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"])
    helpers.call_action("satudata_dataset_approve", ctx(portal.pembina), id=dataset["id"])
    assert _public(dataset["id"])["title"] == "Data Kemiskinan Ekstrem"
    history = helpers.call_action("satudata_revision_show", ctx(None), id=dataset["id"])["history"]
    assert history[0]["verified_by"] == "pembina"


def test_walidata_edits_apply_at_once_and_are_in_the_history(portal, make_dataset):
    dataset = make_dataset("approved", title="Data Sanitasi")
    helpers.call_action("package_patch", ctx(portal.walidata), id=dataset["id"], title="Data Sanitasi Layak")
    assert _public(dataset["id"])["title"] == "Data Sanitasi Layak"
    history = helpers.call_action("satudata_revision_show", ctx(None), id=dataset["id"])["history"]
    assert history[0]["changes"] == ["title"] and history[0]["verified_by"] == "walidata"


def test_a_failed_approval_leaves_the_published_version_whole(portal, make_dataset, app):
    dataset = make_dataset("approved", title="Data Air Bersih")
    rid = dataset["resources"][0]["id"]
    helpers.call_action("resource_update", ctx(portal.editor), id=rid, name="Data", format="CSV",
                        upload=upload(NEW_CSV, "data.csv"))
    helpers.call_action("package_patch", ctx(portal.editor), id=dataset["id"], name="data-air-bersih-baru")
    # Meanwhile another dataset takes that name: applying the revision must fail.
    make_dataset("draft", name="data-air-bersih-baru")
    with pytest.raises(tk.ValidationError):
        helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"])
    model.Session.remove()
    assert _public(dataset["id"])["name"] == dataset["name"]
    assert _download(app, dataset, rid).get_data(as_text=True) == GOOD_CSV
    rev = helpers.call_action("satudata_revision_show", ctx(portal.walidata), id=dataset["id"])["pending"]
    assert rev["status"] == "pending"
    # The staged file is still there for a second try.
    staged = uploader.get_resource_uploader({"url_type": "upload"})
    from ckanext.satudata import revisions
    entry = revisions._files(revisions.open_revision(dataset["id"]))[rid]
    assert os.path.exists(staged.get_path(entry["staged"]))


def test_a_published_dataset_is_not_made_a_draft_past_the_walidata(portal, make_dataset, api):
    """Core's "Unpublish" (state: draft) would take published data off the portal."""
    dataset = make_dataset("approved")
    status, body = api.call("package_patch", portal.editor, locale="id", id=dataset["id"], state="draft")
    assert status == 409 and "penarikan" in str(body["error"]), body
    assert _public(dataset["id"])["state"] == "active"
    assert helpers.call_action("satudata_revision_show", ctx(portal.editor), id=dataset["id"])["pending"] is None
