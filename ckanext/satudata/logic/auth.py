"""Auth functions of ckanext-satudata: every rule of the portal lives here.

Sysadmins pass every auth function (CKAN core); they are Walidata too.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.satudata import workflow
from ckanext.satudata.logic import roles
from ckanext.satudata.logic.interop_auth import (  # noqa: F401 (registered by the blanket)
    harvest_job_create, harvest_source_create, harvest_source_delete, harvest_source_package,
    harvest_source_update, walidata_only)

__all__ = [
    "satudata_set_prioritas",
    "satudata_wilayah_list",
    "satudata_dataset_submit",
    "satudata_dataset_approve",
    "satudata_dataset_reject",
    "satudata_review_list",
    "package_update",
    "member_create",
    "member_delete",
    # Interoperability (logic/interop.py): the Walidata manage harvest sources
    "package_create",
    "package_delete",
    "harvest_source_create",
    "harvest_source_update",
    "harvest_source_delete",
    "harvest_job_create",
]


def _user(context: Context):
    return context.get("auth_user_obj") or context.get("user")


def _ok() -> AuthResult:
    return {"success": True}


def _no(msg: str) -> AuthResult:
    return {"success": False, "msg": msg}


def satudata_set_prioritas(context: Context, data_dict: DataDict) -> AuthResult:
    """Only a Walidata may mark a dataset as Data Prioritas or clear the mark."""
    if roles.is_walidata(_user(context)):
        return _ok()
    return _no(tk._("Only the Walidata can set or clear Priority data"))


@tk.auth_allow_anonymous_access
def satudata_wilayah_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone may read the reference area codes."""
    return _ok()


def satudata_dataset_submit(context: Context, data_dict: DataDict) -> AuthResult:
    """A Produsen Data (admin or editor) of the dataset's Instansi, or a Walidata."""
    pkg = workflow.get_package(tk.get_or_bust(data_dict, "id"))
    user = _user(context)
    if roles.is_walidata(user) or pkg.owner_org in roles.producer_org_ids(user):
        return _ok()
    return _no(tk._("Only a Produsen Data of the dataset's Instansi can submit it for verification"))


def satudata_dataset_approve(context: Context, data_dict: DataDict) -> AuthResult:
    """The Walidata approves; a priority dataset in Pembina review is approved by a Pembina Data."""
    pkg = workflow.get_package(tk.get_or_bust(data_dict, "id"))
    user = _user(context)
    status = workflow.status_of(pkg)
    if status == workflow.PEMBINA_REVIEW:
        if roles.is_pembina(user):
            return _ok()
        return _no(tk._("This priority dataset waits for a Pembina Data to approve it"))
    if roles.is_walidata(user) or (status == workflow.APPROVED and roles.is_pembina(user)):
        return _ok()
    return _no(tk._("Only the Walidata can approve this dataset"))


def satudata_dataset_reject(context: Context, data_dict: DataDict) -> AuthResult:
    """The Walidata returns a dataset awaiting verification; a Pembina Data one in Pembina review."""
    pkg = workflow.get_package(tk.get_or_bust(data_dict, "id"))
    user = _user(context)
    if workflow.status_of(pkg) == workflow.PEMBINA_REVIEW:
        if roles.is_pembina(user):
            return _ok()
        return _no(tk._("Only a Pembina Data can return this priority dataset"))
    if roles.is_walidata(user):
        return _ok()
    return _no(tk._("Only the Walidata can return this dataset"))


def satudata_review_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Walidata, Pembina Data and Produsen Data (who see their own Instansi)."""
    user = _user(context)
    if roles.is_walidata(user) or roles.is_pembina(user) or roles.producer_org_ids(user):
        return _ok()
    return _no(tk._("Only the Walidata and the Produsen Data can see the verification list"))


@tk.chained_auth_function
def package_update(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    """The Walidata may correct the metadata of any Instansi's dataset; others as in core.
    A harvest source is the Walidata's only."""
    if data_dict and harvest_source_package(data_dict):
        return walidata_only(context)
    if roles.is_walidata(_user(context)):
        return _ok()
    return next_auth(context, data_dict)


def _walidata_files_under_tematik(context: Context, data_dict: DataDict) -> bool:
    from ckan.logic.auth import get_group_object
    group = get_group_object(context, data_dict)
    return (not group.is_organization and data_dict.get("object_type") == "package"
            and roles.is_walidata(_user(context)))


@tk.chained_auth_function
def member_create(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    """The Walidata files datasets under any Tematik; others as in core."""
    if _walidata_files_under_tematik(context, data_dict):
        return _ok()
    return next_auth(context, data_dict)


@tk.chained_auth_function
def member_delete(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    """The Walidata takes datasets out of any Tematik; others as in core."""
    if _walidata_files_under_tematik(context, data_dict):
        return _ok()
    return next_auth(context, data_dict)


@tk.chained_auth_function
def package_create(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    """A harvest source is created by the Walidata only; datasets as in core."""
    if data_dict and harvest_source_package(data_dict) and not roles.is_walidata(_user(context)):
        return walidata_only(context)
    return next_auth(context, data_dict)


@tk.chained_auth_function
def package_delete(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    """A harvest source is deleted by the Walidata only; datasets as in core."""
    if data_dict and harvest_source_package(data_dict) and not roles.is_walidata(_user(context)):
        return walidata_only(context)
    return next_auth(context, data_dict)


# --- Open-data services (statistics, inventory, quality, data requests, SPBE) ---
from ckanext.satudata.services.auth import (  # noqa: E402
    satudata_dataset_quality, satudata_inventory, satudata_quality_report, satudata_request_create,
    satudata_request_list, satudata_request_show, satudata_request_update, satudata_spbe_evidence,
    satudata_statistics,
)
from ckanext.satudata.services import auth as _services_auth  # noqa: E402

__all__ += _services_auth.__all__
