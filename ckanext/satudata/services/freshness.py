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
    on = on or today()
    frekuensi = dataset.get("frekuensi") or ""
    updated = last_update(dataset)
    result: dict[str, Any] = {
        "status": MUTAKHIR, "frekuensi": frekuensi,
        "last_update": updated.date().isoformat() if updated else None,
        "due": None, "days_overdue": 0, "days_left": None,
    }
    period = PERIOD_DAYS.get(frekuensi)
    if frekuensi in NEVER_OVERDUE or period is None or updated is None:
        return result
    grace = int(tk.config.get("ckanext.satudata.freshness.grace_days") or 0)
    due = updated.date() + datetime.timedelta(days=period + grace)
    result["due"] = due.isoformat()
    if on > due:
        result.update(status=TERLAMBAT, days_overdue=(on - due).days)
    else:
        result["days_left"] = (due - on).days
    return result


def status_label(status: str) -> str:
    return {MUTAKHIR: tk._("Up to date"), TERLAMBAT: tk._("Overdue")}.get(status, status)
