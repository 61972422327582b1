"""Filing datasets under Tematik: whoever may edit a dataset (its Produsen Data,
the Walidata) chooses its Tematik, in the form, on the Tematik tab and through
the API; nobody else; on published data a Produsen's choice waits for the
Walidata like any other change."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.satudata.tests.conftest import ctx
from ckanext.satudata.tests.factories import complete_dataset


@pytest.fixture
def themes(portal):
    return {name: helpers.call_action("group_create", ctx(portal.sysadmin), name=name, title=title)
            for name, title in (("kesehatan", "Kesehatan"), ("ekonomi", "Ekonomi"), ("pendidikan", "Pendidikan"))}


def _tematik(dataset_id: str) -> list[str]:
    shown = helpers.call_action("package_show", {"ignore_auth": True, "use_cache": False}, id=dataset_id)
    return sorted(g["name"] for g in shown["groups"])


def _public_count(api, name: str) -> int:
    return api.ok("package_search", None, fq=f"groups:{name}")["count"]


def test_the_produsen_chooses_tematik_when_creating_and_editing(api, portal, themes):
    created = api.ok("package_create", portal.editor, **complete_dataset(
        portal.orgs["dinkes"]["id"], groups=[{"name": "kesehatan"}, {"name": "ekonomi"}]))
    assert _tematik(created["id"]) == ["ekonomi", "kesehatan"]
    assert api.ok("package_search", portal.editor, fq="groups:kesehatan", include_drafts=True)["count"] == 1

    api.ok("package_patch", portal.editor, id=created["id"], groups=[{"name": "pendidikan"}])
    assert _tematik(created["id"]) == ["pendidikan"]
    api.ok("package_patch", portal.editor, id=created["id"], groups=[])
    assert _tematik(created["id"]) == []


def test_a_name_that_is_not_a_tematik_is_refused_and_nothing_changes(api, portal, themes):
    dataset = api.ok("package_create", portal.editor, **complete_dataset(
        portal.orgs["dinkes"]["id"], groups=[{"name": "kesehatan"}]))
    error = api.error("package_patch", portal.editor, id=dataset["id"], title="Judul Baru",
                      groups=[{"name": "ekonomi"}, {"name": "tidak-ada"}, {"name": "dinkes"}])
    assert error["groups"] == ["Bukan Tematik portal ini: tidak-ada, dinkes"]
    shown = helpers.call_action("package_show", {"ignore_auth": True, "use_cache": False}, id=dataset["id"])
    assert shown["title"] != "Judul Baru" and _tematik(dataset["id"]) == ["kesehatan"]


def test_who_may_not_edit_the_dataset_may_not_file_it(api, portal, themes, make_dataset):
    dataset = make_dataset("draft")
    for user in (portal.other_editor, portal.member):
        status, body = api.call("member_create", user, id="kesehatan", object=dataset["id"],
                                object_type="package", capacity="public")
        assert status == 403, (user["name"], body)
    assert api.call("member_create", None, id="kesehatan", object=dataset["id"], object_type="package")[0] == 403
    assert _tematik(dataset["id"]) == []
    # Every Tematik is offered to who files datasets; nothing to the others.
    assert sorted(g["name"] for g in api.ok("group_list_authz", portal.editor)) == ["ekonomi", "kesehatan",
                                                                                      "pendidikan"]
    assert len(api.ok("group_list_authz", portal.walidata)) == 3
    assert api.ok("group_list_authz", portal.member) == []


def test_on_published_data_a_produsen_s_tematik_waits_for_the_walidata(api, portal, themes, make_dataset):
    dataset = make_dataset("approved")
    answer = api.ok("member_create", portal.editor, id="kesehatan", object=dataset["id"], object_type="package",
                    capacity="public")
    assert answer["state"] == "pending" and answer["satudata_revision"]["status"] == "pending"
    assert "groups" in answer["satudata_revision"]["changed_fields"]
    assert _tematik(dataset["id"]) == [] and _public_count(api, "kesehatan") == 0
    # A second choice continues the same revision.
    api.ok("member_create", portal.editor, id="ekonomi", object=dataset["id"], object_type="package")
    helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"])
    assert _tematik(dataset["id"]) == ["ekonomi", "kesehatan"]
    assert _public_count(api, "kesehatan") == 1
    assert api.ok("group_show", None, id="ekonomi")["package_count"] == 1


def test_the_walidata_files_published_data_at_once(api, portal, themes, make_dataset):
    dataset = make_dataset("approved")
    api.ok("member_create", portal.walidata, id="kesehatan", object=dataset["id"], object_type="package")
    assert _tematik(dataset["id"]) == ["kesehatan"] and _public_count(api, "kesehatan") == 1
    api.ok("member_delete", portal.walidata, id="kesehatan", object=dataset["id"], object_type="package")
    assert _tematik(dataset["id"]) == [] and _public_count(api, "kesehatan") == 0


def test_the_form_and_the_tab_file_a_dataset(portal, themes, make_dataset, browser):
    dataset = make_dataset("draft")
    browser = browser().login(portal.editor)
    form = browser.page(f"/dataset/edit/{dataset['name']}")
    boxes = {i["value"]: i for i in form.select(".satudata-tematik input[type=checkbox]")}
    assert set(boxes) == {"kesehatan", "ekonomi", "pendidikan"}
    assert form.select_one("label[for=field-tematik-kesehatan]").get_text(strip=True) == "Kesehatan"
    response = browser.submit(f"/dataset/edit/{dataset['name']}", {"groups__0__name": "kesehatan"},
                              form=lambda f: f.select(".satudata-tematik"))
    assert response.status_code == 302
    assert _tematik(dataset["id"]) == ["kesehatan"]
    # Unticking every box removes them.
    unticked = {f"groups__{i}__name": [] for i in range(3)}
    browser.submit(f"/dataset/edit/{dataset['name']}", unticked, form=lambda f: f.select(".satudata-tematik"))
    assert _tematik(dataset["id"]) == []

    # The Tematik tab offers every Tematik to the operator.
    tab = browser.page(f"/dataset/groups/{dataset['name']}")
    assert {o["value"] for o in tab.select("#field-add_group option")} == {g["id"] for g in themes.values()}
    browser.submit(f"/dataset/groups/{dataset['name']}", {"group_added": themes["ekonomi"]["id"]},
                   form=lambda f: f.select("#field-add_group"))
    assert _tematik(dataset["id"]) == ["ekonomi"]


def test_the_tab_says_when_a_tematik_waits_for_the_walidata(portal, themes, make_dataset, browser):
    dataset = make_dataset("approved")
    browser = browser().login(portal.editor)
    browser.submit(f"/dataset/groups/{dataset['name']}", {"group_added": themes["kesehatan"]["id"]},
                   form=lambda f: f.select("#field-add_group"))
    notice = browser.page(f"/dataset/groups/{dataset['name']}").select_one(".satudata-tematik-pending")
    assert notice is not None and "Kesehatan" in notice.get_text()
    assert "menunggu verifikasi" in notice.get_text()
    assert _tematik(dataset["id"]) == []


def test_unknown_tematik_via_member_create_is_a_clear_error(api, portal, themes, make_dataset):
    dataset = make_dataset("draft")
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("member_create", ctx(portal.editor), id="kesehatan", object="tidak-ada",
                            object_type="package", capacity="public")
    assert _tematik(dataset["id"]) == []
