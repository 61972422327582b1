"""Freshness (kemutakhiran): is a dataset's data as recent as its Frekuensi
Penerbitan promises?

The data was last updated when its newest file was uploaded or changed (a
resource's ``last_modified``, else its ``created``); a dataset without files
counts from its own creation. The next update is due one period later (plus
``ckanext.satudata.freshness.grace_days``); after that day the dataset is
``terlambat`` (overdue) by so many days, before it ``mutakhir``. Real-time data
and data published at no fixed interval (``tidak-tentu``) are never overdue.
All dates are UTC calendar days.
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

import ckan.plugins.toolkit as tk

MUTAKHIR = "mutakhir"
TERLAMBAT = "terlambat"

# Days in one period of each Frekuensi Penerbitan (the longest month, quarter ...).
PERIOD_DAYS = {
    "harian": 1,
    "mingguan": 7,
    "bulanan": 31,
    "triwulanan": 92,
    "empat-bulanan": 123,
    "semesteran": 184,
    "tahunan": 366,
    "dua-tahunan": 731,
}
NEVER_OVERDUE = ("real-time", "tidak-tentu")
# The Solr field (a date) that holds ``last_update``'s day, set at indexing (search.py).
INDEX_FIELD = "satudata_last_update_date"


def today() -> datetime.date:
    return datetime.datetime.utcnow().date()


def _parse(value: Any) -> Optional[datetime.datetime]:
    if not value:
        return None
    if isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.datetime.fromisoformat(str(value).replace("Z", ""))
    except ValueError:
        return None


def last_update(dataset: dict[str, Any]) -> Optional[datetime.datetime]:
    """When the dataset's data last changed: its newest file, else its creation."""
    times = [_parse(r.get("last_modified")) or _parse(r.get("created"))
             for r in dataset.get("resources") or []]
    times = [t for t in times if t]
    if times:
        return max(times)
    return _parse(dataset.get("metadata_created"))


def freshness(dataset: dict[str, Any], on: Optional[datetime.date] = None) -> dict[str, Any]:
    """``{"status", "frekuensi", "last_update", "due", "days_overdue", "days_left"}``.

    ``due`` and ``days_left`` are None for data that is never overdue.
    """
    updated = last_update(dataset)
    return state(dataset.get("frekuensi") or "", updated.date() if updated else None, on)


def indexed(found: dict[str, Any], on: Optional[datetime.date] = None) -> dict[str, Any]:
    """``freshness()`` of a search result read with ``fl`` (``frekuensi`` and the
    indexed day of the last update, ``INDEX_FIELD``), without the whole dataset."""
    value = found.get(INDEX_FIELD)
    if isinstance(value, datetime.datetime):
        day: Optional[datetime.date] = value.date()
    else:
        try:
            day = datetime.date.fromisoformat(str(value)[:10]) if value else None
        except ValueError:
            day = None
    return state(found.get("frekuensi") or "", day, on)


def state(frekuensi: str, updated: Optional[datetime.date], on: Optional[datetime.date] = None) -> dict[str, Any]:
    """The freshness of data of this Frekuensi last updated on day ``updated``."""
    on = on or today()
    result: dict[str, Any] = {
        "status": MUTAKHIR, "frekuensi": frekuensi,
        "last_update": updated.isoformat() if updated else None,
        "due": None, "days_overdue": 0, "days_left": None,
    }
    period = PERIOD_DAYS.get(frekuensi)
    if frekuensi in NEVER_OVERDUE or period is None or updated is None:
        return result
    due = updated + datetime.timedelta(days=period + _grace())
    result["due"] = due.isoformat()
    if on > due:
        result.update(status=TERLAMBAT, days_overdue=(on - due).days)
    else:
        result["days_left"] = (due - on).days
    return result


def _grace() -> int:
    return int(tk.config.get("ckanext.satudata.freshness.grace_days") or 0)


def overdue_fq(on: Optional[datetime.date] = None) -> str:
    """A Solr filter for the datasets ``freshness()`` calls overdue on day ``on``,
    from the indexed day of their last update: overdue when ``on`` is after the
    due day, i.e. the data is older than ``on`` minus (period + grace + 1) days."""
    on = on or today()
    clauses = []
    for frekuensi, period in PERIOD_DAYS.items():
        cutoff = on - datetime.timedelta(days=period + _grace() + 1)
        clauses.append(f'(frekuensi:"{frekuensi}" AND {INDEX_FIELD}:[* TO {cutoff.isoformat()}T00:00:00Z])')
    return "+(" + " OR ".join(clauses) + ")"


def status_label(status: str) -> str:
    return {MUTAKHIR: tk._("Up to date"), TERLAMBAT: tk._("Overdue")}.get(status, status)
