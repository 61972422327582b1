"""Action API of ckanext-satudata. Each docstring is the API documentation
served by ``help_show``."""
from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.satudata import harvesting, reference, workflow
from ckanext.satudata.logic import roles
from ckanext.satudata.logic.interop import (  # noqa: F401 (registered by the blanket)
    dcat_catalog_search, dcat_catalog_show, dcat_dataset_show, harvest_source_create,
    harvest_source_update)

__all__ = [
    "satudata_wilayah_list",
    "satudata_dataset_submit",
    "satudata_dataset_approve",
    "satudata_dataset_reject",
    "satudata_review_list",
    "bulk_update_public",
    "bulk_update_private",
    "package_create",
    "package_update",
    # Interoperability (logic/interop.py): RDF shows only public datasets
    "dcat_dataset_show",
    "dcat_catalog_show",
    "dcat_catalog_search",
    # Interoperability: harvest sources name the Instansi that receives their datasets
    "harvest_source_create",
    "harvest_source_update",
]

# Tabular preview and Data API (dataapi.py)
from ckanext.satudata.dataapi import datastore_create, datastore_delete, xloader_submit  # noqa: E402
__all__ += ["xloader_submit", "datastore_create", "datastore_delete"]


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
        org = model.Group.get(owner_org)
        parts.append('+owner_org:"{}"'.format(org.id if org else owner_org))
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
    search_context = {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")}
    common = {"q": data_dict.get("q") or "", "include_private": True, "include_drafts": True}
    result = tk.get_action("package_search")(dict(search_context), dict(
        common, fq=f"{base_fq} {status_fq}".strip(), rows=rows, start=start,
        sort="approval_submitted_at asc, metadata_created asc"))
    facets = tk.get_action("package_search")(dict(search_context), dict(
        common, fq=base_fq, rows=0, **{"facet.field": ["approval_status"], "facet.limit": -1}))
    counts = {s: 0 for s in workflow.STATUSES}
    for item in facets["search_facets"].get("approval_status", {}).get("items", []):
        counts[item["name"]] = item["count"]
    counts[workflow.DRAFT] = facets["count"] - sum(counts[s] for s in workflow.STATUSES if s != workflow.DRAFT)
    changed = tk.get_action("package_search")(dict(search_context), dict(
        common, fq=f"{base_fq} +approval_status:approved +approval_changed_after:[* TO *]", rows=0))
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
    for pkg_id in data_dict.get("datasets") or []:
        pkg = model.Package.get(pkg_id)
        if pkg is not None and workflow.after_edit(dict(context), pkg):
            model.repo.commit()
            from ckan.lib import search
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
def package_create(next_action, context: Context, data_dict: DataDict):
    """Core's package_create; a Produsen may also save an incomplete draft
    (``state: draft``), which core keeps for package admins only."""
    context["satudata_state"] = data_dict.get("state") or "active"
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
    harvesting.before_write(context, data_dict)
    if not context.get("ignore_auth") and roles.is_walidata(context.get("auth_user_obj") or context.get("user")):
        # The Walidata may edit any dataset (auth package_update) and file it under
        # any Tematik; core saves group membership only for the group's members
        # unless auth is already settled, which it is: check it, then say so.
        tk.check_access("package_update", context, data_dict)
        return next_action(dict(context, ignore_auth=True), data_dict)
    return next_action(context, data_dict)


# --- Open-data services (statistics, inventory, quality, data requests, SPBE) ---
from ckanext.satudata.services.actions import (  # noqa: E402
    satudata_dataset_quality, satudata_inventory, satudata_quality_report, satudata_request_create,
    satudata_request_list, satudata_request_show, satudata_request_update, satudata_spbe_evidence,
    satudata_statistics,
)
from ckanext.satudata.services import actions as _services_actions  # noqa: E402

__all__ += _services_actions.__all__
