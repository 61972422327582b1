"""Tabular preview and the row-level Data API: CKAN's DataStore, loaded by the
portal's exact loader (``tables.py``) in the background worker (``ckan jobs
worker``, CKAN's Redis queue).

What this module adds:

- which files are loaded: uploaded CSV/XLSX only. Links are never fetched: the
  worker sits inside the portal's network (Solr, Redis and the databases answer
  there), so loading links would let anyone who may add a link copy those
  services' answers into a table (SSRF). The worker reads the upload from the
  file store itself, with no HTTP round trip and no API token;
- when: on every upload or replacement (``after_resource_create``/
  ``after_resource_update``), after a revision's approval, after a Kamus Data
  type change, and on request (``satudata_table_load``); an unchanged file
  whose table is in place is not loaded again;
- the load status (core's ``task_status`` table, ``task_type`` satudata_table)
  for the people who may edit the file, with every problem told in the
  portal's language (``describe``).

Who may read the rows is not decided here: datastore_search, the dumps and the
DataTables view ask ``resource_show``, which follows the permission labels of
``visibility.py`` like every other page.
"""
from __future__ import annotations

import datetime
import json
import logging
import os
import time
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.uploader import get_resource_uploader
from ckan.types import Context, DataDict
from ckanext.datastore.logic import action as datastore_action

from ckanext.satudata import tables
from ckanext.satudata.common import N_

log = logging.getLogger(__name__)

# Core's message after the Kamus Data form is saved says a type change waits for
# the next upload; here it loads the file at once, so the portal's catalogue
# words it anew (an extension's translation takes precedence over core's).
N_("Data Dictionary saved. Any type overrides will take effect when the resource is next uploaded to DataStore")

TASK_TYPE = "satudata_table"
TASK_KEY = "load"


# ---------------------------------------------------------------------------
# What is loaded

def loadable(resource: dict[str, Any]) -> bool:
    """An uploaded file (links are never fetched by the worker, see above)."""
    return resource.get("url_type") == "upload"


def table_format(resource: dict[str, Any]) -> Optional[str]:
    """'csv' or 'xlsx' for a file the loader reads, else None."""
    return tables.file_format(resource.get("format") or "", resource.get("url") or "")


def can_load(resource_id: str) -> bool:
    """An uploaded, non-empty CSV/XLSX (an empty one has nothing to load)."""
    resource = model.Resource.get(resource_id)
    return (resource is not None and resource.state == "active"
            and loadable({"url_type": resource.url_type}) and resource.size != 0
            and table_format({"format": resource.format, "url": resource.url}) is not None)


def _documented_as(original):
    """Keep the chained action's API documentation: core wraps a chained action
    in a functools.partial, whose docstring help_show would serve instead; it
    copies the function's __dict__ onto that partial, so the original docstring
    is put there."""
    def decorate(func):
        func.__dict__["__doc__"] = original.__doc__
        return func
    return decorate


def _as_site_user(context: Context) -> None:
    # Internal calls with ignore_auth and no user ("" or none at all) would fail
    # in the activity stream ("User not found") of the resource_patch they end
    # in. Such calls are the site user's.
    if context.get("ignore_auth") and not context.get("user"):
        context["user"] = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


@_documented_as(datastore_action.datastore_create)
@tk.chained_action
def datastore_create(next_action, context: Context, data_dict: DataDict):
    """Core's datastore_create; internal calls without a user act as the site user.
    A Kamus Data type change (``info.type_override``) loads the file again with it."""
    _as_site_user(context)
    before = _overrides(data_dict.get("resource_id")) if data_dict.get("fields") else None
    result = next_action(context, data_dict)
    if data_dict.get("fields") and isinstance(result, dict):
        _reindex_dataset_of(result.get("resource_id") or data_dict.get("resource_id"))
    if before is not None and not data_dict.get("records"):
        after = {f.get("id"): (f.get("info") or {}).get("type_override") or None
                 for f in data_dict.get("fields") or [] if isinstance(f, dict)}
        if any(before.get(name) != kind for name, kind in after.items() if name in before) \
                and can_load(data_dict["resource_id"]):
            submit(data_dict["resource_id"], force=True)
    return result


def _reindex_dataset_of(resource_id: Optional[str]) -> None:
    """The table's columns or their Kamus Data changed: the dataset's metadata
    completeness, which the search index holds for the quality report, with it."""
    res = model.Resource.get(resource_id) if resource_id else None
    if res is not None and res.package_id:
        from ckan.lib import search
        search.rebuild(res.package_id)


def _overrides(resource_id: Optional[str]) -> Optional[dict[str, Any]]:
    if not resource_id:
        return None
    return {name: info.get("type_override") or None
            for name, info in tables.existing_info(resource_id).items()}


@_documented_as(datastore_action.datastore_delete)
@tk.chained_action
def datastore_delete(next_action, context: Context, data_dict: DataDict):
    """Core's datastore_delete; internal calls without a user act as the site user."""
    _as_site_user(context)
    return next_action(context, data_dict)


# ---------------------------------------------------------------------------
# The load job and its status

NEXT_KEY = "next"  # the load of a pending revision's new file (tables.next_table)


def _task(session: Any, resource_id: str, key: str = TASK_KEY) -> Any:
    return session.query(model.TaskStatus).filter(
        model.TaskStatus.entity_id == resource_id, model.TaskStatus.task_type == TASK_TYPE,
        model.TaskStatus.key == key).first()


def _save_status(resource_id: str, state: str, key: str = TASK_KEY, **value: Any) -> None:
    """The status, in a session of its own: the caller may be in the middle of a
    resource transaction, and the page must show it at once."""
    session = model.meta.create_local_session()
    try:
        task = _task(session, resource_id, key)
        if task is None:
            task = model.TaskStatus(entity_id=resource_id, entity_type="resource",
                                    task_type=TASK_TYPE, key=key)
            session.add(task)
        previous = json.loads(task.value or "{}") if task.value else {}
        if state in ("pending", "running"):
            # Keep what the last finished load said until this one ends.
            value = dict(previous, **value)
        task.state = state
        task.value = json.dumps(value, default=str)
        task.error = json.dumps(value.get("problems")) if value.get("problems") else None
        task.last_updated = datetime.datetime.utcnow()
        session.commit()
    finally:
        session.close()


def load_state(resource_id: str, key: str = TASK_KEY) -> Optional[dict[str, Any]]:
    """The stored status: ``state`` (pending, running, complete, error) and its report."""
    task = _task(model.Session, resource_id, key)
    if task is None:
        return None
    model.Session.refresh(task)
    value = json.loads(task.value or "{}")
    return dict(value, state=task.state, last_updated=task.last_updated)


def submit(resource_id: str, force: bool = False) -> bool:
    """Queue the load of a file; False when it is not a file the loader reads."""
    if not can_load(resource_id):
        return False
    _save_status(resource_id, "pending", queued_at=datetime.datetime.utcnow().isoformat())
    tk.enqueue_job(load_job, [resource_id, force], title=f"satudata table {resource_id}",
                   rq_kwargs={"timeout": tk.config.get("ckanext.satudata.table.job_timeout")})
    return True


def _resource_when_committed(resource_id: str) -> Optional[model.Resource]:
    # The job may start before the upload's transaction commits.
    for _ in range(10):
        model.Session.remove()
        resource = model.Resource.get(resource_id)
        if resource is not None:
            return resource
        time.sleep(0.5)
    return None


def load_job(resource_id: str, force: bool = False) -> None:
    """The background job: load the file exactly, or record why not. The
    published table stays until the new one equals the file."""
    resource = _resource_when_committed(resource_id)
    if resource is None or resource.state != "active":
        return
    res_dict = {"id": resource.id, "url": resource.url, "url_type": resource.url_type,
                "format": resource.format}
    fmt = table_format(res_dict)
    if not loadable(res_dict) or fmt is None:
        return
    path = get_resource_uploader(res_dict).get_path(resource.id)
    try:
        size = os.path.getsize(path)
        digest = tables.file_hash(path)
    except OSError:
        _save_status(resource_id, "error", problems=[["missing_file", {}]])
        return
    limit = tk.config.get("ckanext.satudata.table.max_size")
    if size > limit:
        _save_status(resource_id, "error", problems=[["too_big", {"size": size_text(size),
                                                                  "limit": size_text(limit)}]])
        return
    previous = load_state(resource_id) or {}
    active = bool(resource.extras.get("datastore_active"))
    if not force and active and previous.get("hash") == digest and previous.get("state") in (
            "complete", "pending", "running") and previous.get("rows") is not None:
        _save_status(resource_id, "complete", **{k: v for k, v in previous.items()
                                                   if k not in ("state", "last_updated")})
        return
    _save_status(resource_id, "running", started_at=datetime.datetime.utcnow().isoformat())
    started = time.monotonic()
    try:
        report = tables.load(resource_id, path, fmt)
    except tables.TableError as e:
        _save_status(resource_id, "error", problems=[[c, p] for c, p in e.problems], hash=digest)
        log.info("Table %s not loaded: %s", resource_id, e)
        return
    except Exception as e:  # recorded for the page, then re-raised for the worker's log
        _save_status(resource_id, "error", problems=[["internal", {"error": str(e)[:500]}]], hash=digest)
        raise
    report.update(hash=digest, seconds=round(time.monotonic() - started, 1))
    _save_status(resource_id, "complete", **report)
    if not active:
        # The flag, then the preview views core makes for tables.
        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        context = {"user": site_user["name"], "ignore_auth": True, "satudata_loader": True}
        tk.get_action("resource_patch")(dict(context), {"id": resource_id, "datastore_active": True})
        shown = tk.get_action("resource_show")(dict(context), {"id": resource_id})
        dataset = tk.get_action("package_show")(dict(context), {"id": shown["package_id"]})
        tk.get_action("resource_create_default_resource_views")(
            dict(context), {"resource": shown, "package": dataset, "create_datastore_views": True})


def stage_revision_file(resource_id: str, file_id: str, fmt: str) -> None:
    """Queue the load of a pending revision's replacement file into the table
    that waits for the approval (``tables.next_table``)."""
    _save_status(resource_id, "pending", NEXT_KEY, file_id=file_id)
    tk.enqueue_job(stage_job, [resource_id, file_id, fmt], title=f"satudata next table {resource_id}",
                   rq_kwargs={"timeout": tk.config.get("ckanext.satudata.table.job_timeout")})


def stage_job(resource_id: str, file_id: str, fmt: str) -> None:
    """The background job for a revision's file: the table is built under its
    waiting name, so approving the revision publishes it at once."""
    path = get_resource_uploader({"url_type": "upload"}).get_path(file_id)
    current = load_state(resource_id, NEXT_KEY) or {}
    if current.get("file_id") != file_id:
        return  # the revision has another file now; its own job loads it
    try:
        digest = tables.file_hash(path)
        report = tables.load(resource_id, path, fmt, table=tables.next_table(resource_id))
    except tables.TableError as e:
        _save_status(resource_id, "error", NEXT_KEY, file_id=file_id,
                     problems=[[c, p] for c, p in e.problems])
        return
    except OSError:
        return  # the revision was discarded meanwhile
    _save_status(resource_id, "complete", NEXT_KEY, file_id=file_id, hash=digest, **report)


def publish_revision_file(resource_id: str) -> bool:
    """At a revision's approval (its file already in place): the waiting table
    becomes the published one in one transaction, when it was loaded from this
    very file; otherwise the file is queued like any upload. True when published."""
    waiting = load_state(resource_id, NEXT_KEY) or {}
    path = get_resource_uploader({"url_type": "upload"}).get_path(resource_id)
    try:
        ready = waiting.get("state") == "complete" and waiting.get("hash") == tables.file_hash(path)
    except OSError:
        ready = False
    if ready and tables.promote(resource_id):
        report = {k: v for k, v in waiting.items() if k not in ("state", "last_updated", "file_id")}
        _save_status(resource_id, "complete", **report)
        forget_revision_file(resource_id)
        return True
    forget_revision_file(resource_id)
    submit(resource_id, force=True)
    return False


def forget_revision_file(resource_id: str) -> None:
    """Drop the waiting table and its status (approved, returned or discarded)."""
    tables.drop_next(resource_id)
    session = model.meta.create_local_session()
    try:
        task = _task(session, resource_id, NEXT_KEY)
        if task is not None:
            session.delete(task)
            session.commit()
    finally:
        session.close()


def after_resource_write(context: Context, resource: dict[str, Any]) -> None:
    """An upload or a replacement: load it (the job skips an unchanged file).
    Not for the loader's own flag on the resource (``satudata_loader``)."""
    if context.get("satudata_loader"):
        return
    if resource.get("id") and loadable(resource) and table_format(resource):
        try:
            submit(resource["id"])
        except Exception:  # the file is saved; the status page offers to load it again
            log.exception("Could not queue the table load of %s", resource.get("id"))


# ---------------------------------------------------------------------------
# Load status for the resource page

def size_text(size: str | int) -> str:
    size = int(size)
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def describe(code: str, params: dict[str, Any]) -> str:
    """A loader problem or note in the language of the request, with what to do."""
    p = dict(params)
    texts = {
        "no_header": tk._("The first row must be a header naming every column"),
        "too_many_columns": tk._("The file has {count} columns; a table holds at most {limit}"),
        "empty_header": tk._("Column {column} has no name in the header row: give every column a name"),
        "duplicate_header": tk._("The header names the column \"{name}\" twice (column {column}): every "
                                 "column needs its own name"),
        "long_header": tk._("The column name \"{name}\" is longer than {limit} characters: shorten it and "
                            "put the full wording in the Kamus Data"),
        "bad_header": tk._("The column name \"{name}\" cannot be used: a name may not start with \"_\", "
                           "contain a double quote or control characters"),
        "extra_values": tk._("Row {row} has more values than the {count} columns of the header row (the "
                             "extra value is {value}). Usually a value contains the separator and is not "
                             "wrapped in double quotes; if the file really has another column, name it in "
                             "the header row."),
        "short_rows": tk._("{count} rows have fewer values than the {width} columns of the header row "
                           "(rows {rows}). Check the separators and the quotes of the file."),
        "no_rows": tk._("The file has a header row but no data rows"),
        "unreadable": tk._("The file could not be read as a table ({error}). Save it again as CSV "
                           "(UTF-8) or XLSX with a header row."),
        "not_a_workbook": tk._("The file could not be opened as an Excel workbook (.xlsx): it may be an "
                               "old .xls renamed, or damaged. Open it and save it again as XLSX or CSV."),
        "formula_without_value": tk._("Cell {cell} holds a formula without a saved value: open the file "
                                      "in Excel or LibreOffice, let it calculate, save it and upload it again"),
        "override_number": tk._("The Kamus Data sets column \"{column}\" as a number, but row {row} holds "
                                "\"{value}\": correct the value (numbers without units or signs such as "
                                "\"-\"; leave the cell empty when there is no data) or set the type to text"),
        "override_date": tk._("The Kamus Data sets column \"{column}\" as a date, but row {row} holds "
                              "\"{value}\": write dates as 31/12/2024 or 2024-12-31, or set the type to text"),
        "override_integer": tk._("The Kamus Data sets column \"{column}\" as a whole number, but it holds "
                                 "decimals or very large numbers: choose the type number (decimal)"),
        "row_count": tk._("The table has {table} rows but the file {file}: it was not published"),
        "sum_differs": tk._("The total of column \"{column}\" in the table ({table}) differs from the "
                            "file ({file}): it was not published"),
        "database": tk._("The database refused a value: {error}"),
        "missing_file": tk._("The uploaded file is missing from the file store: upload it again"),
        "too_big": tk._("The file is {size}; tables are made from files up to {limit} (setting "
                        "ckanext.satudata.table.max_size), so it has no table preview and no Data API"),
        "internal": tk._("The loader stopped with an internal error ({error}); try loading it again"),
        "read_indonesian": tk._("Numbers read in the Indonesian style (a dot separates thousands, a comma "
                                "decimals: 125.430 is one hundred twenty-five thousand four hundred thirty) in "
                                "the columns {column}"),
        "read_international": tk._("Numbers read in the international style (a comma separates thousands, "
                                   "a dot decimals) in the columns {column}"),
        "mixed_styles": tk._("Column \"{column}\" mixes the Indonesian and the international number styles "
                             "(row {row}: \"{value}\"), so it stays text: write every number of the column "
                             "the same way"),
        "code_header": tk._("The columns {column} name a code, so their values stay text as written, "
                            "though they look like numbers"),
        "empty_rows": tk._("{count} empty rows were skipped"),
    }
    text = texts.get(code) or tk._("The file could not be loaded into a table")
    try:
        return text.format(**p)
    except (KeyError, IndexError, ValueError):
        return text


def column_note(column: dict[str, Any]) -> str:
    return {"int8": tk._("whole number"), "numeric": tk._("number"), "date": tk._("date"),
            "text": tk._("text")}.get(column.get("type"), column.get("type") or "")


def status(resource: dict[str, Any], user: Optional[str]) -> Optional[dict[str, Any]]:
    """The load status of ``resource`` for ``user``, or None when they may not
    edit it (the public sees the table, not the loader)."""
    context: dict[str, Any] = {"user": user or ""}
    try:
        tk.check_access("resource_update", dict(context), {"id": resource["id"]})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None
    if not table_format(resource):
        return None
    if not loadable(resource):
        return {"state": "link", "label": tk._("Not loaded"),
                "message": tk._("Only uploaded files are loaded into a table; links are not")}
    if resource.get("size") == 0:
        return {"state": "empty", "label": tk._("Not loaded"),
                "message": tk._("The file is empty: there are no rows to load")}
    job = load_state(resource["id"]) or {}
    state = job.get("state") or "none"
    result: dict[str, Any] = {"state": state, "last_updated": job.get("last_updated"),
                              "notes": [describe(c, p) for c, p in job.get("notes") or []],
                              "problems": [describe(c, p) for c, p in job.get("problems") or []],
                              "columns": job.get("columns") or [], "sample": job.get("sample") or [],
                              "encoding": job.get("encoding"), "delimiter": job.get("delimiter")}
    if state == "complete" and resource.get("datastore_active"):
        result["label"] = tk._("Loaded")
        result["rows"] = job.get("rows") or 0
        result["message"] = tk.ungettext(
            "{count} row, equal to the file, can be previewed and read through the Data API",
            "{count} rows, equal to the file, can be previewed and read through the Data API",
            result["rows"]).format(count=result["rows"])
    elif state == "complete":
        result.update(state="none", label=tk._("Not loaded"),
                      message=tk._("The file is not in the DataStore"))
    elif state == "pending":
        result["label"] = tk._("Waiting to be loaded")
        result["message"] = tk._("The file is in the queue of the background worker")
    elif state == "running":
        result["label"] = tk._("Loading")
        result["message"] = tk._("The background worker is loading the file into a table")
    elif state == "error":
        result["label"] = tk._("Loading failed")
        result["message"] = " ".join(result["problems"]) or describe("internal", {"error": ""})
        if resource.get("datastore_active"):
            result["message"] += " " + tk._("The table of the previous file stays as it was.")
    else:
        result.update(state="none", label=tk._("Not loaded"),
                      message=tk._("The file has not been loaded into a table yet"))
    return result


# ---------------------------------------------------------------------------
# Actions

def satudata_table_load(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Load a file (CSV or XLSX upload) into its DataStore table again, with the
    portal's exact rules, in the background.

    Who may edit the file may call it.

    :param resource_id: the file (resource) id
    :type resource_id: string
    :returns: ``{"queued": true}``; the result is in ``satudata_table_status``
    """
    resource_id = tk.get_or_bust(data_dict, "resource_id")
    tk.check_access("satudata_table_load", context, data_dict)
    if model.Resource.get(resource_id) is None:
        raise tk.ObjectNotFound(tk._("Resource not found"))
    if not can_load(resource_id):
        raise tk.ValidationError({"resource_id": [tk._(
            "Only uploaded, non-empty CSV and XLSX files are loaded into a table")]})
    submit(resource_id, force=True)
    return {"queued": True}


@tk.side_effect_free
def satudata_table_status(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The load of a file into its DataStore table: state (``pending``,
    ``running``, ``complete``, ``error``), rows, columns with their types, what
    the loader noticed (``notes``) and, on error, why (``problems``), each in
    the language of the request.

    Who may edit the file may call it.

    :param resource_id: the file (resource) id
    :type resource_id: string
    """
    resource_id = tk.get_or_bust(data_dict, "resource_id")
    tk.check_access("satudata_table_status", context, data_dict)
    job = load_state(resource_id)
    if job is None:
        raise tk.ObjectNotFound(tk._("This file has not been loaded into a table"))
    return {
        "resource_id": resource_id, "state": job["state"], "last_updated": job["last_updated"],
        "rows": job.get("rows"), "columns": job.get("columns") or [],
        "notes": [describe(c, p) for c, p in job.get("notes") or []],
        "problems": [describe(c, p) for c, p in job.get("problems") or []],
        "problem_codes": [c for c, _p in job.get("problems") or []],
        "seconds": job.get("seconds"),
    }
