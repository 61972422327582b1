"""CORS for public read-only use: any site's web page may read the open data
from the browser; no visitor's session travels with such a call."""
from __future__ import annotations

import pytest
import requests

from ckanext.satudata.tests.e2e.interop import servers

OTHER_SITE = "https://satudata.kaltimprov.go.id"


def test_any_site_may_read_the_api_and_the_catalogue_from_the_browser(app, make_dataset):
    make_dataset("approved", title="Data Terbuka")
    for url in ("/api/3/action/package_search?q=Terbuka", "/catalog.ttl", "/api-docs"):
        response = app.get(url, headers={"Origin": OTHER_SITE})
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in response.headers
    assert "Access-Control-Allow-Origin" not in app.get("/catalog.ttl").headers, "only when a site asks"


def test_a_cross_site_call_never_carries_a_signed_in_visitors_session(browser, portal, make_dataset):
    make_dataset("pending", title="Data Menunggu")
    visitor = browser().login(portal.walidata)
    # Same-site: the signed-in Walidata sees the pending dataset.
    own = visitor.get("/api/3/action/package_search?q=Menunggu&include_private=true&include_drafts=true")
    assert own.json["result"]["count"] == 1
    # Cross-site: the answer may be read by the other page, but CKAN never allows
    # credentials, so the browser neither sends the cookie nor exposes such an answer.
    cross = visitor.get("/api/3/action/package_search?q=Menunggu", headers={"Origin": OTHER_SITE})
    assert cross.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in cross.headers


def test_preflight_allows_reading_with_a_token_header(app):
    response = app.options("/api/3/action/package_search", headers={
        "Origin": OTHER_SITE, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Authorization, Content-Type"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]


@pytest.mark.ckan_config("ckan.cors.origin_allow_all", "false")
@pytest.mark.ckan_config("ckan.cors.origin_whitelist", "https://data.go.id")
def test_a_whitelist_lets_only_the_listed_sites_read(app):
    allowed = app.get("/api/3/action/status_show", headers={"Origin": "https://data.go.id"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://data.go.id"
    other = app.get("/api/3/action/status_show", headers={"Origin": OTHER_SITE})
    assert "Access-Control-Allow-Origin" not in other.headers
    page = app.get("/api-docs").get_data(as_text=True)
    assert "https://data.go.id" in page


def test_the_live_portal_answers_cross_site_reads(live_portal):
    response = requests.get(f"{servers.PORTAL_URL}/api/3/action/status_show",
                            headers={"Origin": OTHER_SITE}, timeout=10)
    assert response.ok and response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
