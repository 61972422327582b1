"""Action API of ckanext-satudata. Each docstring is the API documentation
served by ``help_show``."""
from __future__ import annotations

from typing import Any, Callable

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.types import Context, DataDict

from ckanext.satudata import common, dataapi, harvesting, reference, security, visibility, workflow
from ckanext.satudata.logic import interop, roles, services


def get_actions() -> dict[str, Callable[..., Any]]:
    """Every action of the portal, for ``tk.blanket.actions``: its own, and the
    core and extension actions it chains."""
    own = [
        "satudata_wilayah_list", "satudata_dataset_submit", "satudata_dataset_approve",
        "satudata_dataset_reject", "satudata_review_list",
        "package_create", "package_update", "bulk_update_public", "bulk_update_private",
        "bulk_update_delete",
        # Core lists and counts follow the visibility rule
        "package_list", "tag_list", "tag_search", "tag_autocomplete", "member_list",
        "organization_list_for_user", "resource_search", "user_show", "user_list",
        "organization_show", "group_show", "harvest_source_list",
    ]
    actions: dict[str, Callable[..., Any]] = {name: globals()[name] for name in own}
    # Interoperability: RDF shows only public datasets; harvest sources name the
    # Instansi that receives their datasets.
    for name in ("dcat_dataset_show", "dcat_catalog_show", "dcat_catalog_search",
                 "harvest_source_create", "harvest_source_update"):
        actions[name] = getattr(interop, name)
    # Tabular preview and Data API
    for name in ("xloader_submit", "datastore_create", "datastore_delete"):
        actions[name] = getattr(dataapi, name)
    # Open-data services
    for name in services.__all__:
        actions[name] = getattr(services, name)
    return actions


@tk.side_effect_free
def satudata_wilayah_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The reference area codes (kode wilayah Kemendagri) used by Cakupan, and the
    levels of the code used by Level Penyajian.

    Anyone may call it.

    :param q: part of a name or the start of a code to filter on, e.g.
        ``sangatta`` or ``64.08.1`` (optional)
    :type q: string
    :returns: ``source`` (the decree the codes come from), ``source_url``,
        ``results``, a list of ``{"code", "level", "name", "label"}`` with
        Kabupaten Kutai Timur first (``label`` is how the portal names the area,
        e.g. "Kecamatan Sangatta Utara"), and ``levels``, the levels of the code
        (``{"value", "code_format", "name"}``)
    :rtype: dictionary
    """
    tk.check_access("satudata_wilayah_list", context, data_dict)
    results = [dict(w, label=reference.wilayah_name(w["code"]))
               for w in reference.wilayah_search(data_dict.get("q"))]
    return {"source": reference.wilayah_source(), "source_url": reference.wilayah_source_url(),
            "results": results, "levels": reference.tingkat_list()}


def satudata_dataset_submit(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Submit a dataset for verification by the Walidata (``draft`` or ``rejected``
    to ``pending``).

    Callable by a Produsen Data (admin or editor) of the dataset's Instansi, or a
    Walidata. Before the status changes the dataset is checked (validasi): the
    metadata complete and well formed per the schema, at least one file or link,
    links well formed, every uploaded CSV/XLSX readable (UTF-8, header row,
    consistent columns). All failures are reported at once in a ValidationError
    and nothing changes. The Walidata are told by e-mail.

    :param id: the id or name of the dataset
    :type id: string
    :param note: a message for the Walidata (optional)
    :type note: string
    :returns: the dataset, with ``approval_status`` ``pending``
    :rtype: dictionary
    """
    tk.check_access("satudata_dataset_submit", context, data_dict)
    pkg = workflow.get_package(tk.get_or_bust(data_dict, "id"))
    return workflow.submit(context, pkg, (data_dict.get("note") or "").strip())


def satudata_dataset_approve(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Approve a dataset (persetujuan).

    A Walidata approves a ``pending`` dataset, or a ``draft`` directly (it is
    checked as on submission and recorded as approved by them). Priority data
    (``prioritas``) then goes to ``pembina_review`` and is ``approved`` only when a
    Pembina Data approves it too. Approving an approved dataset changes nothing,
    except that a Walidata's approval clears the "changed after verification" mark.
    The submitter and the dataset's maintainer are told by e-mail.

    :param id: the id or name of the dataset
    :type id: string
    :param note: a note kept with the approval (optional)
    :type note: string
    :returns: the dataset, with its new ``approval_status``
    :rtype: dictionary
    """
    tk.check_access("satudata_dataset_approve", context, data_dict)
    pkg = workflow.get_package(tk.get_or_bust(data_dict, "id"))
    return workflow.approve(context, pkg, (data_dict.get("note") or "").strip())


def satudata_dataset_reject(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Return a dataset to its Produsen Data for correction (``rejected``).

    A Walidata returns a ``pending`` dataset; a Pembina Data returns a priority
    dataset in ``pembina_review``. The note is required and is shown to the
    Produsen and sent to them by e-mail. Metadata and files are kept; the
    dataset is corrected and submitted again.

    :param id: the id or name of the dataset
    :type id: string
    :param note: what must be corrected (required)
    :type note: string
    :returns: the dataset, with ``approval_status`` ``rejected``
    :rtype: dictionary
    """
    tk.check_access("satudata_dataset_reject", context, data_dict)
    pkg = workflow.get_package(tk.get_or_bust(data_dict, "id"))
    return workflow.reject(context, pkg, data_dict.get("note") or "")


def _review_fq(context: Context, owner_org: str | None) -> str:
    user = context.get("auth_user_obj") or context.get("user")
    parts = []
    if owner_org:
        org = common.instansi(owner_org)
        if org is None:
            raise tk.ValidationError({"owner_org": [tk._("Instansi not found")]})
        parts.append(f'+owner_org:"{org.id}"')
    if not roles.is_walidata(user):
        orgs = roles.producer_org_ids(user)
        own = " OR ".join(f'"{o}"' for o in orgs)
        if roles.is_pembina(user):
            parts.append(f"+(owner_org:({own}) OR approval_status:pembina_review)" if own
                         else "+approval_status:pembina_review")
        else:
            parts.append(f"+owner_org:({own or '__none__'})")
    return " ".join(parts)


@tk.side_effect_free
def satudata_review_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The verification queue: datasets by approval status, oldest submission first.

    A Walidata sees every Instansi; a Produsen Data sees the Instansi where they are
    admin or editor; a Pembina Data also sees priority data awaiting them.

    :param status: ``draft``, ``pending`` (default), ``pembina_review``, ``approved``,
        ``rejected``, ``changed`` (approved, then edited) or ``all``
    :type status: string
    :param owner_org: only this Instansi (id or name, optional)
    :type owner_org: string
    :param q: search words (optional)
    :type q: string
    :param rows: how many datasets to return (default 20, at most 100)
    :type rows: int
    :param start: offset of the first dataset (default 0)
    :type start: int
    :returns: ``count`` (matching datasets), ``counts`` (per status, same filters
        except status) and ``results``: datasets with ``approval_status``,
        ``approval_submitted_by``, ``approval_submitted_at``, ``approval_note``,
        ``approval_by``, ``approval_at`` and ``approval_changed_after``
    :rtype: dictionary
    """
    tk.check_access("satudata_review_list", context, data_dict)
    status = data_dict.get("status") or workflow.PENDING
    if status not in workflow.STATUSES + ("changed", "all"):
        raise tk.ValidationError({"status": [tk._("Unknown status: {status}").format(status=status)]})
    try:
        rows = min(max(int(data_dict.get("rows", 20)), 0), 100)
        start = max(int(data_dict.get("start", 0)), 0)
    except (TypeError, ValueError):
        raise tk.ValidationError({"rows": [tk._("Must be a whole number")]})

    base_fq = _review_fq(context, data_dict.get("owner_org"))
    if status == "changed":
        status_fq = "+approval_status:approved +approval_changed_after:[* TO *]"
    elif status == "draft":
        status_fq = "-approval_status:(pending OR pembina_review OR approved OR rejected)"
    elif status == "all":
        status_fq = ""
    else:
        status_fq = f"+approval_status:{status}"
    user = visibility.user_of(context)
    q = data_dict.get("q") or ""
    result = visibility.search(user, q=q, fq=f"{base_fq} {status_fq}".strip(), rows=rows, start=start,
                               sort="approval_submitted_at asc, metadata_created asc")
    facets = visibility.search(user, q=q, fq=base_fq, rows=0,
                               **{"facet.field": ["approval_status"], "facet.limit": -1})
    counts = {s: 0 for s in workflow.STATUSES}
    for item in facets["search_facets"].get("approval_status", {}).get("items", []):
        counts[item["name"]] = item["count"]
    counts[workflow.DRAFT] = facets["count"] - sum(counts[s] for s in workflow.STATUSES if s != workflow.DRAFT)
    changed = visibility.search(user, q=q, rows=0,
                                fq=f"{base_fq} +approval_status:approved +approval_changed_after:[* TO *]")
    counts["changed"] = changed["count"]

    keys = ("id", "name", "title", "owner_org", "private", "state", "prioritas", "metadata_modified",
            "approval_status", "approval_note", "approval_by", "approval_at",
            "approval_submitted_by", "approval_submitted_at", "approval_changed_after")
    results = []
    for pkg in result["results"]:
        item = {k: pkg.get(k) for k in keys}
        item["approval_status"] = item["approval_status"] or workflow.DRAFT
        item["organization"] = {k: (pkg.get("organization") or {}).get(k) for k in ("id", "name", "title")}
        results.append(item)
    return {"count": result["count"], "counts": counts, "results": results}


def _after_bulk(context: Context, data_dict: DataDict) -> None:
    from ckan.lib import search
    for pkg_id in data_dict.get("datasets") or []:
        pkg = model.Package.get(pkg_id)
        if pkg is None:
            continue
        changed = workflow.after_edit(context, pkg)
        visibility.hide_history(pkg)
        model.repo.commit()
        if changed:
            search.rebuild(pkg.id)


@tk.chained_action
def bulk_update_public(next_action, context: Context, data_dict: DataDict):
    """Core's bulk "make public", followed by the portal's rule for edits of
    verified datasets: making data public never skips the Walidata."""
    result = next_action(context, data_dict)
    _after_bulk(context, data_dict)
    return result


@tk.chained_action
def bulk_update_private(next_action, context: Context, data_dict: DataDict):
    """Core's bulk "make private", recorded as an edit of verified datasets."""
    result = next_action(context, data_dict)
    _after_bulk(context, data_dict)
    return result


@tk.chained_action
def bulk_update_delete(next_action, context: Context, data_dict: DataDict):
    """Core's bulk delete; the history of deleted datasets leaves the public."""
    result = next_action(context, data_dict)
    _after_bulk(context, data_dict)
    return result


@tk.chained_action
def package_create(next_action, context: Context, data_dict: DataDict):
    """Core's package_create; a Produsen may also save an incomplete draft
    (``state: draft``), which core keeps for package admins only."""
    context["satudata_state"] = data_dict.get("state") or "active"
    security.settle_mimetypes(data_dict)
    if data_dict.get("state") == "draft":
        context["allow_state_change"] = True
    harvesting.before_write(context, data_dict)
    return next_action(context, data_dict)


@tk.chained_action
def package_update(next_action, context: Context, data_dict: DataDict):
    """Core's package_update; notes the state asked for, so a draft stays
    lenient and a dataset leaving the draft state must be complete."""
    pkg = model.Package.get(data_dict.get("id") or data_dict.get("name") or "")
    context["satudata_state"] = data_dict.get("state") or (pkg.state if pkg else "active")
    security.settle_mimetypes(data_dict)
    harvesting.before_write(context, data_dict)
    if not context.get("ignore_auth") and roles.is_walidata(context.get("auth_user_obj") or context.get("user")):
        # The Walidata may edit any dataset (auth package_update) and file it under
        # any Tematik; core saves group membership only for the group's members
        # unless auth is already settled, which it is: check it, then say so.
        tk.check_access("package_update", context, data_dict)
        return next_action(dict(context, ignore_auth=True), data_dict)
    return next_action(context, data_dict)


# ---------------------------------------------------------------------------
# Core lists and counts follow the visibility rule (``visibility.py``). Core
# builds these from the database, where a dataset awaiting verification looks
# like any other active, public one.

@tk.side_effect_free
@tk.chained_action
def package_list(next_action, context: Context, data_dict: DataDict) -> list[str]:
    """Names of the public datasets (active, public and verified), as core's
    ``package_list``.

    :param limit: at most this many names (optional)
    :type limit: int
    :param offset: from this position (optional)
    :type offset: int
    :rtype: list of strings
    """
    tk.check_access("package_list", context, data_dict)
    table = model.package_table
    col = table.c["id"] if context.get("api_version") == 2 else table.c["name"]
    query = sa.select(col).where(visibility.public_clause(table)).order_by(col)
    limit, offset = _whole(data_dict, "limit"), _whole(data_dict, "offset")
    if limit:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    return list(model.Session.scalars(query).all())


def _whole(data_dict: DataDict, key: str) -> int | None:
    value = data_dict.get(key)
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise tk.ValidationError({key: [tk._("Must be a whole number")]})
    if number < 0:
        raise tk.ValidationError({key: [tk._("Must be a whole number")]})
    return number


def _free_tags(data_dict: DataDict) -> bool:
    return not data_dict.get("vocabulary_id")


@tk.side_effect_free
@tk.chained_action
def tag_list(next_action, context: Context, data_dict: DataDict):
    """Core's ``tag_list``; free tags only of the datasets the caller may see."""
    result = next_action(context, data_dict)
    if not _free_tags(data_dict):
        return result
    seen = visibility.visible_tags(visibility.user_of(context))
    return [t for t in result if (t["name"] if isinstance(t, dict) else t) in seen]


@tk.side_effect_free
@tk.chained_action
def tag_search(next_action, context: Context, data_dict: DataDict):
    """Core's ``tag_search``; free tags only of the datasets the caller may see."""
    if not _free_tags(data_dict):
        return next_action(context, data_dict)
    limit, offset = _whole(data_dict, "limit"), _whole(data_dict, "offset") or 0
    result = next_action(context, dict(data_dict, limit=None, offset=None))
    seen = visibility.visible_tags(visibility.user_of(context))
    tags = [t for t in result["results"] if t["name"] in seen]
    return {"count": len(tags), "results": tags[offset:offset + limit if limit else None]}


@tk.side_effect_free
@tk.chained_action
def tag_autocomplete(next_action, context: Context, data_dict: DataDict):
    """Core's ``tag_autocomplete``; free tags only of the datasets the caller may see."""
    if not _free_tags(data_dict):
        return next_action(context, data_dict)
    limit = _whole(data_dict, "limit") or 10
    names = next_action(context, dict(data_dict, limit=None))
    seen = visibility.visible_tags(visibility.user_of(context))
    return [n for n in names if n in seen][:limit]


@tk.side_effect_free
@tk.chained_action
def member_list(next_action, context: Context, data_dict: DataDict):
    """Core's ``member_list``; datasets only those the caller may see."""
    members = next_action(context, data_dict)
    sees = visibility.seer(visibility.user_of(context))
    return [m for m in members if m[1] != "package" or sees(model.Package.get(m[0]))]


@tk.side_effect_free
@tk.chained_action
def organization_list_for_user(next_action, context: Context, data_dict: DataDict):
    """Core's ``organization_list_for_user``; ``package_count`` counts the datasets
    the caller may see."""
    if tk.asbool(data_dict.get("include_dataset_count")):
        context["dataset_counts"] = visibility.group_counts(visibility.user_of(context))
    return next_action(context, data_dict)


@tk.side_effect_free
@tk.chained_action
def resource_search(next_action, context: Context, data_dict: DataDict):
    """Core's ``resource_search``; files of public datasets only (core already
    leaves out private ones)."""
    limit, offset = _whole(data_dict, "limit"), _whole(data_dict, "offset") or 0
    inner = dict(context, search_query=True)
    found = next_action(inner, dict(data_dict, limit=None, offset=None))
    resources = [r for r in found["results"] if visibility.is_public(r.package)]
    page = resources[offset:offset + limit if limit else None]
    if not context.get("search_query"):
        from ckan.lib.dictization import model_dictize
        page = model_dictize.resource_list_dictize(page, context)
    return {"count": len(resources), "results": page}


def _created_counts(users: list[dict[str, Any]], context: Context) -> None:
    ids = [u["id"] for u in users if isinstance(u, dict) and "number_created_packages" in u]
    if not ids:
        return
    _total, facets = visibility.facet_counts(
        visibility.user_of(context), ["creator_user_id"],
        fq="+creator_user_id:({})".format(" OR ".join(f'"{i}"' for i in ids)))
    counts = facets["creator_user_id"]
    for user in users:
        if isinstance(user, dict) and user.get("id") in ids:
            user["number_created_packages"] = counts.get(user["id"], {}).get("count", 0)


@tk.side_effect_free
@tk.chained_action
def user_show(next_action, context: Context, data_dict: DataDict):
    """Core's ``user_show``; ``number_created_packages`` counts the datasets the
    caller may see."""
    result = next_action(context, data_dict)
    _created_counts([result], context)
    return result


@tk.side_effect_free
@tk.chained_action
def user_list(next_action, context: Context, data_dict: DataDict):
    """Core's ``user_list``; ``number_created_packages`` counts the datasets the
    caller may see."""
    result = next_action(context, data_dict)
    if isinstance(result, list):
        _created_counts(result, context)
    return result


def _count_as_seen(context: Context, result: dict[str, Any], fq: str) -> dict[str, Any]:
    if isinstance(result, dict) and "package_count" in result:
        result["package_count"] = visibility.search(visibility.user_of(context), fq=fq, rows=0, facet="false")["count"]
    return result


@tk.side_effect_free
@tk.chained_action
def organization_show(next_action, context: Context, data_dict: DataDict):
    """Core's ``organization_show``; ``package_count`` counts the datasets the
    caller may see (the same set as everywhere else)."""
    result = next_action(context, data_dict)
    return _count_as_seen(context, result, f'+owner_org:"{result.get("id")}"')


@tk.side_effect_free
@tk.chained_action
def group_show(next_action, context: Context, data_dict: DataDict):
    """Core's ``group_show``; ``package_count`` counts the datasets the caller
    may see (the same set as everywhere else)."""
    result = next_action(context, data_dict)
    return _count_as_seen(context, result, f'+groups:"{result.get("name")}"')


@tk.side_effect_free
@tk.chained_action
def harvest_source_list(next_action, context: Context, data_dict: DataDict):
    """ckanext-harvest's ``harvest_source_list``, which asks no auth function of
    its own: harvest sources (addresses, configuration) are the Walidata's, who
    sees those of every Instansi."""
    tk.check_access("harvest_source_list", context, data_dict)
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    return next_action(dict(context, user=site_user), data_dict)
