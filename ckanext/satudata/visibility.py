"""Who sees what: the one rule every page, list, count and export of the portal asks.

A dataset is **public** only when it is active, its Jenis Publikasi is public and
the Walidata (and, for priority data, the Pembina Data) approved it
(``is_public``). Before that — and while it is approved but private — it is seen
by the members of its Instansi (any role) and by the Walidata; a priority dataset
in Pembina review also by the Pembina Data. Sysadmins see everything.

The rule is written once, as CKAN permission labels (``SatudataPermissionLabels``),
and read through the functions below:

- ``search``: every list and count of datasets (pages, inventory, review queue,
  statistics, SPBE, DCAT, sitemap) is a ``package_search`` *as the person who
  asks*, with private and draft datasets included, so the labels alone decide;
- ``seer``: one dataset at a time (member lists), the person's labels read once;
- ``public_clause``: the same ``is_public`` as an SQL condition, for the core
  actions that read the database directly (``package_list``, ``resource_search``,
  user dataset counts); ``tests/logic/test_visibility.py`` checks both agree;
- ``hide_history``: once a dataset stops being public, its earlier activities
  stop being public too.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator, Optional

import ckan.authz as authz
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model
from ckan.lib.plugins import DefaultPermissionLabels, get_permission_labels

from ckanext.satudata import workflow
from ckanext.satudata.logic import roles

WALIDATA = "satudata-walidata"
PEMBINA = "satudata-pembina"
PUBLIC = "public"
PAGE = 1000


def is_public(pkg: model.Package) -> bool:
    """What the public may see: active, Jenis Publikasi public, and approved."""
    return pkg.state == "active" and not pkg.private and workflow.status_of(pkg) == workflow.APPROVED


def public_clause(package_table: Any = None) -> Any:
    """``is_public`` as an SQL condition on the package table."""
    t = package_table if package_table is not None else model.package_table
    return sa.and_(t.c.state == "active", t.c.private.is_(False),
                   t.c.extras["approval_status"].astext == workflow.APPROVED)


class SatudataPermissionLabels(DefaultPermissionLabels):
    def get_dataset_labels(self, dataset_obj: model.Package) -> list[str]:
        if is_public(dataset_obj):
            return [PUBLIC]
        return self.hidden_labels(dataset_obj)

    def hidden_labels(self, dataset_obj: model.Package) -> list[str]:
        """Who sees the dataset while it is not public."""
        # Core's labels for a dataset that is not public: its Instansi's members
        # (or its creator), and its collaborators when those are enabled.
        labels = [f"member-{dataset_obj.owner_org}" if dataset_obj.owner_org
                  else f"creator-{dataset_obj.creator_user_id}"]
        if authz.check_config_permission("allow_dataset_collaborators"):
            labels.append(f"collaborator-{dataset_obj.id}")
        labels.append(WALIDATA)
        if workflow.status_of(dataset_obj) == workflow.PEMBINA_REVIEW:
            labels.append(PEMBINA)
        return labels

    def get_user_dataset_labels(self, user_obj: Any) -> list[str]:
        labels = super().get_user_dataset_labels(user_obj)
        if user_obj is not None and not getattr(user_obj, "is_anonymous", False):
            if roles.is_walidata(user_obj):
                labels.append(WALIDATA)
            if roles.is_pembina(user_obj):
                labels.append(PEMBINA)
        return labels


# ---------------------------------------------------------------------------
# Who asks

def user_of(context: dict[str, Any]) -> Optional[model.User]:
    """The person of an action context (None for a visitor); in a web request
    ``auth_user_obj`` may be flask-login's anonymous user."""
    user = context.get("auth_user_obj")
    if isinstance(user, model.User):
        return user
    name = context.get("user")
    return model.User.get(name) if name else None


def context_of(user: Any) -> dict[str, Any]:
    """A fresh action context that asks as ``user`` (a model.User, a name or None)."""
    if user is None or getattr(user, "is_anonymous", False):
        return {"user": "", "auth_user_obj": None}
    obj = user if isinstance(user, model.User) else model.User.get(user)
    return {"user": obj.name if obj else "", "auth_user_obj": obj}


def user_labels(user: Any) -> Optional[set[str]]:
    """The labels ``user`` sees; None means everything (sysadmins)."""
    obj = context_of(user)["auth_user_obj"]
    if obj is not None and obj.sysadmin:
        return None
    return set(get_permission_labels().get_user_dataset_labels(obj))


def seer(user: Any) -> Callable[[Optional[model.Package]], bool]:
    """``sees(pkg)``: may ``user`` see dataset ``pkg`` (a deleted dataset only
    sysadmins)? The user's labels are read once, for checking many datasets."""
    labels = user_labels(user)
    plugin = get_permission_labels()

    def sees(pkg: Optional[model.Package]) -> bool:
        if pkg is None:
            return False
        if labels is None:
            return True
        return pkg.state != "deleted" and bool(labels & set(plugin.get_dataset_labels(pkg)))
    return sees



# ---------------------------------------------------------------------------
# Lists and counts

def search(user: Any, **params: Any) -> dict[str, Any]:
    """package_search as ``user``: everything the labels let them see (private and
    draft datasets included), narrowed by ``params``."""
    params.setdefault("include_private", True)
    params.setdefault("include_drafts", True)
    return tk.get_action("package_search")(context_of(user), params)


def iter_datasets(user: Any, fq: str = "", q: str = "", fl: Optional[list[str]] = None,
                  sort: str = "metadata_created asc, name asc", public_only: bool = False,
                  page: int = PAGE) -> Iterator[dict[str, Any]]:
    """Every dataset matching ``fq`` that ``user`` may see, ``page`` at a time."""
    start = 0
    while True:
        params: dict[str, Any] = {"q": q, "fq": fq, "rows": page, "start": start, "sort": sort,
                                  "facet": "false"}
        if public_only:
            params.update(include_private=False, include_drafts=False)
        if fl:
            params["fl"] = fl
        result = search(user, **params)
        yield from result["results"]
        start += page
        if start >= result["count"] or not result["results"]:
            return


def facet_counts(user: Any, fields: list[str], fq: str = "", public_only: bool = False
                 ) -> tuple[int, dict[str, dict[str, Any]]]:
    """(number of datasets, {field: {value: {"count", "display_name"}}}) as ``user`` sees them."""
    params: dict[str, Any] = {"q": "", "fq": fq, "rows": 0, "facet.field": fields,
                              "facet.limit": -1, "facet.mincount": 1}
    if public_only:
        params.update(include_private=False, include_drafts=False)
    result = search(user, **params)
    facets = {}
    for field in fields:
        items = result["search_facets"].get(field, {}).get("items", [])
        facets[field] = {i["name"]: {"count": i["count"], "display_name": i["display_name"]} for i in items}
    return result["count"], facets


def visible_tags(user: Any) -> set[str]:
    """Free tags of the datasets ``user`` may see."""
    _count, facets = facet_counts(user, ["tags"])
    return set(facets["tags"])


def group_counts(user: Any) -> dict[str, Any]:
    """Dataset counts per Instansi and Tematik as ``user`` sees them, in the form
    core's group dictization reads from ``context["dataset_counts"]``."""
    from ckan.lib.dictization import model_dictize
    labels = user_labels(user)
    return model_dictize.get_group_dataset_counts(
        fq="entity_type:package", permissions_labels=None if labels is None else sorted(labels))


# ---------------------------------------------------------------------------
# History

def hide_history(pkg: model.Package, deleted: bool = False) -> None:
    """Give the earlier public activities of a dataset that is no longer public
    (or is being ``deleted``) the labels of a hidden dataset (not committed here)."""
    if (is_public(pkg) and not deleted) or "activity" not in tk.config.get("ckan.plugins", []):
        return
    labels = SatudataPermissionLabels().hidden_labels(pkg)
    model.Session.execute(
        sa.text("UPDATE activity SET permission_labels = :labels "
                "WHERE object_id = :id AND permission_labels && ARRAY['public']"),
        {"labels": labels, "id": pkg.id})


# ---------------------------------------------------------------------------
# People: roles for the public, names for the workflow's own people

def names_people(user: Any) -> Callable[[dict[str, Any]], bool]:
    """Does ``user`` see who submitted and who verified a dataset (usernames)?
    The Walidata and the Pembina Data do, and the Produsen Data of the
    dataset's Instansi; everyone else sees roles (``show_roles``)."""
    u = roles._user(user)
    if u is None:
        return lambda pkg_dict: False
    if roles.is_walidata(u) or roles.is_pembina(u):
        return lambda pkg_dict: True
    own = set(roles.producer_org_ids(u))
    return lambda pkg_dict: pkg_dict.get("owner_org") in own


def _role_label(field: str, role: str, pkg_dict: dict[str, Any], labels: dict[Any, str]) -> str:
    """How the public reads a person of the workflow: "Walidata", "Pembina Data"
    or "Produsen Data <Instansi>"."""
    role = roles.acted_as(field, role)
    org = (pkg_dict.get("organization") or {}).get("title") or "" if role == "produsen" else ""
    key = (role, org)
    if key not in labels:
        labels[key] = (tk._("Walidata") if role == "walidata" else tk._("Pembina Data") if role == "pembina"
                       else tk._("Produsen Data {instansi}").format(instansi=org).strip())
    return labels[key]


def _memo(name: str) -> Optional[dict[Any, Any]]:
    """The request's dict ``flask.g.<name>`` (None outside a request): a page of
    results names the same few people, roles and Instansi again and again."""
    from flask import g, has_app_context
    return g.setdefault(name, {}) if has_app_context() else None


def unknown_roles(pkg_dicts: Iterable[dict[str, Any]]) -> set[str]:
    """The people these datasets name without the role they acted in (datasets
    from before roles were stored)."""
    return {d[f] for d in pkg_dicts for f, role in roles.ROLE_FIELDS.items() if d.get(f) and not d.get(role)}


def know_roles(names: set[str]) -> None:
    """Reads the present roles of these people (usernames or ids) into the
    request's memo that ``show_roles`` reads, all in one query: a search or
    catalogue page may name dozens of producers."""
    memo = _memo("satudata_roles")
    missing = [n for n in names if n not in memo] if memo is not None else []
    if missing:
        memo.update(roles.workflow_roles(missing))


def show_roles(pkg_dicts: Iterable[Any], sees_names: Callable[[dict[str, Any]], bool]) -> None:
    """Replace the usernames of who submitted and who verified by roles in each
    of ``pkg_dicts`` the asker does not see names in (``names_people``): the
    role stored when they acted (``roles.with_roles``) or, for a dataset from
    before roles were stored, the role they have now, read for the whole page
    in one query. Labels are made once per request."""
    shown = [d for d in pkg_dicts if isinstance(d, dict) and not sees_names(d)]
    if not shown:
        return
    present = _memo("satudata_roles")
    if present is None:  # outside a request: nothing to keep them in
        present = roles.workflow_roles(unknown_roles(shown))
    else:
        know_roles(unknown_roles(shown))
    labels = _memo("satudata_role_labels")
    labels = {} if labels is None else labels
    for pkg_dict in shown:
        for field, role_field in roles.ROLE_FIELDS.items():
            name = pkg_dict.get(field)
            if name:
                pkg_dict[field] = _role_label(field, pkg_dict.get(role_field) or present[name], pkg_dict, labels)
