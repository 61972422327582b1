"""Stored XSS through uploads (hardening finding 1): whatever a Produsen uploads
or claims about it, the download never runs as a page of the portal; and every
answer carries the portal's security headers."""
from __future__ import annotations

import re

import pytest

from ckan.tests import helpers

from ckanext.satudata.tests.conftest import ctx, upload

SCRIPT = "<html><body><script>fetch('/api/3/action/satudata_dataset_approve')</script></body></html>"


def _download(app, api, user, dataset, resource):
    return app.get(f"/dataset/{dataset['id']}/resource/{resource['id']}/download", headers=api.headers(user))


def _assert_inert(response):
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"].startswith("sandbox")
    content_type = response.headers["Content-Type"].split(";")[0]
    assert content_type not in ("text/html", "application/xhtml+xml", "image/svg+xml", "application/xml",
                                "text/xml")


def test_a_client_set_html_mimetype_is_ignored_and_the_file_is_inert(portal, make_dataset, api, app):
    dataset = make_dataset("pending")
    resource = helpers.call_action("resource_create", ctx(portal.editor), package_id=dataset["id"],
                                   name="Laporan", format="CSV", mimetype="text/html",
                                   upload=upload(SCRIPT, "laporan.csv"))
    assert resource["mimetype"] == "text/csv"
    response = _download(app, api, portal.walidata, dataset, resource)
    _assert_inert(response)


@pytest.mark.parametrize("how", ["resource_patch", "package_update"])
def test_the_mimetype_cannot_be_changed_afterwards(portal, make_dataset, api, app, how):
    dataset = make_dataset("pending")
    resource = dataset["resources"][0]
    if how == "resource_patch":
        api.ok("resource_patch", portal.editor, id=resource["id"], mimetype="image/svg+xml")
    else:
        shown = helpers.call_action("package_show", {"ignore_auth": True}, id=dataset["id"])
        shown["resources"][0]["mimetype"] = "text/html"
        helpers.call_action("package_update", ctx(portal.editor), **shown)
    stored = helpers.call_action("resource_show", {"ignore_auth": True}, id=resource["id"])
    assert stored["mimetype"] == "text/csv"
    _assert_inert(_download(app, api, portal.walidata, dataset, stored))


@pytest.mark.parametrize("name, body", [
    ("data.xml", '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>'),
    ("gambar.png", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
])
def test_active_content_is_never_served_as_a_page(portal, make_dataset, api, app, name, body):
    dataset = make_dataset("pending")
    resource = helpers.call_action("resource_create", ctx(portal.editor), package_id=dataset["id"],
                                   name="Berkas", upload=upload(body, name))
    helpers.call_action("resource_patch", ctx(portal.editor), id=resource["id"], mimetype="image/svg+xml")
    _assert_inert(_download(app, api, portal.walidata, dataset, resource))


@pytest.mark.parametrize("url", ["/", "/dataset", "/api/3/action/status_show", "/user/login"])
def test_every_answer_carries_the_security_headers(app, url):
    response = app.get(url)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert policy["frame-ancestors"] == "'self'" and policy["object-src"] == "'none'"
    # Script only from the portal or with this answer's nonce: never inline code or eval.
    assert re.fullmatch(r"'self' 'nonce-[\w-]{20,}'", policy["script-src"])
    assert app.get(url).headers["Content-Security-Policy"] != response.headers["Content-Security-Policy"]


def test_inline_script_of_core_templates_carries_the_nonce_and_user_text_never_does(portal, make_dataset, app,
                                                                                      api):
    """The DataTables preview's inline script (core's) runs with the answer's
    nonce; a script tag a Produsen writes into a title stays text."""
    from ckanext.satudata import dataapi
    dataset = make_dataset("draft", title='Data <script>alert(1)</script> 2024')
    resource = helpers.call_action("resource_create", ctx(portal.editor), package_id=dataset["id"], name="Tabel",
                                   format="CSV", upload=upload("a,b\n1,2\n", "t.csv"))
    dataapi.load_job(resource["id"])
    view = [v for v in helpers.call_action("resource_view_list", {"ignore_auth": True}, id=resource["id"])
            if v["view_type"] == "datatables_view"][0]
    response = app.get(f"/dataset/{dataset['id']}/resource/{resource['id']}/view/{view['id']}",
                       headers=api.headers(portal.editor))
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([\w-]+)'", response.headers["Content-Security-Policy"]).group(1)
    html = response.get_data(as_text=True)
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert inline and all(f'nonce="{nonce}"' in tag for tag in inline), inline
    assert "<script>alert(1)</script>" not in html
    # The table speaks Indonesian with Indonesian numbers (core's file wrote "1'000").
    language_file = re.search(r'data-languagefile="([^"]+)"', html).group(1)
    assert language_file.endswith("/satudata/datatables/id.json")
    language = app.get(language_file).get_json(force=True)
    assert (language["thousands"], language["decimal"], language["searchBuilder"]["add"]) == (".", ",",
                                                                                               "Tambah Kondisi")


@pytest.mark.parametrize("url", [
    "/inventaris?q=title:(", "/inventaris.csv?q=title:(", "/catalog.ttl?q=title:(",
    "/catalog.ttl?page=99999999", "/feeds/custom.atom?q=title:(",
])
def test_a_search_solr_cannot_run_is_a_bad_request_that_tells_nothing_internal(portal, make_dataset, app, url):
    """Hardening finding 5: these were 500s that logged (and core's API echoed)
    the whole Solr query with the asker's permission labels."""
    make_dataset("approved")
    response = app.get("/id" + url)
    assert response.status_code in (400, 409), (url, response.status_code)
    text = response.get_data(as_text=True)
    assert "Pencarian tidak dapat dijalankan" in text
    assert "permission_labels" not in text and "SOLR" not in text


def test_the_api_refuses_a_bad_search_without_echoing_the_query(portal, api):
    status, body = api.call("package_search", portal.editor, locale="id", q="title:(")
    assert status == 409, body
    assert "Pencarian tidak dapat dijalankan" in str(body["error"])
    assert "permission_labels" not in str(body) and "member-" not in str(body)


def test_a_refusal_outside_the_api_is_403_not_500(portal, app):
    response = app.get("/api/2/util/user/autocomplete?q=wal")
    assert response.status_code == 403


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8983/solr/ckan", "http://localhost:6379/", "http://[::1]:5432/",
    "http://169.254.169.254/latest/meta-data/", "http://10.0.0.5/", "http://192.168.1.1/catalog.ttl",
    "file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "ftp://data.example.go.id/",
])
def test_a_harvest_source_cannot_point_into_the_portals_network(portal, api, url):
    """Hardening finding 4: a source at Solr's address was accepted and run, and
    the job report echoed Solr's answer."""
    status, body = api.call("harvest_source_create", portal.walidata, locale="id", url=url, source_type="ckan",
                            title="Sumber", name="sumber-dalam", owner_org=portal.orgs["diskominfo"]["id"])
    assert status == 409 and "url" in body["error"], body
    assert api.call("harvest_source_show", portal.walidata, id="sumber-dalam")[0] == 404


def test_a_saved_source_is_checked_again_when_a_job_starts(portal, api):
    source = api.ok("harvest_source_create", portal.walidata, url="https://data.example.go.id/",
                    source_type="ckan", title="Portal lain", name="portal-lain",
                    owner_org=portal.orgs["diskominfo"]["id"])
    # Its address is changed behind the form's back (as a name can be re-pointed).
    from ckan import model
    model.Package.get(source["id"]).url = "http://127.0.0.1:8983/solr/ckan"
    model.repo.commit()
    status, body = api.call("harvest_job_create", portal.walidata, source_id=source["id"])
    assert status == 409 and "url" in body["error"], body


@pytest.mark.ckan_config("ckanext.satudata.db.lock_timeout", "1s")
def test_a_locked_row_gets_a_busy_answer_not_a_hanging_portal(portal, make_dataset, api):
    """Hardening finding 6: a statement waiting for a lock held by the loader hung
    the request (145 s) and, behind it, the portal. Here another connection
    holds the dataset's row (as a long write would); an edit through the API
    waits one second, not for ever."""
    import time

    import psycopg2

    import ckan.plugins.toolkit as tk
    dataset = make_dataset("approved")
    import threading
    holder = psycopg2.connect(tk.config.get("sqlalchemy.url"))
    # Without the fix the edit would wait for ever: the lock goes after 15 s anyway.
    release = threading.Timer(15, holder.rollback)
    try:
        with holder.cursor() as cursor:
            # The holder itself never waits long (other connections may read the table).
            cursor.execute("SET lock_timeout = '5s'")
            cursor.execute("SELECT id FROM package WHERE id = %s FOR UPDATE", (dataset["id"],))
        release.start()
        started = time.monotonic()
        status, body = api.call("package_patch", portal.walidata, locale="id", id=dataset["id"], title="Baru")
        waited = time.monotonic() - started
    finally:
        release.cancel()
        holder.rollback()
        holder.close()
    assert status == 503, (status, body)
    assert "sibuk" in str(body["error"])
    assert waited < 10
    # Once the lock is gone the portal answers again.
    assert api.ok("package_patch", portal.walidata, id=dataset["id"], title="Baru")["title"] == "Baru"


@pytest.mark.parametrize("locale,title,text", [
    ("id", "Halaman tidak ditemukan", "Alamat mungkin salah ketik"),
    ("en", "Page not found", "The address may be mistyped"),
])
def test_the_not_found_page_is_the_portals_own_in_its_language(app, locale, title, text):
    response = app.get(f"/{locale}/halaman-yang-tidak-ada")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert title in page and text in page
    assert "The requested URL was not found on the server" not in page


@pytest.mark.parametrize("who,allowed", [("outsider", False), ("editor", False), ("member", False),
                                         ("admin", True), ("walidata", True)])
def test_account_names_are_looked_up_only_by_who_adds_members(portal, api, who, allowed):
    user = portal.outsider if who == "outsider" else getattr(portal, who)
    status, body = api.call("user_autocomplete", user, q="wal")
    assert (status == 200) is allowed, (who, status, body)
    if not allowed:
        assert "walidata" not in str(body)
