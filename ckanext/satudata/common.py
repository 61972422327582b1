"""Small things many modules need, written once: marking a message for
translation, the time, the person of the current request, an Instansi by id or
name."""
from __future__ import annotations

import datetime
from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk


def N_(message: str) -> str:
    """Marks a message for extraction (babel keyword ``N_``); translated where it is shown."""
    return message


def utcnow() -> datetime.datetime:
    """Now, in UTC without microseconds, as the portal stores times."""
    return datetime.datetime.utcnow().replace(microsecond=0)


def now_iso() -> str:
    """``utcnow`` as ISO 8601 text (the approval fields)."""
    return utcnow().isoformat()


def current_user_name() -> Optional[str]:
    """The name of the person of the current web request; None for a visitor or
    outside a request."""
    try:
        user = tk.current_user
        return None if user.is_anonymous else user.name
    except (RuntimeError, AttributeError):
        return None


def request_context() -> dict[str, Any]:
    """A fresh action context for the person of the current web request."""
    try:
        user = tk.current_user
        signed_in = user.is_authenticated
    except (RuntimeError, AttributeError):
        signed_in = False
    return {"user": user.name if signed_in else "", "auth_user_obj": user if signed_in else None}


def solr_phrase(value: Any) -> str:
    """``value`` as one quoted Solr phrase (backslashes and quotes escaped): every
    filter the portal builds from a value goes through here, whether the value
    came from the caller or from the database."""
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def instansi_filter(id_or_name: Any) -> str:
    """The search filter of one Instansi (its id or name), for the pages and
    actions that take ``owner_org``; an unknown one is refused."""
    group = instansi(id_or_name)
    if group is None:
        raise tk.ValidationError({"owner_org": [tk._("Instansi not found")]})
    return f"+owner_org:{solr_phrase(group.id)}"


def instansi(id_or_name: Any) -> Optional[model.Group]:
    """The active Instansi (CKAN organization) with this id or name, or None."""
    if id_or_name in (None, ""):
        return None
    group = model.Group.get(str(id_or_name))
    if group is None or not group.is_organization or group.state != "active":
        return None
    return group
