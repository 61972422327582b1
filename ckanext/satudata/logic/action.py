"""Action API of ckanext-satudata. Each docstring is the API documentation
served by ``help_show``."""
from __future__ import annotations

import uuid
from typing import Any, Callable

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.lib import search
from ckan.types import Context, DataDict

from ckanext.satudata import (common, dataapi, harvesting, reference, revisions, security, site_config,
                              visibility, workflow)
from ckanext.satudata import tematik
from ckanext.satudata.logic import interop, roles, services


def get_actions() -> dict[str, Callable[..., Any]]:
    """Every action of the portal, for ``tk.blanket.actions``: its own, and the
    core and extension actions it chains."""
    own = [
        "satudata_wilayah_list", "satudata_dataset_submit", "satudata_dataset_approve",
        "satudata_dataset_reject", "satudata_review_list",
        "package_create", "package_update", "bulk_update_public", "bulk_update_private",
        "bulk_update_delete", "package_patch", "package_show", "satudata_dataset_withdraw",
        "resource_create", "resource_update", "resource_patch", "resource_delete",
        "satudata_revision_show", "satudata_revision_discard", "package_search",
        # Core lists and counts follow the visibility rule
        "package_list", "tag_list", "tag_search", "tag_autocomplete", "member_list",
        "organization_list_for_user", "resource_search", "user_show", "user_list",
        "organization_show", "group_show", "harvest_source_list",
        # Tematik: filed by whoever may edit the dataset (tematik.py)
        "group_list_authz", "member_create", "member_delete",
        # The site's settings: every worker's next request sees them (site_config.py)
        "config_option_update",
    ]
    actions: dict[str, Callable[..., Any]] = {name: globals()[name] for name in own}
    # Interoperability: RDF shows only public datasets; harvest sources name the
    # Instansi that receives their datasets.
    for name in ("dcat_dataset_show", "dcat_catalog_show", "dcat_catalog_search",
                 "harvest_source_create", "harvest_source_update", "harvest_job_create"):
        actions[name] = getattr(interop, name)
    # Tabular preview and Data API
    for name in ("satudata_table_load", "satudata_table_status", "datastore_create", "datastore_delete"):
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
        parts.append(common.instansi_filter(owner_org))
    if not roles.is_walidata(user):
        orgs = roles.producer_org_ids(user)
        own = " OR ".join(common.solr_phrase(o) for o in orgs)
        if roles.is_pembina(user):
            pembina = "approval_status:pembina_review OR revision_status:pembina_review"
            parts.append(f"+(owner_org:({own}) OR {pembina})" if own else f"+({pembina})")
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
        ``approval_by``, ``approval_at``, ``approval_changed_after`` and
        ``revision``: the change to a published dataset that waits for
        verification (``pending`` and ``pembina_review`` list these beside new
        submissions), else None
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
    elif status in (workflow.PENDING, workflow.PEMBINA_REVIEW):
        # New submissions and changes to published data (revisions) side by side.
        status_fq = f"+(approval_status:{status} OR revision_status:{status})"
    else:
        status_fq = f"+approval_status:{status}"
    user = visibility.user_of(context)
    q = data_dict.get("q") or ""
    result = visibility.search(user, q=q, fq=f"{base_fq} {status_fq}".strip(), rows=rows, start=start,
                               sort="approval_submitted_at asc, metadata_created asc")
    facets = visibility.search(user, q=q, fq=base_fq, rows=0,
                               **{"facet.field": ["approval_status", "revision_status"], "facet.limit": -1})
    counts = {s: 0 for s in workflow.STATUSES}
    for item in facets["search_facets"].get("approval_status", {}).get("items", []):
        counts[item["name"]] = item["count"]
    counts[workflow.DRAFT] = facets["count"] - sum(counts[s] for s in workflow.STATUSES if s != workflow.DRAFT)
    for item in facets["search_facets"].get("revision_status", {}).get("items", []):
        if item["name"] in (workflow.PENDING, workflow.PEMBINA_REVIEW):
            counts[item["name"]] += item["count"]
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
        waiting = revisions.open_revision(pkg["id"]) if item["approval_status"] == workflow.APPROVED else None
        item["revision"] = revisions.summary(waiting)
        item["organization"] = {k: (pkg.get("organization") or {}).get(k) for k in ("id", "name", "title")}
        results.append(item)
    return {"count": result["count"], "counts": counts, "results": results}


def _after_bulk(context: Context, data_dict: DataDict) -> None:
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
    groups = None if context.get("ignore_auth") else tematik.requested(data_dict)
    if not groups:
        return next_action(context, data_dict)
    # Core keeps the groups of a group's members only: file the new dataset under
    # its Tematik in the same transaction, then index it once.
    pkg = model.Package.get(next_action(dict(context, defer_commit=True, return_id_only=True), data_dict))
    tematik.file_under(pkg, groups)
    if not context.get("defer_commit"):
        model.repo.commit()
        search.rebuild(pkg.id)
    if context.get("return_id_only"):
        return pkg.id
    return tk.get_action("package_show")({"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj"),
                                          "use_cache": False}, {"id": pkg.id})


@tk.chained_action
def package_update(next_action, context: Context, data_dict: DataDict):
    """Update a dataset (core ``package_update``).

    On an approved (published) dataset, a Produsen Data's update is not applied:
    it is stored as the dataset's pending revision, which the Walidata verifies
    (``satudata_dataset_approve`` / ``satudata_dataset_reject``) while the public
    keeps the published version. Updating again continues the same revision.
    The answer is then the published dataset with ``satudata_revision``:
    ``status`` (``pending``), ``submitted_by``, ``submitted_at``,
    ``changed_fields`` and ``resources`` (added, replaced, changed, removed).
    Walidata and sysadmin updates apply at once and are recorded in the
    dataset's version history. Otherwise as in core; a draft stays lenient and a
    dataset leaving the draft state must be complete.
    """
    pkg = model.Package.get(data_dict.get("id") or data_dict.get("name") or "")
    context["satudata_state"] = data_dict.get("state") or (pkg.state if pkg else "active")
    if not context.get(revisions.APPLYING):  # settled when the revision was proposed
        security.settle_mimetypes(data_dict)
    harvesting.before_write(context, data_dict)
    groups = None if context.get("ignore_auth") else tematik.requested(data_dict, pkg)
    if revisions.holds(context, pkg):
        # As core does: the dataset's own groups are not asked about again.
        context["package"] = pkg
        tk.check_access("package_update", context, data_dict)
        return revisions.propose(context, pkg, data_dict)
    if not context.get("ignore_auth") and roles.is_walidata(context.get("auth_user_obj") or context.get("user")):
        # The Walidata may edit any dataset (auth package_update) and file it under
        # any Tematik; core saves group membership only for the group's members
        # unless auth is already settled, which it is: check it, then say so.
        tk.check_access("package_update", context, data_dict)
        before = _published_before(context, pkg)
        result = next_action(dict(context, ignore_auth=True), data_dict)
        if before is not None:
            revisions.record_direct(context, pkg, before)
            model.repo.commit()
        return result
    if groups is not None and pkg is not None:
        # Core saves groups for the group's own members only; whoever may edit the
        # dataset files it under any Tematik (tematik.py). Same transaction.
        tk.check_access("package_update", context, data_dict)
        try:
            tematik.file_under(pkg, groups)
            return next_action(context, data_dict)
        except Exception:
            model.Session.rollback()
            raise
    return next_action(context, data_dict)


def _published_before(context: Context, pkg: model.Package | None) -> dict[str, Any] | None:
    """The published dataset before a Walidata's direct edit (for its history)."""
    if pkg is None or context.get(revisions.APPLYING) or workflow.status_of(pkg) != workflow.APPROVED \
            or context.get("defer_commit"):
        return None
    return tk.get_action("package_show")({"ignore_auth": True, "use_cache": False, "for_update": True},
                                         {"id": pkg.id})


@tk.chained_action
def package_patch(next_action, context: Context, data_dict: DataDict):
    """Patch a dataset (core ``package_patch``). On published data a Produsen
    Data's patch applies to their pending revision, if there is one, and becomes
    that revision (see ``package_update``)."""
    pkg = model.Package.get(data_dict.get("id") or data_dict.get("name") or "")
    if not revisions.holds(context, pkg):
        return next_action(context, data_dict)
    context["package"] = pkg
    tk.check_access("package_patch", context, data_dict)
    patched = dict(revisions.base(pkg))
    patched.update(data_dict)
    patched["id"] = pkg.id
    return tk.get_action("package_update")(context, patched)


def satudata_dataset_withdraw(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Ask the Walidata to withdraw a published dataset (penarikan data).

    Published data is deleted by the Walidata only (``package_delete``); a
    Produsen Data of the dataset's Instansi asks for it with this action. The
    request is a pending revision: the dataset stays published until the
    Walidata approves it (``satudata_dataset_approve``; the dataset is then
    deleted) or returns it with a note (``satudata_dataset_reject``). It can
    be taken back with ``satudata_revision_discard``.

    :param id: the id or name of the dataset
    :type id: string
    :param note: why the dataset should be withdrawn (required)
    :type note: string
    :returns: the published dataset with ``satudata_revision`` (``withdraw``: true)
    :rtype: dictionary
    """
    pkg = workflow.get_package(tk.get_or_bust(data_dict, "id"))
    tk.check_access("satudata_dataset_withdraw", context, {"id": pkg.id})
    reason = (data_dict.get("note") or "").strip()
    if not reason:
        raise tk.ValidationError({"note": [tk._("Say why the dataset should be withdrawn")]})
    if workflow.status_of(pkg) != workflow.APPROVED:
        raise tk.ValidationError({"id": [tk._("Only published data is withdrawn through the Walidata; "
                                              "delete a dataset that is not published yet yourself")]})
    return revisions.propose(context, pkg, {}, withdraw=True, reason=reason)


@tk.side_effect_free
@tk.chained_action
def package_show(next_action, context: Context, data_dict: DataDict):
    """Core's package_show. The edit form (``for_edit``) of a published dataset
    starts, for its Produsen Data, from their pending revision (the Walidata
    edits the published version and decides revisions on the review page)."""
    result = next_action(context, data_dict)
    if context.get("for_edit") and result.get("approval_status") == workflow.APPROVED \
            and not roles.is_walidata(context.get("auth_user_obj") or context.get("user")):
        pkg = model.Package.get(result["id"])
        proposal = revisions.for_editor(pkg) if pkg is not None else None
        if proposal is not None:
            try:
                tk.check_access("package_update", dict(context), {"id": pkg.id})
            except tk.NotAuthorized:
                return result
            return dict(result, **proposal)
    return result


def _held_package(context: Context, resource_id: str) -> model.Package | None:
    """The dataset of a resource (published, or only in a pending revision) when
    the write becomes a revision."""
    resource = model.Resource.get(resource_id)
    if resource is not None:
        pkg = resource.package
    else:
        pkg = revisions.package_of_resource(resource_id)
    return pkg if revisions.holds(context, pkg) else None


def _proposed_resource(pkg: model.Package, resource_id: str, shown: dict[str, Any]) -> dict[str, Any]:
    rev = revisions.open_revision(pkg.id)
    for resource in revisions.proposed(rev).get("resources") or [] if rev else []:
        if resource.get("id") == resource_id:
            return dict(resource, satudata_revision=shown.get("satudata_revision"))
    raise tk.ObjectNotFound(tk._("Resource was not found."))


@tk.chained_action
def resource_create(next_action, context: Context, data_dict: DataDict):
    """Add a file or link (core ``resource_create``). On published data a
    Produsen Data's new file joins their pending revision: it is stored aside,
    unreachable, until the Walidata approves (see ``package_update``). The answer
    is then the proposed resource with ``satudata_revision``."""
    pkg = model.Package.get(data_dict.get("package_id") or "")
    if not revisions.holds(context, pkg):
        return next_action(context, data_dict)
    tk.check_access("resource_create", context, data_dict)
    dataset = dict(revisions.base(pkg))
    resource = dict(data_dict)
    resource.pop("package_id", None)
    resource["id"] = str(uuid.uuid4())
    resource.setdefault("url", "")
    dataset["resources"] = list(dataset.get("resources") or []) + [resource]
    shown = _propose_with_resource(context, dataset, len(dataset["resources"]) - 1)
    return _proposed_resource(pkg, resource["id"], shown)


def _propose_with_resource(context: Context, dataset: dict[str, Any], position: int) -> dict[str, Any]:
    """The revision's ``package_update`` for one resource's change: a refusal
    names that resource's fields, as core's resource actions do (the form
    showed "resources: {}" instead of what was wrong with the link)."""
    try:
        return tk.get_action("package_update")(context, dataset)
    except tk.ValidationError as error:
        found = (error.error_dict or {}).get("resources")
        if isinstance(found, list) and position < len(found) and found[position]:
            raise tk.ValidationError(found[position])
        raise


@tk.chained_action
def resource_update(next_action, context: Context, data_dict: DataDict):
    """Update a file or link (core ``resource_update``). On published data a
    Produsen Data's change, a replaced file included, joins their pending
    revision; the published file and its table stay until the Walidata approves."""
    rid = data_dict.get("id") or ""
    pkg = _held_package(context, rid)
    if pkg is None:
        return next_action(context, data_dict)
    tk.check_access("resource_update", context, data_dict)
    dataset = dict(revisions.base(pkg))
    resources = list(dataset.get("resources") or [])
    for index, resource in enumerate(resources):
        if resource.get("id") == rid:
            resources[index] = dict(data_dict)
            break
    else:
        raise tk.ObjectNotFound(tk._("Resource was not found."))
    dataset["resources"] = resources
    shown = _propose_with_resource(context, dataset, index)
    return _proposed_resource(pkg, rid, shown)


@tk.chained_action
def resource_patch(next_action, context: Context, data_dict: DataDict):
    """Patch a file or link (core ``resource_patch``); on published data as
    ``resource_update``, applied to the pending revision."""
    rid = data_dict.get("id") or ""
    pkg = _held_package(context, rid)
    if pkg is None:
        return next_action(context, data_dict)
    tk.check_access("resource_patch", context, data_dict)
    current = next((r for r in revisions.base(pkg).get("resources") or [] if r.get("id") == rid), None)
    if current is None:
        raise tk.ObjectNotFound(tk._("Resource was not found."))
    return tk.get_action("resource_update")(context, dict(current, **data_dict))


@tk.chained_action
def resource_delete(next_action, context: Context, data_dict: DataDict):
    """Remove a file or link (core ``resource_delete``). On published data a
    Produsen Data's removal joins their pending revision; the file stays
    published until the Walidata approves."""
    rid = data_dict.get("id") or ""
    pkg = _held_package(context, rid)
    if pkg is None:
        return next_action(context, data_dict)
    tk.check_access("resource_delete", context, data_dict)
    dataset = dict(revisions.base(pkg))
    resources = [r for r in dataset.get("resources") or [] if r.get("id") != rid]
    if len(resources) == len(dataset.get("resources") or []):
        raise tk.ObjectNotFound(tk._("Resource was not found."))
    dataset["resources"] = resources
    shown = tk.get_action("package_update")(context, dataset)
    return {"satudata_revision": shown.get("satudata_revision")}


@tk.side_effect_free
def satudata_revision_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The versions of a published dataset.

    Anyone who may see the dataset gets its ``history``: each approved change,
    newest first, with ``approved_at``, ``verified_by`` (the role, ``walidata``
    or ``pembina``, never a username) and ``changes`` (field names, ``withdraw``,
    and ``added:``/``replaced:``/``changed:``/``removed:`` followed by a file
    name). Who may edit the dataset, the Walidata and the Pembina Data also get
    ``pending``: the change waiting for verification (or returned, with the
    Walidata's note), with ``status``, ``submitted_by``, ``submitted_at``,
    ``fields`` (``field``, ``old``, ``new``), ``resources``, ``checks`` and the
    proposed ``dataset``; None when there is none.

    :param id: the id or name of the dataset
    :type id: string
    :rtype: dictionary
    """
    pkg = workflow.get_package(tk.get_or_bust(data_dict, "id"))
    tk.check_access("package_show", dict(context), {"id": pkg.id})
    result: dict[str, Any] = {"history": revisions.history(pkg.id), "pending": None}
    try:
        tk.check_access("satudata_revision_discard", dict(context), {"id": pkg.id})
        allowed = True
    except tk.NotAuthorized:
        user = context.get("auth_user_obj") or context.get("user")
        allowed = roles.is_walidata(user) or roles.is_pembina(user)
    if allowed:
        result["pending"] = revisions.summary(revisions.editable(pkg.id), full=True)
    return result


def satudata_revision_discard(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Take back the change waiting for verification (or returned) on a published
    dataset: its staged files are removed and the published version is
    untouched. A Produsen Data of the dataset's Instansi (the Walidata returns a
    change with ``satudata_dataset_reject``).

    :param id: the id or name of the dataset
    :type id: string
    :returns: the published dataset
    :rtype: dictionary
    """
    pkg = workflow.get_package(tk.get_or_bust(data_dict, "id"))
    tk.check_access("satudata_revision_discard", context, {"id": pkg.id})
    revisions.discard(context, pkg)
    return tk.get_action("package_show")({"user": context.get("user"), "use_cache": False}, {"id": pkg.id})


# ---------------------------------------------------------------------------
# Core lists and counts follow the visibility rule (``visibility.py``). Core
# builds these from the database, where a dataset awaiting verification looks
# like any other active, public one.

@tk.side_effect_free
@tk.chained_action
def package_search(next_action, context: Context, data_dict: DataDict):
    """Core's package_search. A search Solr cannot run (unbalanced brackets, a
    start past the end) is refused with a short message: core's echoes the
    whole Solr query, with the asker's permission labels. Who submitted and who
    verified a dataset is a role ("Walidata", "Produsen Data <Instansi>") except
    for the Walidata, the Pembina Data and the dataset's Produsen Data."""
    import pysolr
    from ckan.lib.search.common import SearchError
    try:
        result = next_action(context, data_dict)
    except SearchError:
        raise tk.ValidationError({"q": [security.search_refusal()]})
    except pysolr.SolrError as e:
        if "(HTTP 400)" not in str(e):
            raise  # Solr down or failing: not the asker's doing
        raise tk.ValidationError({"q": [security.search_refusal()]})
    if not context.get("ignore_auth"):
        visibility.show_roles(result.get("results") or [], visibility.names_people(visibility.user_of(context)))
    return result


@tk.chained_action
def config_option_update(next_action, context: Context, data_dict: DataDict):
    """Core's config_option_update. Every worker of the portal applies the new
    settings from its next request on (``site_config.note_change``)."""
    result = next_action(context, data_dict)
    site_config.note_change()
    return result


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
def group_list_authz(next_action, context: Context, data_dict: DataDict):
    """The Tematik the caller may file datasets under: every Tematik for the
    Walidata and a Produsen Data (who files their own datasets); as in core for
    others."""
    user = visibility.user_of(context)
    if not (roles.is_walidata(user) or roles.producer_org_ids(user)) or data_dict.get("am_member"):
        return next_action(context, data_dict)
    tk.check_access("group_list_authz", context, data_dict)
    groups = tematik.choices()
    pkg = context.get("package")
    if data_dict.get("available_only") and pkg is not None:
        taken = {g.id for g in tematik.current(pkg)}
        groups = [g for g in groups if g.id not in taken]
    from ckan.lib.dictization import model_dictize
    return model_dictize.group_list_dictize(groups, context, with_package_counts=False)


def _tematik_member(context: Context, data_dict: DataDict) -> tuple[model.Group, model.Package] | None:
    """(Tematik, dataset) when a member_create/_delete files a dataset, else None."""
    if data_dict.get("object_type") != "package":
        return None
    group = model.Group.get(str(data_dict.get("id") or ""))
    if group is None or group.is_organization:
        return None
    pkg = model.Package.get(str(data_dict.get("object") or ""))
    if pkg is None:
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    if tematik.get(group.id) is None:
        raise tk.ValidationError({"id": [tk._("Not a Tematik of this portal: {names}").format(names=group.name)]})
    return group, pkg


def _refile(context: Context, pkg: model.Package, names: list[str], group: model.Group, state: str):
    """File ``pkg`` under ``names`` through package_patch, so that a Produsen's
    change of published data waits for the Walidata like any other."""
    fresh = {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")}
    result = tk.get_action("package_patch")(fresh, {"id": pkg.id, "groups": [{"name": n} for n in names]})
    answer = {"table_id": pkg.id, "table_name": "package", "group_id": group.id, "capacity": "public",
              "state": state}
    if result.get("satudata_revision"):
        answer["state"] = "pending"
        answer["satudata_revision"] = result["satudata_revision"]
    return answer


def _tematik_now(context: Context, pkg: model.Package) -> list[str]:
    if revisions.holds(context, pkg):
        return [g.get("name") for g in revisions.base(pkg).get("groups") or [] if isinstance(g, dict)]
    return [g.name for g in tematik.current(pkg)]


@tk.chained_action
def member_create(next_action, context: Context, data_dict: DataDict):
    """Core's ``member_create``; filing a dataset under a Tematik is a change of
    the dataset (``groups``): on published data a Produsen's becomes part of the
    pending revision (``state: pending`` and ``satudata_revision`` in the answer)."""
    found = _tematik_member(context, data_dict)
    if found is None:
        return next_action(context, data_dict)
    group, pkg = found
    tk.check_access("member_create", context, data_dict)
    names = _tematik_now(context, pkg)
    if group.name not in names:
        names.append(group.name)
    return _refile(context, pkg, names, group, "active")


@tk.chained_action
def member_delete(next_action, context: Context, data_dict: DataDict):
    """Core's ``member_delete``; taking a dataset out of a Tematik as in
    ``member_create``."""
    found = _tematik_member(context, data_dict)
    if found is None:
        return next_action(context, data_dict)
    group, pkg = found
    tk.check_access("member_delete", context, data_dict)
    names = [n for n in _tematik_now(context, pkg) if n != group.name]
    return _refile(context, pkg, names, group, "deleted")


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
    """``package_count`` as the caller sees it. Core's organization_list and
    group_list (all_fields) pass the counts of every Instansi and Tematik, read in
    one facet query with the caller's permission labels (so with this portal's
    rule), as ``dataset_counts``; they are used as they are, unless the list ran
    with ``ignore_auth`` (then core counted everything)."""
    if isinstance(result, dict) and "package_count" in result:
        if "dataset_counts" in context and not context.get("ignore_auth"):
            return result
        result["package_count"] = visibility.search(visibility.user_of(context), fq=fq, rows=0, facet="false")["count"]
    return result


@tk.side_effect_free
@tk.chained_action
def organization_show(next_action, context: Context, data_dict: DataDict):
    """Core's ``organization_show``; ``package_count`` counts the datasets the
    caller may see (the same set as everywhere else)."""
    result = next_action(context, data_dict)
    return _count_as_seen(context, result, f"+owner_org:{common.solr_phrase(result.get('id'))}")


@tk.side_effect_free
@tk.chained_action
def group_show(next_action, context: Context, data_dict: DataDict):
    """Core's ``group_show``; ``package_count`` counts the datasets the caller
    may see (the same set as everywhere else)."""
    result = next_action(context, data_dict)
    return _count_as_seen(context, result, f"+groups:{common.solr_phrase(result.get('name'))}")


@tk.side_effect_free
@tk.chained_action
def harvest_source_list(next_action, context: Context, data_dict: DataDict):
    """ckanext-harvest's ``harvest_source_list``, which asks no auth function of
    its own: harvest sources (addresses, configuration) are the Walidata's, who
    sees those of every Instansi."""
    tk.check_access("harvest_source_list", context, data_dict)
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    return next_action(dict(context, user=site_user), data_dict)
