"""The portal's inbox: what happened to a person's data, and what waits for
them, told inside the portal (e-mail says the same, when mail works).

- A submission, or a change to published data: every Walidata ("waits for you");
- priority data verified by the Walidata: every Pembina Data;
- approved or returned (a dataset or a change): the Produsen Data who submitted
  it, with the Walidata's note.

Who is told is decided here (``people``) and by nobody else: the e-mails of the
workflow (``notifications.recipients``) ask the same function. A notice is
written when the step's action has succeeded (``record``, from the
``action_succeeded`` subscriber), in the request, so the inbox never depends on
the jobs worker or the mail server. Each person reads and marks only their own
notices (``satudata_inbox_list`` / ``satudata_inbox_mark_read``).
"""
from __future__ import annotations

import logging
from typing import Any, Iterable, Optional

import sqlalchemy as sa

import ckan.model as model

from ckanext.satudata import workflow
from ckanext.satudata.common import N_
from ckanext.satudata.logic import roles
from ckanext.satudata.services.model import Notice, Revision

log = logging.getLogger(__name__)

# What each step says to whom it is addressed (rendered in the reader's language).
HEADLINES = {
    "submit": N_("Waiting for your verification"),
    "resubmit": N_("A change to published data waits for your verification"),
    "pembina": N_("Priority data waiting for the Pembina Data"),
    "approve": N_("Approved"),
    "acknowledge": N_("Approved"),
    "approve-revision": N_("Change approved: the new version is published"),
    "reject": N_("Returned"),
    "reject-revision": N_("Change returned: the published version stays"),
}


def _last_revision(pkg_id: str) -> Optional[Revision]:
    return (model.Session.query(Revision).filter(Revision.package_id == pkg_id)
            .order_by(Revision.submitted_at.desc()).first())


def _kind(step: str, status: str, revision: Optional[Revision]) -> Optional[str]:
    """The notice a workflow step makes (None: a step nobody is told about)."""
    if step in ("submit", "resubmit"):
        return step
    if step == "approve" and status == workflow.PEMBINA_REVIEW:
        return "pembina"
    if step == "approve-revision" and revision is not None and revision.status == workflow.PEMBINA_REVIEW:
        return "pembina"
    return step if step in HEADLINES else None


def people(step: str, status: str, submitted_by: Optional[str], revision: Optional[Revision]
           ) -> tuple[Optional[str], list[model.User]]:
    """(notice kind, the people told) of one workflow step on a dataset whose
    approval status is now ``status``."""
    kind = _kind(step, status, revision)
    if kind in ("submit", "resubmit"):
        return kind, roles.walidata_users()
    if kind == "pembina":
        return kind, roles.pembina_users()
    if kind is None:
        return None, []
    name = revision.submitted_by if revision is not None and step.endswith("-revision") else submitted_by
    submitter = model.User.get(name or "")
    return kind, [submitter] if submitter is not None and submitter.state == "active" else []


def _role(actor: Optional[model.User]) -> str:
    if actor is None:
        return ""
    if roles.is_walidata(actor):
        return "walidata"
    if roles.is_pembina(actor):
        return "pembina"
    return "produsen"


def record(steps: Iterable[tuple[str, str, str, str]]) -> None:
    """Write the notices of the workflow steps an action took (``pkg_id, step,
    actor name, note``) and commit them. A failure is logged, never raised: the
    step itself has succeeded."""
    try:
        for pkg_id, step, actor_name, note in steps:
            pkg = model.Package.get(pkg_id)
            if pkg is None:
                continue
            revision = _last_revision(pkg.id) if step.endswith("-revision") else None
            kind, users = people(step, workflow.status_of(pkg), (pkg.extras or {}).get("approval_submitted_by"),
                                 revision)
            actor = model.User.get(actor_name or "")
            for user in users:
                if actor is not None and user.id == actor.id:
                    continue  # nobody is told what they did themselves
                model.Session.add(Notice(user_id=user.id, kind=kind, package_id=pkg.id, title=pkg.title or pkg.name,
                                         actor_role=_role(actor), note=note or ""))
        model.Session.commit()
    except Exception:
        model.Session.rollback()
        log.exception("Could not write the inbox notices of %s", list(steps))


def unread_count(user_id: str) -> int:
    return model.Session.execute(sa.select(sa.func.count()).select_from(Notice.__table__).where(
        Notice.user_id == user_id, Notice.read_at.is_(None))).scalar() or 0


def notices(user_id: str, limit: int, offset: int = 0) -> tuple[int, list[Notice]]:
    query = model.Session.query(Notice).filter(Notice.user_id == user_id)
    return query.count(), query.order_by(Notice.created.desc(), Notice.id.desc()).offset(offset).limit(limit).all()


def mark_read(user_id: str, ids: Optional[list[int]], when: Any) -> int:
    """Mark the user's notices ``ids`` (all when None) as read; how many changed."""
    query = model.Session.query(Notice).filter(Notice.user_id == user_id, Notice.read_at.is_(None))
    if ids is not None:
        query = query.filter(Notice.id.in_(ids))
    changed = query.update({Notice.read_at: when}, synchronize_session=False)
    model.Session.commit()
    return changed
