"""The five stars of open data (5-star deployment scheme), per file and per dataset.

1. any format under an open licence;
2. structured, machine-readable data (e.g. XLSX);
3. in a non-proprietary format (e.g. CSV, JSON);
4. W3C standards: RDF with URIs (e.g. Turtle, JSON-LD);
5. RDF linked to other data (here: RDF files and at least one Rujukan link).

A dataset has the stars of its best file: whoever downloads it can take that
form. Without an open licence there is no star at all. Computed from the licence
and the formats, so every edit updates it; indexed as ``satudata_stars``.
"""
from __future__ import annotations

import os
from typing import Any, Optional
from urllib.parse import urlparse

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckanext.satudata.common import N_

# Upper-case format names (and file extensions) by the star they reach with an
# open licence. Anything not listed (PDF, DOCX, images, ZIP, HTML ...) is one star.
_RDF = {"RDF", "RDF/XML", "RDFXML", "OWL", "TTL", "TURTLE", "N3", "NT", "N-TRIPLES", "NQ", "N-QUADS",
        "TRIG", "JSON-LD", "JSONLD", "SPARQL"}
_OPEN = {"CSV", "TSV", "JSON", "GEOJSON", "XML", "ODS", "KML", "GML", "GPX", "TOPOJSON", "API",
         "JSON API", "XML API", "WMS", "WFS", "NETCDF", "NC", "PARQUET"}
_PROPRIETARY = {"XLS", "XLSX", "XLSM", "SHP", "DBF", "MDB", "ACCDB", "SAV", "DTA", "KMZ", "SAS7BDAT"}

# Media types that CKAN puts in ``format`` when it guesses it from a link.
_MEDIA_TYPES = {
    "TEXT/TURTLE": "TTL", "APPLICATION/RDF+XML": "RDF", "APPLICATION/LD+JSON": "JSON-LD",
    "APPLICATION/N-TRIPLES": "NT", "TEXT/N3": "N3", "APPLICATION/N-QUADS": "NQ", "APPLICATION/TRIG": "TRIG",
    "TEXT/CSV": "CSV", "TEXT/TAB-SEPARATED-VALUES": "TSV", "APPLICATION/JSON": "JSON",
    "APPLICATION/GEO+JSON": "GEOJSON", "APPLICATION/XML": "XML", "TEXT/XML": "XML",
    "APPLICATION/VND.OASIS.OPENDOCUMENT.SPREADSHEET": "ODS",
    "APPLICATION/VND.GOOGLE-EARTH.KML+XML": "KML", "APPLICATION/VND.MS-EXCEL": "XLS",
    "APPLICATION/VND.OPENXMLFORMATS-OFFICEDOCUMENT.SPREADSHEETML.SHEET": "XLSX",
}

_EXTENSIONS = {"jsonld": "JSON-LD", "ttl": "TTL", "nt": "NT", "n3": "N3", "rdf": "RDF", "owl": "OWL"}


REASONS = {
    "no_licence": N_("The licence is not open, so the data is not open data"),
    "no_files": N_("No file or link yet"),
    1: N_("Open licence, but {format} is not structured, machine-readable data"),
    2: N_("Structured, machine-readable data, but {format} is a proprietary format"),
    3: N_("Open licence and an open, non-proprietary format ({format})"),
    4: N_("RDF ({format}): W3C standards with URIs for things"),
    5: N_("RDF ({format}) linked to other data through the References"),
}


def resource_format(resource: dict[str, Any]) -> str:
    """The resource's format, or its file extension when no format is set."""
    fmt = (resource.get("format") or "").strip().upper()
    if fmt:
        return _MEDIA_TYPES.get(fmt, fmt.lstrip("."))
    path = urlparse(resource.get("url") or "").path
    ext = os.path.splitext(path)[1].lstrip(".").lower()
    return _EXTENSIONS.get(ext, ext.upper())


def licence_is_open(license_id: Optional[str]) -> bool:
    if not license_id:
        return False
    licence = model.Package.get_license_register().get(license_id)
    return bool(licence and licence.isopen())


def _format_level(fmt: str) -> int:
    if fmt in _RDF:
        return 4
    if fmt in _OPEN:
        return 3
    if fmt in _PROPRIETARY:
        return 2
    return 1


def _linked(dataset: dict[str, Any]) -> bool:
    rujukan = dataset.get("rujukan") or []
    if isinstance(rujukan, str):
        rujukan = [rujukan]
    return any(str(u).startswith(("http://", "https://")) for u in rujukan)


def resource_stars(resource: dict[str, Any], dataset: dict[str, Any]) -> dict[str, Any]:
    """``{"stars": 0-5, "reason": key, "format": fmt}`` for one file of ``dataset``."""
    fmt = resource_format(resource)
    if not licence_is_open(dataset.get("license_id")):
        return {"stars": 0, "reason": "no_licence", "format": fmt}
    level = _format_level(fmt)
    if level == 4 and _linked(dataset):
        level = 5
    return {"stars": level, "reason": level, "format": fmt}


def dataset_stars(dataset: dict[str, Any]) -> dict[str, Any]:
    """The dataset's stars (those of its best file) with the reason and the
    stars of each file: ``{"stars", "reason", "format", "resources": {id: ...}}``."""
    per_resource = {r.get("id") or str(i): resource_stars(r, dataset)
                    for i, r in enumerate(dataset.get("resources") or [])}
    if not licence_is_open(dataset.get("license_id")):
        best = {"stars": 0, "reason": "no_licence", "format": ""}
    elif not per_resource:
        best = {"stars": 0, "reason": "no_files", "format": ""}
    else:
        best = max(per_resource.values(), key=lambda s: s["stars"])
    return dict(best, resources=per_resource)


def reason_text(result: dict[str, Any]) -> str:
    """The reason of a star level in the page's language."""
    message = REASONS[result["reason"]]
    return tk._(message).format(format=result.get("format") or "-")


def annotate(dataset: dict[str, Any]) -> None:
    """Adds ``satudata_stars`` and ``satudata_stars_reason`` to the dataset and each
    resource (package_show's output, in the portal's default language)."""
    result = dataset_stars(dataset)
    dataset["satudata_stars"] = result["stars"]
    dataset["satudata_stars_reason"] = _reason_default_language(result)
    for i, resource in enumerate(dataset.get("resources") or []):
        r = result["resources"].get(resource.get("id") or str(i))
        if r is not None:
            resource["satudata_stars"] = r["stars"]
            resource["satudata_stars_reason"] = _reason_default_language(r)


def _reason_default_language(result: dict[str, Any]) -> str:
    try:
        return reason_text(result)
    except (RuntimeError, TypeError, AttributeError):  # no translator outside a request
        return REASONS[result["reason"]].format(format=result.get("format") or "-")


def facet_label(value: str) -> str:
    """How a star level reads in the search facet."""
    if value == "0":
        return tk._("Not open data (0 stars)")
    return tk._("{n} stars").format(n=value) if value != "1" else tk._("1 star")
