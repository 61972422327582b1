"""Bad requests are the asker's, not the server's (hardening finding 5): input
the database or the search index cannot hold, links a visitor must not be sent
to and malformed parameters are refused with 4xx and a message that says what
to change; nothing is half-written. A fuzz test sends random values to the
Action API and finds no 500."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ckan.tests import helpers


def _shown(dataset_id):
    return helpers.call_action("package_show", {"ignore_auth": True}, id=dataset_id)


@pytest.mark.parametrize("change, field, message", [
    ({"title": "A" * 40000}, "title", "paling banyak 300"),
    ({"rujukan": [f"https://example.com/{i}" for i in range(5000)]}, "rujukan", "paling banyak 30"),
    ({"rujukan": ["https://example.com/" + "a" * 3000]}, "rujukan", "https://example.com/aaa"),
    ({"prioritas": "maybe"}, "prioritas", "ya atau tidak"),
])
def test_a_field_too_big_for_the_index_or_not_understood_is_a_validation_error(portal, make_dataset, api, change,
                                                                              field, message):
    dataset = make_dataset("draft", title="Data Asli 2024")
    status, body = api.call("package_patch", portal.editor, id=dataset["id"], **change)
    assert status == 409, body
    assert message in " ".join(body["error"][field]), body
    assert _shown(dataset["id"])["title"] == "Data Asli 2024"


@pytest.mark.parametrize("change", [
    {"notes": "baris\x00satu"}, {"title": "Data \ud800 2024"}, {"tag_string": "a\x00b"}, {"name": "x\udfff"},
])
def test_characters_that_cannot_be_stored_are_refused_before_anything_is_written(portal, make_dataset, api,
                                                                                 change):
    dataset = make_dataset("draft", title="Data Asli 2024")
    status, body = api.call("package_patch", portal.editor, id=dataset["id"], **change)
    assert status == 400 and "tidak dapat disimpan" in body["error"]["message"], body
    assert _shown(dataset["id"])["title"] == "Data Asli 2024"


@pytest.mark.parametrize("url, message", [
    ("javascript:alert(document.cookie)", "http://"),
    ("data:text/html,<script>alert(1)</script>", "http://"),
    ("file:///etc/passwd", "http://"),
    ("https://example.com/" + "a" * 100000, "paling banyak 2000"),
])
def test_a_link_must_be_a_web_address_a_visitor_can_be_sent_to(portal, make_dataset, api, url, message):
    dataset = make_dataset("draft")
    status, body = api.call("resource_create", portal.editor, package_id=dataset["id"], url=url, name="Tautan")
    assert status == 409 and message in " ".join(body["error"]["url"]), body
    assert not _shown(dataset["id"])["resources"][1:]


def test_a_web_link_is_still_accepted_and_downloads_redirect_to_it(portal, make_dataset, api, app):
    dataset = make_dataset("draft")
    resource = api.ok("resource_create", portal.editor, package_id=dataset["id"], url="ftp://example.com/data.csv",
                      name="Tautan")
    response = app.get(f"/dataset/{dataset['id']}/resource/{resource['id']}/download",
                       headers=api.headers(portal.editor), follow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"] == "ftp://example.com/data.csv"


@pytest.mark.parametrize("url", [
    "/dataset/%00", "/dataset?q=%00", "/api/3/action/package_show?id=%00",
    "/api/3/action/datastore_search?resource_id=%00", "/user/login?came_from=%5C%5Cevil.example",
    "/user/_logout?came_from=%5C%5Cevil.example", "/user/login?next=https://evil.example/",
])
def test_bad_parameters_are_400_with_a_message(app, url):
    response = app.get(url, follow_redirects=False)
    assert response.status_code == 400, (url, response.status_code)
    text = response.get_data(as_text=True)
    assert "tidak dapat disimpan" in text or "bukan halaman portal ini" in text, text[:500]


def test_a_sign_in_still_returns_to_the_page_it_came_from(portal, browser):
    from ckanext.satudata.tests.conftest import PASSWORD
    person = browser()
    response = person.submit("/user/login?came_from=/dataset/", {"login": portal.editor["name"],
                                                                  "password": PASSWORD},
                             form=lambda f: f.find("input", attrs={"name": "password"}))
    assert response.status_code == 302


def test_a_forged_remember_me_value_is_a_bad_request(portal, browser):
    from ckanext.satudata.tests.conftest import PASSWORD
    response = browser().submit("/user/login", {"login": portal.editor["name"], "password": PASSWORD,
                                                "remember": "selamanya"},
                                form=lambda f: f.find("input", attrs={"name": "password"}))
    assert response.status_code == 400


def test_user_lookup_is_refused_to_visitors(app):
    assert app.get("/api/2/util/user/autocomplete?q=wal").status_code == 403


# --------------------------------------------------------------------------- fuzz

ACTIONS = ["package_create", "package_patch", "package_update", "resource_create", "resource_patch",
           "package_search", "package_show", "resource_show", "organization_show", "group_show", "tag_list",
           "user_show", "satudata_dataset_submit", "satudata_dataset_approve", "satudata_dataset_reject",
           "satudata_revision_show", "satudata_review_list", "satudata_wilayah_list", "datastore_search",
           "datastore_create", "satudata_table_status", "package_autocomplete", "dcat_catalog_search"]
FIELDS = ["id", "name", "title", "notes", "owner_org", "q", "fq", "rows", "start", "sort", "url", "resource_id",
          "package_id", "tag_string", "rujukan", "prioritas", "private", "resources", "fields", "records",
          "filters", "limit", "offset", "frekuensi", "tahun_data", "cakupan", "note", "include_private", "facet.field"]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40) | st.sampled_from(
    ["", "title:(", "*:*", "{!join from=id to=id}*:*", "-1", "99999999999999999999", "null", "[]", "\x00",
     "\ud800", "javascript:alert(1)", "64.08.01", "125.430", "' OR 1=1 --", "../../etc/passwd"])
VALUES = st.recursive(st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70) | st.floats() | TEXT,
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), inner,
                                                                                   max_size=3), max_leaves=6)


@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(action=st.sampled_from(ACTIONS), who=st.sampled_from(["editor", "walidata", None]),
       data=st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=5))
def test_random_values_to_the_action_api_never_make_a_500(portal, api, app, action, who, data):
    import json
    user = getattr(portal, who) if who else None
    body = json.dumps(data, allow_nan=True)
    response = app.post(f"/api/3/action/{action}", data=body, content_type="application/json",
                        headers=api.headers(user))
    assert response.status_code < 500, (action, who, data, response.get_data(as_text=True)[:500])


def test_a_list_where_one_identifier_belongs_is_a_validation_error(portal, api):
    status, body = api.call("package_show", portal.walidata, id=["a", "b"])
    assert status == 409 and "bukan daftar" in body["error"]["id"][0], body


def test_a_refused_link_on_published_data_names_the_link_field(portal, make_dataset, api):
    """On published data the change becomes a revision; its refusal still says
    what is wrong with the link, as for a draft."""
    dataset = make_dataset("approved")
    status, body = api.call("resource_create", portal.editor, package_id=dataset["id"], url="javascript:alert(1)",
                            name="Tautan")
    assert status == 409 and "http://" in " ".join(body["error"]["url"]), body
