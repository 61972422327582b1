"""Tabular preview and the row-level Data API: CKAN's DataStore, loaded by
ckanext-xloader through the Redis job queue.

What the portal adds to the two:

- which files are loaded: uploaded CSV/XLSX only. A link is never fetched by
  the worker, which sits inside the portal's network (Solr, Redis and the
  databases answer there): loading links would let anyone who may add a link
  copy those services' answers into a table (SSRF);
- the API token the loader calls the portal with: xloader needs a sysadmin
  token in its settings; when none is configured the site user's token named
  ``satudata-xloader`` is made once and reused, so no deployment step is needed;
- xloader's job log goes to the portal's database unless
  ``ckanext.xloader.jobs_db.uri`` is set (xloader's default is a SQLite file in
  /tmp, shared by every checkout on a machine);
- the load status of a file for the people who may edit it (Produsen Data of
  its Instansi, Walidata), with the loader's common errors told in the
  portal's language.

Who may read the rows is not decided here: datastore_search, the dumps and the
DataTables view ask ``resource_show``, which follows the permission labels of
``permissions.py`` like every other page.
"""
from __future__ import annotations

import re
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import api_token
from ckan.types import Context, DataDict
from ckanext.datastore.logic import action as datastore_action
from ckanext.xloader import action as xloader_action

TOKEN_NAME = "satudata-xloader"
_XLOADER_JOBS_DB_DEFAULT = "sqlite:////tmp/xloader_jobs.db"
_NOT_SET = "NOT_SET"
# The token this process made itself (not one from the settings).
_own_token: dict[str, Optional[str]] = {"value": None}


def update_config(config: Any) -> None:
    if config.get("ckanext.xloader.jobs_db.uri") in (None, "", _XLOADER_JOBS_DB_DEFAULT):
        config["ckanext.xloader.jobs_db.uri"] = config.get("sqlalchemy.url")


# ---------------------------------------------------------------------------
# What is loaded, and the loader's token

def loadable(resource: dict[str, Any]) -> bool:
    """An uploaded file (links are never fetched by the worker, see above)."""
    return resource.get("url_type") == "upload"


def can_load(resource_id: str) -> bool:
    """An uploaded, non-empty file (an empty one has nothing to load, and the
    loader would report a missing temporary file)."""
    resource = model.Resource.get(resource_id)
    return (resource is not None and resource.state == "active"
            and loadable({"url_type": resource.url_type}) and resource.size != 0)


def loader_token() -> str:
    """The API token xloader calls the portal with: the configured one, or the
    site user's ``satudata-xloader`` token (made on first use, reused after)."""
    configured = tk.config.get("ckanext.xloader.api_token")
    if configured and configured != _NOT_SET and configured != _own_token["value"]:
        return configured
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    # A session of its own: the caller may be in the middle of a resource
    # transaction, and the worker must find the token before that commits.
    session = model.meta.create_local_session()
    try:
        row = session.query(model.ApiToken).filter(
            model.ApiToken.user_id == site_user["id"], model.ApiToken.name == TOKEN_NAME).first()
        if row is None:
            row = model.ApiToken(user_id=site_user["id"], name=TOKEN_NAME)
            session.add(row)
            session.commit()
        token = api_token.encode({"jti": row.id, "iat": api_token.into_seconds(row.created_at)})
    finally:
        session.close()
    _own_token["value"] = token
    tk.config["ckanext.xloader.api_token"] = token
    return token


def _documented_as(original):
    """Keep the chained action's API documentation: core wraps a chained action
    in a functools.partial, whose docstring help_show would serve instead; it
    copies the function's __dict__ onto that partial, so the original docstring
    is put there."""
    def decorate(func):
        func.__dict__["__doc__"] = original.__doc__
        return func
    return decorate


@_documented_as(xloader_action.xloader_submit)
@tk.chained_action
def xloader_submit(next_action, context: Context, data_dict: DataDict):
    """ckanext-xloader's xloader_submit, with the loader's API token in place."""
    tk.check_access("xloader_submit", dict(context), data_dict)
    loader_token()
    return next_action(context, data_dict)


def _as_site_user(context: Context) -> None:
    # xloader calls these with ignore_auth and no user ("" or none at all); the
    # resource_patch they end in then fails in the activity stream ("User not
    # found") and hides the real load error. Such internal calls are the site
    # user's, as xloader's other calls already are.
    if context.get("ignore_auth") and not context.get("user"):
        context["user"] = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


@_documented_as(datastore_action.datastore_create)
@tk.chained_action
def datastore_create(next_action, context: Context, data_dict: DataDict):
    """Core's datastore_create; internal calls without a user act as the site user."""
    _as_site_user(context)
    return next_action(context, data_dict)


@_documented_as(datastore_action.datastore_delete)
@tk.chained_action
def datastore_delete(next_action, context: Context, data_dict: DataDict):
    """Core's datastore_delete; internal calls without a user act as the site user."""
    _as_site_user(context)
    return next_action(context, data_dict)


# ---------------------------------------------------------------------------
# Load status for the resource page

_TOO_BIG = re.compile(r"Data too large to load into Datastore: (\d+) bytes > max (\d+) bytes")
_EXTRA_VALUES = re.compile(r"Row (\d+) has more values than the (\d+) column\(s\) in the header\. "
                           r"The extra value is: '(.*?)'\.")
_MISSING_VALUE = re.compile(r'missing data for column "(.+?)"')


def size_text(size: str | int) -> str:
    size = int(size)
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def _error_text(error: Any) -> str:
    if isinstance(error, dict):
        return str(error.get("message") or "")
    return str(error or "")


def error_message(error: Any) -> str:
    """The loader's error in the portal's language; its technical text follows."""
    text = _error_text(error).strip()
    too_big = _TOO_BIG.search(text)
    if too_big:
        return tk._("The file is {size}; the loader reads files up to {limit} "
                    "(setting ckanext.xloader.max_content_length), so it has no table preview "
                    "and no Data API").format(size=size_text(too_big.group(1)),
                                              limit=size_text(too_big.group(2)))
    extra = _EXTRA_VALUES.search(text)
    if extra:
        return tk._("Row {row} has more values than the {count} columns of the header row (the extra "
                    "value is {value}). Usually a value contains a comma or a quote and is not wrapped "
                    "in double quotes; if the file really has another column, name it in the header "
                    "row.").format(row=extra.group(1), count=extra.group(2), value=extra.group(3))
    missing = _MISSING_VALUE.search(text)
    if missing:
        return tk._("A row has fewer values than the header row (nothing for the column {column}). "
                    "Check the quotes and separators of the file.").format(column=missing.group(1))
    if "Duplicate column names" in text:
        return tk._("The header row names a column twice; every column needs its own name")
    if "could not be read as a table" in text:
        return tk._("The file could not be read as a table: it may not really be in the format its "
                    "name says (for example an old .xls renamed to .xlsx), or it is empty or damaged. "
                    "Open it, save it again as CSV (UTF-8) or XLSX with a header row naming every "
                    "column, and upload it again.")
    if "bad HTTP response" in text or "Connection" in text:
        return tk._("The loader could not download the file from the portal; try loading it again")
    if "timed out" in text:
        return tk._("Loading took longer than the loader allows (setting ckanext.xloader.job_timeout)")
    if not text:
        return tk._("The file could not be loaded into a table")
    return tk._("The file could not be read as a table: {detail}").format(detail=text)


def status(resource: dict[str, Any], user: Optional[str]) -> Optional[dict[str, Any]]:
    """The load status of ``resource`` for ``user``, or None when they may not
    edit it (the public sees the table, not the loader)."""
    from ckanext.xloader.utils import XLoaderFormats

    context: dict[str, Any] = {"user": user or ""}
    try:
        tk.check_access("resource_update", dict(context), {"id": resource["id"]})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return None
    if not XLoaderFormats.is_it_an_xloader_format(resource.get("format")):
        return None
    if not loadable(resource):
        return {"state": "link", "label": tk._("Not loaded"),
                "message": tk._("Only uploaded files are loaded into a table; links are not")}
    if resource.get("size") == 0:
        return {"state": "empty", "label": tk._("Not loaded"),
                "message": tk._("The file is empty: there are no rows to load")}
    try:
        job = tk.get_action("xloader_status")(dict(context), {"resource_id": resource["id"]})
    except tk.ObjectNotFound:
        job = {}
    state = {"submitting": "pending", "running_but_viewable": "running"}.get(
        job.get("status"), job.get("status") or "none")
    result: dict[str, Any] = {"state": state, "last_updated": job.get("last_updated")}
    if state == "complete" and resource.get("datastore_active"):
        result["label"] = tk._("Loaded")
        result["rows"] = _row_count(resource["id"])
        result["message"] = tk.ungettext("{count} row can be previewed and read through the Data API",
                                         "{count} rows can be previewed and read through the Data API",
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
        result["message"] = error_message(job.get("error") or (job.get("task_info") or {}).get("error"))
        result["detail"] = _error_text(job.get("error"))
    else:
        result.update(state="none", label=tk._("Not loaded"),
                      message=tk._("The file has not been loaded into a table yet"))
    return result


def _row_count(resource_id: str) -> int:
    try:
        info = tk.get_action("datastore_search")({"ignore_auth": True},
                                                 {"resource_id": resource_id, "limit": 0})
    except (tk.ObjectNotFound, tk.ValidationError):
        return 0
    return int(info.get("total") or 0)
