"""Filing datasets under Tematik (CKAN groups): one rule, used by the dataset
form, the dataset's Tematik tab and the Action API.

Who: whoever may edit the dataset (its Produsen Data and the Walidata) may
file it under any of the portal's Tematik; nobody needs to be a member of the
Tematik (core saved a dataset's groups only for the group's own members, so
nobody but a sysadmin could set one). What: only active Tematik of this
portal; a name that is not one is refused with the names (core dropped it
silently). On published data a Produsen's change of Tematik is part of the
pending revision, like any other change (``revisions.py``).
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

# The dataset form always sends this, so that unticking every Tematik removes them.
FORM_MARKER = "satudata_tematik_form"


def choices() -> list[model.Group]:
    """Every active Tematik, by title."""
    return (model.Session.query(model.Group)
            .filter(model.Group.is_organization.is_(False), model.Group.type == "group",
                    model.Group.state == "active")
            .order_by(model.Group.title, model.Group.name).all())


def get(ref: Any) -> Optional[model.Group]:
    """The active Tematik with this id or name, or None."""
    group = model.Group.get(str(ref)) if ref not in (None, "") else None
    if group is None or group.is_organization or group.type != "group" or group.state != "active":
        return None
    return group


def requested(data_dict: dict[str, Any], pkg: Optional[model.Package] = None) -> Optional[list[model.Group]]:
    """The Tematik ``data_dict['groups']`` asks for (normalised in place to
    ``[{"name": ...}]``), or None when the write leaves them alone. A name that
    is not an active Tematik is a ``ValidationError`` on ``groups``, unless the
    dataset already had it (a Tematik deleted since: it is dropped, so that
    core's own writes, which send the groups back, keep working)."""
    if data_dict.pop(FORM_MARKER, None) is not None and not data_dict.get("groups"):
        data_dict["groups"] = []
    if data_dict.get("groups") is None:
        data_dict.pop("groups", None)
        return None
    entries = data_dict["groups"]
    if not isinstance(entries, list):
        raise tk.ValidationError({"groups": [tk._("Choose the Tematik as a list")]})
    found: list[model.Group] = []
    unknown: list[str] = []
    had = {key for g in (pkg.get_groups("group") if pkg is not None else []) for key in (g.id, g.name)}
    for entry in entries:
        ref = (entry.get("id") or entry.get("name")) if isinstance(entry, dict) else entry
        group = get(ref)
        if group is None:
            if str(ref) not in had:
                unknown.append(str(ref))
        elif group not in found:
            found.append(group)
    if unknown:
        raise tk.ValidationError({"groups": [tk._("Not a Tematik of this portal: {names}").format(
            names=", ".join(unknown))]})
    data_dict["groups"] = [{"name": g.name} for g in found]
    return found


def current(pkg: model.Package) -> list[model.Group]:
    return [g for g in pkg.get_groups("group") if g.state == "active"]


def file_under(pkg: model.Package, groups: list[model.Group]) -> bool:
    """Make ``groups`` the dataset's Tematik (flushed, not committed); True
    when anything changed. The caller has checked that the user may edit it."""
    members = {m.group_id: m for m in model.Session.query(model.Member).filter(
        model.Member.table_name == "package", model.Member.table_id == pkg.id,
        model.Member.capacity != "organization")}
    wanted = {g.id for g in groups}
    changed = False
    for group_id, member in members.items():
        group = model.Session.get(model.Group, group_id)
        if group is None or group.is_organization:
            continue
        state = "active" if group_id in wanted else "deleted"
        if member.state != state:
            member.state, member.capacity = state, "public"
            changed = True
    for group in groups:
        if group.id not in members:
            model.Session.add(model.Member(table_id=pkg.id, table_name="package", group=group,
                                           group_id=group.id, capacity="public", state="active"))
            changed = True
    model.Session.flush()
    return changed
