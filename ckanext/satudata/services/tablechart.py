"""The chart of a table: chosen by its Produsen (resource field ``grafik``,
set on the file's "Tabel" tab), read from the DataStore with the reader's own
rights (``datastore_search``: the same visibility as the table) and drawn on
the server as SVG (``charts.py``), with its numbers as a table for screen
readers and for anyone who wants them.
"""
from __future__ import annotations

import json
from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.satudata.services import charts

NUMBER_TYPES = ("int2", "int4", "int8", "numeric", "float4", "float8")
MAX_BARS = 30
MAX_POINTS = 120


def config(resource: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The stored choice, or None."""
    try:
        value = json.loads(resource.get("grafik") or "null")
    except ValueError:
        return None
    return value if isinstance(value, dict) and value.get("jenis") in ("bar", "line") else None


def propose(columns: list[dict[str, Any]]) -> dict[str, Any]:
    """A default from the table's columns: the first text or date column that
    is not a code as the categories (a line when it is time), the first number
    columns as values."""
    numbers = [c["id"] for c in columns if c.get("type") in NUMBER_TYPES]
    others = [c for c in columns if c.get("type") not in NUMBER_TYPES]
    if not numbers or not others:
        return {"jenis": "", "kategori": "", "nilai": []}
    from ckanext.satudata.tables import CODE_HEADER
    # The first column that names things (not a code), else the first at all.
    category = next((c for c in others if not CODE_HEADER.search(c["id"])), others[0])
    time_like = category.get("type") == "date" or any(
        word in category["id"].lower() for word in ("tahun", "bulan", "periode", "tanggal", "year", "month"))
    return {"jenis": "line" if time_like else "bar", "kategori": category["id"], "nilai": numbers[:3]}


def _label(value: Any, kind: str, name: str) -> str:
    from ckanext.satudata.helpers import satudata_format_value
    if value is None or value == "":
        return "–"
    return satudata_format_value(value, kind, name)


def chart(resource: dict[str, Any], context: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The chart of ``resource`` for the reader of ``context``; None when it has
    none or the reader may not read the table; ``error`` when the stored choice
    no longer fits the table (a column renamed by a new file)."""
    chosen = config(resource)
    if not chosen or not resource.get("datastore_active"):
        return None
    category, values = chosen["kategori"], list(chosen["nilai"])
    limit = MAX_BARS if chosen["jenis"] == "bar" else MAX_POINTS
    try:
        found = tk.get_action("datastore_search")(dict(context), {
            "resource_id": resource["id"], "fields": [category] + values, "limit": limit,
            "sort": "_id asc" if chosen["jenis"] == "bar" else f'"{category}" asc'})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None
    except tk.ValidationError:
        return {"error": tk._("The chart's columns are no longer in the table: choose them again on the "
                              "file's Table tab")}
    types = {f["id"]: f.get("type") for f in found["fields"]}
    labels_of = {f["id"]: (f.get("info") or {}).get("label") or f["id"] for f in found["fields"]}
    units = {f["id"]: (f.get("info") or {}).get("satuan") for f in found["fields"]}
    if any(types.get(v) not in NUMBER_TYPES for v in values):
        return {"error": tk._("A value column of the chart is not a number column: choose the columns again "
                              "on the file's Table tab")}
    rows, skipped = [], 0
    for record in found["records"]:
        numbers = [record.get(v) for v in values]
        if any(n is None for n in numbers):
            skipped += 1
            continue
        label = _label(record.get(category), types.get(category) or "text", category)
        rows.append((label, [float(n) for n in numbers]))
    names = [labels_of[v] + (f" ({units[v]})" if units.get(v) else "") for v in values]
    title = f"{resource.get('name') or ''}: " + ", ".join(names)
    def draw(width: int) -> Any:
        # Drawn twice: for wide screens and for phones (a 640-wide drawing
        # shrunk to a phone would make its labels unreadable).
        if chosen["jenis"] == "bar" and len(values) == 1:
            return charts.bar_chart([(label, nums[0]) for label, nums in rows], title, width=width,
                                    label_width=220 if width > 500 else 120)
        return charts.column_chart([label for label, _n in rows],
                                   [(name, [nums[i] for _l, nums in rows]) for i, name in enumerate(names)],
                                   title, width=width, line=chosen["jenis"] == "line")
    return {
        "svg": draw(640), "svg_narrow": draw(340), "title": title, "kind": chosen["jenis"],
        "header": [labels_of.get(category, category)] + names,
        "table": [[_label(record.get(category), types.get(category) or "text", category)]
                  + [_label(record.get(v), types[v], v) for v in values] for record in found["records"]],
        "total": found.get("total") or 0, "shown": len(found["records"]), "skipped": skipped,
    }
