"""The approval workflow (persetujuan dan validasi data): its states, who may
take which step in which state, and every transition. Nothing else writes the
approval fields.

States of ``approval_status``::

    draft -> pending -> approved
                     -> pembina_review -> approved      (Data Prioritas)
                     -> rejected -> (edited) -> pending ...

Steps (``available_steps``; the auth functions, the review page and the buttons
all ask it):

==============  ===========================================  =========================
step            from                                         who
==============  ===========================================  =========================
submit          draft, rejected                              Produsen of the Instansi,
                                                             Walidata
approve         pending, draft                               Walidata
approve         pembina_review                               Pembina Data
approve         approved, changed after verification         Walidata (acknowledges)
reject          pending                                      Walidata
reject          pembina_review                               Pembina Data
==============  ===========================================  =========================

Approving an approved dataset again changes nothing (Walidata, Pembina Data).
A Produsen's change to approved data is a revision (``revisions.py``): the
dataset stays approved and public, and for the steps it is in the revision's
state (``step_status``), so the same table decides who approves or returns it.
Other ways into the workflow: an edit of approved data outside revisions
(``after_edit``) and an import from another portal (``import_values``,
``record_import``).

The actions in ``logic/action.py`` move a dataset between states through
``transition``: one database transaction that writes the approval fields,
re-indexes the dataset (so search, show and the permission labels agree) and
records the step in the activity stream.
"""
from __future__ import annotations

import datetime
import json
import logging
from typing import Any, Optional

import ckan.lib.plugins as lib_plugins
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import search

from ckanext.satudata import checks, common
from ckanext.satudata.logic import roles

log = logging.getLogger(__name__)

DRAFT = "draft"
PENDING = "pending"
PEMBINA_REVIEW = "pembina_review"
APPROVED = "approved"
REJECTED = "rejected"
STATUSES = (DRAFT, PENDING, PEMBINA_REVIEW, APPROVED, REJECTED)

ACTIVITY_TYPE = "satudata approval package"

# The steps an action took, in its context, for whom e-mails go out once the
# action succeeded (notifications.py subscribes to CKAN's action_succeeded).
STEPS_TAKEN = "satudata_steps_taken"

# In the context of the writes that apply an approved revision (revisions.py).
APPLYING = "satudata_revision_applying"

WORKFLOW_FIELDS = (
    "approval_status", "approval_note", "approval_by", "approval_at",
    "approval_submitted_by", "approval_submitted_at", "approval_changed_after",
    "approval_checks", *roles.ROLE_FIELDS.values(),
)


def status_label(status: Optional[str]) -> str:
    return {
        DRAFT: tk._("Draft"),
        PENDING: tk._("Awaiting verification"),
        PEMBINA_REVIEW: tk._("Awaiting Pembina Data"),
        APPROVED: tk._("Verified"),
        REJECTED: tk._("Returned"),
    }.get(status or DRAFT, status or "")


def status_of(pkg: model.Package) -> str:
    return (pkg.extras or {}).get("approval_status") or DRAFT


SUBMIT = "submit"
APPROVE = "approve"
REJECT = "reject"
STEPS = (SUBMIT, APPROVE, REJECT)


def changed_after(pkg: model.Package) -> bool:
    """Approved, then edited by a Produsen (not yet looked at by the Walidata)."""
    return status_of(pkg) == APPROVED and bool((pkg.extras or {}).get("approval_changed_after"))


# In which states a step can be taken (the first column of the table above).
_FROM = {
    SUBMIT: (DRAFT, REJECTED),
    APPROVE: (PENDING, DRAFT, PEMBINA_REVIEW),
    REJECT: (PENDING, PEMBINA_REVIEW),
}


def step_status(pkg: model.Package) -> str:
    """The state the step table reads: a published dataset whose revision waits
    for verification is, for the steps, in the revision's state (``revisions.py``)."""
    status = status_of(pkg)
    if status == APPROVED:
        from ckanext.satudata.services.model import Revision
        waiting = (model.Session.query(Revision.status)
                   .filter(Revision.package_id == pkg.id, Revision.status.in_((PENDING, PEMBINA_REVIEW)))
                   .first())
        if waiting:
            return waiting[0]
    return status


def is_actor(step: str, pkg: model.Package, user: roles.UserRef) -> bool:
    """Is ``user`` the person who takes ``step`` on ``pkg`` in its current state
    (the last column of the table)? The auth functions ask this; the transition
    then says why a step does not fit the state."""
    status = step_status(pkg)
    if step == SUBMIT:
        return roles.is_walidata(user) or pkg.owner_org in roles.producer_org_ids(user)
    if status == PEMBINA_REVIEW:
        return roles.is_pembina(user)
    if step == APPROVE and status == APPROVED:
        return roles.is_walidata(user) or roles.is_pembina(user)
    return roles.is_walidata(user)


def available_steps(pkg: model.Package, user: roles.UserRef) -> list[str]:
    """The steps ``user`` may take on ``pkg`` now, in the order the buttons show them."""
    status = step_status(pkg)
    revision = status != status_of(pkg)
    steps = []
    for step in STEPS:
        if revision and step == SUBMIT:
            continue  # a revision is submitted by the edit itself
        fits = status in _FROM[step] or (step == APPROVE and changed_after(pkg))
        if step == APPROVE and changed_after(pkg) and not roles.is_walidata(user):
            fits = False  # only the Walidata acknowledges changes after verification
        if fits and is_actor(step, pkg, user):
            steps.append(step)
    return steps


# The Solr field (a string: seconds, as Python writes a float) that holds an approved
# dataset's time from submission to approval, set at indexing (search.py): the SPBE
# evidence reads their median from one facet instead of every approved dataset.
APPROVAL_SPAN_FIELD = "satudata_approval_seconds"


def approval_seconds(dataset: dict[str, Any]) -> Optional[float]:
    """Seconds from the last submission to the approval of an approved dataset
    (None when it is not approved or a date is missing or out of order)."""
    if dataset.get("approval_status") != APPROVED:
        return None
    try:
        submitted = datetime.datetime.fromisoformat(str(dataset.get("approval_submitted_at") or ""))
        approved = datetime.datetime.fromisoformat(str(dataset.get("approval_at") or ""))
        span = (approved - submitted).total_seconds()
    except (TypeError, ValueError):  # a date missing, unreadable, or one with a zone and one without
        return None
    return span if span >= 0 else None


def now() -> str:
    return common.now_iso()


def get_package(id_or_name: str) -> model.Package:
    pkg = model.Package.get(id_or_name)
    if pkg is None or pkg.state == "deleted":
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    return pkg


def acting_user(context: dict[str, Any]) -> model.User:
    user = model.User.get(context.get("user") or "")
    if user is None:
        raise tk.NotAuthorized(tk._("You must be logged in"))
    return user


def _wrong(message: str) -> tk.ValidationError:
    return tk.ValidationError({"approval_status": [message]})


def transition(context: dict[str, Any], pkg: model.Package, action: str, to_status: str,
               note: str = "", extra: Optional[dict[str, str]] = None) -> dict[str, Any]:
    """Move ``pkg`` to ``to_status`` in one transaction and return the dataset."""
    actor = acting_user(context)
    from_status = status_of(pkg)
    values = {"approval_status": to_status, "approval_note": note or ""}
    values.update(extra or {})
    roles.with_roles(values)
    extras = dict(pkg.extras or {})
    for key, value in values.items():
        if value:
            extras[key] = value
        else:
            extras.pop(key, None)
    pkg.extras = extras
    try:
        model.Session.flush()
        # Index before commit: if Solr refuses, nothing is committed.
        search.rebuild(pkg.id, defer_commit=False)
        record(actor, pkg, action, from_status, to_status, note)
        model.repo.commit()
    except Exception:
        model.Session.rollback()
        search.rebuild(pkg.id, defer_commit=False)
        raise
    context.setdefault(STEPS_TAKEN, []).append((pkg.id, action, actor.name, note))
    return tk.get_action("package_show")(
        {"user": actor.name, "ignore_auth": True, "use_cache": False}, {"id": pkg.id})


def record(actor: model.User, pkg: model.Package, action: str, from_status: str, to_status: str,
           note: str, revision: Optional[dict[str, Any]] = None) -> None:
    """The history line of a step (not committed here); ``revision`` is the
    summary of the revision it decided, with the changed fields."""
    if "activity" not in tk.config.get("ckan.plugins", []):
        return
    from ckanext.activity.model import Activity
    dataset = tk.get_action("package_show")(
        {"ignore_auth": True, "for_view": False, "use_cache": False},
        {"id": pkg.id, "include_tracking": False})
    # The type ends in "package" because the activity plugin filters only such
    # activities by permission labels: internal steps stay internal.
    activity = Activity(
        actor.id, pkg.id, ACTIVITY_TYPE,
        {"package": dataset, "actor": actor.name,
         "satudata_approval": dict({"action": action, "from": from_status, "to": to_status,
                                    "note": note or ""}, **({"revision": revision} if revision else {}))},
        lib_plugins.get_permission_labels().get_dataset_labels(pkg),
    )
    model.Session.add(activity)


# ---------------------------------------------------------------------------
# The transitions

def submit(context: dict[str, Any], pkg: model.Package, note: str = "") -> dict[str, Any]:
    status = status_of(pkg)
    if status not in (DRAFT, REJECTED):
        raise _wrong(tk._("Only a draft or a returned dataset can be submitted for verification; "
                          "this dataset is: {status}").format(status=status_label(status)))
    results = checks.run(context, pkg)
    checks.raise_failures(results)
    if pkg.state == "draft":
        pkg.state = "active"
    return transition(context, pkg, "submit", PENDING, note, {
        "approval_submitted_by": context["user"],
        "approval_submitted_at": now(),
        "approval_checks": checks.stored(results),
        "approval_by": "", "approval_at": "", "approval_changed_after": "",
    })


def approve(context: dict[str, Any], pkg: model.Package, note: str = "") -> dict[str, Any]:
    """Who may approve in which state is the auth function's rule
    (``satudata_dataset_approve``); this only moves the state."""
    user = acting_user(context)
    status = status_of(pkg)
    prioritas = tk.asbool((pkg.extras or {}).get("prioritas", False))

    if status == APPROVED:
        from ckanext.satudata import revisions
        waiting = revisions.open_revision(pkg.id)
        if waiting is not None:
            return revisions.decide_approve(context, pkg, waiting, note)
        if (pkg.extras or {}).get("approval_changed_after") and roles.is_walidata(user):
            # The Walidata has looked at the changes made after verification.
            return transition(context, pkg, "acknowledge", APPROVED, note, {
                "approval_by": user.name, "approval_at": now(), "approval_changed_after": ""})
        # Approving twice is harmless: nothing changes.
        return tk.get_action("package_show")({"user": user.name}, {"id": pkg.id})

    if status == PEMBINA_REVIEW:
        return transition(context, pkg, "approve", APPROVED, note, {
            "approval_by": user.name, "approval_at": now()})

    if status in (PENDING, DRAFT):
        extra = {"approval_by": user.name, "approval_at": now()}
        if status == DRAFT:
            # Approved straight from draft by the Walidata: checked the same way.
            results = checks.run(context, pkg)
            checks.raise_failures(results)
            if pkg.state == "draft":
                pkg.state = "active"
            extra.update({"approval_submitted_by": user.name, "approval_submitted_at": now(),
                          "approval_checks": checks.stored(results)})
        elif _checks_failed(pkg):
            # An import from another portal may arrive incomplete: checked again
            # so that only complete data is published.
            results = checks.run(context, pkg)
            checks.raise_failures(results)
            extra["approval_checks"] = checks.stored(results)
        return transition(context, pkg, "approve", PEMBINA_REVIEW if prioritas else APPROVED, note, extra)

    raise _wrong(tk._("A returned dataset must be corrected and submitted again before it is approved"))


def _checks_failed(pkg: model.Package) -> bool:
    try:
        stored = json.loads((pkg.extras or {}).get("approval_checks") or "[]")
    except ValueError:
        return True
    return any(not r.get("ok") for r in stored if isinstance(r, dict))


def reject(context: dict[str, Any], pkg: model.Package, note: str) -> dict[str, Any]:
    user = acting_user(context)
    if not (note or "").strip():
        raise tk.ValidationError({"note": [tk._("Write a note that tells the Produsen Data what to correct")]})
    status = status_of(pkg)
    if status == APPROVED:
        from ckanext.satudata import revisions
        waiting = revisions.open_revision(pkg.id)
        if waiting is not None:
            return revisions.decide_reject(context, pkg, waiting, note.strip())
    if status not in (PENDING, PEMBINA_REVIEW):
        raise _wrong(tk._("Only a dataset awaiting verification can be returned; this dataset is: {status}")
                     .format(status=status_label(status)))
    return transition(context, pkg, "reject", REJECTED, note.strip(), {
        "approval_by": user.name, "approval_at": now()})


# ---------------------------------------------------------------------------
# Imports and edits of approved data outside revisions (``revisions.py``)

def import_values(existing: Optional[model.Package], submitter: str, note: str) -> dict[str, str]:
    """The approval fields of a dataset imported from another portal: it waits
    for the Walidata in the receiving Instansi, whatever state the other portal
    had it in."""
    submitted = {"approval_status": PENDING, "approval_note": note,
                 "approval_submitted_by": submitter, "approval_submitted_at": now(),
                 "approval_by": "", "approval_at": "", "approval_changed_after": ""}
    roles.with_roles(submitted)
    if existing is None:
        return submitted
    status = status_of(existing)
    if status in (DRAFT, REJECTED):
        return submitted
    if status == APPROVED:
        return {"approval_changed_after": now()}
    return {}


def record_import(context: dict[str, Any], pkg: model.Package, from_status: str, note: str) -> None:
    """The history line of an import (not committed here)."""
    actor = model.User.get(context.get("user") or "")
    if actor is not None:
        record(actor, pkg, "import", from_status, PENDING, note)


def after_edit(context: dict[str, Any], pkg: model.Package) -> bool:
    """Called inside package_update (and the bulk actions) before the dataset is
    indexed and committed, for an edit of approved data that did not become a
    revision (setting ``on_edit = keep``, or a harvest): the dataset is listed
    for the Walidata as changed after verification. Returns True when the
    approval fields changed."""
    if context.get("satudata_workflow") or context.get(APPLYING) or status_of(pkg) != APPROVED:
        return False
    user = context.get("user")
    if roles.is_walidata(user):
        return False
    extras = dict(pkg.extras or {})
    extras["approval_changed_after"] = now()
    pkg.extras = extras
    return True
