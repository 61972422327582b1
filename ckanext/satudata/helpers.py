"""Template helpers of ckanext-satudata (registered by the helpers blanket)."""
from __future__ import annotations

from typing import Any, Optional

import ckan.plugins.toolkit as tk

from ckanext.satudata import reference
from ckanext.satudata.logic import roles

__all__ = [
    "satudata_choice_label",
    "satudata_wilayah_label",
    "satudata_wilayah_options",
    "satudata_wilayah_source",
    "satudata_default_cakupan",
    "satudata_is_walidata",
    "satudata_is_pembina",
    "satudata_contact",
    "satudata_status_label",
    "satudata_status_class",
    "satudata_approval_step",
    "satudata_user_display",
    "satudata_check_message",
]


def _lang() -> str:
    try:
        return tk.h.lang() or "id"
    except (RuntimeError, AttributeError):
        return tk.config.get("ckan.locale_default") or "id"


def _text(label: Any) -> str:
    if isinstance(label, dict):
        return label.get(_lang()) or label.get("id") or label.get("en") or ""
    return str(label or "")


def satudata_choice_label(field_name: str, value: Any) -> str:
    """The label of a choice of a dataset field in the page's language
    (``tahunan`` -> "Tahunan" / "Yearly"); the value itself when unknown."""
    if field_name == "cakupan":
        return satudata_wilayah_label(value)
    for choice in reference.choices(field_name):
        if str(choice["value"]) == str(value):
            return _text(choice["label"])
    return "" if value is None else str(value)


def satudata_wilayah_label(code: Any, with_code: bool = False) -> str:
    w = reference.wilayah(str(code) if code is not None else None)
    if not w:
        return "" if code is None else str(code)
    name = reference.wilayah_name(w["code"])
    return f"{w['code']} {name}" if with_code else name


def satudata_wilayah_options() -> list[dict[str, str]]:
    return [{"value": w["code"], "text": satudata_wilayah_label(w["code"], with_code=True)}
            for w in reference.wilayah_list()]


def satudata_default_cakupan() -> str:
    return tk.config.get("ckanext.satudata.default_cakupan")


def satudata_wilayah_source() -> str:
    return reference.wilayah_source()


def _current_user() -> Optional[str]:
    try:
        user = tk.current_user
        return None if user.is_anonymous else user.name
    except (RuntimeError, AttributeError):
        return None


def satudata_is_walidata(user: Optional[str] = None) -> bool:
    return roles.is_walidata(user or _current_user())


def satudata_is_pembina(user: Optional[str] = None) -> bool:
    return roles.is_pembina(user or _current_user())


def satudata_contact() -> dict[str, str]:
    return {
        "email": tk.config.get("ckanext.satudata.contact_email"),
        "phone": tk.config.get("ckanext.satudata.contact_phone"),
        "address": tk.config.get("ckanext.satudata.contact_address"),
    }


def satudata_status_label(status: Optional[str]) -> str:
    from ckanext.satudata import workflow
    if status == "changed":
        return tk._("Changed after verification")
    if status == "all":
        return tk._("All")
    return workflow.status_label(status)


def satudata_status_class(status: Optional[str]) -> str:
    return "satudata-status satudata-status-" + (status or "draft").replace("_", "-")


def satudata_approval_step(action: str) -> str:
    """How an approval step reads in a history line."""
    return {
        "submit": tk._("submitted it for verification"),
        "approve": tk._("approved it"),
        "reject": tk._("returned it for correction"),
        "acknowledge": tk._("checked the changes made after verification"),
        "import": tk._("imported it from another portal for verification"),
    }.get(action, action)


def satudata_user_display(name: Optional[str]) -> str:
    from ckan import model
    user = model.User.get(name) if name else None
    return user.display_name if user else (name or "")


def satudata_check_message(result: dict[str, Any]) -> str:
    from ckanext.satudata import checks
    return checks.message(result)
