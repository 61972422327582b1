"""Usage statistics (/statistik, satudata_statistics): figures checked against
visits recorded in the test through /_tracking (as the portal's script posts them) and real downloads."""
from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from freezegun import freeze_time

from ckan import model
from ckan.tests import helpers

from ckanext.satudata.services import usage
from ckanext.satudata.tests.conftest import ctx
from ckanext.satudata.tests.services.conftest import created_on


def _raw_rows():
    return model.Session.execute(sa.text("select url, tracking_type from tracking_raw")).fetchall()


@pytest.fixture
def catalogue(portal, make_dataset):
    """Two public datasets (dinkes, distan), one private and one awaiting verification."""
    return {
        "penduduk": make_dataset("approved", name="penduduk", title="Jumlah Penduduk", tahun=2024),
        "padi": make_dataset("approved", name="padi", title="Produksi Padi", tahun=2023,
                             owner_org=portal.orgs["distan"]["id"], creator=portal.other_editor),
        "rahasia": make_dataset("approved", name="rahasia", title="Data Rahasia Internal", private=True),
        "menunggu": make_dataset("pending", name="menunggu", title="Data Menunggu Verifikasi"),
    }


def _download_url(dataset, external=False):
    res = dataset["resources"][0]
    path = f"/dataset/{dataset['id']}/resource/{res['id']}/download/data.csv"
    return f"http://test.ckan.net{path}" if external else path


def test_three_downloads_recorded_are_three_downloads_shown(api, catalogue, visitors):
    for visitor in (1, 2, 3):
        assert visitors.download(catalogue["penduduk"], visitor).status_code == 200
    # Visitor 1 also clicked the link (tracking.js): the same download, counted once.
    visitors.click(_download_url(catalogue["penduduk"], external=True), visitor=1)
    visitors.view("penduduk", visitor=1)
    visitors.view("penduduk", visitor=1)  # the same visitor the same day: one view
    visitors.view("penduduk", visitor=2, locale="en")
    visitors.view("padi", visitor=4)
    usage.summarise()

    stats = api.ok("satudata_statistics")
    assert stats["totals"] == {"datasets": 2, "instansi": 2, "views": 3, "downloads": 3}
    by_dataset = {r["dataset"]: r for r in stats["dataset"]}
    assert by_dataset["penduduk"]["downloads"] == 3 and by_dataset["penduduk"]["views"] == 2
    assert by_dataset["padi"] == {"dataset": "padi", "title": "Produksi Padi", "instansi": "distan",
                                  "views": 1, "downloads": 0}
    assert [r["dataset"] for r in stats["most_downloaded"]] == ["penduduk"]
    assert [r["dataset"] for r in stats["most_viewed"]] == ["penduduk", "padi"]
    instansi = {r["instansi"]: r for r in stats["instansi"]}
    assert (instansi["dinkes"]["datasets"], instansi["dinkes"]["views"], instansi["dinkes"]["downloads"]) == (1, 2, 3)
    assert instansi["diskominfo"]["datasets"] == 0
    assert stats["bulanan"][-1] == {"month": stats["period"]["end"], "views": 3, "downloads": 3}


def test_private_and_unapproved_datasets_never_count(api, catalogue, visitors, portal):
    # Their files reached by people who could see them, and their pages viewed.
    for name in ("rahasia", "menunggu"):
        for visitor in (1, 2, 3, 4, 5):
            visitors.click(_download_url(catalogue[name], external=True), visitor)
            visitors.view(name, visitor)
    visitors.download(catalogue["penduduk"], 1)
    usage.summarise()

    for user in (None, portal.walidata, portal.sysadmin):
        stats = api.ok("satudata_statistics", user)
        assert stats["totals"]["datasets"] == 2
        assert stats["totals"]["downloads"] == 1 and stats["totals"]["views"] == 0
        names = {r["dataset"] for r in stats["dataset"]}
        assert names == {"penduduk"}
        assert {r["tahun"]: r["datasets"] for r in stats["tahun"]} == {"2024": 1, "2023": 1}
        assert {r["format"]: r["datasets"] for r in stats["format"]} == {"CSV": 2}
        assert sum(r["datasets"] for r in stats["bintang"]) == 2
        assert stats["pertumbuhan"][-1]["total"] == 2
    # The figures are kept between requests, but not past a change of who may see a dataset.
    helpers.call_action("package_patch", ctx(portal.walidata), id=catalogue["penduduk"]["id"], private=True)
    stats = api.ok("satudata_statistics", None)
    assert (stats["totals"]["datasets"], stats["totals"]["downloads"], stats["dataset"]) == (1, 0, [])


def test_a_refused_download_is_not_recorded(catalogue, visitors):
    assert visitors.download(catalogue["rahasia"], 1).status_code in (403, 404)
    assert visitors.download(catalogue["menunggu"], 1).status_code in (403, 404)
    assert _raw_rows() == []
    assert visitors.download(catalogue["penduduk"], 1).status_code == 200
    assert [r.tracking_type for r in _raw_rows()] == ["resource"]


def test_the_tracking_endpoint_records_views_and_ignores_what_is_not_one(app, portal, visitors):
    # Core's recorder split the raw body by hand: each of these answered 500.
    for body in ("a", "url=/dataset/x=1&type=page", "", "type=page", "url=/dataset/x&type=other"):
        answer = app.post("/_tracking", data=body, content_type="application/x-www-form-urlencoded",
                          environ_overrides=visitors.environ(1))
        assert answer.status_code < 500, body
    # No User-Agent: core answered 500.
    answer = app.post("/_tracking", data="url=%2Fdataset%2Fx&type=page",
                      content_type="application/x-www-form-urlencoded", environ_overrides={"REMOTE_ADDR": "10.0.0.9"})
    assert answer.status_code < 500
    assert sorted((r.tracking_type, r.url) for r in _raw_rows()) == [("page", "/dataset/x"), ("page", "/dataset/x=1")]
    visitors.view("data-a", 2)
    assert ("page", "/dataset/data-a") in {(r.tracking_type, r.url) for r in _raw_rows()}


def test_views_downloads_and_growth_month_by_month(api, portal, make_dataset, visitors):
    march = make_dataset("approved", name="maret", title="Data Maret")
    may = make_dataset("approved", name="mei", title="Data Mei")
    created_on(march, "2025-03-10 08:00:00")
    created_on(may, "2025-05-02 08:00:00")
    with visitors.on("2025-03-10 09:00:00"):
        visitors.view("maret", 1)
        visitors.download(march, 1)
    with visitors.on("2025-05-02 09:00:00"):
        visitors.view("maret", 2)
        visitors.view("mei", 2)
        visitors.download(may, 3)
        visitors.download(may, 4)
    with freeze_time("2025-05-20 08:00:00"):
        usage.summarise()
        stats = api.ok("satudata_statistics", months=3)
    assert stats["period"] == {"months": 3, "start": "2025-03", "end": "2025-05"}
    assert stats["bulanan"] == [{"month": "2025-03", "views": 1, "downloads": 1},
                                {"month": "2025-04", "views": 0, "downloads": 0},
                                {"month": "2025-05", "views": 2, "downloads": 2}]
    assert stats["pertumbuhan"] == [{"month": "2025-03", "new": 1, "total": 1},
                                    {"month": "2025-04", "new": 0, "total": 1},
                                    {"month": "2025-05", "new": 1, "total": 2}]
    per_org_month = {(r["month"], r["instansi"]): (r["views"], r["downloads"]) for r in stats["instansi-bulanan"]}
    assert per_org_month == {("2025-03", "dinkes"): (1, 1), ("2025-05", "dinkes"): (2, 2)}


def test_the_cli_summarises_and_a_second_run_counts_nothing_twice(cli, catalogue, visitors, api):
    from ckan.cli.cli import ckan
    visitors.download(catalogue["penduduk"], 1)
    visitors.download(catalogue["penduduk"], 2)
    first = cli.invoke(ckan, ["satudata", "usage"])
    assert first.exit_code == 0, first.output
    assert "2 downloads" in first.output
    assert cli.invoke(ckan, ["satudata", "usage"]).exit_code == 0
    assert api.ok("satudata_statistics")["totals"]["downloads"] == 2
    bad = cli.invoke(ckan, ["satudata", "usage", "--start", "kemarin"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output


@pytest.mark.usefixtures("with_test_worker", "clean_queues")
def test_the_statistics_page_queues_a_summary_for_the_worker(catalogue, visitors, browser):
    from ckanext.satudata.tests.services.conftest import run_jobs
    visitors.download(catalogue["penduduk"], 1)
    browser().page("/statistik")
    run_jobs()
    page = browser().page("/statistik")
    assert page.find(id="total-downloads").get_text(strip=True) == "1"


def test_statistics_page_shows_the_figures_with_charts_and_csv(catalogue, visitors, browser):
    for visitor in (1, 2, 3):
        visitors.download(catalogue["penduduk"], visitor)
    usage.summarise()
    page = browser().page("/statistik")
    assert page.find("h1").get_text(strip=True) == "Statistik pemanfaatan data terbuka"
    assert page.find(id="total-datasets").get_text(strip=True) == "2"
    assert page.find(id="total-downloads").get_text(strip=True) == "3"
    row = page.find(id="most-downloaded").find("tr", attrs={"data-dataset": "penduduk"})
    assert row.find(class_="satudata-downloads").get_text(strip=True) == "3"
    assert len(page.find_all("svg", class_="satudata-chart")) >= 7
    # Months read as months; the running one is starred and explained, not shown as a drop.
    import datetime
    from flask_babel import format_date
    usage_chart = page.find(id="bulanan").find("svg")
    labels = [t.get_text() for t in usage_chart.find_all("text")]
    this_month = datetime.datetime.utcnow().date()
    with browser().app.flask_app.test_request_context("/"):
        expected = format_date(this_month, "LLL yy") + "*"
    assert expected in labels and not any(len(label) == 7 and label[4] == "-" for label in labels), labels
    assert "Bulan berjalan" in page.find(id="bulanan").get_text()
    text = page.get_text()
    assert "Data Rahasia Internal" not in text and "Data Menunggu Verifikasi" not in text
    assert page.find("a", href=lambda h: h and "/statistik/dataset.csv" in h)

    english = browser().page("/en/statistik")
    assert english.find("h1").get_text(strip=True) == "Open data usage statistics"


def test_every_statistics_table_downloads_as_csv(catalogue, visitors, browser):
    visitors.download(catalogue["penduduk"], 1)
    usage.summarise()
    client = browser()
    response = client.get("/statistik/dataset.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["dataset", "title", "instansi", "views", "downloads"]
    assert rows[1] == ["penduduk", "Jumlah Penduduk", "dinkes", "0", "1"]
    body = client.get("/statistik/instansi.csv").get_data(as_text=True)
    instansi = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert ["dinkes", "Dinkes", "1", "0", "1"] in instansi
    for table in ("tematik", "tahun", "format", "bintang", "bulanan", "instansi-bulanan", "pertumbuhan"):
        assert client.get(f"/statistik/{table}.csv").status_code == 200, table
    assert client.get("/statistik/rahasia.csv").status_code == 404


def test_period_must_be_a_number(api):
    error = api.error("satudata_statistics", months="banyak")
    assert error["months"] == ["Harus berupa bilangan bulat"]


def test_home_page_lists_the_most_downloaded_datasets_the_visitor_may_see(catalogue, visitors, browser, portal):
    for visitor in (1, 2, 3):
        visitors.download(catalogue["padi"], visitor)
    visitors.download(catalogue["penduduk"], 4)
    usage.summarise()
    # Downloads of the private dataset by its own Instansi are counted too ...
    import datetime
    from ckanext.satudata.services.model import Usage
    model.Session.add(Usage(day=datetime.date.today(), package_id=catalogue["rahasia"]["id"],
                            kind=usage.DOWNLOAD, count=50))
    model.Session.commit()

    def most_downloaded(client):
        page = client.page("/")
        heading = page.find("h2", string="Dataset paling banyak diunduh")
        return [a.get_text(strip=True) for a in heading.find_next("ul").find_all("a")]

    # ... but the public sees only public datasets, most downloaded first.
    assert most_downloaded(browser()) == ["Produksi Padi", "Jumlah Penduduk"]
    member = browser().login(portal.editor)
    assert most_downloaded(member) == ["Data Rahasia Internal", "Produksi Padi", "Jumlah Penduduk"]

    # The ranking (a sum over the whole usage table) is kept until the next summary.
    for visitor in (5, 6, 7, 8):
        visitors.download(catalogue["penduduk"], visitor)
    assert most_downloaded(browser()) == ["Produksi Padi", "Jumlah Penduduk"]
    usage.summarise()
    assert most_downloaded(browser()) == ["Jumlah Penduduk", "Produksi Padi"]


def test_home_page_says_when_nothing_was_downloaded_yet(catalogue, browser):
    page = browser().page("/")
    heading = page.find("h2", string="Dataset paling banyak diunduh")
    assert heading.find_next("ul").get_text(strip=True) == "Belum ada unduhan tercatat."


def test_the_tracking_script_gets_an_answer_not_an_error(app, portal, browser):
    answer = app.post("/_tracking", data={"url": "/dataset/x", "type": "page"},
                      environ_overrides={"HTTP_USER_AGENT": "Mozilla/5.0", "REMOTE_ADDR": "10.0.0.1"})
    assert answer.status_code == 204
    # A signed-in person's page view too: the script sends no CSRF token.
    signed_in = browser().login(portal.editor)
    assert signed_in.app.post("/_tracking", data={"url": "/dataset/y", "type": "page"}).status_code == 204
    assert sorted((r.tracking_type, r.url) for r in _raw_rows()) == [("page", "/dataset/x"), ("page", "/dataset/y")]
