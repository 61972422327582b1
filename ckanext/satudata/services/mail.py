"""E-mails of the open-data services, sent by the background jobs worker in the
portal's language (the pattern of ``notifications.py``):

- a data request received: the requester (with the status page) and every Walidata;
- a data request's status changed: the requester, with the note, the reason or
  the dataset that fulfils it;
- overdue datasets (``ckan satudata freshness --notify``): each Pengelola Data,
  one message listing their overdue datasets.
"""
from __future__ import annotations

import logging
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import mailer

from ckanext.satudata import notifications
from ckanext.satudata.services import datarequests, freshness

log = logging.getLogger(__name__)


def _enqueue(function, args: list[Any], title: str) -> None:
    try:
        tk.enqueue_job(function, args, title=title)
    except Exception:  # Redis down must not lose the request itself
        log.exception("Could not queue %s", title)


def _site() -> str:
    return tk.config.get("ckan.site_title")


def _send(recipients: list[tuple[str, str]], subject: str, lines: list[str]) -> int:
    body = "\n".join(lines + ["", "-- ", _site()])
    sent = 0
    for name, email in recipients:
        try:
            mailer.mail_recipient(name, email, f"[{_site()}] {subject}", body)
            sent += 1
        except mailer.MailerException:
            log.exception("Could not send %r to %s", subject, email)
    return sent


# ---------------------------------------------------------------------------
# Data requests

def enqueue_request(request_id: int, event: str) -> None:
    _enqueue(send_request, [request_id, event], f"satudata e-mail: data request {request_id} {event}")


def send_request(request_id: int, event: str) -> int:
    """Job: the e-mails of one step of a data request; returns how many were sent."""
    with notifications._portal_language():
        request = datarequests.DataRequest.get(request_id)
        if request is None:
            return 0
        return _send_request(request, event)


def _send_request(request, event: str) -> int:
    url = tk.url_for("satudata_services.request_read", id=request.id, _external=True)
    number = f"#{request.id}"
    if event == "created":
        sent = _send([(request.name, request.email)],
                     tk._("Your data request {number} was received").format(number=number), [
            tk._("Dear {name},").format(name=request.name), "",
            tk._("Thank you. We received your request for the data below; the Walidata will "
                 "look at it and tell you by e-mail when its status changes."), "",
            f"{number} {request.title}", "",
            tk._("Follow your request: {url}").format(url=url)])
        walidata = [(u.display_name, u.email) for u in notifications.walidata_users() if u.email]
        org = model.Group.get(request.owner_org) if request.owner_org else None
        sent += _send(walidata, tk._("New data request {number}: {title}").format(
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
    return _send([(request.name, request.email)],
                 tk._("Data request {number}: {status}").format(number=number, status=label), lines)


# ---------------------------------------------------------------------------
# Overdue datasets

def enqueue_freshness(email: str, name: str, dataset_ids: list[str]) -> None:
    _enqueue(send_freshness, [email, name, dataset_ids], f"satudata e-mail: overdue datasets to {email}")


def send_freshness(email: str, name: str, dataset_ids: list[str]) -> int:
    """Job: tell one Pengelola Data which of their datasets are overdue (those
    still overdue when the job runs)."""
    with notifications._portal_language():
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
        return _send([(name, email)], tk.ungettext("{n} dataset needs an update", "{n} datasets need an update",
                                                       len(overdue)).format(n=len(overdue)), lines)
