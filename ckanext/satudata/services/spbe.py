"""Evidence for the SPBE evaluation of the open-data service: for each maturity
level, what the portal offers that meets it, with live figures and the pages
that show them. Generated from the portal's data, never written by hand."""
from __future__ import annotations

import datetime
import statistics as stats
from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.satudata import reference, visibility, workflow
from ckanext.satudata.services import datarequests, quality, statistics
from ckanext.satudata.common import N_


def _median_days(span_counts: dict[str, dict[str, Any]]) -> Optional[float]:
    """The median of the indexed approval spans (``{seconds: {"count"}}``, a facet), in days."""
    spans = sorted((float(seconds), v["count"]) for seconds, v in span_counts.items())
    total = sum(count for _seconds, count in spans)
    if not total:
        return None
    # The middle one (odd) or the two middle ones (even), by position in the sorted spans.
    positions = sorted({(total - 1) // 2, total // 2})
    middle, seen = [], 0
    for seconds, count in spans:
        seen += count
        while positions and positions[0] < seen:
            middle.append(seconds)
            positions.pop(0)
    return round(stats.mean(middle) / 86400, 1)


# (level, title msgid, what the indicator asks msgid, [(feature msgid, endpoint, figure keys)])
LEVELS = [
    (1, N_("Dissemination"), N_("One-way information: reports and statistics of open-data use"), [
        (N_("Public usage statistics: datasets per Instansi, Tematik, year and format; views and "
            "downloads per month; most viewed and most downloaded; catalogue growth; CSV downloads"),
         "satudata_services.statistik", ["datasets_public", "views", "downloads"]),
        (N_("Public data catalogue with dataset pages, previews and the Instansi that publish"),
         "dataset.search", ["instansi_publishing"]),
    ]),
    (2, N_("Interaction"), N_("Search for information, download documents, inventory list of shared data"), [
        (N_("Search with filters (Instansi, Tematik, format, licence, frequency, year, area, stars)"),
         "dataset.search", ["datasets_public"]),
        (N_("File downloads, counted per dataset and Instansi"), "satudata_services.statistik", ["downloads"]),
        (N_("Inventory of shared data (daftar inventarisasi data) with the full metadata, as CSV and XLSX"),
         "satudata_services.inventaris", ["datasets_total"]),
        (N_("Release calendar (jadwal rilis): when each Instansi's next update is due, overdue data marked; "
            "page, CSV and iCalendar"), "satudata_services.jadwal_rilis", ["up_to_date_share"]),
    ]),
    (3, N_("Transaction"), N_("Upload and download of open data with a response: approval and validation"), [
        (N_("Produsen Data publish through forms; every submission is validated (metadata and files)"),
         "dataset.new", ["instansi_total"]),
        (N_("Approval (persetujuan) by the Walidata and, for priority data, the Pembina Data"),
         "satudata.verifikasi", ["approved", "awaiting", "median_approval_days"]),
    ]),
    (4, N_("Collaboration"), N_("Integration with other SPBE services and the national Satu Data portal"), [
        (N_("DCAT catalogue (RDF) for the Satu Data Indonesia portal and other harvesters"),
         ("dcat.read_catalog", {"_format": "ttl"}), ["datasets_public"]),
        (N_("CKAN Action API for other systems, including these figures"),
         ("api.action", {"ver": 3, "logic_function": "satudata_statistics"}), []),
        (N_("Standard reference codes: Kemendagri area codes for the coverage area"), "", ["wilayah_codes"]),
    ]),
    (5, N_("Optimisation"), N_("Continuous improvement, consolidation with public services, help desk"), [
        (N_("Help desk: questions and answers, contact of the Walidata"), "satudata_services.bantuan", []),
        (N_("Data requests from the public, triaged and answered"), "satudata_services.requests",
         ["requests", "requests_answered", "median_answer_days"]),
        (N_("Data quality monitored: freshness against the publication frequency, metadata completeness, "
            "five stars of open data"), "satudata_services.kualitas",
         ["up_to_date_share", "completeness", "stars_3_plus"]),
    ]),
]

FIGURES = {
    "datasets_public": N_("Public datasets"),
    "datasets_total": N_("Datasets in the inventory (all statuses)"),
    "instansi_total": N_("Instansi"),
    "instansi_publishing": N_("Instansi with public data"),
    "views": N_("Dataset page views (all time)"),
    "downloads": N_("Downloads (all time)"),
    "approved": N_("Approved datasets"),
    "awaiting": N_("Datasets awaiting verification"),
    "median_approval_days": N_("Median days from submission to approval"),
    "wilayah_codes": N_("Area codes"),
    "requests": N_("Data requests received"),
    "requests_answered": N_("Data requests answered"),
    "median_answer_days": N_("Median days to answer a request"),
    "up_to_date_share": N_("Datasets up to date (%)"),
    "completeness": N_("Average metadata completeness (%)"),
    "stars_3_plus": N_("Public datasets with 3 stars or more"),
}


def figures(user: Any) -> dict[str, Any]:
    """The figures of the evidence: public ones as the public sees them, the
    workflow's as ``user`` (the Walidata) sees them."""
    public_total, public_facets = visibility.facet_counts(None, ["organization", "satudata_stars"])
    # Approval spans are indexed for approved datasets only (workflow.approval_seconds).
    all_total, status_facets = visibility.facet_counts(user, ["approval_status", workflow.APPROVAL_SPAN_FIELD])
    usage = statistics.public_usage_totals()
    requests = datarequests.counts()
    report = quality.report(user, details=False)
    status = {k: v["count"] for k, v in status_facets["approval_status"].items()}
    return {
        "datasets_public": public_total,
        "datasets_total": all_total,
        "instansi_total": len(statistics.groups_of_type(organization=True)),
        "instansi_publishing": len(public_facets["organization"]),
        "views": usage["views"],
        "downloads": usage["downloads"],
        "approved": status.get(workflow.APPROVED, 0),
        "awaiting": status.get(workflow.PENDING, 0) + status.get(workflow.PEMBINA_REVIEW, 0),
        "median_approval_days": _median_days(status_facets[workflow.APPROVAL_SPAN_FIELD]),
        "wilayah_codes": len(reference.wilayah_list()),
        "requests": sum(requests.values()),
        "requests_answered": requests[datarequests.DIPENUHI] + requests[datarequests.DITOLAK],
        "median_answer_days": datarequests.median_days_to_answer(),
        "up_to_date_share": report["up_to_date_share"],
        "completeness": report["completeness"],
        "stars_3_plus": sum(v["count"] for k, v in public_facets["satudata_stars"].items() if k in "345"),
    }


def _url(endpoint: Any) -> str:
    if not endpoint:
        return ""
    name, kwargs = endpoint if isinstance(endpoint, tuple) else (endpoint, {})
    try:
        return tk.url_for(name, _external=True, **kwargs)
    except Exception:  # an endpoint of a plugin that is not enabled
        return ""


def evidence(user: Any) -> dict[str, Any]:
    values = figures(user)
    levels = []
    for level, title, asks, features in LEVELS:
        levels.append({
            "level": level, "title": tk._(title), "asks": tk._(asks),
            "features": [{
                "feature": tk._(text),
                "url": _url(endpoint),
                "figures": [{"key": k, "label": tk._(FIGURES[k]), "value": values[k]} for k in keys],
            } for text, endpoint, keys in features],
        })
    return {"generated": datetime.datetime.utcnow().replace(microsecond=0).isoformat(),
            "site": tk.config.get("ckan.site_title"), "figures": values, "levels": levels}
