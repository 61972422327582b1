"""Validation of a dataset before it goes to the Walidata (validasi data).

Every failure is reported at once, in the language of the request:

- the metadata is complete and well formed, by the dataset schema itself;
- the dataset has at least one file or link;
- every link is a well-formed http(s) address and every upload is on disk;
- every uploaded CSV and XLSX loads exactly by the portal's table rules
  (tables.py): a header naming every column once, the same number of values in
  every row, no formula without a saved value, the Kamus Data's types obeyed.

The results are stored with the submission so the Walidata's review page shows
what was checked.
"""
from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlparse

import ckan.lib.plugins as lib_plugins
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.uploader import get_resource_uploader



def _result(check: str, ok: bool, message: str, **extra: Any) -> dict[str, Any]:
    return dict(extra, check=check, ok=ok, message=message)


def _field_labels(pkg_type: str) -> dict[str, Any]:
    schema = tk.h.scheming_get_dataset_schema(pkg_type) or {}
    return {f["field_name"]: f.get("label") for f in schema.get("dataset_fields", [])}


def _label(labels: dict[str, Any], field: str) -> str:
    label = labels.get(field) or field
    if isinstance(label, dict):
        return tk.h.scheming_language_text(label)
    return str(label)


def _metadata(context: dict[str, Any], pkg: model.Package) -> list[dict[str, Any]]:
    dataset = tk.get_action("package_show")(
        {"ignore_auth": True, "use_cache": False, "for_view": False}, {"id": pkg.id})
    plugin = lib_plugins.lookup_package_plugin(pkg.type)
    schema = plugin.update_package_schema()
    validate_context = {
        "model": model, "session": model.Session, "user": context.get("user"),
        "auth_user_obj": context.get("auth_user_obj"), "package": pkg,
        "ignore_auth": True, "satudata_checking": True,
    }
    data = dict(dataset, state="active")
    data.pop("resources", None)
    _, errors = lib_plugins.plugin_validate(plugin, validate_context, data, schema, "package_update")
    labels = _field_labels(pkg.type)
    results = []
    for field, messages in sorted(errors.items()):
        if field == "resources":
            continue
        text = "; ".join(m if isinstance(m, str) else str(m) for m in messages)
        results.append(_result("metadata", False, f"{_label(labels, field)}: {text}", field=field,
                               detail=text))
    if not results:
        results.append(_result("metadata", True, tk._("The metadata is complete and well formed")))
    return results


def _table_problems(resource: dict[str, Any], path: str, staged: bool) -> list[str]:
    """The exact loader's verdict on a CSV/XLSX (tables.py): the stored load
    when it read this very file, otherwise an examination of the file."""
    from ckanext.satudata import dataapi, tables
    fmt = dataapi.table_format(resource)
    if fmt is None:
        return []
    if not staged:
        done = dataapi.load_state(resource["id"]) or {}
        if done.get("state") in ("complete", "error") and done.get("hash") == tables.file_hash(path):
            return [dataapi.describe(c, p) for c, p in done.get("problems") or []]
    # A replaced file keeps the Kamus Data of its table, types included.
    overrides = {name: info.get("type_override") for name, info in tables.existing_info(resource["id"]).items()
                 if info.get("type_override")}
    found = tables.examine(path, fmt, overrides)
    return [dataapi.describe(c, p) for c, p in found["problems"]]


def _resources(resources: list[dict[str, Any]], paths: dict[str, str] | None) -> list[dict[str, Any]]:
    """``paths``: where the files of a proposed version are (``revisions.py``);
    None for the stored dataset."""
    if not resources:
        return [_result("resources", False, tk._("The dataset has no file or link yet: add at least one"))]
    results = []
    for resource in resources:
        name = resource.get("name") or resource.get("url") or resource["id"]
        problems: list[str] = []
        if resource.get("url_type") == "upload":
            path = (paths or {}).get(resource["id"]) or get_resource_uploader(resource).get_path(resource["id"])
            if not os.path.isfile(path):
                problems.append(tk._("the uploaded file is missing from the file store"))
            else:
                problems.extend(_table_problems(resource, path, staged=paths is not None))
        else:
            # The stored address: package_show adds "http://" to one without a scheme.
            stored = model.Resource.get(resource["id"]) if paths is None else None
            url = ((stored.url if stored is not None else resource.get("url")) or "").strip()
            parts = urlparse(url)
            if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
                problems.append(tk._("the link is not a full http or https address"))
        if problems:
            results.append(_result("resource", False, f"{name}: " + "; ".join(problems),
                                   resource_id=resource["id"]))
        else:
            results.append(_result("resource", True, tk._("{name}: readable").format(name=name),
                                   resource_id=resource["id"], name=name))
    return results


def run(context: dict[str, Any], pkg: model.Package, dataset: dict[str, Any] | None = None,
        paths: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The checks of the stored dataset, or of a proposed version of it
    (``dataset``, already validated by the schema, with its files at ``paths``)."""
    if dataset is not None:
        return ([_result("metadata", True, tk._("The metadata is complete and well formed"))]
                + _resources(dataset.get("resources") or [], paths or {}))
    shown = tk.get_action("package_show")({"ignore_auth": True, "use_cache": False}, {"id": pkg.id})
    return _metadata(context, pkg) + _resources(shown.get("resources") or [], None)


def stored(results: list[dict[str, Any]]) -> str:
    """The results kept with a submission: language-neutral, rendered by the page
    that shows them (helper ``satudata_check_message``)."""
    import json
    keep = ("check", "ok", "field", "resource_id", "name")
    return json.dumps([{k: r[k] for k in keep if k in r} for r in results])


def message(result: dict[str, Any]) -> str:
    """A stored result in the current language."""
    if result.get("ok"):
        if result.get("check") == "metadata":
            return tk._("The metadata is complete and well formed")
        return tk._("{name}: readable").format(name=result.get("name") or result.get("resource_id"))
    return result.get("message") or tk._("Failed")


def raise_failures(results: list[dict[str, Any]]) -> None:
    """A ValidationError listing every failed check, keyed by field or 'resources'."""
    errors: dict[str, list[str]] = {}
    for r in results:
        if not r["ok"]:
            key = r.get("field") or "resources"
            errors.setdefault(key, []).append(r.get("detail") or r["message"])
    if errors:
        raise tk.ValidationError(errors)
