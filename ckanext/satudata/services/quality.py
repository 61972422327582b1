"""Data quality per dataset (five stars, freshness, metadata completeness) and
the Walidata's reports per Instansi: overdue datasets and completeness ranking."""
from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.satudata import cache, common, visibility
from ckanext.satudata.services import completeness, freshness, stars


def dataset_quality(dataset: dict[str, Any]) -> dict[str, Any]:
    star = stars.dataset_stars(dataset)
    return {
        "stars": star["stars"],
        "stars_reason": stars.reason_text(star),
        "resources": [{"id": r.get("id"), "name": r.get("name") or "", "format": s["format"],
                       "stars": s["stars"], "reason": stars.reason_text(s)}
                      for r in dataset.get("resources") or []
                      for s in [star["resources"].get(r.get("id"))] if s is not None],
        "freshness": freshness.freshness(dataset),
        "completeness": completeness.completeness(dataset),
    }


# A kept report of more than this many bytes (tens of thousands of overdue datasets) is computed again instead.
KEPT_REPORT_MAX_BYTES = 16 * 1024 * 1024


def report(user: Any, owner_org: Optional[str] = None, details: bool = True) -> dict[str, Any]:
    """Every active dataset ``user`` may see (the Walidata: all), grouped by
    Instansi: overdue datasets, freshness share and average completeness;
    Instansi ranked by average completeness.

    The counts and averages are two facet queries over what indexing stored
    (search.py), whatever the catalogue's size; of the overdue datasets, a few
    stored fields are read, and only with ``details`` (the SPBE evidence needs the
    figures alone). The report is kept in Redis while the search index, the
    day, the grace days, the names of the Instansi and what the asker may see
    (who they are and their permission labels) stay the same. A dataset's own completeness and
    what it misses: ``satudata_dataset_quality``."""
    from ckanext.satudata.services.statistics import groups_of_type
    fq = common.instansi_filter(owner_org) if owner_org else ""
    names = {o["id"]: (o["name"], o["display_name"]) for o in groups_of_type(organization=True)}
    labels = visibility.user_labels(user)  # and the asker's own drafts, hence the name too
    depends = [visibility.context_of(user)["user"], sorted(labels) if labels is not None else "everything", fq,
               details, freshness.today().isoformat(),
               tk.config.get("ckanext.satudata.freshness.grace_days"), names]
    return cache.for_index("quality-report", lambda: _report(user, fq, details, names), depends,
                           keep=lambda value: len(json.dumps(value)) <= KEPT_REPORT_MAX_BYTES)


def _report(user: Any, fq: str, details: bool, names: dict[str, tuple[str, str]]) -> dict[str, Any]:
    per_org: dict[str, dict[str, Any]] = defaultdict(lambda: {"datasets": 0, "score_sum": 0, "overdue": []})
    _total, facets = visibility.facet_counts(user, [completeness.INDEX_FIELD], fq=fq)
    for value, item in facets[completeness.INDEX_FIELD].items():
        org_id, _sep, score = value.rpartition(" ")
        per_org[org_id]["datasets"] += item["count"]
        per_org[org_id]["score_sum"] += int(score) * item["count"]
    overdue_fq = f"{fq} {freshness.overdue_fq()}".strip()
    overdue_counts: dict[str, int] = {}
    if details:
        # A few stored fields of each overdue dataset, not the dataset whole.
        id_of = {name: org_id for org_id, (name, _title) in names.items()}
        fields = ["id", "name", "title", "organization", "extras_frekuensi", "maintainer", "maintainer_email",
                  freshness.INDEX_FIELD]
        for found in visibility.iter_datasets(user, fq=overdue_fq, fl=fields):
            fresh = freshness.indexed(found)
            if fresh["status"] != freshness.TERLAMBAT:
                continue
            per_org[id_of.get(found.get("organization") or "", "")]["overdue"].append({
                "id": found["id"], "name": found["name"], "title": found.get("title") or found["name"],
                "frekuensi": fresh["frekuensi"], "last_update": fresh["last_update"], "due": fresh["due"],
                "days_overdue": fresh["days_overdue"],
                "maintainer": found.get("maintainer") or "",
                "maintainer_email": found.get("maintainer_email") or "",
            })
        overdue_counts = {org_id: len(entry["overdue"]) for org_id, entry in per_org.items()}
    else:
        _n, counted = visibility.facet_counts(user, ["owner_org"], fq=overdue_fq)
        overdue_counts = {org_id: item["count"] for org_id, item in counted["owner_org"].items()}
    instansi = []
    for org_id, entry in per_org.items():
        if not entry["datasets"]:
            continue
        name, title = names.get(org_id, (org_id, org_id))
        entry["overdue"].sort(key=lambda d: -d["days_overdue"])
        overdue = overdue_counts.get(org_id, 0)
        instansi.append({
            "instansi": name, "title": title, "datasets": entry["datasets"],
            "overdue": overdue, "up_to_date": entry["datasets"] - overdue,
            "completeness": round(entry["score_sum"] / entry["datasets"], 1),
            "overdue_datasets": entry["overdue"],
        })
    ranking = sorted(instansi, key=lambda r: (-r["completeness"], r["title"].lower()))
    for rank, row in enumerate(ranking, start=1):
        row["rank"] = rank
    total = sum(r["datasets"] for r in instansi)
    overdue = sum(r["overdue"] for r in instansi)
    return {
        "datasets": total,
        "overdue": overdue,
        "up_to_date_share": round(100 * (total - overdue) / total, 1) if total else None,
        "completeness": round(sum(r["completeness"] * r["datasets"] for r in instansi) / total, 1) if total else None,
        "instansi": ranking,
    }


def overdue_by_maintainer(quality_report: dict[str, Any]) -> dict[str, tuple[str, list[str]]]:
    """{maintainer e-mail: (name, [dataset ids])} of a report's overdue datasets."""
    result: dict[str, tuple[str, list[str]]] = {}
    for org in quality_report["instansi"]:
        for d in org["overdue_datasets"]:
            email = d["maintainer_email"].strip().lower()
            if email:
                result.setdefault(email, (d["maintainer"], []))[1].append(d["id"])
    return result
