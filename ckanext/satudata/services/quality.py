"""Data quality per dataset (five stars, freshness, metadata completeness) and
the Walidata's reports per Instansi: overdue datasets and completeness ranking."""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.satudata import common, visibility
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


def _org(dataset: dict[str, Any]) -> dict[str, str]:
    org = dataset.get("organization") or {}
    return {"name": org.get("name") or "", "title": org.get("title") or org.get("name") or ""}


def report(user: Any, owner_org: Optional[str] = None) -> dict[str, Any]:
    """Every active dataset ``user`` may see (the Walidata: all),
    grouped by Instansi: overdue datasets, freshness share and average
    completeness; Instansi ranked by average completeness."""
    fq = ""
    if owner_org:
        group = common.instansi(owner_org)
        if group is None:
            raise tk.ValidationError({"owner_org": [tk._("Instansi not found")]})
        fq = f"+organization:{common.solr_phrase(group.name)}"
    per_org: dict[str, dict[str, Any]] = defaultdict(lambda: {"datasets": 0, "overdue": [], "scores": []})
    titles: dict[str, str] = {}
    for dataset in completeness.each_with_kamus(visibility.iter_datasets(user, fq=fq)):
        org = _org(dataset)
        titles[org["name"]] = org["title"]
        entry = per_org[org["name"]]
        entry["datasets"] += 1
        score = completeness.completeness(dataset)
        entry["scores"].append(score["score"])
        fresh = freshness.freshness(dataset)
        if fresh["status"] == freshness.TERLAMBAT:
            entry["overdue"].append({
                "id": dataset["id"], "name": dataset["name"], "title": dataset["title"],
                "frekuensi": fresh["frekuensi"], "last_update": fresh["last_update"], "due": fresh["due"],
                "days_overdue": fresh["days_overdue"],
                "maintainer": dataset.get("maintainer") or "",
                "maintainer_email": dataset.get("maintainer_email") or "",
                "completeness": score["score"], "missing": score["missing"],
            })
    instansi = []
    for name, entry in per_org.items():
        entry["overdue"].sort(key=lambda d: -d["days_overdue"])
        instansi.append({
            "instansi": name, "title": titles[name], "datasets": entry["datasets"],
            "overdue": len(entry["overdue"]), "up_to_date": entry["datasets"] - len(entry["overdue"]),
            "completeness": round(sum(entry["scores"]) / len(entry["scores"]), 1),
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
