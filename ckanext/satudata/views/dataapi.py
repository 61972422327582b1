"""The Data API guide (``/api-docs/datastore``): how developers read the rows of
the portal's tables, with examples filled in for a real table of the portal.

The examples live here as data, so the page shows them and the tests run the
very same commands against a running portal (tests/e2e/test_dataapi_guide.py).
"""
from __future__ import annotations

import json
import re
from typing import Any, Optional

from flask import Blueprint

import ckan.plugins.toolkit as tk
from ckanext.satudata.common import N_
from ckan.common import current_user, request

satudata_dataapi = Blueprint("satudata_dataapi", __name__)


# Each example: a title and an explanation (translated on the page), a curl
# command and a Python program. Placeholders: {site}, {resource_id}, {column},
# {value}, {word}, {token}. Every example prints JSON or writes a CSV file.
EXAMPLES: list[dict[str, str]] = [
    {
        "id": "search",
        "title": N_("The first rows of a table"),
        "text": N_("datastore_search returns the rows of one file (resource) as JSON, 100 at a time "
                   "unless you ask for another limit (at most 32,000)."),
        "curl": 'curl -s "{site}/api/3/action/datastore_search?resource_id={resource_id}&limit=5"',
        "python": (
            "import requests\n\n"
            "response = requests.get(\"{site}/api/3/action/datastore_search\",\n"
            "                        params={{\"resource_id\": \"{resource_id}\", \"limit\": 5}}, timeout=30)\n"
            "result = response.json()[\"result\"]\n"
            "print(result[\"total\"], \"rows; columns:\", [f[\"id\"] for f in result[\"fields\"]])\n"
            "for record in result[\"records\"]:\n"
            "    print(record)\n"
        ),
    },
    {
        "id": "filters",
        "title": N_("Only the rows with a given value"),
        "text": N_("filters keeps the rows whose column has exactly this value; give several columns "
                   "to narrow further."),
        "curl": ('curl -s -G "{site}/api/3/action/datastore_search" '
                 '--data-urlencode "resource_id={resource_id}" '
                 "--data-urlencode 'filters={{\"{column}\": \"{value}\"}}'"),
        "python": (
            "import requests\n\n"
            "response = requests.post(\"{site}/api/3/action/datastore_search\", timeout=30,\n"
            "                         json={{\"resource_id\": \"{resource_id}\",\n"
            "                               \"filters\": {{\"{column}\": \"{value}\"}}}})\n"
            "for record in response.json()[\"result\"][\"records\"]:\n"
            "    print(record)\n"
        ),
    },
    {
        "id": "q",
        "title": N_("Search words in every column"),
        "text": N_("q searches the words in all columns (full-text search) and returns the matching rows."),
        "curl": 'curl -s "{site}/api/3/action/datastore_search?resource_id={resource_id}&q={word}"',
        "python": (
            "import requests\n\n"
            "response = requests.get(\"{site}/api/3/action/datastore_search\",\n"
            "                        params={{\"resource_id\": \"{resource_id}\", \"q\": \"{word}\"}}, timeout=30)\n"
            "print(response.json()[\"result\"][\"records\"])\n"
        ),
    },
    {
        "id": "fields_sort",
        "title": N_("Choose columns and sort"),
        "text": N_("fields lists the columns you want; sort orders the rows (asc or desc). Number "
                   "columns sort by value, text columns alphabetically; datastore_info gives every "
                   "column's type and its Kamus Data (label, description, unit)."),
        "curl": ('curl -s -G "{site}/api/3/action/datastore_search" '
                 '--data-urlencode "resource_id={resource_id}" '
                 '--data-urlencode "fields={column}" --data-urlencode "sort={column} desc"'),
        "python": (
            "import requests\n\n"
            "response = requests.get(\"{site}/api/3/action/datastore_search\", timeout=30, params={{\n"
            "    \"resource_id\": \"{resource_id}\", \"fields\": \"{column}\", \"sort\": \"{column} desc\"}})\n"
            "print([record[\"{column}\"] for record in response.json()[\"result\"][\"records\"]])\n"
        ),
    },
    {
        "id": "paging",
        "title": N_("Every row, page by page"),
        "text": N_("Ask for the next page with offset (the number of rows already read) until a page "
                   "comes back empty."),
        "curl": 'curl -s "{site}/api/3/action/datastore_search?resource_id={resource_id}&limit=100&offset=100"',
        "python": (
            "import requests\n\n"
            "rows, offset = [], 0\n"
            "while True:\n"
            "    response = requests.get(\"{site}/api/3/action/datastore_search\", timeout=30, params={{\n"
            "        \"resource_id\": \"{resource_id}\", \"limit\": 100, \"offset\": offset}})\n"
            "    records = response.json()[\"result\"][\"records\"]\n"
            "    if not records:\n"
            "        break\n"
            "    rows.extend(records)\n"
            "    offset += len(records)\n"
            "print(len(rows), \"rows\")\n"
        ),
    },
    {
        "id": "info",
        "title": N_("Columns of a table"),
        "text": N_("datastore_info lists the columns with their types and the number of rows."),
        "curl": 'curl -s "{site}/api/3/action/datastore_info?id={resource_id}"',
        "python": (
            "import requests\n\n"
            "response = requests.get(\"{site}/api/3/action/datastore_info\",\n"
            "                        params={{\"id\": \"{resource_id}\"}}, timeout=30)\n"
            "result = response.json()[\"result\"]\n"
            "print(result[\"meta\"][\"count\"], \"rows\")\n"
            "for field in result[\"fields\"]:\n"
            "    print(field[\"id\"], field[\"type\"])\n"
        ),
    },
    {
        "id": "dump",
        "title": N_("The whole table as a file"),
        "text": N_("The dump address gives every row as CSV (also format=tsv, json or xml), after any "
                   "filters or q you add."),
        "curl": 'curl -s -o tabel.csv "{site}/datastore/dump/{resource_id}"',
        "python": (
            "import requests\n\n"
            "with requests.get(\"{site}/datastore/dump/{resource_id}\", stream=True, timeout=60) as response:\n"
            "    response.raise_for_status()\n"
            "    with open(\"tabel.csv\", \"wb\") as out:\n"
            "        for chunk in response.iter_content(65536):\n"
            "            out.write(chunk)\n"
        ),
    },
    {
        "id": "token",
        "title": N_("Data not yet published, with your API token"),
        "text": N_("A Produsen Data reads the tables of their Instansi before the Walidata approves "
                   "them by sending their API token (made on their user page). Without it, such "
                   "tables answer \"not authorized\", like the dataset page."),
        "curl": ('curl -s -H "Authorization: {token}" '
                 '"{site}/api/3/action/datastore_search?resource_id={resource_id}&limit=5"'),
        "python": (
            "import requests\n\n"
            "response = requests.get(\"{site}/api/3/action/datastore_search\", timeout=30,\n"
            "                        params={{\"resource_id\": \"{resource_id}\", \"limit\": 5}},\n"
            "                        headers={{\"Authorization\": \"{token}\"}})\n"
            "print(response.json()[\"result\"][\"records\"])\n"
        ),
    },
]

PLACEHOLDERS = {
    "resource_id": "ID_BERKAS",
    "column": "nama_kolom",
    "value": "nilai",
    "word": "kata",
    "token": "TOKEN_API_ANDA",
}


def render_example(example: dict[str, str], kind: str, values: dict[str, str]) -> str:
    """The ``curl`` or ``python`` text of ``example`` with ``values`` filled in."""
    return example[kind].format(**values)


def _context() -> dict[str, Any]:
    return {"user": current_user.name if current_user.is_authenticated else ""}


def _sample(resource_id: Optional[str]) -> dict[str, str]:
    """Values for the examples from a table the reader may see: the one asked
    for, else the newest public one; placeholders when there is none."""
    values = dict(PLACEHOLDERS)
    resource = None
    if resource_id:
        try:
            resource = tk.get_action("resource_show")(_context(), {"id": resource_id})
        except (tk.ObjectNotFound, tk.NotAuthorized):
            resource = None
    if resource is None:
        # datastore_active is not in the search index: look through the newest
        # datasets with tabular files.
        found = tk.get_action("package_search")(_context(), {
            "fq": "res_format:(CSV OR XLSX OR csv OR xlsx)", "rows": 20, "sort": "metadata_modified desc"})
        tables = [r for d in found["results"] for r in d.get("resources", []) if r.get("datastore_active")]
        resource = tables[0] if tables else None
    if not resource or not resource.get("datastore_active"):
        return values
    values["resource_id"] = resource["id"]
    values["resource_name"] = resource.get("name") or resource["id"]
    try:
        result = tk.get_action("datastore_search")(_context(), {"resource_id": resource["id"], "limit": 1})
    except (tk.ObjectNotFound, tk.NotAuthorized, tk.ValidationError):
        return values
    columns = [f["id"] for f in result["fields"] if not f["id"].startswith("_")]
    record = (result.get("records") or [{}])[0]
    # A column with words reads best in the examples (e.g. a kecamatan's name).
    candidates = [(c, record.get(c)) for c in columns if isinstance(record.get(c), str)
                  and record[c].strip() and len(record[c]) < 60 and not set(record[c]) & set("\"'\\")]
    candidates.sort(key=lambda item: not any(ch.isalpha() for ch in item[1]))
    if candidates:
        values["column"], values["value"] = candidates[0]
        words = re.findall(r"\w+", values["value"])
        values["word"] = words[0] if words else PLACEHOLDERS["word"]
    return values


@satudata_dataapi.before_app_request
def _datatables_data_access():
    """The DataTables view's data endpoint asks resource_view_show without
    catching a refusal, which ends in a 500 and a traceback in the log for
    every visitor of a non-public table: refuse such requests with a 403 first."""
    if request.endpoint != "datatablesview.ajax":
        return None
    view_id = (request.view_args or {}).get("resource_view_id")
    try:
        tk.check_access("resource_view_show", _context(), {"id": view_id})
    except tk.NotAuthorized:
        return json.dumps({"error": tk._("Not authorized to see this page")}), 403, \
            {"Content-Type": "application/json"}
    except tk.ObjectNotFound:
        return json.dumps({"error": tk._("Not found")}), 404, {"Content-Type": "application/json"}
    return None


@satudata_dataapi.route("/api-docs/datastore")
def guide():
    """The Data API guide, in the page's language, with examples for a real table."""
    values = _sample(request.args.get("resource_id"))
    values["site"] = tk.config.get("ckan.site_url").rstrip("/")
    examples = [dict(e, curl_text=render_example(e, "curl", values),
                     python_text=render_example(e, "python", values)) for e in EXAMPLES]
    return tk.render("satudata/dataapi/guide.html", {
        "examples": examples, "values": values,
        "rows_max": tk.config.get("ckan.datastore.search.rows_max"),
        "rows_default": tk.config.get("ckan.datastore.search.rows_default"),
        "sql_enabled": tk.config.get("ckan.datastore.sqlsearch.enabled"),
        "sample_json": json.dumps({"resource_id": values["resource_id"], "limit": 5}),
    })


@satudata_dataapi.route("/dataset/<id>/resource/<resource_id>/table", methods=["GET", "POST"])
def table(id: str, resource_id: str):
    """The "Tabel" tab of a file, for who may edit it: how the file was loaded
    (columns and their types, what the loader noticed, why it refused), the
    first rows of the typed table, and a button to load it again."""
    context = _context()
    try:
        tk.check_access("satudata_table_status", context, {"resource_id": resource_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return tk.abort(403, tk._("Only who may edit this file can see how it was loaded"))
    pkg, res = _dataset_and_file(context, id, resource_id)
    if request.method == "POST":
        try:
            tk.get_action("satudata_table_load")(dict(context), {"resource_id": resource_id})
            tk.h.flash_success(tk._("The file is queued to be loaded again"))
        except tk.ValidationError as e:
            tk.h.flash_error(" ".join(str(m) for msgs in e.error_dict.values() for m in msgs))
        except tk.NotAuthorized as e:
            return tk.abort(403, str(e))
        return tk.redirect_to("satudata_dataapi.table", id=pkg["name"], resource_id=resource_id)
    return _table_page(pkg, res)


def _dataset_and_file(context: dict[str, Any], id: str, resource_id: str) -> tuple[dict, dict]:
    """The dataset and its file as the user may see them; 403/404 otherwise
    (tk.abort raises)."""
    try:
        pkg = tk.get_action("package_show")(dict(context), {"id": id})
        res = tk.get_action("resource_show")(dict(context), {"id": resource_id})
    except tk.NotAuthorized:
        tk.abort(403, tk._("Not authorized to see this page"))
    except tk.ObjectNotFound:
        tk.abort(404, tk._("Resource not found"))
    if res.get("package_id") != pkg["id"]:
        tk.abort(404, tk._("Resource not found"))
    return pkg, res


def _table_page(pkg: dict[str, Any], res: dict[str, Any], chart_form: Optional[dict[str, Any]] = None,
                chart_errors: Optional[list[str]] = None):
    from ckanext.satudata import dataapi
    from ckanext.satudata.services import tablechart
    state = dataapi.load_state(res["id"]) or {}
    columns = state.get("columns") or []
    if chart_form is None:
        chart_form = tablechart.config(res) or tablechart.propose(columns)
    return tk.render("satudata/dataapi/table.html", {
        "pkg": pkg, "res": res, "pkg_dict": pkg, "resource": res, "columns": columns,
        "chart_form": chart_form, "chart_errors": chart_errors or [],
        "number_types": tablechart.NUMBER_TYPES})


@satudata_dataapi.route("/dataset/<id>/resource/<resource_id>/grafik", methods=["POST"])
def chart_settings(id: str, resource_id: str):
    """The chart a Produsen chooses for a table (resource field ``grafik``),
    saved through resource_patch: on published data it becomes part of the
    change the Walidata verifies, like any other edit of the file."""
    context = _context()
    pkg, res = _dataset_and_file(context, id, resource_id)
    chosen = {"jenis": request.form.get("jenis") or "", "kategori": request.form.get("kategori") or "",
              "nilai": request.form.getlist("nilai")}
    try:
        tk.get_action("resource_patch")(dict(context), {"id": resource_id, "grafik": json.dumps(chosen)})
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e) or tk._("Not authorized to see this page"))
    except tk.ValidationError as e:
        messages = [str(m) for msgs in e.error_dict.values()
                    for m in (msgs if isinstance(msgs, list) else [msgs])]
        return _table_page(pkg, res, chosen, messages)
    tk.h.flash_success(tk._("The chart is saved") if chosen["jenis"] else tk._("The table has no chart now"))
    return tk.redirect_to("satudata_dataapi.table", id=pkg["name"], resource_id=resource_id)


@satudata_dataapi.route("/dataset/<id>/resource/<resource_id>/grafik.svg")
def chart_svg(id: str, resource_id: str):
    """The chart as an SVG file, for whoever may read the table."""
    from flask import Response
    from ckanext.satudata.services import tablechart
    context = _context()
    try:
        res = tk.get_action("resource_show")(dict(context), {"id": resource_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return tk.abort(404, tk._("Resource not found"))
    drawn = tablechart.chart(res, context)
    if not drawn or not drawn.get("svg"):
        return tk.abort(404, tk._("This table has no chart"))
    filename = re.sub(r"[^A-Za-z0-9_-]+", "-", res.get("name") or "grafik").strip("-") or "grafik"
    return Response('<?xml version="1.0" encoding="UTF-8"?>\n' + str(drawn["svg"]), mimetype="image/svg+xml",
                    headers={"Content-Disposition": f'attachment; filename="{filename}.svg"'})


@satudata_dataapi.after_app_request
def _datatables_values(response):
    """The rows core's DataTables view receives, made readable: numbers and
    dates written the page's way (125.430, 2.608,9 and 31/12/2024 on the
    Indonesian pages), and the value
    of a column whose name holds a dot ("per 100.000 Penduduk") put where
    DataTables looks for it (it reads a dot as a nested property, so the column
    was blank)."""
    if request.endpoint != "datatablesview.ajax" or response.status_code != 200:
        return response
    try:
        body = json.loads(response.get_data(as_text=True))
        view = tk.get_action("resource_view_show")({"ignore_auth": True},
                                                   {"id": request.view_args["resource_view_id"]})
        fields = tk.get_action("datastore_info")({"ignore_auth": True}, {"id": view["resource_id"]})["fields"]
    except (ValueError, KeyError, tk.ObjectNotFound, tk.ValidationError):
        return response
    from ckanext.datatablesview.helpers import datatablesview_null_label
    from ckanext.satudata.helpers import satudata_format_value
    null = str(datatablesview_null_label())
    numbers = [(f["id"], f["type"]) for f in fields
               if f.get("type") in ("int2", "int4", "int8", "numeric", "float4", "float8")]
    numbers += [(f["id"], "date") for f in fields if f.get("type") == "date"]
    dotted = [f["id"] for f in fields if "." in f["id"]]
    for record in body.get("data") or []:
        for name, kind in numbers:
            value = record.get(name)
            if value not in (None, "", null):
                record[name] = satudata_format_value(value, kind, name)
        for name in dotted:
            if name in record:
                _nest(record, name.split("."), record[name])
    response.set_data(json.dumps(body))
    return response


def _nest(record: dict[str, Any], path: list[str], value: Any) -> None:
    """record["a"]["b"] = value for the column "a.b", unless a column "a" is in the way."""
    target = record
    for part in path[:-1]:
        child = target.setdefault(part, {})
        if not isinstance(child, dict):
            return
        target = child
    target[path[-1]] = value
