"""Auth functions of the open-data services (exported by ``logic/auth.py``)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.satudata.logic import roles
from ckanext.satudata.services.catalogue import user_of

__all__ = [
    "satudata_statistics",
    "satudata_inventory",
    "satudata_dataset_quality",
    "satudata_quality_report",
    "satudata_request_create",
    "satudata_request_show",
    "satudata_request_list",
    "satudata_request_update",
    "satudata_spbe_evidence",
]


def _walidata(context: Context, message: str) -> AuthResult:
    if roles.is_walidata(user_of(context)):
        return {"success": True}
    return {"success": False, "msg": message}


@tk.auth_allow_anonymous_access
def satudata_statistics(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone may read the usage statistics (public datasets only)."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def satudata_inventory(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone may read the inventory; each sees the datasets they may see."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def satudata_dataset_quality(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may see the dataset."""
    try:
        tk.check_access("package_show", {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")},
                        {"id": data_dict.get("id")})
    except tk.NotAuthorized:
        return {"success": False, "msg": tk._("Not authorized to see this dataset")}
    return {"success": True}


def satudata_quality_report(context: Context, data_dict: DataDict) -> AuthResult:
    """Only the Walidata reads the data-quality report of every Instansi."""
    return _walidata(context, tk._("Only the Walidata can see the data quality report"))


@tk.auth_allow_anonymous_access
def satudata_request_create(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone may request data."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def satudata_request_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone may follow a request (personal data is for the Walidata only)."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def satudata_request_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone may list the requests (personal data is for the Walidata only)."""
    return {"success": True}


def satudata_request_update(context: Context, data_dict: DataDict) -> AuthResult:
    """Only the Walidata triages data requests."""
    return _walidata(context, tk._("Only the Walidata can process data requests"))


def satudata_spbe_evidence(context: Context, data_dict: DataDict) -> AuthResult:
    """Only the Walidata reads the SPBE evidence page."""
    return _walidata(context, tk._("Only the Walidata can see the SPBE evidence"))
