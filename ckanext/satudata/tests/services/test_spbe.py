"""The SPBE evidence page (/spbe, satudata_spbe_evidence): Walidata only, every
maturity level with live figures; and the plugin's own tables."""
from __future__ import annotations

import datetime

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.tests import helpers

from ckanext.satudata.services import usage
from ckanext.satudata.tests.conftest import ctx
from ckanext.satudata.tests.services.test_requests import GOOD


def _backdate_submission(dataset, hours):
    pkg = model.Package.get(dataset["id"])
    extras = dict(pkg.extras)
    approved = datetime.datetime.fromisoformat(extras["approval_at"])
    extras["approval_submitted_at"] = (approved - datetime.timedelta(hours=hours)).isoformat()
    pkg.extras = extras
    model.Session.commit()
    from ckan.lib import search
    search.rebuild(pkg.id)


@pytest.fixture
def portal_in_use(portal, make_dataset, visitors):
    a = make_dataset("approved", name="data-a", title="Data A")
    b = make_dataset("approved", name="data-b", title="Data B", owner_org=portal.orgs["distan"]["id"],
                     creator=portal.other_editor)
    c = make_dataset("approved", name="data-c", title="Data C")
    make_dataset("pending", name="data-d", title="Data D")
    e = make_dataset("approved", name="data-e", title="Data E", private=True)
    _backdate_submission(a, 24)
    _backdate_submission(b, 72)
    _backdate_submission(c, 48)
    _backdate_submission(e, 48)
    for visitor in (1, 2, 3):
        visitors.download(a, visitor)
    visitors.view("data-a", 1)
    usage.summarise()
    first = helpers.call_action("satudata_request_create", {"user": ""}, **GOOD)
    helpers.call_action("satudata_request_create", {"user": ""}, **GOOD)
    helpers.call_action("satudata_request_update", ctx(portal.walidata), id=first["id"], status="ditolak",
                        note="Bukan data pemerintah daerah")
    return portal


def test_evidence_has_every_level_with_live_figures(portal_in_use, api):
    evidence = api.ok("satudata_spbe_evidence", portal_in_use.walidata)
    assert [level["level"] for level in evidence["levels"]] == [1, 2, 3, 4, 5]
    figures = evidence["figures"]
    assert figures["datasets_public"] == 3
    assert figures["datasets_total"] == 5
    assert figures["instansi_publishing"] == 2 and figures["instansi_total"] == 4
    assert (figures["views"], figures["downloads"]) == (1, 3)
    assert (figures["approved"], figures["awaiting"]) == (4, 1)
    assert figures["median_approval_days"] == 2.0
    assert (figures["requests"], figures["requests_answered"]) == (2, 1)
    assert figures["median_answer_days"] == 0.0
    assert figures["stars_3_plus"] == 3
    assert figures["wilayah_codes"] > 10
    for level in evidence["levels"]:
        assert level["features"] and all(f["feature"] for f in level["features"])
    urls = [f["url"] for level in evidence["levels"] for f in level["features"]]
    assert "http://test.ckan.net/statistik" in urls and "http://test.ckan.net/inventaris" in urls
    assert "http://test.ckan.net/catalog.ttl" in urls
    # The all-time usage is the public's: a dataset made private leaves it at once.
    helpers.call_action("package_patch", ctx(portal_in_use.walidata), id="data-a", private=True)
    figures = api.ok("satudata_spbe_evidence", portal_in_use.walidata)["figures"]
    assert (figures["views"], figures["downloads"], figures["datasets_public"]) == (0, 0, 2)


def test_evidence_is_for_the_walidata_only(portal, api, browser):
    for user in (None, portal.editor, portal.admin, portal.pembina, portal.outsider):
        assert api.call("satudata_spbe_evidence", user)[0] == 403, user
    assert api.call("satudata_spbe_evidence", portal.sysadmin)[0] == 200
    assert browser().get("/spbe").status_code == 302
    assert browser().login(portal.editor).get("/spbe").status_code == 403
    assert not browser().login(portal.editor).page("/dataset/").find("a", href="/spbe")


def test_evidence_page_is_printable_with_the_figures(portal_in_use, browser):
    walidata = browser().login(portal_in_use.walidata)
    page = walidata.page("/spbe")
    assert page.find("h1").get_text(strip=True).startswith("Bukti evaluasi SPBE")
    assert [s["id"] for s in page.select(".satudata-spbe-level")] == [f"level-{n}" for n in range(1, 6)]
    downloads = page.find(attrs={"data-figure": "downloads"}).get_text(" ", strip=True)
    assert downloads.endswith("3")
    assert "Tingkat 5: Optimalisasi" in page.get_text()
    assert page.find("a", href="/spbe")  # in the Walidata's navigation
    english = walidata.page("/en/spbe")
    assert "Level 1: Dissemination" in english.get_text()


def test_the_plugin_tables_come_from_its_own_migration(migrate_db_for, portal):
    inspector = sa.inspect(model.Session.get_bind())
    tables = set(inspector.get_table_names())
    assert {"satudata_data_request", "satudata_data_request_event", "satudata_usage",
            "satudata_alembic_version"} <= tables
    migrate_db_for("satudata", "base", forward=False)
    assert "satudata_data_request" not in set(sa.inspect(model.Session.get_bind()).get_table_names())
    migrate_db_for("satudata")
    assert "satudata_usage" in set(sa.inspect(model.Session.get_bind()).get_table_names())
