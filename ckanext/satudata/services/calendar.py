"""Jadwal Rilis (release calendar): when each public dataset's next update is
due, from its Frekuensi Penerbitan and its last update (``freshness.py``), by
month and Instansi; overdue datasets first. As a page, CSV and iCalendar.

Only public datasets (``visibility.iter_datasets`` for the anonymous public),
whoever asks: the calendar is a public promise. Real-time data and data
published at no fixed interval have no date and are not listed.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

import ckan.plugins.toolkit as tk
from flask_babel import format_date

from ckanext.satudata import cache, common, reference, security, visibility
from ckanext.satudata.common import N_
from ckanext.satudata.services import freshness

MAX_MONTHS = 24

CSV_COLUMNS = [
    ("due", N_("Update due")), ("status", N_("Status")), ("days_overdue", N_("Days overdue")),
    ("instansi", N_("Instansi")), ("title", N_("Dataset")), ("frekuensi", N_("Publication frequency")),
    ("last_update", N_("Last update")), ("url", N_("Address")),
]


def _entry(dataset: dict[str, Any], state: dict[str, Any], instansi: dict[str, str]) -> dict[str, Any]:
    org = dataset.get("organization") or ""
    path = tk.url_for("dataset.read", id=dataset["name"])
    return {
        "name": dataset["name"], "title": dataset.get("title") or dataset["name"],
        "instansi": instansi.get(org) or org, "instansi_name": org,
        "frekuensi": dataset.get("frekuensi") or "",
        "frekuensi_label": reference.choice_label("frekuensi", dataset.get("frekuensi")),
        "last_update": state["last_update"], "due": state["due"], "status": state["status"],
        "days_overdue": state["days_overdue"],
        "path": path, "url": tk.config.get("ckan.site_url", "").rstrip("/") + path,
    }


def schedule(months: int = 12, on: Optional[datetime.date] = None,
             owner_org: Optional[str] = None, limit: Optional[int] = None) -> dict[str, Any]:
    """``{"generated", "until", "overdue": [entry], "overdue_count", "months":
    [{"month", "label", "count", "datasets": [entry]}]}``; overdue entries most
    overdue first, a month's by Instansi, then title; only the Instansi
    ``owner_org`` (a name or id) when given; at most ``limit`` entries per
    section (the counts count them all)."""
    fq = f"+{freshness.INDEX_FIELD}:[* TO *]"
    if owner_org:
        fq += " " + common.instansi_filter(owner_org)
    on = on or freshness.today()
    from ckanext.satudata.services.statistics import groups_of_type
    instansi = {o["name"]: o["display_name"] for o in groups_of_type(organization=True)}
    # The same for everyone (public data only): kept while the index, the day,
    # the language of the month names and the names of the Instansi stay.
    depends = [months, on.isoformat(), fq, limit, instansi, _language(), tk.config.get("ckan.site_url"),
               tk.config.get("ckanext.satudata.freshness.grace_days")]
    return cache.for_index("release-calendar", lambda: _schedule(months, on, fq, limit, instansi), depends)


def _language() -> str:
    from flask import has_request_context
    return tk.h.lang() if has_request_context() else ""


def _schedule(months: int, on: datetime.date, fq: str, limit: Optional[int],
              instansi: dict[str, str]) -> dict[str, Any]:
    until = _add_months(on.replace(day=1), months) - datetime.timedelta(days=1)
    overdue: list[tuple[dict[str, Any], dict[str, Any]]] = []
    by_month: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {}
    # Only what an entry shows, and the day of the last update as indexed: not
    # every dataset whole (10,000 datasets: 2.7 s).
    fields = ["name", "title", "organization", "extras_frekuensi", freshness.INDEX_FIELD]
    for dataset in visibility.iter_datasets(None, public_only=True, fl=fields, fq=fq):
        state = freshness.indexed(dataset, on)
        if not state["due"]:
            continue
        if state["status"] == freshness.TERLAMBAT:
            overdue.append((dataset, state))
        elif datetime.date.fromisoformat(state["due"]) <= until:
            by_month.setdefault(state["due"][:7], []).append((dataset, state))

    def title(dataset: dict[str, Any]) -> str:
        return (dataset.get("title") or dataset["name"]).lower()

    def org(dataset: dict[str, Any]) -> str:
        return (instansi.get(dataset.get("organization") or "") or dataset.get("organization") or "").lower()

    def entries(rows: list[tuple[dict[str, Any], dict[str, Any]]], key) -> list[dict[str, Any]]:
        # Sorted as light rows; entries (with their addresses) made for what is returned only.
        kept = sorted(rows, key=key)[:limit]
        return [_entry(dataset, state, instansi) for dataset, state in kept]

    return {
        "generated": on.isoformat(), "until": until.isoformat(),
        "overdue": entries(overdue, lambda r: (-r[1]["days_overdue"], org(r[0]), title(r[0]))),
        "overdue_count": len(overdue),
        "months": [{"month": month, "label": month_label(month), "count": len(rows),
                    "datasets": entries(rows, lambda r: (org(r[0]), r[1]["due"], title(r[0])))}
                   for month, rows in sorted(by_month.items())],
    }


def _add_months(day: datetime.date, months: int) -> datetime.date:
    total = day.month - 1 + months
    return day.replace(year=day.year + total // 12, month=total % 12 + 1)


def month_label(month: str, short: bool = False) -> str:
    """``2027-01`` as the reader's language names it ("Januari 2027", short "Jan 27")."""
    first = datetime.date.fromisoformat(month + "-01")
    return format_date(first, "LLL yy" if short else "LLLL yyyy")


def entries(result: dict[str, Any]) -> list[dict[str, Any]]:
    return result["overdue"] + [e for m in result["months"] for e in m["datasets"]]


def to_csv(result: dict[str, Any]) -> str:
    def rows():
        yield [tk._(label) for _key, label in CSV_COLUMNS]
        for entry in entries(result):
            row = dict(entry, frekuensi=entry["frekuensi_label"],
                       status=tk._("Overdue") if entry["status"] == freshness.TERLAMBAT else tk._("Scheduled"))
            yield [row[key] for key, _label in CSV_COLUMNS]
    return security.csv_text(rows())


def _ics_text(value: str) -> str:
    return (str(value).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r", "").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """RFC 5545 lines are at most 75 octets; longer ones continue after CRLF + space."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def to_ics(result: dict[str, Any], site_url: str, site_title: str) -> str:
    """One all-day event per dataset on the day its update is due (overdue
    ones on today's date, saying by how many days)."""
    host = site_url.split("//", 1)[-1].split("/", 1)[0] or "satudata"
    stamp = datetime.datetime.utcnow().strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//{_ics_text(site_title)}//Jadwal Rilis//ID",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{_ics_text(tk._('Release calendar'))}",
             "X-WR-TIMEZONE:Asia/Makassar"]
    for entry in entries(result):
        overdue = entry["status"] == freshness.TERLAMBAT
        day = datetime.date.fromisoformat(result["generated"] if overdue else entry["due"])
        summary = tk._("Update: {title} ({instansi})").format(title=entry["title"], instansi=entry["instansi"])
        if overdue:
            summary += " - " + tk.ungettext("overdue by {n} day", "overdue by {n} days", entry["days_overdue"]).format(
                n=entry["days_overdue"])
        description = tk._("Publication frequency: {frequency}. Last update: {date}.").format(
            frequency=entry["frekuensi_label"], date=entry["last_update"])
        lines += ["BEGIN:VEVENT", f"UID:{entry['name']}-{entry['due']}@{host}", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
                  f"DTEND;VALUE=DATE:{(day + datetime.timedelta(days=1)).strftime('%Y%m%d')}",
                  f"SUMMARY:{_ics_text(summary)}", f"DESCRIPTION:{_ics_text(description)}",
                  f"URL:{entry['url']}", "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
