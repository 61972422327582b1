"""Validators of the Kutai Timur metadata schema (schemas/dataset.yaml).

Messages are English msgids translated by the ``ckanext-satudata`` catalogue, so
the API and the form speak the language of the request (Indonesian by default).
"""
from __future__ import annotations

import datetime
import json
import re
from typing import Any
from urllib.parse import urlparse

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import Missing, StopOnError, missing
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey
from ckanext.scheming.validation import scheming_validator

from ckanext.satudata import reference

__all__ = [
    "satudata_required",
    "satudata_email",
    "satudata_year",
    "satudata_int_output",
    "satudata_default_wilayah",
    "satudata_wilayah",
    "satudata_url_list",
    "satudata_http_url",
    "satudata_phone",
    "satudata_private",
    "satudata_license",
    "satudata_prioritas",
    "satudata_workflow_field",
    "satudata_chart_config",
    "satudata_title_length",
    "satudata_resource_url",
]

# Longest title, link and number of references: what a person writes, well
# inside what the search index stores for one value (32 kB).
MAX_TITLE = 300
MAX_URL = 2000
MAX_REFERENCES = 30

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_PHONE = re.compile(r"^[0-9+()\-. /]{5,30}$")
FIRST_YEAR = 1945


def _blank(value: Any) -> bool:
    return value is missing or value is None or (isinstance(value, str) and not value.strip())


DRAFT_BUTTON = "satudata-draft"


def _is_draft(data: FlattenDataDict, context: Context) -> bool:
    # The state asked for, noted by the chained package_create/_update before
    # validation: core's state validator may drop the key before ours run.
    if "satudata_state" in context:
        return context["satudata_state"] == "draft"
    state = data.get(("state",))
    if _blank(state):
        state = getattr(context.get("package"), "state", None)
    return state == "draft"


def _incomplete_allowed(data: FlattenDataDict, context: Context) -> bool:
    """A draft may be incomplete, except when a person fills in the dataset form
    and presses "Next" (CKAN saves that step as a draft too): they get every
    error at once; only the "Save as draft" button keeps an incomplete draft."""
    if context.get("satudata_import"):
        # A harvested dataset: stored as it came, completed during verification.
        return True
    if not _is_draft(data, context):
        return False
    from flask import has_request_context, request
    if has_request_context() and request.method == "POST" and request.form.get("_ckan_phase"):
        return request.form.get("save") == DRAFT_BUTTON
    return True


@scheming_validator
def satudata_required(field: dict[str, Any], schema: dict[str, Any]):
    """``not_empty`` for required fields, except while the dataset is a draft
    and the schema says ``draft_fields_required: false``."""
    not_empty = tk.get_validator("not_empty")
    ignore_missing = tk.get_validator("ignore_missing")
    if not field.get("required"):
        return ignore_missing
    if schema.get("draft_fields_required", True):
        return not_empty

    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                  context: Context) -> None:
        if _incomplete_allowed(data, context):
            if _blank(data.get(key)):
                data.pop(key, None)
                raise StopOnError
            return
        not_empty(key, data, errors, context)

    return validator


def satudata_email(value: Any, context: Context) -> Any:
    if _blank(value):
        return value
    value = value.strip()
    if len(value) > 254 or not _EMAIL.match(value):
        raise tk.Invalid(tk._("Please enter a valid e-mail address, for example "
                              "nama@kutaitimurkab.go.id"))
    return value


def satudata_year(value: Any, context: Context) -> Any:
    """A four-digit year from 1945 to next year, stored as an integer."""
    if _blank(value):
        return value
    text = str(value).strip()
    last = datetime.date.today().year + 1
    if not re.fullmatch(r"\d{4}", text):
        raise tk.Invalid(tk._("Enter the year as four digits, for example 2024"))
    year = int(text)
    if not FIRST_YEAR <= year <= last:
        raise tk.Invalid(tk._("The year must be between {first} and {last}").format(
            first=FIRST_YEAR, last=last))
    return year


def satudata_int_output(value: Any, context: Context) -> Any:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value


def satudata_default_wilayah(key: FlattenKey, data: FlattenDataDict,
                             errors: FlattenErrorDict, context: Context) -> None:
    """Cakupan defaults to Kabupaten Kutai Timur when it is not sent at all."""
    if key not in data or data[key] is missing:
        data[key] = tk.config.get("ckanext.satudata.default_cakupan")


def satudata_wilayah(value: Any, context: Context) -> Any:
    """A Kemendagri area code of Kutai Timur; a known area name is turned into its code."""
    if _blank(value):
        return value
    code = reference.wilayah_code_for(str(value))
    if not code:
        raise tk.Invalid(tk._(
            'Unknown area "{value}": choose Kabupaten Kutai Timur (64.08) or one of its '
            'kecamatan (64.08.01 to 64.08.18)').format(value=value))
    return code


def _http_url(value: str) -> bool:
    parts = urlparse(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value and len(value) <= MAX_URL


def satudata_title_length(value: Any, context: Context) -> Any:
    if isinstance(value, str) and len(value) > MAX_TITLE:
        raise tk.Invalid(tk._("The title is {length} characters long; at most {max} are allowed").format(
            length=len(value), max=MAX_TITLE))
    return value


# A link's address: what the dataset page and "Download" send people to.
LINK_SCHEMES = ("http", "https", "ftp", "ftps")


def satudata_resource_url(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                          context: Context) -> None:
    """A file's address: an upload's file name, or a link starting with
    http(s):// or ftp(s)://; never ``javascript:``, ``data:`` or a local path,
    which "Download" would send a visitor to. At most 2,000 characters."""
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        return
    if len(value) > MAX_URL:
        errors[key].append(tk._("The address is {length} characters long; at most {max} are allowed").format(
            length=len(value), max=MAX_URL))
        raise StopOnError
    if data.get(key[:-1] + ("url_type",)) == "upload":
        return
    parts = urlparse(value.strip())
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.netloc:
        errors[key].append(tk._("A link must be a full address starting with http://, https:// or ftp://"))
        raise StopOnError


@scheming_validator
def satudata_url_list(field: dict[str, Any], schema: dict[str, Any]):
    """Zero or more http(s) links, from a list, a JSON list or one per line;
    stored as a JSON list. Every bad link is named in the message."""

    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                  context: Context) -> None:
        value = data.get(key, missing)
        if isinstance(value, Missing) or value is None:
            data.pop(key, None)
            raise StopOnError
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                try:
                    value = json.loads(text)
                except ValueError:
                    errors[key].append(tk._("References must be a list of links"))
                    raise StopOnError
            else:
                value = text.splitlines()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            errors[key].append(tk._("References must be a list of links"))
            raise StopOnError
        urls = [v.strip() for v in value if v and v.strip()]
        if len(urls) > MAX_REFERENCES:
            errors[key].append(tk._("At most {max} references can be given ({count} were)").format(
                max=MAX_REFERENCES, count=len(urls)))
            raise StopOnError
        bad = [u if len(u) <= 100 else u[:100] + "…" for u in urls if not _http_url(u)]
        if bad:
            errors[key].append(tk._("Not a valid http or https link: {links}").format(
                links=", ".join(bad)))
            raise StopOnError
        if not urls:
            data.pop(key, None)
            raise StopOnError
        data[key] = json.dumps(urls)

    return validator


def satudata_http_url(value: Any, context: Context) -> Any:
    if _blank(value):
        return value
    value = value.strip()
    if not _http_url(value):
        raise tk.Invalid(tk._("Enter a full web address starting with http:// or https://"))
    return value


def satudata_phone(value: Any, context: Context) -> Any:
    if _blank(value):
        return value
    if not _PHONE.match(value.strip()):
        raise tk.Invalid(tk._("Enter a telephone number using digits, spaces, +, ( ) or -"))
    return value.strip()


def satudata_private(value: Any, context: Context) -> Any:
    """Jenis Publikasi: Publik (False) or Privat (True); public unless said otherwise."""
    if _blank(value):
        pkg = context.get("package")
        return bool(pkg.private) if pkg is not None else False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on", "privat", "private"):
        return True
    if text in ("false", "0", "no", "off", "publik", "public"):
        return False
    raise tk.Invalid(tk._("Publication type must be Public or Private"))


def satudata_license(value: Any, context: Context) -> Any:
    """A licence from the portal's register; CC-BY when none is given."""
    if _blank(value):
        return "cc-by"
    from ckan.model.license import LicenseRegister
    if value not in LicenseRegister():
        raise tk.Invalid(tk._('Unknown licence "{value}"').format(value=value))
    return value


@scheming_validator
def satudata_prioritas(field: dict[str, Any], schema: dict[str, Any]):
    """Data Prioritas: yes/no, default no; only a Walidata may change it
    (auth function ``satudata_set_prioritas``)."""

    def validator(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                  context: Context) -> None:
        value = data.get(key, missing)
        pkg = context.get("package")
        current = False
        if pkg is not None:
            current = tk.asbool(pkg.extras.get("prioritas", False))
        if _blank(value):
            data[key] = current
            return
        try:
            wanted = tk.asbool(value) if not isinstance(value, bool) else value
        except ValueError:
            errors[key].append(tk._("Priority data is yes or no"))
            raise StopOnError
        if wanted != current:
            try:
                tk.check_access("satudata_set_prioritas", dict(context), {})
            except tk.NotAuthorized:
                errors[key].append(tk._("Only the Walidata can set or clear Priority data"))
                raise StopOnError
        data[key] = wanted

    return validator


def satudata_workflow_field(key: FlattenKey, data: FlattenDataDict,
                            errors: FlattenErrorDict, context: Context) -> None:
    """Approval fields are written by the workflow actions only: whatever the
    caller sends is replaced by the stored value."""
    field = key[-1]
    workflow = context.get("satudata_workflow")
    if workflow is not None and field in workflow:
        value = workflow[field]
    else:
        pkg = context.get("package")
        value = pkg.extras.get(field) if pkg is not None else None
    if (value is None or value == "") and field == "approval_status":
        value = "draft"
    if value is None or value == "":
        data.pop(key, None)
        raise StopOnError
    data[key] = value


CHART_KINDS = ("bar", "line")


def satudata_chart_config(value: Any, context: Context) -> Any:
    """The chart of a table (resource field ``grafik``): a JSON object with
    ``jenis`` (bar or line; empty for no chart), ``kategori`` (a column) and
    ``nilai`` (1 to 6 number columns). Stored as normalised JSON text."""
    import json
    if _blank(value):
        return ""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise tk.Invalid(tk._("The chart settings are not valid JSON"))
    if not isinstance(value, dict):
        raise tk.Invalid(tk._("The chart settings must be an object with jenis, kategori and nilai"))
    kind = value.get("jenis") or ""
    if kind == "":
        return ""
    category, values = value.get("kategori"), value.get("nilai")
    if kind not in CHART_KINDS:
        raise tk.Invalid(tk._("The chart type must be bar or line"))
    if not isinstance(category, str) or not category.strip() or len(category) > 63:
        raise tk.Invalid(tk._("Choose the column of the categories (or of the time) of the chart"))
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list) or not 1 <= len(values) <= 6 or not all(
            isinstance(v, str) and v.strip() and len(v) <= 63 for v in values):
        raise tk.Invalid(tk._("Choose one to six number columns for the chart"))
    return json.dumps({"jenis": kind, "kategori": category, "nilai": values}, ensure_ascii=False)
