"""Auth functions of ckanext-satudata: every rule of the portal lives here."""
from __future__ import annotations

from ckan.types import AuthResult, Context, DataDict
import ckan.plugins.toolkit as tk

from ckanext.satudata.logic import roles

__all__ = ["satudata_set_prioritas", "satudata_wilayah_list"]


def _user(context: Context):
    return context.get("auth_user_obj") or context.get("user")


def satudata_set_prioritas(context: Context, data_dict: DataDict) -> AuthResult:
    """Only a Walidata may mark a dataset as Data Prioritas or clear the mark."""
    if roles.is_walidata(_user(context)):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the Walidata can set or clear Priority data")}


@tk.auth_allow_anonymous_access
def satudata_wilayah_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone may read the reference area codes."""
    return {"success": True}
