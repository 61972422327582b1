"""The approval workflow through the Action API, on real PostgreSQL and Solr."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.satudata.tests.conftest import ctx

ACTORS = ("anonymous", "outsider", "member", "editor", "admin", "other_editor",
          "walidata", "pembina", "sysadmin")


def _user(portal, actor):
    return None if actor == "anonymous" else getattr(portal, actor)


def _allowed(action, portal, actor, **data):
    try:
        helpers.call_action(action, ctx(_user(portal, actor)), **data)
        return True
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False


def _status(dataset_id):
    return helpers.call_action("package_show", {"ignore_auth": True}, id=dataset_id)["approval_status"]


def _indexed_status(dataset_id):
    result = helpers.call_action("package_search", {"ignore_auth": True}, fq=f'id:"{dataset_id}"',
                                 include_private=True, include_drafts=True)
    assert result["count"] == 1
    return result["results"][0]["approval_status"]


def _activities(dataset_id):
    sysadmin = model.Session.query(model.User).filter(model.User.sysadmin.is_(True)).first()
    return helpers.call_action("package_activity_list", {"user": sysadmin.name}, id=dataset_id, limit=100)


# --------------------------------------------------------------------------- who sees what

VISIBLE = {
    # status -> actors who may see the dataset
    "draft": {"member", "editor", "admin", "walidata", "sysadmin"},
    "pending": {"member", "editor", "admin", "walidata", "sysadmin"},
    "pembina_review": {"member", "editor", "admin", "walidata", "pembina", "sysadmin"},
    "rejected": {"member", "editor", "admin", "walidata", "sysadmin"},
    "approved": set(ACTORS),
}


@pytest.mark.parametrize("status", list(VISIBLE))
def test_show_search_download_and_rdf_follow_the_approval_status(portal, make_dataset, api, app, status):
    dataset = make_dataset(status, prioritas=(status == "pembina_review"), title="Data Stunting Balita")
    resource = dataset["resources"][0]
    download = f"/dataset/{dataset['id']}/resource/{resource['id']}/download/data.csv"
    for actor in ACTORS:
        expected = actor in VISIBLE[status]
        assert _allowed("package_show", portal, actor, id=dataset["id"]) is expected, actor
        found = helpers.call_action("package_search", ctx(_user(portal, actor)), q="stunting",
                                    include_private=True, include_drafts=True)["count"]
        assert found == (1 if expected else 0), actor
        rid = dataset["resources"][0]["id"]
        assert _allowed("resource_show", portal, actor, id=rid) is expected, actor
        headers = api.headers(_user(portal, actor))
        got = app.get(download, headers=headers)
        assert (got.status_code == 200) is expected, (actor, got.status_code)
        if expected:
            assert got.get_data(as_text=True).startswith("kode_wilayah,kecamatan")
        rdf = app.get(f"/dataset/{dataset['name']}.ttl", headers=headers)
        assert (rdf.status_code == 200 and "Data Stunting Balita" in rdf.get_data(as_text=True)) is expected, \
            (actor, rdf.status_code)


def test_private_approved_data_is_never_public(portal, make_dataset):
    dataset = make_dataset("approved", private=True)
    for actor in ACTORS:
        expected = actor in {"member", "editor", "admin", "walidata", "sysadmin"}
        assert _allowed("package_show", portal, actor, id=dataset["id"]) is expected, actor


def test_public_sees_only_approved_public_datasets_in_search_and_counts(portal, make_dataset):
    make_dataset("approved", name="approved-one")
    make_dataset("pending", name="pending-one")
    make_dataset("approved", name="private-one", private=True)
    make_dataset("draft", name="draft-one")
    public = helpers.call_action("package_search", ctx(None), q="*:*", include_private=True)
    assert [d["name"] for d in public["results"]] == ["approved-one"]
    orgs = helpers.call_action("organization_list", ctx(None), all_fields=True)
    assert {o["name"]: o["package_count"] for o in orgs}["dinkes"] == 1
    walidata = helpers.call_action("package_search", ctx(portal.walidata), q="*:*",
                                   include_private=True, include_drafts=True)
    assert walidata["count"] == 4


# --------------------------------------------------------------------------- who may do what

def test_who_may_submit_a_draft(portal, make_dataset):
    allowed = {"editor", "admin", "walidata", "sysadmin"}
    for actor in ACTORS:
        dataset = make_dataset("draft")
        assert _allowed("satudata_dataset_submit", portal, actor, id=dataset["id"]) is (actor in allowed), actor
        assert _status(dataset["id"]) == ("pending" if actor in allowed else "draft")


def test_who_may_approve_a_pending_dataset(portal, make_dataset):
    allowed = {"walidata", "sysadmin"}
    for actor in ACTORS:
        dataset = make_dataset("pending")
        assert _allowed("satudata_dataset_approve", portal, actor, id=dataset["id"]) is (actor in allowed), actor
        assert _status(dataset["id"]) == ("approved" if actor in allowed else "pending")


def test_who_may_reject_a_pending_dataset(portal, make_dataset):
    allowed = {"walidata", "sysadmin"}
    for actor in ACTORS:
        dataset = make_dataset("pending")
        ok = _allowed("satudata_dataset_reject", portal, actor, id=dataset["id"], note="Perbaiki sumber")
        assert ok is (actor in allowed), actor
        assert _status(dataset["id"]) == ("rejected" if actor in allowed else "pending")


def test_who_may_edit(portal, make_dataset):
    allowed = {"editor", "admin", "walidata", "sysadmin"}
    dataset = make_dataset("draft")
    for actor in ACTORS:
        ok = _allowed("package_patch", portal, actor, id=dataset["id"], sumber=f"Sumber dari {actor}")
        assert ok is (actor in allowed), actor


def test_priority_data_needs_the_pembina_after_the_walidata(portal, make_dataset):
    dataset = make_dataset("pending", prioritas=True)
    result = helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"])
    assert result["approval_status"] == "pembina_review"
    assert not _allowed("package_show", portal, "anonymous", id=dataset["id"])
    # The Walidata cannot finish the Pembina's step; a Produsen neither.
    for actor in ("walidata", "editor", "other_editor"):
        assert not _allowed("satudata_dataset_approve", portal, actor, id=dataset["id"]), actor
    assert _allowed("package_show", portal, "pembina", id=dataset["id"])
    result = helpers.call_action("satudata_dataset_approve", ctx(portal.pembina), id=dataset["id"],
                                 note="Sesuai standar")
    assert result["approval_status"] == "approved"
    assert result["approval_by"] == "pembina"
    assert _allowed("package_show", portal, "anonymous", id=dataset["id"])


def test_pembina_rejection_returns_priority_data_to_the_produsen_with_the_note(portal, make_dataset):
    dataset = make_dataset("pembina_review", prioritas=True)
    assert not _allowed("satudata_dataset_reject", portal, "walidata", id=dataset["id"], note="x")
    result = helpers.call_action("satudata_dataset_reject", ctx(portal.pembina), id=dataset["id"],
                                 note="Gunakan definisi stunting Kemenkes")
    assert result["approval_status"] == "rejected"
    assert result["approval_note"] == "Gunakan definisi stunting Kemenkes"
    assert _allowed("package_show", portal, "editor", id=dataset["id"])
    assert not _allowed("package_show", portal, "pembina", id=dataset["id"])


def test_walidata_may_approve_a_draft_directly_a_produsen_may_not(portal, make_dataset):
    dataset = make_dataset("draft")
    assert not _allowed("satudata_dataset_approve", portal, "editor", id=dataset["id"])
    result = helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"])
    assert result["approval_status"] == "approved"
    assert result["approval_by"] == "walidata"
    assert result["approval_submitted_by"] == "walidata"


# --------------------------------------------------------------------------- wrong transitions

def _snapshot(dataset_id):
    pkg = helpers.call_action("package_show", {"ignore_auth": True}, id=dataset_id)
    return pkg["approval_status"], pkg.get("approval_note"), len(_activities(dataset_id)), _indexed_status(dataset_id)


@pytest.mark.parametrize("status, action, actor, data, error", [
    ("approved", "satudata_dataset_submit", "editor", {}, tk.ValidationError),
    ("pending", "satudata_dataset_submit", "editor", {}, tk.ValidationError),
    ("draft", "satudata_dataset_reject", "walidata", {"note": "Perbaiki"}, tk.ValidationError),
    ("approved", "satudata_dataset_reject", "walidata", {"note": "Perbaiki"}, tk.ValidationError),
    ("pending", "satudata_dataset_reject", "walidata", {}, tk.ValidationError),
    ("pending", "satudata_dataset_reject", "walidata", {"note": "   "}, tk.ValidationError),
    ("rejected", "satudata_dataset_approve", "walidata", {}, tk.ValidationError),
    ("draft", "satudata_dataset_submit", "other_editor", {}, tk.NotAuthorized),
    ("pending", "satudata_dataset_approve", "editor", {}, tk.NotAuthorized),
])
def test_wrong_transitions_fail_and_change_nothing(portal, make_dataset, status, action, actor, data, error):
    dataset = make_dataset(status)
    before = _snapshot(dataset["id"])
    with pytest.raises(error) as raised:
        helpers.call_action(action, ctx(getattr(portal, actor)), id=dataset["id"], **data)
    message = str(raised.value.error_dict if isinstance(raised.value, tk.ValidationError) else raised.value)
    assert message.strip(" {}'\"")  # says why
    assert _snapshot(dataset["id"]) == before


def test_rejecting_requires_a_note_and_names_it(portal, make_dataset):
    dataset = make_dataset("pending")
    with pytest.raises(tk.ValidationError) as raised:
        helpers.call_action("satudata_dataset_reject", ctx(portal.walidata), id=dataset["id"])
    assert "note" in raised.value.error_dict


def test_approving_twice_is_harmless(portal, make_dataset):
    dataset = make_dataset("approved")
    before = _snapshot(dataset["id"])
    again = helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"])
    assert again["approval_status"] == "approved"
    assert _snapshot(dataset["id"]) == before


# --------------------------------------------------------------------------- only the workflow sets the status

def test_status_sent_with_the_data_is_ignored(portal, make_dataset):
    from ckanext.satudata.tests.factories import complete_dataset
    created = helpers.call_action("package_create", ctx(portal.editor), **complete_dataset(
        portal.orgs["dinkes"]["id"], approval_status="approved", approval_by="editor"))
    assert created["approval_status"] == "draft"
    assert "approval_by" not in created
    helpers.call_action("package_patch", ctx(portal.editor), id=created["id"], approval_status="approved")
    assert _status(created["id"]) == "draft"
    assert not _allowed("package_show", portal, "anonymous", id=created["id"])
    pending = make_dataset("pending")
    helpers.call_action("package_update", ctx(portal.walidata), **dict(
        helpers.call_action("package_show", {"ignore_auth": True}, id=pending["id"]),
        approval_status="approved"))
    assert _status(pending["id"]) == "pending"


# --------------------------------------------------------------------------- the record of each step

def test_each_transition_is_in_the_activity_stream(portal, make_dataset):
    dataset = make_dataset("draft")
    helpers.call_action("satudata_dataset_submit", ctx(portal.editor), id=dataset["id"], note="Mohon diperiksa")
    helpers.call_action("satudata_dataset_reject", ctx(portal.walidata), id=dataset["id"], note="Tahun salah")
    helpers.call_action("package_patch", ctx(portal.editor), id=dataset["id"], tahun=2023)
    helpers.call_action("satudata_dataset_submit", ctx(portal.editor), id=dataset["id"])
    helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"], note="OK")

    steps = [a for a in reversed(_activities(dataset["id"])) if "satudata_approval" in a["data"]]
    users = {u.id: u.name for u in model.Session.query(model.User)}
    got = [(users[a["user_id"]], a["data"]["satudata_approval"]["action"], a["data"]["satudata_approval"]["from"],
            a["data"]["satudata_approval"]["to"], a["data"]["satudata_approval"]["note"]) for a in steps]
    assert got == [
        ("editor", "submit", "draft", "pending", "Mohon diperiksa"),
        ("walidata", "reject", "pending", "rejected", "Tahun salah"),
        ("editor", "submit", "rejected", "pending", ""),
        ("walidata", "approve", "pending", "approved", "OK"),
    ]
    assert all(a["timestamp"] for a in steps)
    final = helpers.call_action("package_show", {"ignore_auth": True}, id=dataset["id"])
    assert final["approval_by"] == "walidata" and final["approval_note"] == "OK"
    assert final["approval_at"] and final["approval_submitted_by"] == "editor"
    # The public sees the approval in the stream, but not the internal steps before it.
    public = helpers.call_action("package_activity_list", ctx(None), id=dataset["id"])
    public_steps = [a["data"]["satudata_approval"]["action"] for a in public if "satudata_approval" in a["data"]]
    assert public_steps == ["approve"]


def test_index_agrees_with_the_database_after_every_transition(portal, make_dataset):
    dataset = make_dataset("draft", prioritas=True)
    steps = [
        ("satudata_dataset_submit", "editor", {}),
        ("satudata_dataset_approve", "walidata", {}),
        ("satudata_dataset_reject", "pembina", {"note": "Perbaiki"}),
        ("satudata_dataset_submit", "editor", {}),
        ("satudata_dataset_approve", "walidata", {}),
        ("satudata_dataset_approve", "pembina", {}),
    ]
    for action, actor, data in steps:
        helpers.call_action(action, ctx(getattr(portal, actor)), id=dataset["id"], **data)
        assert _indexed_status(dataset["id"]) == _status(dataset["id"]), action
    assert _status(dataset["id"]) == "approved"


def test_a_rejected_dataset_keeps_its_metadata_and_files(portal, make_dataset):
    dataset = make_dataset("rejected", sumber="Survei Gizi 2024")
    kept = helpers.call_action("package_show", {"ignore_auth": True}, id=dataset["id"])
    assert kept["sumber"] == "Survei Gizi 2024"
    assert len(kept["resources"]) == 1 and kept["resources"][0]["url_type"] == "upload"
    from ckan.lib.uploader import get_resource_uploader
    resource = kept["resources"][0]
    with open(get_resource_uploader(resource).get_path(resource["id"]), encoding="utf-8") as f:
        assert f.readline().startswith("kode_wilayah")


# --------------------------------------------------------------------------- edits after approval

@pytest.mark.ckan_config("ckanext.satudata.approval.on_edit", "keep")
def test_without_revisions_an_edit_after_approval_is_listed_for_the_walidata(portal, make_dataset):
    dataset = make_dataset("approved")
    helpers.call_action("package_patch", ctx(portal.editor), id=dataset["id"], notes="Deskripsi baru")
    edited = helpers.call_action("package_show", {"ignore_auth": True}, id=dataset["id"])
    assert edited["approval_status"] == "approved" and edited["approval_changed_after"]
    assert _allowed("package_show", portal, "anonymous", id=dataset["id"])
    changed = helpers.call_action("satudata_review_list", ctx(portal.walidata), status="changed")
    assert [d["id"] for d in changed["results"]] == [dataset["id"]]
    # The Walidata's look clears the mark.
    helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"])
    shown = helpers.call_action("package_show", {"ignore_auth": True}, id=dataset["id"])
    assert not shown.get("approval_changed_after")
    assert helpers.call_action("satudata_review_list", ctx(portal.walidata), status="changed")["count"] == 0


def test_bulk_make_public_of_verified_data_is_the_walidatas(portal, make_dataset):
    private_approved = make_dataset("approved", private=True)
    draft = make_dataset("draft", private=True)
    org_id = portal.orgs["dinkes"]["id"]
    with pytest.raises(tk.NotAuthorized) as refused:
        helpers.call_action("bulk_update_public", ctx(portal.admin), org_id=org_id,
                            datasets=[private_approved["id"], draft["id"]])
    assert "Walidata" in str(refused.value)
    # Nothing changed, nothing reached the public.
    for dataset in (private_approved, draft):
        assert helpers.call_action("package_show", {"ignore_auth": True}, id=dataset["id"])["private"]
        assert not _allowed("package_show", portal, "anonymous", id=dataset["id"])
    assert helpers.call_action("package_search", ctx(None), q="*:*")["count"] == 0
    # A draft alone may be made public: it still waits for verification.
    helpers.call_action("bulk_update_public", ctx(portal.admin), org_id=org_id, datasets=[draft["id"]])
    assert not _allowed("package_show", portal, "anonymous", id=draft["id"])
    # The Walidata publishes the verified one.
    helpers.call_action("package_patch", ctx(portal.walidata), id=private_approved["id"], private=False)
    assert _allowed("package_show", portal, "anonymous", id=private_approved["id"])


def test_bulk_delete_of_published_data_is_the_walidatas(portal, make_dataset):
    dataset = make_dataset("approved")
    org_id = portal.orgs["dinkes"]["id"]
    with pytest.raises(tk.NotAuthorized):
        helpers.call_action("bulk_update_delete", ctx(portal.admin), org_id=org_id, datasets=[dataset["id"]])
    assert _allowed("package_show", portal, "anonymous", id=dataset["id"])
    helpers.call_action("package_delete", ctx(portal.walidata), id=dataset["id"])
    assert helpers.call_action("package_search", ctx(None), q="*:*")["count"] == 0
    assert not _allowed("package_show", portal, "anonymous", id=dataset["id"])


# --------------------------------------------------------------------------- the review list

def test_review_list_walidata_sees_every_instansi_oldest_first(portal, make_dataset):
    first = make_dataset("pending", name="kes-lama", title="Data Kesehatan Lama")
    other = make_dataset("pending", name="padi", title="Produksi Padi", owner_org=portal.orgs["distan"]["id"],
                         creator=portal.other_editor)
    make_dataset("approved", name="sudah")
    result = helpers.call_action("satudata_review_list", ctx(portal.walidata))
    assert [d["name"] for d in result["results"]] == ["kes-lama", "padi"]
    assert result["count"] == 2
    assert result["counts"]["pending"] == 2 and result["counts"]["approved"] == 1
    item = result["results"][0]
    assert item["approval_submitted_by"] == "editor" and item["approval_submitted_at"]
    assert item["organization"]["name"] == "dinkes"
    assert helpers.call_action("satudata_review_list", ctx(portal.walidata), q="padi")["count"] == 1
    only = helpers.call_action("satudata_review_list", ctx(portal.walidata), owner_org="distan")
    assert [d["id"] for d in only["results"]] == [other["id"]]
    assert first["id"] != other["id"]


def test_review_list_a_produsen_sees_only_their_instansi(portal, make_dataset):
    make_dataset("pending", name="kes")
    make_dataset("pending", name="padi", owner_org=portal.orgs["distan"]["id"], creator=portal.other_editor)
    mine = helpers.call_action("satudata_review_list", ctx(portal.editor), status="all")
    assert [d["name"] for d in mine["results"]] == ["kes"]
    for actor in ("anonymous", "outsider", "member"):
        assert not _allowed("satudata_review_list", portal, actor), actor
