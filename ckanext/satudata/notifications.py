"""Every e-mail of the portal, sent by the background jobs worker in the portal's
language.

The approval workflow:

- submitted, or a change to published data proposed (a revision): every Walidata;
- approved by the Walidata but priority data: every Pembina Data as well;
- approved or returned: the submitter and the dataset's Pengelola (maintainer e-mail),
  with the note.

The open-data services:

- a data request received: the requester (with the status page) and every Walidata;
- a data request's status changed: the requester, with the note, the reason or
  the dataset that fulfils it;
- overdue datasets (``ckan satudata freshness --notify``): each Pengelola Data,
  one message listing their overdue datasets.

Nothing imports this module to send mail: the workflow notes in the action's
context which steps it took (``workflow.STEPS_TAKEN``), and ``on_action_succeeded``, subscribed
to CKAN's ``action_succeeded`` signal by the plugin, queues the e-mails once the
action has succeeded. Sending happens in a job so a slow or absent mail server
never blocks or undoes a transition. Every message tried is written in the mail
log (``satudata_mail``: sent, or failed with the reason), which the sysadmin reads
at ``/ckan-admin/surel``; the workflow's notices also reach the portal's inbox
(``inbox.py``), which needs neither the worker nor the mail server.
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

from ckanext.satudata import inbox, workflow
from ckanext.satudata.logic import roles
from ckanext.satudata.services import datarequests, freshness

log = logging.getLogger(__name__)

def on_action_succeeded(action_name: str, context: dict[str, Any], data_dict: dict[str, Any],
                        result: Any, **_kw: Any) -> None:
    """Subscriber of CKAN's ``action_succeeded`` signal."""
    steps = context.pop(workflow.STEPS_TAKEN, None) or []
    if steps:
        inbox.record(steps)
    for pkg_id, step, actor, note in steps:
        enqueue(pkg_id, step, actor, note)
    if action_name == "satudata_request_create" and isinstance(result, dict):
        enqueue_request(result["id"], "created")
    elif action_name == "satudata_request_update" and isinstance(result, dict):
        enqueue_request(result["id"], result["status"])


def enqueue(pkg_id: str, action: str, actor: str, note: str) -> None:
    try:
        tk.enqueue_job(send, [pkg_id, action, actor, note],
                       title=f"satudata e-mail: {action} {pkg_id}")
    except Exception:  # Redis down must not undo an approval
        log.exception("Could not queue the %s e-mail for %s", action, pkg_id)


def one_line(text: str) -> str:
    """A mail header is one line: a title typed with a line break (CR/LF) would
    make the mailer refuse the message."""
    return " ".join(str(text).split())


def walidata_users() -> list[model.User]:
    return roles.walidata_users()


def pembina_users() -> list[model.User]:
    return roles.pembina_users()


def _addresses(users: Iterable[model.User], extra: Iterable[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for user in users:
        if user.email and user.name != "default" and user.email.lower() not in seen:
            seen[user.email.lower()] = user.display_name
    for name, email in extra:
        if email and email.lower() not in seen:
            seen[email.lower()] = name
    return [(name, email) for email, name in seen.items()]


def _message(action: str, dataset: dict[str, Any], actor: str, note: str,
             revision_status: str = "") -> tuple[str, str]:
    title = dataset.get("title") or dataset["name"]
    org = (dataset.get("organization") or {}).get("title", "")
    url = tk.url_for("dataset.read", id=dataset["name"], _external=True)
    queue = tk.url_for("satudata.verifikasi", _external=True)
    status = dataset.get("approval_status")
    if action in ("submit", "resubmit"):
        subject = tk._("Dataset awaiting verification: {title}").format(title=title)
        intro = (tk._("{actor} submitted the dataset below for verification.") if action == "submit"
                 else tk._("{actor} proposed a change to the published dataset below; the change waits "
                           "for verification and the published version stays online."))
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
    elif action == "approve-revision" and revision_status == "pembina_review":
        subject = tk._("Change to priority data awaiting Pembina Data: {title}").format(title=title)
        lines = [tk._("The Walidata ({actor}) verified a change to the priority dataset below; "
                      "a Pembina Data must approve it too.").format(actor=actor),
                 "", f"{title} ({org})", url, "", tk._("Verification queue: {url}").format(url=queue)]
    elif action == "approve-revision":
        subject = tk._("Change verified: {title}").format(title=title)
        lines = [tk._("{actor} verified the change to the dataset below; the new version is published.")
                 .format(actor=actor), "", f"{title} ({org})", url]
    elif action == "reject-revision":
        subject = tk._("Change returned: {title}").format(title=title)
        lines = [tk._("{actor} returned the change to the dataset below; the published version stays "
                      "as it was.").format(actor=actor), "", f"{title} ({org})", url]
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


def _last_revision(pkg_id: str) -> Any:
    from ckanext.satudata.services.model import Revision
    return (model.Session.query(Revision).filter(Revision.package_id == pkg_id)
            .order_by(Revision.submitted_at.desc()).first())


def recipients(action: str, dataset: dict[str, Any], revision: Any = None) -> list[tuple[str, str]]:
    """The people the inbox tells (``inbox.people``), and for a decision the
    dataset's Pengelola (maintainer e-mail) too."""
    kind, users = inbox.people(action, dataset.get("approval_status") or "",
                               dataset.get("approval_submitted_by"), revision)
    if kind in ("submit", "resubmit", "pembina"):
        return _addresses(users)
    maintainer = [(dataset.get("maintainer") or "", dataset.get("maintainer_email") or "")]
    return _addresses(users, maintainer)


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
    revision = _last_revision(pkg_id) if action.endswith("-revision") else None
    subject, body = _message(action, dataset, actor_name, note, revision.status if revision else "")
    subject = one_line(subject)
    return sum(deliver("workflow", name, email, subject, body) for name, email in recipients(action, dataset, revision))


def deliver(kind: str, name: str, email: str, subject: str, body: str) -> bool:
    """Send one e-mail and write it in the mail log (``satudata_mail``), sent or
    failed with the reason, for the sysadmin's page: a failure is shown, not
    only logged by the worker."""
    error = ""
    try:
        mailer.mail_recipient(name, email, subject, body)
    except Exception as exc:  # a refused or unreachable server, a malformed address
        error = f"{type(exc).__name__}: {exc}"[:2000]
        log.exception("Could not send %r to %s", subject, email)
    _log_mail(kind, email, subject, error)
    return not error


def _log_mail(kind: str, email: str, subject: str, error: str) -> None:
    from ckanext.satudata.services.model import MailLog
    try:
        model.Session.add(MailLog(kind=kind, recipient=email, subject=subject[:500],
                                  status="failed" if error else "sent", error=error))
        model.Session.commit()
    except Exception:
        model.Session.rollback()
        log.exception("Could not write the mail log")


# ---------------------------------------------------------------------------
# The open-data services

def _enqueue(function, args: list[Any], title: str) -> None:
    try:
        tk.enqueue_job(function, args, title=title)
    except Exception:  # Redis down must not lose the request itself
        log.exception("Could not queue %s", title)


def _site() -> str:
    return tk.config.get("ckan.site_title")


def _mail(recipients: list[tuple[str, str]], subject: str, lines: list[str], kind: str = "request") -> int:
    subject = one_line(subject)
    body = "\n".join(lines + ["", "-- ", _site()])
    return sum(deliver(kind, name, email, f"[{_site()}] {subject}", body) for name, email in recipients)


def reset_link_requested(user: model.User) -> bool:
    """INotifier ``request_password_reset``: the reset link is sent by a
    background job. Core sends it inside the request and answers "error
    sending the email" when mail is down, but only for an account that exists:
    that told anyone which names and addresses have accounts. Queued, every
    request gets the same answer in the same time."""
    _enqueue(send_reset_link, [user.id], "satudata e-mail: password reset link")
    return True


def send_reset_link(user_id: str) -> int:
    user = model.User.get(user_id)
    if user is None or not user.email:
        return 0
    error = ""
    with _portal_language():
        subject = tk._("Password reset link")
        try:
            mailer.send_reset_link(user)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:2000]
            log.exception("Could not send the password reset link to %s", user.name)
    _log_mail("reset", user.email, subject, error)
    return 0 if error else 1


# ---------------------------------------------------------------------------
# Data requests

def enqueue_request(request_id: int, event: str) -> None:
    _enqueue(send_request, [request_id, event], f"satudata e-mail: data request {request_id} {event}")


def send_request(request_id: int, event: str) -> int:
    """Job: the e-mails of one step of a data request; returns how many were sent."""
    with _portal_language():
        request = datarequests.DataRequest.get(request_id)
        if request is None:
            return 0
        return _send_request(request, event)


def _send_request(request, event: str) -> int:
    url = tk.url_for("satudata_services.request_read", id=request.id, _external=True)
    number = f"#{request.id}"
    if event == "created":
        sent = _mail([(request.name, request.email)],
                     tk._("Your data request {number} was received").format(number=number), [
            tk._("Dear {name},").format(name=request.name), "",
            tk._("Thank you. We received your request for the data below; the Walidata will "
                 "look at it and tell you by e-mail when its status changes."), "",
            f"{number} {request.title}", "",
            tk._("Follow your request: {url}").format(url=url)])
        walidata = [(u.display_name, u.email) for u in walidata_users() if u.email]
        org = model.Group.get(request.owner_org) if request.owner_org else None
        sent += _mail(walidata, tk._("New data request {number}: {title}").format(
            number=number, title=request.title), [
            tk._("{name} requested the data below.").format(name=request.name), "",
            f"{number} {request.title}",
            tk._("Instansi: {instansi}").format(instansi=org.title if org else "-"), "",
            request.description, "",
            tk._("Purpose: {purpose}").format(purpose=request.purpose), "",
            tk._("Triage it here: {url}").format(url=url)])
        return sent
    label = datarequests.status_label(request.status)
    lines = [tk._("Dear {name},").format(name=request.name), "",
             tk._("The status of your data request is now: {status}.").format(status=label), "",
             f"{number} {request.title}"]
    if request.status == datarequests.DIPENUHI and request.dataset_id:
        pkg = model.Package.get(request.dataset_id)
        if pkg is not None:
            lines += ["", tk._("The data is available here: {url}").format(
                url=tk.url_for("dataset.read", id=pkg.name, _external=True))]
    if request.reply:
        heading = tk._("Reason:") if request.status == datarequests.DITOLAK else tk._("Note:")
        lines += ["", heading, request.reply]
    lines += ["", tk._("Follow your request: {url}").format(url=url)]
    return _mail([(request.name, request.email)],
                 tk._("Data request {number}: {status}").format(number=number, status=label), lines)


# ---------------------------------------------------------------------------
# Overdue datasets

def enqueue_freshness(email: str, name: str, dataset_ids: list[str]) -> None:
    _enqueue(send_freshness, [email, name, dataset_ids], f"satudata e-mail: overdue datasets to {email}")


def send_freshness(email: str, name: str, dataset_ids: list[str]) -> int:
    """Job: tell one Pengelola Data which of their datasets are overdue (those
    still overdue when the job runs)."""
    with _portal_language():
        overdue = []
        for pkg_id in dataset_ids:
            try:
                dataset = tk.get_action("package_show")({"ignore_auth": True}, {"id": pkg_id})
            except tk.ObjectNotFound:
                continue
            result = freshness.freshness(dataset)
            if result["status"] == freshness.TERLAMBAT:
                overdue.append((dataset, result))
        if not overdue:
            return 0
        lines = [tk._("Dear {name},").format(name=name or email), "",
                 tk._("The datasets below are past the date their publication frequency promises "
                      "a new update. Please upload the newest data, or correct the frequency."), ""]
        for dataset, result in overdue:
            lines += [
                f"- {dataset['title']} ({(dataset.get('organization') or {}).get('title', '')})",
                "  " + tk._("Last update {date}, overdue by {days} days").format(
                    date=result["last_update"], days=result["days_overdue"]),
                "  " + tk.url_for("dataset.read", id=dataset["name"], _external=True)]
        return _mail([(name, email)], tk.ungettext("{n} dataset needs an update", "{n} datasets need an update",
                                                       len(overdue)).format(n=len(overdue)), lines,
                     kind="freshness")
