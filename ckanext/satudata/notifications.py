"""E-mails of the approval workflow, sent by the background jobs worker.

- submitted (or changed after verification in ``review`` mode): every Walidata;
- approved by the Walidata but priority data: every Pembina Data as well;
- approved or returned: the submitter and the dataset's Pengelola (maintainer e-mail),
  with the note.

Sending happens in a job so a slow or absent mail server never blocks or undoes
a transition; failures are logged by the worker.
"""
from __future__ import annotations

import contextlib
import logging
from typing import Any, Iterable

import flask_babel
from flask import has_request_context

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import mailer

from ckanext.satudata.logic import roles

log = logging.getLogger(__name__)


def enqueue(pkg_id: str, action: str, actor: str, note: str) -> None:
    try:
        tk.enqueue_job(send, [pkg_id, action, actor, note],
                       title=f"satudata e-mail: {action} {pkg_id}")
    except Exception:  # Redis down must not undo an approval
        log.exception("Could not queue the %s e-mail for %s", action, pkg_id)


def _users_of_org(org_name: str) -> list[model.User]:
    q = (model.Session.query(model.User)
         .join(model.Member, model.Member.table_id == model.User.id)
         .join(model.Group, model.Group.id == model.Member.group_id)
         .filter(model.Member.table_name == "user", model.Member.state == "active",
                 model.Member.capacity.in_(roles.PRODUCER_CAPACITIES),
                 model.Group.name == org_name, model.User.state == "active"))
    return q.all()


def walidata_users() -> list[model.User]:
    sysadmins = model.Session.query(model.User).filter(
        model.User.sysadmin.is_(True), model.User.state == "active").all()
    return sysadmins + _users_of_org(tk.config.get("ckanext.satudata.walidata_org"))


def pembina_users() -> list[model.User]:
    return _users_of_org(tk.config.get("ckanext.satudata.pembina_org"))


def _addresses(users: Iterable[model.User], extra: Iterable[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for user in users:
        if user.email and user.name != "default" and user.email.lower() not in seen:
            seen[user.email.lower()] = user.display_name
    for name, email in extra:
        if email and email.lower() not in seen:
            seen[email.lower()] = name
    return [(name, email) for email, name in seen.items()]


def _message(action: str, dataset: dict[str, Any], actor: str, note: str) -> tuple[str, str]:
    title = dataset.get("title") or dataset["name"]
    org = (dataset.get("organization") or {}).get("title", "")
    url = tk.url_for("dataset.read", id=dataset["name"], _external=True)
    queue = tk.url_for("satudata.verifikasi", _external=True)
    status = dataset.get("approval_status")
    if action in ("submit", "resubmit"):
        subject = tk._("Dataset awaiting verification: {title}").format(title=title)
        intro = (tk._("{actor} submitted the dataset below for verification.") if action == "submit"
                 else tk._("{actor} changed the verified dataset below; it waits for verification again."))
        lines = [intro.format(actor=actor), "", f"{title} ({org})", url, "",
                 tk._("Verification queue: {url}").format(url=queue)]
    elif action == "approve" and status == "pembina_review":
        subject = tk._("Priority dataset awaiting Pembina Data: {title}").format(title=title)
        lines = [tk._("The Walidata ({actor}) verified the priority dataset below; "
                      "a Pembina Data must approve it too.").format(actor=actor),
                 "", f"{title} ({org})", url, "", tk._("Verification queue: {url}").format(url=queue)]
    elif action in ("approve", "acknowledge"):
        subject = tk._("Dataset verified: {title}").format(title=title)
        lines = [tk._("{actor} verified the dataset below.").format(actor=actor), "", f"{title} ({org})", url]
        if not dataset.get("private"):
            lines += ["", tk._("It is now published on the portal.")]
    elif action == "reject":
        subject = tk._("Dataset returned for correction: {title}").format(title=title)
        lines = [tk._("{actor} returned the dataset below for correction.").format(actor=actor), "",
                 f"{title} ({org})", url]
    else:
        raise ValueError(action)
    if note:
        lines += ["", tk._("Note:"), note]
    lines += ["", "-- ", tk.config.get("ckan.site_title")]
    return f"[{tk.config.get('ckan.site_title')}] {subject}", "\n".join(lines)


def recipients(action: str, dataset: dict[str, Any]) -> list[tuple[str, str]]:
    if action in ("submit", "resubmit"):
        return _addresses(walidata_users())
    if action == "approve" and dataset.get("approval_status") == "pembina_review":
        return _addresses(pembina_users())
    submitter = model.User.get(dataset.get("approval_submitted_by") or "")
    maintainer = [(dataset.get("maintainer") or "", dataset.get("maintainer_email") or "")]
    return _addresses([submitter] if submitter else [], maintainer)


def _portal_language() -> contextlib.ExitStack:
    """E-mails are written in the portal's language, also in the jobs worker,
    which runs outside any web request."""
    stack = contextlib.ExitStack()
    if not has_request_context():
        # Core's own request context for the CLI and background jobs.
        from ckan.lib.helpers import _get_auto_flask_context
        request_context = _get_auto_flask_context()
        if request_context is not None:
            stack.enter_context(request_context)
    stack.enter_context(flask_babel.force_locale(tk.config.get("ckan.locale_default")))
    return stack


def send(pkg_id: str, action: str, actor: str, note: str) -> int:
    """Job: send the e-mails of one transition; returns how many were sent."""
    with _portal_language():
        return _send(pkg_id, action, actor, note)


def _send(pkg_id: str, action: str, actor: str, note: str) -> int:
    dataset = tk.get_action("package_show")({"ignore_auth": True, "use_cache": False}, {"id": pkg_id})
    actor_user = model.User.get(actor)
    actor_name = actor_user.display_name if actor_user else actor
    subject, body = _message(action, dataset, actor_name, note)
    sent = 0
    for name, email in recipients(action, dataset):
        try:
            mailer.mail_recipient(name, email, subject, body)
            sent += 1
        except mailer.MailerException:
            log.exception("Could not send the %s e-mail of %s to %s", action, pkg_id, email)
    return sent
