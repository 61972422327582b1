"""Metadata completeness: the share of the recommended metadata a dataset fills.

Title, URL and Instansi are always there (the form requires them), so they are
not counted; what is counted is what a Produsen can leave empty or thin.
"""
from __future__ import annotations

import contextlib
import contextvars
import itertools
from typing import Any, Callable, Iterable, Iterator, Optional

import ckan.plugins.toolkit as tk
from ckanext.satudata.common import N_


# The Solr field (a string, "<owner_org id> <score>") set at indexing (search.py):
# one facet over it gives the datasets and the average score of every Instansi.
INDEX_FIELD = "satudata_org_completeness"


def _filled(value: Any) -> bool:
    if isinstance(value, (list, tuple, dict)):
        return any(_filled(v) for v in (value.values() if isinstance(value, dict) else value))
    return value not in (None, "", False) and str(value).strip() != ""


def _field(name: str) -> Callable[[dict[str, Any]], bool]:
    return lambda d: _filled(d.get(name))


def _licence(d: dict[str, Any]) -> bool:
    return _filled(d.get("license_id")) and d.get("license_id") not in ("notspecified", "other-closed")


def _resources(d: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in d.get("resources") or [] if r.get("state", "active") == "active"]


# The Kamus Data of the tables of a batch of datasets, read in one query
# (``kamus_read_once``); None outside such a batch.
_KAMUS: contextvars.ContextVar[Optional[dict[str, Any]]] = contextvars.ContextVar("satudata_kamus", default=None)


def _tables_of(d: dict[str, Any]) -> list[str]:
    return [r["id"] for r in _resources(d) if r.get("datastore_active")]


@contextlib.contextmanager
def kamus_read_once(datasets: list[dict[str, Any]]) -> Iterator[None]:
    """Inside the block, the completeness of these datasets reads the Kamus Data
    of all their tables from one query, not one query per dataset (a report
    over the catalogue)."""
    from ckanext.satudata import tables
    token = _KAMUS.set(tables.dictionary_summary([t for d in datasets for t in _tables_of(d)]))
    try:
        yield
    finally:
        _KAMUS.reset(token)


def each_with_kamus(datasets: Iterable[dict[str, Any]], batch: int = 1000) -> Iterator[dict[str, Any]]:
    """The datasets one by one, the Kamus Data of each batch read in one query
    while they are handed out (reports and exports over the catalogue)."""
    chunk: list[dict[str, Any]] = []
    for dataset in itertools.chain(datasets, [None]):
        if dataset is not None:
            chunk.append(dataset)
        if chunk and (dataset is None or len(chunk) == batch):
            with kamus_read_once(chunk):
                yield from chunk
            chunk = []


def _kamus_data(d: dict[str, Any]) -> bool | None:
    """Every column of every table described in the Kamus Data, every number
    column with its unit; None (not counted) when the dataset has no table."""
    tables_of = _tables_of(d)
    if not tables_of:
        return None
    known = _KAMUS.get()
    if known is not None:
        summary = {t: known[t] for t in tables_of if t in known}
    else:
        from ckanext.satudata import tables
        summary = tables.dictionary_summary(tables_of)
    return all(entry["described"] == entry["columns"] and not entry["without_unit"]
               for entry in summary.values()) and len(summary) == len(tables_of)


# (key, label, is it filled? — None when it does not apply) — labels of schema
# fields come from the schema.
CRITERIA: list[tuple[str, str, Callable[[dict[str, Any]], bool | None]]] = [
    ("notes", "", _field("notes")),
    ("tags", N_("Tags"), _field("tags")),
    ("license_id", "", _licence),
    ("groups", N_("Themes (Tematik)"), _field("groups")),
    ("sumber", "", _field("sumber")),
    ("maintainer", "", _field("maintainer")),
    ("maintainer_email", "", _field("maintainer_email")),
    ("frekuensi", "", _field("frekuensi")),
    ("level_penyajian", "", _field("level_penyajian")),
    ("tahun", "", _field("tahun")),
    ("cakupan", "", _field("cakupan")),
    ("rujukan", "", _field("rujukan")),
    ("resources", N_("At least one file or link"), lambda d: bool(_resources(d))),
    ("resource_format", N_("The format of every file"),
     lambda d: bool(_resources(d)) and all(_filled(r.get("format")) for r in _resources(d))),
    ("resource_description", N_("A description of every file"),
     lambda d: bool(_resources(d)) and all(_filled(r.get("description")) for r in _resources(d))),
    ("kamus_data", N_("The Kamus Data of every table: a label or description for every column, a unit "
                      "for every number column"), _kamus_data),
]


def label(key: str) -> str:
    for name, text, _check in CRITERIA:
        if name == key and text:
            return tk._(text)
    schema = tk.h.scheming_get_dataset_schema("dataset") or {}
    for field in schema.get("dataset_fields", []):
        if field["field_name"] == key:
            return tk.h.scheming_language_text(field.get("label"))
    return key


def completeness(dataset: dict[str, Any]) -> dict[str, Any]:
    """``{"score": 0-100, "filled": n, "total": n, "missing": [keys]}``."""
    verdicts = [(key, check(dataset)) for key, _label, check in CRITERIA]
    missing = [key for key, ok in verdicts if ok is not None and not ok]
    total = sum(1 for _key, ok in verdicts if ok is not None)
    filled = total - len(missing)
    return {"score": round(100 * filled / total), "filled": filled, "total": total, "missing": missing}
