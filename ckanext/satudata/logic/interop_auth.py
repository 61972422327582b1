"""Auth functions of the exchange with other portals (see ``interop.py``):
harvest sources and harvest jobs are the Walidata's."""
from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.satudata.logic import roles


def _user(context: Context):
    return context.get("auth_user_obj") or context.get("user")


def walidata_only(context: Context) -> AuthResult:
    if roles.is_walidata(_user(context)):
        return {"success": True}
    return {"success": False,
            "msg": tk._("Only the Walidata can manage imports from other portals")}


@tk.chained_auth_function
def harvest_source_create(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    """Only the Walidata creates harvest sources, for any Instansi."""
    return walidata_only(context)


@tk.chained_auth_function
def harvest_source_update(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    """Only the Walidata edits or clears harvest sources."""
    return walidata_only(context)


@tk.chained_auth_function
def harvest_source_delete(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    """Only the Walidata deletes harvest sources."""
    return walidata_only(context)


@tk.chained_auth_function
def harvest_job_create(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    """Only the Walidata starts a harvest."""
    return walidata_only(context)


def harvest_source_package(data_dict: dict[str, Any]) -> bool:
    """Is this package_create/_update/_delete about a harvest source (not a dataset)?"""
    if data_dict.get("type") == "harvest" or data_dict.get("source_type"):
        return True
    pkg = model.Package.get(data_dict.get("id") or "") if data_dict.get("id") else None
    return pkg is not None and pkg.type == "harvest"
