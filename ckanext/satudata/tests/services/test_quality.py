"""Data quality: five stars of open data, freshness (kemutakhiran) and metadata
completeness, per dataset (page, API, search facet) and per Instansi (Walidata)."""
from __future__ import annotations

import json

import pytest
from freezegun import freeze_time

from ckan.tests import factories as core_factories
from ckan.tests import helpers

from ckanext.satudata.tests.conftest import ctx, upload
from ckanext.satudata.tests.services.conftest import delivered


def _quality(dataset, user=None):
    context = ctx(user) if user else {"ignore_auth": True}
    return helpers.call_action("satudata_dataset_quality", context, id=dataset["id"])


def _overdue_in_report(portal):
    """(name, days overdue) of the Walidata's report, and the same count in the
    figures-only report of the SPBE evidence."""
    from ckanext.satudata.services import quality
    report = helpers.call_action("satudata_quality_report", ctx(portal.walidata))
    figures = quality.report(portal.walidata["name"], details=False)
    assert (figures["datasets"], figures["overdue"]) == (report["datasets"], report["overdue"])
    return [(d["name"], d["days_overdue"]) for r in report["instansi"] for d in r["overdue_datasets"]]


def _add_resource(user, dataset, **fields):
    helpers.call_action("resource_create", ctx(user), package_id=dataset["id"], **fields)


# --------------------------------------------------------------------------- five stars

@pytest.mark.parametrize("fmt, url, stars", [
    ("PDF", "https://data.kutaitimurkab.go.id/laporan.pdf", 1),
    ("XLSX", "https://data.kutaitimurkab.go.id/data.xlsx", 2),
    ("JSON", "https://data.kutaitimurkab.go.id/data.json", 3),
    ("", "https://data.kutaitimurkab.go.id/data.ttl", 4),
])
def test_stars_follow_the_format_of_a_file(portal, fmt, url, stars):
    from ckanext.satudata.tests.factories import complete_dataset
    dataset = helpers.call_action("package_create", ctx(portal.editor),
                                  **complete_dataset(portal.orgs["dinkes"]["id"], license_id="cc-by"))
    _add_resource(portal.editor, dataset, name="Berkas", url=url, format=fmt)
    shown = helpers.call_action("package_show", ctx(portal.editor), id=dataset["id"])
    assert shown["satudata_stars"] == stars
    assert shown["resources"][0]["satudata_stars"] == stars
    assert shown["satudata_stars_reason"]


def test_a_dataset_has_the_stars_of_its_best_file_and_the_reason(portal, make_dataset, api):
    dataset = make_dataset("approved", name="berbintang")
    _add_resource(portal.sysadmin, dataset, name="Laporan", url="https://x.go.id/laporan.pdf", format="PDF")
    shown = api.ok("package_show", id=dataset["id"])
    assert shown["satudata_stars"] == 3
    assert shown["satudata_stars_reason"] == "Lisensi terbuka dan format terbuka yang tidak bersifat proprietary (CSV)"
    assert sorted(r["satudata_stars"] for r in shown["resources"]) == [1, 3]
    english = api.call("package_show", locale="en", id=dataset["id"])[1]["result"]
    assert english["satudata_stars_reason"] == "Open licence and an open, non-proprietary format (CSV)"


def test_rdf_linked_to_other_data_has_five_stars_and_a_closed_licence_none(portal, make_dataset, api):
    linked = make_dataset("approved", name="tertaut", rujukan=["https://sdi.go.id/dataset/penduduk"])
    _add_resource(portal.sysadmin, linked, name="RDF", url="https://x.go.id/penduduk.ttl", format="TTL")
    assert _quality(linked)["stars"] == 5
    closed = make_dataset("approved", name="tertutup", license_id="other-closed")
    result = api.ok("satudata_dataset_quality", id=closed["id"])
    assert result["stars"] == 0
    assert "tidak terbuka" in result["stars_reason"]


def test_patching_a_dataset_does_not_store_the_computed_stars(portal, make_dataset):
    dataset = make_dataset("draft", name="ditambal")
    helpers.call_action("package_patch", ctx(portal.editor), id=dataset["id"], notes="Diperbarui")
    from ckan import model
    resource = model.Resource.get(dataset["resources"][0]["id"])
    assert "satudata_stars" not in (resource.extras or {})


def test_stars_are_a_search_facet_without_unapproved_data(portal, make_dataset, api):
    make_dataset("approved", name="terbuka-csv")
    xlsx = make_dataset("approved", name="terbuka-xlsx", csv="a,b\n1,2\n")
    helpers.call_action("resource_delete", ctx(portal.sysadmin), id=xlsx["resources"][0]["id"])
    _add_resource(portal.sysadmin, xlsx, name="Excel", url="https://x.go.id/data.xlsx", format="XLSX")
    make_dataset("pending", name="belum-disetujui")
    make_dataset("approved", name="privat", private=True)

    public = api.ok("package_search", **{"facet.field": ["satudata_stars"]})
    counts = {i["name"]: i["count"] for i in public["search_facets"]["satudata_stars"]["items"]}
    assert counts == {"3": 1, "2": 1}
    labels = {i["name"]: i["display_name"] for i in public["search_facets"]["satudata_stars"]["items"]}
    assert labels["3"] == "3 bintang"
    assert [d["name"] for d in api.ok("package_search", fq="satudata_stars:2")["results"]] == ["terbuka-xlsx"]

    walidata = api.ok("package_search", portal.walidata, include_private=True, **{"facet.field": ["satudata_stars"]})
    assert {i["name"]: i["count"] for i in walidata["search_facets"]["satudata_stars"]["items"]} == {"3": 3, "2": 1}


def test_the_search_page_offers_the_stars_facet(portal, make_dataset, browser):
    make_dataset("approved", name="terbuka")
    page = browser().page("/dataset/")
    assert "Bintang data terbuka" in page.get_text()
    assert page.find("a", href=lambda h: h and "satudata_stars=3" in h)


# --------------------------------------------------------------------------- freshness

def test_yearly_data_is_overdue_the_day_after_a_year_and_a_day(portal, make_dataset):
    with freeze_time("2024-01-15 10:00:00"):
        dataset = make_dataset("approved", name="tahunan", frekuensi="tahunan")
    with freeze_time("2025-01-15 23:00:00"):
        fresh = _quality(dataset)["freshness"]
        assert fresh == {"status": "mutakhir", "frekuensi": "tahunan", "last_update": "2024-01-15",
                         "due": "2025-01-15", "days_overdue": 0, "days_left": 0}
        assert _overdue_in_report(portal) == []
    with freeze_time("2025-01-16 00:30:00"):
        fresh = _quality(dataset)["freshness"]
        assert (fresh["status"], fresh["days_overdue"], fresh["days_left"]) == ("terlambat", 1, None)
        # The report finds it from the index (the day of its last update), on the same day.
        assert _overdue_in_report(portal) == [("tahunan", 1)]


def test_a_new_file_makes_overdue_data_up_to_date_again(portal, make_dataset):
    with freeze_time("2025-01-31 10:00:00"):
        dataset = make_dataset("approved", name="bulanan", frekuensi="bulanan")
    with freeze_time("2025-03-04 10:00:00"):
        assert _quality(dataset)["freshness"]["days_overdue"] == 1
        helpers.call_action("resource_create", ctx(portal.sysadmin), package_id=dataset["id"], name="Maret",
                            format="CSV", upload=upload("a,b\n1,2\n", "maret.csv"))
        fresh = _quality(dataset)["freshness"]
        assert (fresh["status"], fresh["last_update"], fresh["due"]) == ("mutakhir", "2025-03-04", "2025-04-04")


@pytest.mark.parametrize("frekuensi", ["real-time", "tidak-tentu"])
def test_real_time_and_irregular_data_are_never_overdue(portal, make_dataset, frekuensi):
    with freeze_time("2019-06-01 10:00:00"):
        dataset = make_dataset("approved", name="tanpa-jadwal", frekuensi=frekuensi, tahun=2018)
    with freeze_time("2026-01-01 10:00:00"):
        fresh = _quality(dataset)["freshness"]
    assert fresh["status"] == "mutakhir" and fresh["due"] is None and fresh["days_overdue"] == 0


@pytest.mark.ckan_config("ckanext.satudata.freshness.grace_days", "7")
def test_grace_days_delay_the_overdue_mark(portal, make_dataset):
    with freeze_time("2025-01-01 10:00:00"):
        dataset = make_dataset("approved", name="harian", frekuensi="harian")
    with freeze_time("2025-01-09 10:00:00"):
        assert _quality(dataset)["freshness"]["status"] == "mutakhir"
        assert _overdue_in_report(portal) == []
    with freeze_time("2025-01-10 10:00:00"):
        assert _quality(dataset)["freshness"]["days_overdue"] == 1
        assert _overdue_in_report(portal) == [("harian", 1)]


def test_dataset_page_shows_stars_freshness_and_completeness(portal, make_dataset, browser):
    with freeze_time("2024-03-01 10:00:00"):
        dataset = make_dataset("approved", name="halaman-mutu", frekuensi="tahunan")
    with freeze_time("2025-03-12 10:00:00"):
        page = browser().page(f"/dataset/{dataset['name']}")
        english = browser().page(f"/en/dataset/{dataset['name']}")
    panel = page.find(class_="satudata-quality")
    assert panel.find(class_="satudata-stars")["aria-label"] == "3 dari 5 bintang"
    assert "format terbuka" in panel.find(id="satudata-stars").get_text()
    freshness = panel.find(id="satudata-freshness").get_text(" ", strip=True)
    assert "Terlambat" in freshness and "terlambat 10 hari" in freshness
    completeness = panel.find(id="satudata-completeness").get_text(" ", strip=True)
    assert "73%" in completeness and "Rujukan" in completeness and "Tematik" in completeness
    assert "Overdue" in english.find(id="satudata-freshness").get_text()


def test_quality_of_a_dataset_follows_who_may_see_it(portal, make_dataset, api):
    dataset = make_dataset("pending", name="tersembunyi")
    assert api.call("satudata_dataset_quality", id=dataset["id"])[0] == 403
    assert api.call("satudata_dataset_quality", portal.outsider, id=dataset["id"])[0] == 403
    assert api.ok("satudata_dataset_quality", portal.editor, id=dataset["id"])["stars"] == 3
    assert api.call("satudata_dataset_quality", id="tidak-ada")[0] == 404


# --------------------------------------------------------------------------- completeness

def test_completeness_counts_the_recommended_fields_and_names_what_is_missing(portal, make_dataset):
    dataset = make_dataset("draft", name="kelengkapan")
    result = _quality(dataset)["completeness"]
    assert result == {"score": 73, "filled": 11, "total": 15,
                      "missing": ["tags", "groups", "rujukan", "resource_description"]}
    core_factories.Group(name="kesehatan")
    helpers.call_action("package_patch", ctx(portal.sysadmin), id=dataset["id"], tag_string="posyandu,balita",
                        groups=[{"name": "kesehatan"}], rujukan=["https://sdi.go.id"])
    helpers.call_action("resource_patch", ctx(portal.sysadmin), id=dataset["resources"][0]["id"],
                        description="Jumlah per kecamatan")
    assert _quality(dataset)["completeness"] == {"score": 100, "filled": 15, "total": 15, "missing": []}


# --------------------------------------------------------------------------- Walidata report

@pytest.fixture
def quality_data(portal, make_dataset):
    core_factories.Group(name="kesehatan")
    with freeze_time("2024-01-10 10:00:00"):
        lengkap = make_dataset("approved", name="lengkap", title="Data Lengkap", frekuensi="tahunan",
                               tag_string="gizi", rujukan=["https://sdi.go.id"],
                               maintainer_email="gizi@dinkes.kutaitimurkab.go.id", maintainer="Seksi Gizi")
        helpers.call_action("package_patch", ctx(portal.sysadmin), id=lengkap["id"], groups=[{"name": "kesehatan"}])
        helpers.call_action("resource_patch", ctx(portal.sysadmin), id=lengkap["resources"][0]["id"], description="x")
        kurang = make_dataset("pending", name="kurang", title="Data Kurang", frekuensi="bulanan",
                              maintainer_email="gizi@dinkes.kutaitimurkab.go.id", maintainer="Seksi Gizi")
        padi = make_dataset("approved", name="padi", title="Produksi Padi", frekuensi="triwulanan",
                            owner_org=portal.orgs["distan"]["id"], creator=portal.other_editor,
                            maintainer_email="tanaman@distan.kutaitimurkab.go.id", maintainer="Bidang Tanaman")
        segar = make_dataset("approved", name="segar", title="Data Real-time", frekuensi="real-time",
                             maintainer_email="segar@dinkes.kutaitimurkab.go.id", maintainer="Seksi Segar")
    return {"lengkap": lengkap, "kurang": kurang, "padi": padi, "segar": segar}


def test_walidata_report_lists_overdue_datasets_and_ranks_instansi(portal, quality_data, api):
    with freeze_time("2024-06-01 10:00:00"):
        report = helpers.call_action("satudata_quality_report", ctx(portal.walidata))
    assert (report["datasets"], report["overdue"]) == (4, 2)
    assert [(r["rank"], r["instansi"]) for r in report["instansi"]] == [(1, "dinkes"), (2, "distan")]
    dinkes = report["instansi"][0]
    assert dinkes["completeness"] == 82.0  # (100 + 73 + 73) / 3
    assert [d["name"] for d in dinkes["overdue_datasets"]] == ["kurang"]
    assert dinkes["overdue_datasets"][0]["days_overdue"] == 112  # due 2024-02-10
    assert [d["name"] for d in report["instansi"][1]["overdue_datasets"]] == ["padi"]

    for user in (None, portal.editor, portal.pembina, portal.outsider):
        status, body = api.call("satudata_quality_report", user)
        assert status == 403, user


def test_the_report_reads_the_overdue_datasets_only_whatever_the_catalogue_size(portal, quality_data,
                                                                              make_dataset, monkeypatch):
    import pysolr
    rows = []
    send = pysolr.Solr._send_request

    def counted(solr, method, path="", body=None, headers=None, files=None):
        answer = send(solr, method, path, body, headers, files)
        if "response" in json.loads(answer):  # a search, not the index's version
            rows.append(len(json.loads(answer)["response"]["docs"]))
        return answer
    monkeypatch.setattr(pysolr.Solr, "_send_request", counted)

    def report():
        rows.clear()
        with freeze_time("2024-06-01 10:00:00"):
            found = helpers.call_action("satudata_quality_report", ctx(portal.walidata))
        return found, len(rows), sum(rows)
    before, requests, datasets_read = report()
    monkeypatch.setattr(pysolr.Solr, "_send_request", send)
    with freeze_time("2024-05-30 10:00:00"):
        for n in range(5):
            make_dataset("approved", name=f"baru-{n}", frekuensi="bulanan", tag_string="gizi")
    monkeypatch.setattr(pysolr.Solr, "_send_request", counted)
    after, requests_after, datasets_read_after = report()
    assert (before["datasets"], after["datasets"]) == (4, 9)
    assert (before["overdue"], after["overdue"]) == (2, 2)
    assert datasets_read == datasets_read_after == 2  # only "kurang" and "padi" were read
    assert requests_after == requests


def _kept_reports() -> int:
    from ckan.lib.redis import connect_to_redis
    return len(list(connect_to_redis().scan_iter("*:satudata:cache:quality-report:*")))


def test_the_kept_report_follows_every_change_at_once(portal, quality_data):
    """The report is kept between views (10,000 datasets: 6,000 overdue ones
    read per view otherwise), never past a new file, an edit, a renamed
    Instansi or a new day."""
    def overdue():
        report = helpers.call_action("satudata_quality_report", ctx(portal.walidata))
        return {(r["title"], d["name"], d["maintainer"], d["days_overdue"])
                for r in report["instansi"] for d in r["overdue_datasets"]}
    with freeze_time("2024-06-01 10:00:00"):
        before = _kept_reports()
        assert overdue() == {("Dinkes", "kurang", "Seksi Gizi", 112), ("Distan", "padi", "Bidang Tanaman", 51)}
        assert _kept_reports() == before + 1
        assert overdue() == {("Dinkes", "kurang", "Seksi Gizi", 112), ("Distan", "padi", "Bidang Tanaman", 51)}
        assert _kept_reports() == before + 1  # served as kept
        helpers.call_action("resource_create", ctx(portal.sysadmin), package_id=quality_data["padi"]["id"],
                            name="Juni", format="CSV", upload=upload("a,b\n1,2\n", "juni.csv"))
        assert overdue() == {("Dinkes", "kurang", "Seksi Gizi", 112)}
        helpers.call_action("package_patch", ctx(portal.sysadmin), id=quality_data["kurang"]["id"],
                            maintainer="Seksi Gizi Masyarakat")
        assert overdue() == {("Dinkes", "kurang", "Seksi Gizi Masyarakat", 112)}
        helpers.call_action("organization_patch", ctx(portal.sysadmin), id="dinkes", title="Dinas Kesehatan")
        assert overdue() == {("Dinas Kesehatan", "kurang", "Seksi Gizi Masyarakat", 112)}
    with freeze_time("2024-06-02 10:00:00"):
        assert overdue() == {("Dinas Kesehatan", "kurang", "Seksi Gizi Masyarakat", 113)}


def test_the_spbe_evidence_gives_the_report_s_figures(portal, quality_data):
    with freeze_time("2024-06-01 10:00:00"):
        report = helpers.call_action("satudata_quality_report", ctx(portal.walidata))
        figures = helpers.call_action("satudata_spbe_evidence", ctx(portal.walidata))["figures"]
    assert report["up_to_date_share"] == figures["up_to_date_share"] == 50.0
    assert report["completeness"] == figures["completeness"]


def test_quality_page_is_for_the_walidata_only(portal, quality_data, browser):
    assert browser().get("/kualitas-data").status_code == 302
    assert browser().login(portal.editor).get("/kualitas-data").status_code == 403
    with freeze_time("2024-06-01 10:00:00"):
        page = browser().login(portal.walidata).page("/kualitas-data")
    ranking = [tr["data-instansi"] for tr in page.find(id="ranking").find_all("tr", attrs={"data-instansi": True})]
    assert ranking == ["dinkes", "distan"]
    assert page.find(id="terlambat-dinkes").find("tr", attrs={"data-dataset": "kurang"})
    assert page.find(id="total-overdue").get_text(strip=True) == "2"


@pytest.mark.usefixtures("with_test_worker", "clean_queues")
def test_freshness_notify_emails_each_pengelola_their_overdue_datasets(cli, portal, quality_data, smtp):
    from ckan.cli.cli import ckan
    delivered(smtp)  # the workflow's e-mails of the datasets made above
    with freeze_time("2024-06-01 10:00:00"):
        result = cli.invoke(ckan, ["satudata", "freshness"])
        assert result.exit_code == 0, result.output
        assert "2 of 4 datasets overdue" in result.output
        assert delivered(smtp) == {}
        result = cli.invoke(ckan, ["satudata", "freshness", "--notify"])
        assert "Queued 2 e-mails" in result.output
        mails = delivered(smtp)
    assert set(mails) == {"gizi@dinkes.kutaitimurkab.go.id", "tanaman@distan.kutaitimurkab.go.id"}
    gizi = mails["gizi@dinkes.kutaitimurkab.go.id"]
    assert "perlu diperbarui" in gizi["subject"]
    assert "Data Kurang" in gizi["body"] and "Data Lengkap" not in gizi["body"]
    assert "/dataset/kurang" in gizi["body"]
    assert "Produksi Padi" in mails["tanaman@distan.kutaitimurkab.go.id"]["body"]


def test_a_long_overdue_list_shows_the_most_overdue_and_leads_to_the_whole(portal, quality_data, make_dataset,
                                                                           browser, monkeypatch):
    from ckanext.satudata.views import services
    monkeypatch.setattr(services, "OVERDUE_ROWS_PER_INSTANSI", 1)
    with freeze_time("2024-03-01 10:00:00"):
        make_dataset("approved", name="baru", title="Data Baru", frekuensi="bulanan")
    walidata = browser().login(portal.walidata)
    with freeze_time("2024-06-01 10:00:00"):
        page = walidata.page("/kualitas-data")
        dinkes = page.find(id="terlambat-dinkes")
        assert [tr["data-dataset"] for tr in dinkes.find_all("tr", attrs={"data-dataset": True})] == ["kurang"]
        more = dinkes.select_one(".satudata-more-rows")
        assert "Ditampilkan 1 yang paling terlambat dari 2" in more.get_text(" ", strip=True)
        assert page.find(id="total-overdue").get_text(strip=True) == "3"  # the figures count every one
        only = walidata.page(more.find("a")["href"])
        block = only.find(id="terlambat-dinkes")
        assert [tr["data-dataset"] for tr in block.find_all("tr", attrs={"data-dataset": True})] == ["kurang", "baru"]
        assert only.find(id="terlambat-distan") is None
        assert walidata.get("/kualitas-data?owner_org=tidak-ada").status_code == 400
