"""Exchange with other portals: what the DCAT endpoints show, who runs harvesting.

- The catalogue (``/catalog.ttl`` and the other formats and pages, and the
  ``dcat_catalog_*`` actions behind them) shows only what the public may see,
  whoever asks: it is the open-data feed that other portals copy, so a signed-in
  Walidata must not leak pending or private data into it by accident. It
  searches as an anonymous visitor (the permission labels decide).
- The RDF of one dataset (``/dataset/<id>.ttl`` ..., ``dcat_dataset_show``)
  follows ``package_show``, like the dataset page: the public gets it only for a
  public, approved dataset ("not found" otherwise); the Instansi's members, the
  Walidata and, for priority data under review, the Pembina Data see the RDF of
  what they are checking, as the workflow lets them see the page.
- Harvest sources (imports from other portals into an Instansi) are managed by
  the Walidata, who keeps the catalogue consistent: create, edit, delete, run.
  A source belongs to the Walidata's Instansi and names in its configuration
  the Instansi that receives its datasets (``{"instansi": "dinkes"}``). What it
  imports waits for verification (``harvesting.py``).
"""
from __future__ import annotations

import json
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.satudata import cache, common, security, tables, visibility


def _public_context(context: Context) -> Context:
    return {"model": model, "session": model.Session, "user": "", "auth_user_obj": None,
            "ignore_auth": False, "for_view": context.get("for_view", False)}


@tk.chained_action
def dcat_dataset_show(next_action, context: Context, data_dict: DataDict):
    """DCAT's RDF of one dataset, for who may see the dataset (``package_show``):
    the public only while it is public and approved; a dataset the caller may
    not see is "not found", so its existence is not told either."""
    tk.check_access("dcat_dataset_show", context, data_dict)
    pkg = model.Package.get(data_dict.get("id") or "")
    if pkg is None or pkg.state == "deleted":
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    if not visibility.is_public(pkg):
        try:
            tk.check_access("package_show", dict(context), {"id": pkg.id})
        except tk.NotAuthorized:
            raise tk.ObjectNotFound(tk._("Dataset not found"))
        return next_action(context, data_dict)
    return next_action(_public_context(context), data_dict)


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_show(next_action, context: Context, data_dict: DataDict):
    """DCAT's catalogue, with the datasets the public may see. A page of the
    catalogue as harvesters read it (``/catalog.ttl?page=N``) is kept in Redis
    until the search index changes (``_catalogue_page_depends``)."""
    tk.check_access("dcat_catalog_show", context, data_dict)

    def page() -> str:
        with tables.fields_read_per_page():
            return next_action(_public_context(context), data_dict)
    kept = _catalogue_page_depends(data_dict)
    if kept is None:
        return page()
    index, depends = kept
    return cache.for_index("dcat-catalogue", page, depends, seconds=CATALOGUE_PAGE_SECONDS,
                           keep=lambda text: len(text) <= CATALOGUE_PAGE_MAX_BYTES, index=index)


CATALOGUE_PAGE_SECONDS = 3600
CATALOGUE_PAGE_MAX_BYTES = 4 * 1024 * 1024


def _catalogue_page_depends(data_dict: DataDict) -> Optional[tuple[dict[str, Any], list[Any]]]:
    """(the index's state, what else a kept catalogue page depends on), or None
    when the page is not kept.

    The page is the public's (whoever asks), so it depends only on the search
    index (its version: any dataset indexed, removed or changed in visibility
    changes it), the settings, the Walidata's Instansi (the catalogue's
    publisher), this code, and the address asked (paging links repeat it).
    Kept only for the plain pages harvesters walk: the configured address
    without a language prefix, no query, filter or profile of the caller's
    choosing, and no page past the index's size, so nobody can fill Redis
    with made-up pages."""
    from flask import has_request_context, request
    if not has_request_context() or any(data_dict.get(k) for k in ("q", "fq", "modified_since", "profiles")):
        return None
    fmt = str(data_dict.get("format") or "")
    endpoint = tk.config.get("ckanext.dcat.catalog_endpoint") or "/catalog.{_format}"
    if request.path != endpoint.format(_format=fmt) or set(request.args) - {"page"}:
        return None
    try:
        number = int(data_dict.get("page") or 1)
    except (TypeError, ValueError):
        return None
    index = cache.index_state()
    per_page = int(tk.config.get("ckanext.dcat.datasets_per_page") or 100)
    if index is None or not 1 <= number <= index["documents"] // max(per_page, 1) + 1:
        return None
    publisher = model.Group.get(tk.config.get("ckanext.satudata.walidata_org") or "")
    settings = sorted((k, v) for k, v in tk.config.items()
                      if isinstance(v, (str, int, float, bool)) and k.startswith(("ckan.", "ckanext.")))
    return index, [request.path, number, settings, _CODE,
                   publisher and [publisher.name, publisher.title, publisher.state]]


def _code_versions() -> list[str]:
    from importlib.metadata import PackageNotFoundError, version
    found = []
    for dist in ("ckanext-satudata", "ckanext-dcat", "rdflib"):
        try:
            found.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            found.append(dist)
    return found


_CODE = _code_versions()


@tk.chained_action
@tk.side_effect_free
def dcat_catalog_search(next_action, context: Context, data_dict: DataDict):
    """DCAT's catalogue search, over the datasets the public may see."""
    tk.check_access("dcat_catalog_search", context, data_dict)
    with tables.fields_read_per_page():
        return next_action(_public_context(context), data_dict)


# ---------------------------------------------------------------------------
# Harvest sources: the Walidata's

def _check_address(url: str) -> None:
    problem = security.address_problem(url)
    if problem:
        raise tk.ValidationError({"url": [problem]})


def _check_instansi(data_dict: DataDict) -> None:
    from ckanext.satudata.harvesting import INSTANSI_KEY
    try:
        config = json.loads(data_dict.get("config") or "{}")
    except (TypeError, ValueError):
        return  # the harvester's own validation reports bad JSON
    name = config.get(INSTANSI_KEY) if isinstance(config, dict) else None
    if name is None:
        return
    org = common.instansi(name)
    if org is None:
        raise tk.ValidationError({"config": [tk._(
            'Unknown Instansi "{name}" in "instansi": give the name of an Instansi of the '
            'portal, for example dinkes').format(name=name)]})


@tk.chained_action
def harvest_source_create(next_action, context: Context, data_dict: DataDict):
    """ckanext-harvest's harvest_source_create. The Walidata creates sources in
    their own Instansi; ``config`` may name the Instansi that receives the
    imported datasets, e.g. ``{"instansi": "dinkes"}`` (default: the source's).
    Imported datasets wait for verification as ``pending``."""
    tk.check_access("harvest_source_create", context, data_dict)
    _check_instansi(data_dict)
    _check_address(data_dict.get("url") or "")
    return next_action(context, data_dict)


@tk.chained_action
def harvest_source_update(next_action, context: Context, data_dict: DataDict):
    """ckanext-harvest's harvest_source_update, checking ``instansi`` in ``config``."""
    tk.check_access("harvest_source_update", context, data_dict)
    _check_instansi(data_dict)
    if "url" in data_dict:
        _check_address(data_dict.get("url") or "")
    return next_action(context, data_dict)


@tk.chained_action
def harvest_job_create(next_action, context: Context, data_dict: DataDict):
    """ckanext-harvest's harvest_job_create; the source's address is checked
    again (a name may point elsewhere since the source was saved)."""
    tk.check_access("harvest_job_create", context, data_dict)
    source = model.Package.get(data_dict.get("source_id") or "")
    if source is not None:
        _check_address(source.url or "")
    return next_action(context, data_dict)
