"""Usage statistics of the open data (SPBE level 1), from public datasets only.

Every figure is read as an anonymous visitor: the catalogue through
package_search (so the permission labels leave out private, unapproved and
deleted datasets), the views and downloads from ``satudata_usage`` restricted to
those datasets.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any, Iterable, Optional

import sqlalchemy as sa

import ckan.model as model

from ckanext.satudata import cache, common, visibility
from ckanext.satudata.search import CREATED_MONTH
from ckanext.satudata.services.model import Usage
from ckanext.satudata.services import usage as usage_cache
from ckanext.satudata.services.usage import DOWNLOAD, VIEW

MAX_MONTHS = 60
TOP = 10

# Tables of the statistics page, each downloadable as CSV: key -> columns.
TABLES = {
    "instansi": ("instansi", "title", "datasets", "views", "downloads"),
    "tematik": ("tematik", "title", "datasets"),
    "tahun": ("tahun", "datasets"),
    "format": ("format", "datasets"),
    "bintang": ("stars", "datasets"),
    "bulanan": ("month", "views", "downloads"),
    "instansi-bulanan": ("month", "instansi", "title", "views", "downloads"),
    "dataset": ("dataset", "title", "instansi", "views", "downloads"),
    "pertumbuhan": ("month", "new", "total"),
}


def month_key(day: datetime.date | datetime.datetime) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_until(end: datetime.date, count: int) -> list[str]:
    """The ``count`` calendar months ending with ``end``'s month, oldest first."""
    year, month = end.year, end.month
    keys = []
    for _ in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return keys[::-1]


def groups_of_type(organization: bool) -> list[dict[str, str]]:
    """Every active Instansi (or Tematik): ``{"id", "name", "display_name"}``
    (names and titles are public; core's list actions cap ``all_fields``)."""
    rows = (model.Session.query(model.Group.id, model.Group.name, model.Group.title)
            .filter(model.Group.is_organization.is_(organization), model.Group.state == "active")
            .order_by(model.Group.title))
    return [{"id": i, "name": n, "display_name": t or n} for i, n, t in rows]


def public_of(ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """{id: {"id", "name", "title", "organization"}} of those of ``ids`` the public
    may see, asked of the search (the portal's rule) 500 at a time: the cost
    follows the datasets asked about, not the catalogue."""
    wanted = sorted({i for i in ids if i})
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), 500):
        fq = "+id:({})".format(" OR ".join(common.solr_phrase(i) for i in wanted[start:start + 500]))
        for d in visibility.iter_datasets(None, fq=fq, fl=["id", "name", "title", "organization"]):
            found[d["id"]] = d
    return found


def _usage(period: list[str]) -> list[tuple[str, str, list[int]]]:
    """(package id, kind, [count per month of ``period``]) of every dataset used
    in ``period``: an aggregate of the whole usage table (0.35 s at 350,000 rows)
    that only the next summary changes, so it is kept until then. One row per
    dataset and kind, not per month: a worker reading 80,000 (month, dataset)
    rows kept ~20 MB more for good."""
    since = datetime.date(int(period[0][:4]), int(period[0][5:]), 1)
    position = {month: i for i, month in enumerate(period)}

    def compute() -> list[list[Any]]:
        table = Usage.__table__
        month = sa.func.to_char(table.c.day, "YYYY-MM")
        rows = model.Session.execute(
            sa.select(month, table.c.package_id, table.c.kind, sa.func.sum(table.c.count))
            .where(table.c.day >= since)
            .group_by(month, table.c.package_id, table.c.kind))
        counts: dict[tuple[str, str], list[int]] = {}
        for m, pid, kind, n in rows:
            if m in position:
                counts.setdefault((pid, kind), [0] * len(period))[position[m]] += int(n)
        return [[pid, kind, monthly] for (pid, kind), monthly in counts.items()]
    key = f"usage-by-month:{period[0]}:{period[-1]}"
    return [(pid, kind, monthly) for pid, kind, monthly in usage_cache.cached_figure(key, compute)]


def summarised_until() -> Optional[str]:
    day = model.Session.execute(sa.select(sa.func.max(Usage.__table__.c.day))).scalar()
    return day.isoformat() if day else None


def compute(months: int = 12, on: Optional[datetime.date] = None) -> dict[str, Any]:
    """The statistics of the ``months`` up to ``on`` (today): kept until the next
    usage summary or the next change to the search index, for the day, while the
    names of the Instansi and Tematik stay the same."""
    on = on or datetime.datetime.utcnow().date()
    months = min(max(int(months), 1), MAX_MONTHS)
    orgs, groups = groups_of_type(organization=True), groups_of_type(organization=False)
    return cache.for_index(f"{usage_cache.CACHED_KEY}statistics", lambda: _compute(months, on, orgs, groups),
                           depends=[months, on.isoformat(), orgs, groups])


def _compute(months: int, on: datetime.date, orgs: list[dict[str, str]],
             groups: list[dict[str, str]]) -> dict[str, Any]:
    period = months_until(on, months)

    total, facets = visibility.facet_counts(
        None, ["organization", "groups", "tahun", "res_format", "satudata_stars", CREATED_MONTH])

    org_title = {o["name"]: o["display_name"] for o in orgs}

    usage = _usage(period)
    by_id = public_of(pid for pid, _k, _counts in usage)
    per_dataset: dict[str, dict[str, int]] = defaultdict(lambda: {VIEW: 0, DOWNLOAD: 0})
    per_org: dict[str, dict[str, int]] = defaultdict(lambda: {VIEW: 0, DOWNLOAD: 0})
    per_month: dict[str, dict[str, int]] = {m: {VIEW: 0, DOWNLOAD: 0} for m in period}
    per_org_month: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {VIEW: 0, DOWNLOAD: 0})
    for pid, kind, monthly in usage:
        if pid not in by_id:
            continue
        org = by_id[pid].get("organization") or ""
        per_dataset[pid][kind] += sum(monthly)
        per_org[org][kind] += sum(monthly)
        for month, count in zip(period, monthly):
            if count:
                per_month[month][kind] += count
                per_org_month[(month, org)][kind] += count

    by_instansi = sorted(
        ({"instansi": o["name"], "title": o["display_name"],
          "datasets": facets["organization"].get(o["name"], {}).get("count", 0),
          "views": per_org[o["name"]][VIEW], "downloads": per_org[o["name"]][DOWNLOAD]} for o in orgs),
        key=lambda r: (-r["datasets"], -r["views"], r["title"].lower()))
    by_tematik = sorted(
        ({"tematik": g["name"], "title": g["display_name"],
          "datasets": facets["groups"].get(g["name"], {}).get("count", 0)} for g in groups),
        key=lambda r: (-r["datasets"], r["title"].lower()))
    by_tahun = sorted(({"tahun": k, "datasets": v["count"]} for k, v in facets["tahun"].items()),
                      key=lambda r: r["tahun"], reverse=True)
    by_format = sorted(({"format": k, "datasets": v["count"]} for k, v in facets["res_format"].items()),
                       key=lambda r: (-r["datasets"], r["format"]))
    by_stars = [{"stars": s, "datasets": facets["satudata_stars"].get(str(s), {}).get("count", 0)}
                for s in range(5, -1, -1)]

    usage_by_dataset = sorted(
        ({"dataset": by_id[pid]["name"], "title": by_id[pid]["title"],
          "instansi": by_id[pid].get("organization") or "",
          "views": c[VIEW], "downloads": c[DOWNLOAD]} for pid, c in per_dataset.items()),
        key=lambda r: (-r["views"], -r["downloads"], r["title"].lower()))
    most_viewed = [r for r in usage_by_dataset if r["views"]][:TOP]
    most_downloaded = sorted((r for r in usage_by_dataset if r["downloads"]),
                             key=lambda r: (-r["downloads"], -r["views"], r["title"].lower()))[:TOP]

    created = {month: item["count"] for month, item in facets[CREATED_MONTH].items()}
    before = sum(n for month, n in created.items() if month < period[0])
    growth, running = [], before
    for month in period:
        running += created.get(month, 0)
        growth.append({"month": month, "new": created.get(month, 0), "total": running})

    return {
        "generated": datetime.datetime.utcnow().replace(microsecond=0).isoformat(),
        "summarised_until": summarised_until(),
        "period": {"months": months, "start": period[0], "end": period[-1]},
        "totals": {
            "datasets": total,
            "instansi": sum(1 for r in by_instansi if r["datasets"]),
            "views": sum(m[VIEW] for m in per_month.values()),
            "downloads": sum(m[DOWNLOAD] for m in per_month.values()),
        },
        "instansi": by_instansi,
        "tematik": by_tematik,
        "tahun": by_tahun,
        "format": by_format,
        "bintang": by_stars,
        "bulanan": [{"month": m, "views": v[VIEW], "downloads": v[DOWNLOAD]} for m, v in per_month.items()],
        "instansi-bulanan": sorted(
            ({"month": m, "instansi": org, "title": org_title.get(org, org),
              "views": v[VIEW], "downloads": v[DOWNLOAD]} for (m, org), v in per_org_month.items()
             if m in per_month),
            key=lambda r: (r["month"], r["title"].lower())),
        "dataset": usage_by_dataset,
        "most_viewed": most_viewed,
        "most_downloaded": most_downloaded,
        "pertumbuhan": growth,
    }


def _totals_per_dataset() -> list[list[Any]]:
    """[package id, kind, all-time count]: kept until the next usage summary."""
    def compute() -> list[list[Any]]:
        table = Usage.__table__
        rows = model.Session.execute(
            sa.select(table.c.package_id, table.c.kind, sa.func.sum(table.c.count))
            .group_by(table.c.package_id, table.c.kind))
        return [[pid, kind, int(count)] for pid, kind, count in rows]
    return usage_cache.cached_figure("totals", compute)


def usage_totals(ids: Optional[set[str]] = None) -> dict[str, int]:
    """All-time views and downloads, of the datasets ``ids`` (all when None)."""
    totals = {VIEW: 0, DOWNLOAD: 0}
    for pid, kind, count in _totals_per_dataset():
        if ids is None or pid in ids:
            totals[kind] = totals.get(kind, 0) + count
    return {"views": totals[VIEW], "downloads": totals[DOWNLOAD]}


def public_usage_totals() -> dict[str, int]:
    """All-time views and downloads of the datasets the public may see now: kept
    until the next usage summary or the next change to the search index (which
    every change of who may see a dataset makes), whichever comes first."""
    def compute() -> dict[str, int]:
        return usage_totals(set(public_of({pid for pid, _kind, _count in _totals_per_dataset()})))
    return cache.for_index(f"{usage_cache.CACHED_KEY}public-totals", compute)


def most_downloaded_ids(limit: int = 50) -> list[str]:
    """Ids of the datasets downloaded most (all time), most first; visibility is
    left to the caller, which searches them as its visitor."""
    def compute() -> list[str]:
        table = Usage.__table__
        total = sa.func.sum(table.c.count)
        rows = model.Session.execute(
            sa.select(table.c.package_id).where(table.c.kind == DOWNLOAD)
            .group_by(table.c.package_id).order_by(total.desc(), table.c.package_id).limit(limit))
        return [pid for (pid,) in rows]
    # A sum over the whole usage table (60 ms at 350,000 rows), on every home page
    # view: kept until the next summary changes it.
    return usage_cache.cached_figure(f"most_downloaded:{int(limit)}", compute)
