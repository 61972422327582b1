"""Jadwal Rilis: when each public dataset's next update is due (its Frekuensi
and its last update), overdue first; page, CSV and iCalendar, public data only."""
from __future__ import annotations

import csv
import io

import pytest
from ckan.tests import helpers
from freezegun import freeze_time

from ckanext.satudata.tests.conftest import ctx


@pytest.fixture
def catalogue(portal, make_dataset):
    with freeze_time("2025-06-01 10:00:00"):
        late = make_dataset("approved", name="kunjungan-puskesmas", title="Kunjungan Puskesmas",
                            frekuensi="bulanan")
    with freeze_time("2026-01-10 10:00:00"):
        yearly = make_dataset("approved", name="penduduk-2025", title="Penduduk 2025", frekuensi="tahunan")
        monthly = make_dataset("approved", name="harga-beras", title="Harga Beras", frekuensi="bulanan",
                               owner_org=portal.orgs["distan"]["id"], creator=portal.other_editor)
        make_dataset("approved", name="rahasia", title="Rahasia", frekuensi="bulanan", private=True)
        make_dataset("pending", name="menunggu", title="Menunggu", frekuensi="bulanan")
        make_dataset("approved", name="cuaca", title="Cuaca", frekuensi="real-time")
    return {"late": late, "yearly": yearly, "monthly": monthly}


def _names(entries):
    return [e["name"] for e in entries]


@freeze_time("2026-01-20 10:00:00")
def test_the_calendar_lists_public_data_by_the_month_its_update_is_due(api, catalogue, portal):
    for user in (None, portal.walidata):  # a public promise: the same for everyone
        result = api.ok("satudata_release_calendar", user)
        assert _names(result["overdue"]) == ["kunjungan-puskesmas"]
        # Due a month after 1 June 2025 (2 July): 202 days late on 20 January 2026.
        assert (result["overdue"][0]["days_overdue"], result["overdue"][0]["status"]) == (202, "terlambat")
        assert [(m["month"], _names(m["datasets"])) for m in result["months"]] == [("2026-02", ["harga-beras"])]
        assert result["months"][0]["datasets"][0]["due"] == "2026-02-10"
    # Kept between requests, but not past a change of who may see a dataset.
    helpers.call_action("package_patch", ctx(portal.walidata), id=catalogue["monthly"]["id"], private=True)
    assert api.ok("satudata_release_calendar", None)["months"] == []
    helpers.call_action("package_patch", ctx(portal.walidata), id=catalogue["monthly"]["id"], private=False)
    # Further ahead, the yearly data appears in the month it is due.
    far = api.ok("satudata_release_calendar", None, months=24)
    assert ("2027-01", ["penduduk-2025"]) in [(m["month"], _names(m["datasets"])) for m in far["months"]]
    assert api.error("satudata_release_calendar", None, months="banyak")["months"]


@freeze_time("2026-01-20 10:00:00")
def test_the_calendar_page_csv_and_icalendar(browser, catalogue):
    page = browser().page("/jadwal-rilis")
    headings = [h.get_text(" ", strip=True) for h in page.select(".satudata-jadwal-rilis h2")]
    assert headings == ["Terlambat (1)", "Februari 2026 (1)"]
    overdue_row = page.select_one("tr.satudata-calendar-terlambat")
    assert "Kunjungan Puskesmas" in overdue_row.get_text() and "terlambat" in overdue_row.get_text()
    assert page.select_one("a[href$='/jadwal-rilis.ics']") is not None

    response = browser().get("/jadwal-rilis.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:5] == ["Jadwal pembaruan", "Status", "Hari keterlambatan", "Instansi", "Dataset"]
    assert [(r[4], r[1]) for r in rows[1:]] == [("Kunjungan Puskesmas", "Terlambat"), ("Harga Beras", "Terjadwal")]

    ics = browser().get("/jadwal-rilis.ics")
    assert ics.headers["Content-Type"] == "text/calendar; charset=utf-8"
    text = ics.get_data(as_text=True)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 2
    assert "DTSTART;VALUE=DATE:20260210" in text and "DTSTART;VALUE=DATE:20260120" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n")), "lines must be folded"
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:Pembaruan: Harga Beras (Distan)" in unfolded


def test_the_inventory_and_the_spbe_page_link_the_calendar(browser, portal):
    assert browser().page("/inventaris").select_one("a[href$='/jadwal-rilis']") is not None
    spbe = browser().login(portal.walidata).page("/spbe")
    assert spbe.select_one("a[href$='/jadwal-rilis']") is not None


@freeze_time("2026-01-20 10:00:00")
def test_the_calendar_of_one_instansi_and_long_months_shown_in_part(api, browser, catalogue, portal, make_dataset,
                                                                   monkeypatch):
    distan = api.ok("satudata_release_calendar", None, owner_org="distan")
    assert (distan["overdue"], [(m["month"], _names(m["datasets"])) for m in distan["months"]]) == \
        ([], [("2026-02", ["harga-beras"])])
    assert api.error("satudata_release_calendar", None, owner_org="tidak-ada")["owner_org"]

    from ckanext.satudata.views import services
    monkeypatch.setattr(services, "ROWS_PER_SECTION", 1)
    with freeze_time("2026-01-12 10:00:00"):
        make_dataset("approved", name="harga-cabai", title="Harga Cabai", frekuensi="bulanan")
    limited = api.ok("satudata_release_calendar", None, limit=1)
    assert [(m["month"], m["count"], len(m["datasets"])) for m in limited["months"]] == [("2026-02", 2, 1)]
    assert (limited["overdue_count"], _names(limited["overdue"])) == (1, ["kunjungan-puskesmas"])
    page = browser().page("/jadwal-rilis")
    february = page.find(id="bulan-2026-02")
    assert february.get_text(" ", strip=True) == "Februari 2026 (2)"
    assert len(february.find_next("table").select("tbody tr")) == 1
    assert "Ditampilkan 1 pertama dari 2" in february.find_next(class_="satudata-more-rows").get_text(" ", strip=True)
    one = browser().page("/jadwal-rilis?owner_org=distan")
    assert [h.get_text(" ", strip=True) for h in one.select(".satudata-jadwal-rilis h2")] == ["Februari 2026 (1)"]
    assert one.select_one("#cal-org option[selected]")["value"] == "distan"
    csv_link = one.select_one("a[href*='/jadwal-rilis.csv']")["href"]
    assert csv_link.endswith("owner_org=distan")
    rows = list(csv.reader(io.StringIO(browser().get(csv_link).get_data(as_text=True).lstrip("\ufeff"))))
    assert [r[4] for r in rows[1:]] == ["Harga Beras"]
    assert browser().get("/jadwal-rilis?owner_org=tidak-ada").status_code == 400
