"""Reference code lists (kode referensi) shipped with the schema.

The Kemendagri area codes of Kabupaten Kutai Timur and its kecamatan come from
``schemas/kode_wilayah.yaml``; the choice lists of the dataset fields come from
``schemas/dataset.yaml`` itself, so a label is written once.
"""
from __future__ import annotations

import functools
import os
from typing import Any

import yaml

_SCHEMAS = os.path.join(os.path.dirname(__file__), "schemas")


@functools.lru_cache(maxsize=None)
def _load(name: str) -> dict[str, Any]:
    with open(os.path.join(_SCHEMAS, name), encoding="utf-8") as f:
        return yaml.safe_load(f)


def wilayah_source() -> str:
    return _load("kode_wilayah.yaml")["source"].strip()


def wilayah_source_url() -> str:
    return _load("kode_wilayah.yaml").get("source_url") or ""


def wilayah_list() -> list[dict[str, str]]:
    """Every area as ``{"code", "level", "name"}``, the regency first."""
    return list(_load("kode_wilayah.yaml")["wilayah"])


@functools.lru_cache(maxsize=None)
def _wilayah_index() -> dict[str, dict[str, str]]:
    return {w["code"]: w for w in wilayah_list()}


def wilayah(code: str | None) -> dict[str, str] | None:
    return _wilayah_index().get((code or "").strip())


def wilayah_name(code: str | None) -> str:
    """How an area is named: "Kabupaten Kutai Timur", "Kecamatan Sangatta Utara"."""
    w = wilayah(code)
    if not w:
        return ""
    return w["name"] if w["level"] == "kabupaten" else f"Kecamatan {w['name']}"


def tingkat_list() -> list[dict[str, str]]:
    """The levels of the Kemendagri code (``{"value", "code_format", "name"}``)."""
    return list(_load("kode_wilayah.yaml")["tingkat"])


def tingkat(value: str | None) -> dict[str, str] | None:
    for level in tingkat_list():
        if level["value"] == value:
            return level
    return None


def wilayah_search(q: str | None) -> list[dict[str, str]]:
    """Areas whose code starts with ``q`` or whose name contains it (any case)."""
    key = (q or "").strip().lower()
    for prefix in ("kecamatan ", "kec. ", "kec "):
        if key.startswith(prefix):
            key = key[len(prefix):]
    return [w for w in wilayah_list()
            if not key or w["code"].startswith(key) or key in wilayah_name(w["code"]).lower()]


def wilayah_code_for(value: str | None) -> str | None:
    """The code for a code or a name ("Sangatta Utara", "kecamatan sangatta utara")."""
    value = (value or "").strip()
    if value in _wilayah_index():
        return value
    key = value.lower()
    for prefix in ("kecamatan ", "kec. ", "kec "):
        if key.startswith(prefix):
            key = key[len(prefix):]
    for w in wilayah_list():
        name = w["name"].lower()
        if key in (name, name.replace("kabupaten ", "kab. "), name.replace("kabupaten ", "")):
            return w["code"]
    return None


@functools.lru_cache(maxsize=None)
def dataset_field(field_name: str) -> dict[str, Any]:
    for field in _load("dataset.yaml")["dataset_fields"]:
        if field["field_name"] == field_name:
            return field
    raise KeyError(field_name)


def choices(field_name: str) -> list[dict[str, Any]]:
    return list(dataset_field(field_name).get("choices", []))


def choice_values(field_name: str) -> list[str]:
    return [c["value"] for c in choices(field_name)]


# ---------------------------------------------------------------------------
# Labels in the page's language (template helpers and the search index use them)

def page_language() -> str:
    import ckan.plugins.toolkit as tk
    try:
        return tk.h.lang() or "id"
    except (RuntimeError, AttributeError):
        return tk.config.get("ckan.locale_default") or "id"


def localised(label: Any) -> str:
    if isinstance(label, dict):
        return label.get(page_language()) or label.get("id") or label.get("en") or ""
    return str(label or "")


def wilayah_label(code: Any, with_code: bool = False) -> str:
    """How the portal names an area code ("Kecamatan Sangatta Utara"), with its code if asked."""
    w = wilayah(str(code) if code is not None else None)
    if not w:
        return "" if code is None else str(code)
    name = wilayah_name(w["code"])
    return f"{w['code']} {name}" if with_code else name


def choice_label(field_name: str, value: Any) -> str:
    """The label of a choice of a dataset field in the page's language
    (``tahunan`` -> "Tahunan" / "Yearly"); the value itself when unknown."""
    if field_name == "cakupan":
        return wilayah_label(value)
    for choice in choices(field_name):
        if str(choice["value"]) == str(value):
            return localised(choice["label"])
    return "" if value is None else str(value)
