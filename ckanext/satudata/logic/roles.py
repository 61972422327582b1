"""Who is who in the Satu Data flow, from CKAN organization memberships.

- Produsen Data: admins and editors of an Instansi.
- Walidata: sysadmins, and admins and editors of ``ckanext.satudata.walidata_org``.
- Pembina Data: admins and editors of ``ckanext.satudata.pembina_org``.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional, Union

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
import sqlalchemy.orm  # noqa: F401  (sa.orm.Session for the listeners)

from ckanext.satudata import cache

PRODUCER_CAPACITIES = ("admin", "editor")

UserRef = Union[model.User, str, None]


def _user(user: UserRef) -> Optional[model.User]:
    # The API passes current_user (a proxy, anonymous for a visitor) as auth_user_obj.
    if user is None or getattr(user, "is_anonymous", False):
        return None
    if isinstance(user, model.User):
        return user
    return model.User.get(user) if isinstance(user, str) else None


def memberships(user_id: str, capacities: Optional[tuple[str, ...]] = None, org_name: Optional[str] = None):
    """The one membership query: (Instansi id, capacity) of a user's active
    memberships of active Instansi, optionally in these capacities or of one
    Instansi by name."""
    q = (
        model.Session.query(model.Member.group_id, model.Member.capacity)
        .join(model.Group, model.Group.id == model.Member.group_id)
        .filter(model.Member.table_name == "user")
        .filter(model.Member.table_id == user_id)
        .filter(model.Member.state == "active")
        .filter(model.Group.is_organization.is_(True))
        .filter(model.Group.state == "active")
    )
    if capacities:
        q = q.filter(model.Member.capacity.in_(capacities))
    if org_name:
        q = q.filter(model.Group.name == org_name)
    return q


def _capacity_in(user: model.User, org_name: str) -> Optional[str]:
    row = memberships(user.id, org_name=org_name).first()
    return row[1] if row else None


def is_walidata(user: UserRef) -> bool:
    u = _user(user)
    if u is None:
        return False
    if u.sysadmin:
        return True
    org = tk.config.get("ckanext.satudata.walidata_org")
    return _capacity_in(u, org) in PRODUCER_CAPACITIES


def is_pembina(user: UserRef) -> bool:
    u = _user(user)
    if u is None:
        return False
    org = tk.config.get("ckanext.satudata.pembina_org")
    return _capacity_in(u, org) in PRODUCER_CAPACITIES


# Each person (by name or id) with their admin/editor memberships of the
# Walidata's and the Pembina's Instansi (active ones), as ``memberships`` reads them.
_WORKFLOW_ROLES = sa.text(
    'SELECT u.name, u.id, u.sysadmin, g.name FROM "user" u'
    " LEFT JOIN member m ON m.table_id = u.id AND m.table_name = 'user' AND m.state = 'active'"
    " AND m.capacity IN :capacities"
    ' LEFT JOIN "group" g ON g.id = m.group_id AND g.is_organization AND g.state = \'active\' AND g.name IN :orgs'
    " WHERE u.name IN :refs OR u.id IN :refs"
).bindparams(sa.bindparam("refs", expanding=True), sa.bindparam("capacities", expanding=True),
             sa.bindparam("orgs", expanding=True))


def workflow_roles(refs: Iterable[str]) -> dict[str, str]:
    """``{username or id: "walidata" | "pembina" | "produsen"}`` for many people,
    as ``is_walidata`` then ``is_pembina`` answer one by one (everyone else, and
    a name nobody has, is "produsen").

    Every search result and catalogue page names people by these roles, so
    the answers are kept in Redis under a version that every committed change
    to a membership, a user or an Instansi raises (``_note_changes``): the
    next page after a change asks the database again. Redis down: asked every
    time."""
    refs = sorted({r for r in refs if r})
    if not refs:
        return {}
    walidata_org = tk.config.get("ckanext.satudata.walidata_org")
    pembina_org = tk.config.get("ckanext.satudata.pembina_org")
    version = cache.version(ROLES)
    key = f"{ROLES}:{version}:{walidata_org}:{pembina_org}"
    found = cache.fields_kept(key, refs) if version is not None else {}
    missing = [r for r in refs if r not in found]
    if missing:
        asked = _workflow_roles(missing, walidata_org, pembina_org)
        if version is not None:
            cache.keep_fields(key, asked)
        found.update(asked)
    return found


def _workflow_roles(refs: list[str], walidata_org: str, pembina_org: str) -> dict[str, str]:
    # Plain SQL: a page asks this once per request, and the ORM took 1 ms of it.
    rows = model.Session.execute(_WORKFLOW_ROLES, {
        "refs": refs, "capacities": list(PRODUCER_CAPACITIES), "orgs": [walidata_org, pembina_org]}).all()
    kinds: dict[str, set[str]] = {}
    for name, user_id, sysadmin, org_name in rows:
        found = kinds.setdefault(name, set())
        kinds.setdefault(user_id, found)
        if sysadmin or org_name == walidata_org:
            found.add("walidata")
        elif org_name == pembina_org:
            found.add("pembina")
    return {ref: next((k for k in ("walidata", "pembina") if k in kinds.get(ref, ())), "produsen") for ref in refs}


ROLES = "workflow-roles"

# Who submitted and who verified a dataset, and the role each had when they
# acted, stored beside the name by the workflow (``with_roles``): the public
# reads "Walidata" for a verification made by the Walidata even after that
# person has moved on, and a page reads the role with the dataset instead of
# asking for it. Datasets verified before roles were stored have none, and
# their people's roles are read as they are now (``workflow_roles``).
ROLE_FIELDS = {"approval_by": "approval_by_role", "approval_submitted_by": "approval_submitted_by_role"}


def with_roles(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` (approval fields about to be stored) with each named
    person's present role beside their name, and an emptied name's role
    emptied too."""
    named = {field: values[field] for field in ROLE_FIELDS if field in values}
    found = workflow_roles(named.values())
    for field, name in named.items():
        values[ROLE_FIELDS[field]] = acted_as(field, found.get(name, "")) if name else ""
    return values


def acted_as(field: str, role: str) -> str:
    """The role a person with ``role`` acts in as ``field``: a Pembina Data
    submits as a producer of their own Instansi, and verifies as the Pembina."""
    return "produsen" if role == "pembina" and field != "approval_by" else role


# What ``workflow_roles`` reads of each kind of object besides memberships.
_ROLE_ATTRIBUTES = {model.User: ("name", "state", "sysadmin"), model.Group: ("name", "state")}


@sa.event.listens_for(sa.orm.Session, "after_flush")
def _note_changes(session: sa.orm.Session, _flush_context: Any) -> None:
    """Remember that this transaction changed what ``workflow_roles`` reads: a
    membership, a user's name, sysadmin flag or state, an Instansi's name or
    state (actions, the ``ckan sysadmin`` command, anything through the ORM).
    Reads only the flush's own changed objects."""
    if session.info.get("satudata_roles_changed"):
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, model.Member):
            changed = obj.table_name == "user"
        else:
            watched = _ROLE_ATTRIBUTES.get(type(obj))
            changed = watched is not None and (
                obj in session.new or obj in session.deleted
                or any(sa.inspect(obj).attrs[a].history.has_changes() for a in watched))
        if changed:
            session.info["satudata_roles_changed"] = True
            return


@sa.event.listens_for(sa.orm.Session, "after_commit")
def _forget_roles(session: sa.orm.Session) -> None:
    if session.info.pop("satudata_roles_changed", False):
        cache.bump(ROLES)


@sa.event.listens_for(sa.orm.Session, "after_rollback")
def _keep_roles(session: sa.orm.Session) -> None:
    session.info.pop("satudata_roles_changed", None)


def producer_org_ids(user: UserRef) -> list[str]:
    """Ids of the Instansi in which the user is a Produsen Data (admin or editor)."""
    u = _user(user)
    return [r[0] for r in memberships(u.id, PRODUCER_CAPACITIES)] if u is not None else []


def member_org_ids(user: UserRef) -> list[str]:
    """Ids of every Instansi the user belongs to, in any role."""
    u = _user(user)
    return [r[0] for r in memberships(u.id)] if u is not None else []


def is_producer_of(user: UserRef, org_id: Optional[str]) -> bool:
    u = _user(user)
    if u is None or not org_id:
        return False
    return authz.has_user_permission_for_group_or_org(org_id, u.name, "create_dataset") and \
        org_id in producer_org_ids(u)


def _producers_of(org_name: Optional[str]) -> list[model.User]:
    """The active admins and editors of the Instansi named ``org_name``."""
    return (model.Session.query(model.User)
            .join(model.Member, model.Member.table_id == model.User.id)
            .join(model.Group, model.Group.id == model.Member.group_id)
            .filter(model.Member.table_name == "user", model.Member.state == "active",
                    model.Member.capacity.in_(PRODUCER_CAPACITIES),
                    model.Group.name == org_name, model.User.state == "active")
            .all())


def walidata_users() -> list[model.User]:
    """Everyone who acts as the Walidata: sysadmins and the Walidata Instansi's Produsen."""
    sysadmins = model.Session.query(model.User).filter(
        model.User.sysadmin.is_(True), model.User.state == "active").all()
    return sysadmins + _producers_of(tk.config.get("ckanext.satudata.walidata_org"))


def pembina_users() -> list[model.User]:
    return _producers_of(tk.config.get("ckanext.satudata.pembina_org"))
