"""Auth functions of ckanext-satudata: who may do what. Every rule of the portal
that depends on a person lives here; the state machine they consult is
``workflow.available_steps`` and the visibility rule is ``visibility``.

Sysadmins pass every auth function (CKAN core); they are Walidata too.
"""
from __future__ import annotations

from typing import Any, Callable

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.satudata import revisions, workflow
from ckanext.satudata.logic import roles


def _user(context: Context) -> Any:
    return context.get("auth_user_obj") or context.get("user")


def _ok() -> AuthResult:
    return {"success": True}


def _no(msg: str) -> AuthResult:
    return {"success": False, "msg": msg}


def _walidata(context: Context, message: str) -> AuthResult:
    return _ok() if roles.is_walidata(_user(context)) else _no(message)


def _package(data_dict: DataDict) -> model.Package | None:
    ref = (data_dict or {}).get("id") or (data_dict or {}).get("name")
    return model.Package.get(ref) if ref else None


# --------------------------------------------------------------------------- the approval workflow

def satudata_dataset_submit(context: Context, data_dict: DataDict) -> AuthResult:
    """A Produsen Data (admin or editor) of the dataset's Instansi, or a Walidata
    (``workflow.is_actor``; the action says when the state does not allow it)."""
    pkg = workflow.get_package(tk.get_or_bust(data_dict, "id"))
    if workflow.is_actor(workflow.SUBMIT, pkg, _user(context)):
        return _ok()
    return _no(tk._("Only a Produsen Data of the dataset's Instansi can submit it for verification"))


def satudata_dataset_approve(context: Context, data_dict: DataDict) -> AuthResult:
    """The Walidata approves; a priority dataset in Pembina review is approved by a Pembina Data."""
    pkg = workflow.get_package(tk.get_or_bust(data_dict, "id"))
    if workflow.is_actor(workflow.APPROVE, pkg, _user(context)):
        return _ok()
    if workflow.status_of(pkg) == workflow.PEMBINA_REVIEW:
        return _no(tk._("This priority dataset waits for a Pembina Data to approve it"))
    return _no(tk._("Only the Walidata can approve this dataset"))


def satudata_dataset_reject(context: Context, data_dict: DataDict) -> AuthResult:
    """The Walidata returns a dataset awaiting verification; a Pembina Data one in Pembina review."""
    pkg = workflow.get_package(tk.get_or_bust(data_dict, "id"))
    if workflow.is_actor(workflow.REJECT, pkg, _user(context)):
        return _ok()
    if workflow.status_of(pkg) == workflow.PEMBINA_REVIEW:
        return _no(tk._("Only a Pembina Data can return this priority dataset"))
    return _no(tk._("Only the Walidata can return this dataset"))


def _resource_in_revision(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    """A file or link that exists only in a pending revision (added by a
    Produsen, not yet approved) is edited by who may edit its dataset."""
    rid = (data_dict or {}).get("id") or (data_dict or {}).get("resource_id")
    if rid and model.Resource.get(rid) is None:
        pkg = revisions.package_of_resource(rid)
        if pkg is not None:
            try:
                tk.check_access("package_update", dict(context), {"id": pkg.id})
                return _ok()
            except tk.NotAuthorized as e:
                return _no(str(e))
    return next_auth(context, data_dict)


resource_update = tk.chained_auth_function(_resource_in_revision)
resource_patch = tk.chained_auth_function(_resource_in_revision)


@tk.chained_auth_function
def resource_delete(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    """Core asks ``package_delete`` (published data: the Walidata only); the
    removal of a file from published data by a Produsen is part of a revision,
    so it is asked of who may edit the dataset."""
    resource = model.Resource.get((data_dict or {}).get("id") or "")
    if resource is not None and _published(resource.package) and revisions.enabled() \
            and not roles.is_walidata(_user(context)):
        try:
            tk.check_access("package_update", dict(context), {"id": resource.package_id})
            return _ok()
        except tk.NotAuthorized as e:
            return _no(str(e))
    return _resource_in_revision(next_auth, context, data_dict)


def satudata_dataset_withdraw(context: Context, data_dict: DataDict) -> AuthResult:
    """A Produsen Data of the dataset's Instansi (the Walidata deletes directly)."""
    pkg = workflow.get_package(tk.get_or_bust(data_dict, "id"))
    if pkg.owner_org in roles.producer_org_ids(_user(context)) or roles.is_walidata(_user(context)):
        return _ok()
    return _no(tk._("Only a Produsen Data of the dataset's Instansi can ask for its withdrawal"))


@tk.chained_auth_function
def user_autocomplete(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    """Names of accounts are for who adds members: the Walidata and the admins of
    an Instansi (core lets any signed-in person list them, ``walidata`` and
    ``admin`` included)."""
    user = roles._user(_user(context))
    if user is not None and (roles.is_walidata(user) or roles.memberships(user.id, ("admin",)).first()):
        return next_auth(context, data_dict)
    return _no(tk._("Only the Walidata and the admins of an Instansi can look up accounts"))


def satudata_revision_discard(context: Context, data_dict: DataDict) -> AuthResult:
    """A Produsen Data of the dataset's Instansi takes their change back; the
    Walidata returns it with a note instead (``satudata_dataset_reject``)."""
    pkg = workflow.get_package(tk.get_or_bust(data_dict, "id"))
    if pkg.owner_org in roles.producer_org_ids(_user(context)):
        return _ok()
    return _no(tk._("Only a Produsen Data of the dataset's Instansi can take back its change"))


@tk.auth_allow_anonymous_access
def satudata_revision_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone who may see the dataset (the action shows the pending change only
    to who may edit it, the Walidata and the Pembina Data)."""
    return _ok()


def satudata_review_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Walidata, Pembina Data and Produsen Data (who see their own Instansi)."""
    user = _user(context)
    if roles.is_walidata(user) or roles.is_pembina(user) or roles.producer_org_ids(user):
        return _ok()
    return _no(tk._("Only the Walidata and the Produsen Data can see the verification list"))


def satudata_set_prioritas(context: Context, data_dict: DataDict) -> AuthResult:
    """Only a Walidata may mark a dataset as Data Prioritas or clear the mark."""
    return _walidata(context, tk._("Only the Walidata can set or clear Priority data"))


@tk.auth_allow_anonymous_access
def satudata_wilayah_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone may read the reference area codes."""
    return _ok()


# --------------------------------------------------------------------------- published data goes through the Walidata

def _published(pkg: model.Package | None) -> bool:
    return pkg is not None and pkg.state != "deleted" and workflow.status_of(pkg) == workflow.APPROVED


def _asks_public(data_dict: DataDict) -> bool:
    return "private" in (data_dict or {}) and not tk.asbool(data_dict.get("private"))


def _publish_refusal() -> AuthResult:
    return _no(tk._("This dataset has been verified: only the Walidata can make it public. "
                    "Ask the Walidata to publish it (see the Help page for how to reach them)."))


def _delete_refusal() -> AuthResult:
    if revisions.enabled():
        return _no(tk._("This dataset has been published: only the Walidata can delete it. "
                        "Ask for its withdrawal with the reason (button \"Ajukan penarikan\", or the "
                        "API action satudata_dataset_withdraw); it stays published until the Walidata "
                        "approves."))
    return _no(tk._("This dataset has been published: only the Walidata can delete it. "
                    "Ask the Walidata to withdraw it and say why (see the Help page for how "
                    "to reach them)."))


@tk.chained_auth_function
def package_update(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    """The Walidata may correct the metadata of any Instansi's dataset; others as in
    core (a Produsen's update of published data becomes a revision the Walidata
    verifies, ``revisions.py``; without revisions a verified private dataset
    becomes public only through the Walidata). A harvest source is the
    Walidata's only."""
    if data_dict and harvest_source_package(data_dict):
        return walidata_only(context)
    user = _user(context)
    if roles.is_walidata(user):
        return _ok()
    pkg = _package(data_dict)
    if _published(pkg) and pkg.private and _asks_public(data_dict) and not revisions.enabled():
        return _publish_refusal()
    return next_auth(context, _without_tematik(data_dict))


@tk.chained_auth_function
def package_delete(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    """Published (verified) data is deleted by the Walidata only (a Produsen asks
    for it with ``satudata_dataset_withdraw``); a harvest source by the Walidata
    only; other datasets as in core."""
    if data_dict and harvest_source_package(data_dict) and not roles.is_walidata(_user(context)):
        return walidata_only(context)
    if _published(_package(data_dict)) and not roles.is_walidata(_user(context)):
        return _delete_refusal()
    return next_auth(context, data_dict)


def _bulk(refuse: Callable[[model.Package], bool], refusal: Callable[[], AuthResult]):
    @tk.chained_auth_function
    def auth(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
        if not roles.is_walidata(_user(context)):
            for ref in (data_dict or {}).get("datasets") or []:
                pkg = model.Package.get(ref)
                if pkg is not None and refuse(pkg):
                    return refusal()
        return next_auth(context, data_dict)
    return auth


bulk_update_public = _bulk(lambda pkg: _published(pkg) and pkg.private, _publish_refusal)
bulk_update_public.__doc__ = """Core's bulk "make public" by an Instansi admin, except verified data."""
bulk_update_delete = _bulk(_published, _delete_refusal)
bulk_update_delete.__doc__ = """Core's bulk delete by an Instansi admin, except published data."""


def _bulk_private_refusal() -> AuthResult:
    return _no(tk._("This dataset has been published: change its Jenis Publikasi in its own form; "
                    "the change waits for the Walidata's verification."))


bulk_update_private = _bulk(lambda pkg: _published(pkg) and not pkg.private and revisions.enabled(),
                            _bulk_private_refusal)
bulk_update_private.__doc__ = """Core's bulk "make private" by an Instansi admin, except published
data (core writes it straight to the database, past the revision of the change)."""


def _table_write(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    resource = model.Resource.get((data_dict or {}).get("resource_id") or (data_dict or {}).get("id") or "")
    pkg = resource.package if resource is not None else None
    if _published(pkg) and not roles.is_walidata(_user(context)):
        return _no(tk._("The rows of a published table are changed only through the Walidata: "
                        "ask the Walidata to correct them (see the Help page for how to reach them)."))
    return next_auth(context, data_dict)


@tk.chained_auth_function
def datastore_create(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    """Core's rule; the table of a published dataset is written by the Walidata
    (and the loader, which acts as the site user) only."""
    return _table_write(next_auth, context, data_dict)


@tk.chained_auth_function
def datastore_upsert(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    """Core's rule; the rows of a published table change through the Walidata only."""
    return _table_write(next_auth, context, data_dict)


@tk.chained_auth_function
def datastore_delete(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    """Core's rule; the rows of a published table change through the Walidata only."""
    return _table_write(next_auth, context, data_dict)


@tk.chained_auth_function
def datastore_records_delete(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    """Core's rule; the rows of a published table change through the Walidata only."""
    return _table_write(next_auth, context, data_dict)


def _may_edit_file(context: Context, data_dict: DataDict, message: str) -> AuthResult:
    resource_id = (data_dict or {}).get("resource_id") or (data_dict or {}).get("id") or ""
    try:
        tk.check_access("resource_update", {"user": context.get("user"),
                                            "auth_user_obj": context.get("auth_user_obj")}, {"id": resource_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return _no(message)
    return _ok()


def satudata_table_load(context: Context, data_dict: DataDict) -> AuthResult:
    """Who may edit the file (Produsen Data of its Instansi, Walidata): loading the
    same file again changes no value."""
    return _may_edit_file(context, data_dict, tk._("Only who may edit this file can load it again"))


def satudata_table_status(context: Context, data_dict: DataDict) -> AuthResult:
    """Who may edit the file; the public reads the table, not the loader."""
    return _may_edit_file(context, data_dict, tk._("Only who may edit this file can see how it was loaded"))


# --------------------------------------------------------------------------- Tematik

def _without_tematik(data_dict: DataDict) -> DataDict:
    """Core asks that whoever files a dataset under a group belong to the group;
    here who may write the dataset chooses its Tematik (tematik.py)."""
    if data_dict and "groups" in data_dict:
        return {k: v for k, v in data_dict.items() if k != "groups"}
    return data_dict


def _files_under_tematik(context: Context, data_dict: DataDict) -> AuthResult | None:
    """Filing a dataset under a Tematik (or taking it out) is editing the
    dataset: allowed to whoever may ``package_update`` it (its Produsen Data,
    the Walidata), whether or not they belong to the Tematik; None when the
    call is not about a dataset in a Tematik."""
    from ckan.logic.auth import get_group_object
    group = get_group_object(context, data_dict)
    if group.is_organization or data_dict.get("object_type") != "package":
        return None
    pkg = model.Package.get(str(data_dict.get("object") or ""))
    if pkg is None:
        return _no(tk._("Dataset not found"))
    try:
        tk.check_access("package_update", {"user": context.get("user"), "auth_user_obj": context.get(
            "auth_user_obj")}, {"id": pkg.id})
    except tk.NotAuthorized:
        return _no(tk._("Only who may edit this dataset can choose its Tematik"))
    return _ok()


@tk.chained_auth_function
def member_create(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    """A dataset is filed under a Tematik by who may edit it; others as in core."""
    decided = _files_under_tematik(context, data_dict)
    return decided if decided is not None else next_auth(context, data_dict)


@tk.chained_auth_function
def member_delete(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    """A dataset is taken out of a Tematik by who may edit it; others as in core."""
    decided = _files_under_tematik(context, data_dict)
    return decided if decided is not None else next_auth(context, data_dict)


# --------------------------------------------------------------------------- exchange with other portals

def walidata_only(context: Context) -> AuthResult:
    return _walidata(context, tk._("Only the Walidata can manage imports from other portals"))


def harvest_source_package(data_dict: dict[str, Any]) -> bool:
    """Is this package_create/_update/_delete about a harvest source (not a dataset)?"""
    if data_dict.get("type") == "harvest" or data_dict.get("source_type"):
        return True
    pkg = model.Package.get(data_dict.get("id") or "") if data_dict.get("id") else None
    return pkg is not None and pkg.type == "harvest"


@tk.chained_auth_function
def package_create(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
    """A harvest source is created by the Walidata only; datasets as in core,
    except that who may create the dataset may file it under any Tematik."""
    if data_dict and harvest_source_package(data_dict) and not roles.is_walidata(_user(context)):
        return walidata_only(context)
    return next_auth(context, _without_tematik(data_dict))


def _walidata_harvest(doc: str):
    @tk.chained_auth_function
    def auth(next_auth, context: Context, data_dict: DataDict) -> AuthResult:
        return walidata_only(context)
    auth.__doc__ = doc
    return auth


# Sources name internal addresses and configuration; jobs and objects echo what
# other portals answered: all of it is the Walidata's.
harvest_source_create = _walidata_harvest("Only the Walidata creates harvest sources, for any Instansi.")
harvest_source_update = _walidata_harvest("Only the Walidata edits or clears harvest sources.")
harvest_source_delete = _walidata_harvest("Only the Walidata deletes harvest sources.")
harvest_job_create = _walidata_harvest("Only the Walidata starts a harvest.")
harvest_source_list = _walidata_harvest("Only the Walidata lists harvest sources.")
harvest_source_show = _walidata_harvest("Only the Walidata reads a harvest source.")
harvest_source_show_status = _walidata_harvest("Only the Walidata reads a harvest source's status.")
harvest_job_list = _walidata_harvest("Only the Walidata lists harvest jobs.")
harvest_job_show = _walidata_harvest("Only the Walidata reads a harvest job.")
harvest_object_list = _walidata_harvest("Only the Walidata lists harvested objects.")
harvest_object_show = _walidata_harvest("Only the Walidata reads a harvested object.")


# --------------------------------------------------------------------------- open-data services

@tk.auth_allow_anonymous_access
def satudata_statistics(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone may read the usage statistics (public datasets only)."""
    return _ok()


@tk.auth_allow_anonymous_access
def satudata_inventory(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone may read the inventory; each sees the datasets they may see."""
    return _ok()


@tk.auth_allow_anonymous_access
def satudata_dataset_quality(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may see the dataset."""
    try:
        tk.check_access("package_show", {"user": context.get("user"),
                                         "auth_user_obj": context.get("auth_user_obj")},
                        {"id": data_dict.get("id")})
    except tk.NotAuthorized:
        return _no(tk._("Not authorized to see this dataset"))
    return _ok()


def satudata_quality_report(context: Context, data_dict: DataDict) -> AuthResult:
    """Only the Walidata reads the data-quality report of every Instansi."""
    return _walidata(context, tk._("Only the Walidata can see the data quality report"))


@tk.auth_allow_anonymous_access
def satudata_request_create(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone may request data."""
    return _ok()


@tk.auth_allow_anonymous_access
def satudata_request_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone may follow a request (personal data is for the Walidata only)."""
    return _ok()


@tk.auth_allow_anonymous_access
def satudata_request_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone may list the requests (personal data is for the Walidata only)."""
    return _ok()


def satudata_request_update(context: Context, data_dict: DataDict) -> AuthResult:
    """Only the Walidata triages data requests."""
    return _walidata(context, tk._("Only the Walidata can process data requests"))


def satudata_spbe_evidence(context: Context, data_dict: DataDict) -> AuthResult:
    """Only the Walidata reads the SPBE evidence page."""
    return _walidata(context, tk._("Only the Walidata can see the SPBE evidence"))


@tk.auth_allow_anonymous_access
def satudata_release_calendar(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone may read the release calendar (public datasets only)."""
    return _ok()


def satudata_inbox_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Every signed-in person reads their own inbox (the action reads the caller's only)."""
    return _ok() if getattr(_user_obj(context), "id", None) else _no(tk._("Sign in to read your inbox"))


def satudata_inbox_mark_read(context: Context, data_dict: DataDict) -> AuthResult:
    """Every signed-in person marks their own notices."""
    return satudata_inbox_list(context, data_dict)


def satudata_mail_log(context: Context, data_dict: DataDict) -> AuthResult:
    """Sysadmins only (recipients' addresses)."""
    return _no(tk._("Only a sysadmin can read the mail log"))


def _user_obj(context: Context) -> Any:
    user = _user(context)
    return model.User.get(user) if isinstance(user, str) and user else user


def get_auth_functions() -> dict[str, Callable[..., AuthResult]]:
    """Every auth function of the portal, for ``tk.blanket.auth_functions``."""
    names = [
        "satudata_dataset_submit", "satudata_dataset_approve", "satudata_dataset_reject",
        "satudata_review_list", "satudata_set_prioritas", "satudata_wilayah_list",
        "package_create", "package_update", "package_delete",
        "bulk_update_public", "bulk_update_delete", "bulk_update_private",
        "satudata_revision_discard", "satudata_revision_show", "satudata_dataset_withdraw",
        "resource_update", "resource_patch", "resource_delete", "user_autocomplete",
        "datastore_create", "datastore_upsert", "datastore_delete", "datastore_records_delete",
        "satudata_table_load", "satudata_table_status", "member_create", "member_delete",
        "harvest_source_create", "harvest_source_update", "harvest_source_delete", "harvest_job_create",
        "harvest_source_list", "harvest_source_show", "harvest_source_show_status",
        "harvest_job_list", "harvest_job_show", "harvest_object_list", "harvest_object_show",
        "satudata_statistics", "satudata_inventory", "satudata_dataset_quality",
        "satudata_quality_report", "satudata_request_create", "satudata_request_show",
        "satudata_request_list", "satudata_request_update", "satudata_spbe_evidence",
        "satudata_inbox_list", "satudata_inbox_mark_read", "satudata_mail_log",
        "satudata_release_calendar",
    ]
    return {name: globals()[name] for name in names}
