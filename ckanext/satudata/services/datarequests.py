"""Data requests (permohonan data) and their triage by the Walidata.

Anyone may ask for data; the request starts ``baru`` (new), the Walidata moves
it to ``diproses`` (in progress), then ``dipenuhi`` (fulfilled, with the public
dataset that answers it) or ``ditolak`` (refused, with the reason). The
requester is told by e-mail at each step and can follow a public status page.
The public list and pages never show the requester's name, e-mail or purpose.

Abuse: at most ``ckanext.satudata.requests.per_hour`` requests per address per
hour (counted in Redis), a honeypot field in the form, strict lengths, a valid
e-mail, and no HTML at all (pages escape everything in any case).
"""
from __future__ import annotations

import datetime
import logging
import re
import statistics as stats
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata import common, throttle, visibility
from ckanext.satudata.logic import roles
from ckanext.satudata.logic.validators import satudata_email

from ckanext.satudata.services.model import DataRequest, DataRequestEvent

log = logging.getLogger(__name__)

BARU = "baru"
DIPROSES = "diproses"
DIPENUHI = "dipenuhi"
DITOLAK = "ditolak"
STATUSES = (BARU, DIPROSES, DIPENUHI, DITOLAK)
ANSWERED = (DIPENUHI, DITOLAK)
NEXT = {BARU: (DIPROSES, DIPENUHI, DITOLAK), DIPROSES: (DIPENUHI, DITOLAK), DIPENUHI: (), DITOLAK: ()}

LIMITS = {"name": 100, "email": 254, "title": 200, "description": 2000, "purpose": 1000, "note": 2000}
_HTML = re.compile(r"<\s*/?\s*[A-Za-z!?]|javascript\s*:", re.IGNORECASE)


def status_label(status: str) -> str:
    return {BARU: tk._("New"), DIPROSES: tk._("In progress"), DIPENUHI: tk._("Fulfilled"),
            DITOLAK: tk._("Refused")}.get(status, status)


# ---------------------------------------------------------------------------
# Validation

def _validators() -> dict[str, Any]:
    not_empty = tk.get_validator("not_empty")
    ignore_missing = tk.get_validator("ignore_missing")
    unicode_safe = tk.get_validator("unicode_safe")
    strip_value = tk.get_validator("strip_value")

    def limit(field: str):
        def validator(value: Any, context: Any) -> Any:
            if isinstance(value, str) and len(value) > LIMITS[field]:
                raise tk.Invalid(tk._("At most {max} characters, this has {n}").format(
                    max=LIMITS[field], n=len(value)))
            return value
        return validator

    def no_html(value: Any, context: Any) -> Any:
        if isinstance(value, str) and _HTML.search(value):
            raise tk.Invalid(tk._("Write plain text: HTML tags and code are not accepted"))
        return value

    def instansi(value: Any, context: Any) -> Any:
        if value in (None, ""):
            return None
        group = common.instansi(value)
        if group is None:
            raise tk.Invalid(tk._("Unknown Instansi"))
        return group.id

    text = [unicode_safe, strip_value]
    return {
        "name": text + [not_empty, limit("name"), no_html],
        "email": text + [not_empty, limit("email"), satudata_email],
        "title": text + [not_empty, limit("title"), no_html],
        "description": [ignore_missing] + text + [limit("description"), no_html],
        "purpose": text + [not_empty, limit("purpose"), no_html],
        "owner_org": [ignore_missing, unicode_safe, strip_value, instansi],
    }


def validate(data_dict: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    data, errors = tk.navl_validate(
        {k: data_dict.get(k) for k in ("name", "email", "title", "description", "purpose", "owner_org")
         if data_dict.get(k) is not None}, _validators(), context)
    if errors:
        raise tk.ValidationError(errors)
    return data


# ---------------------------------------------------------------------------
# Rate limit (Redis)

def check_rate(context: dict[str, Any]) -> None:
    """Refuses a request past the hourly limit of the caller's address
    (the Walidata and calls outside a web request are not limited)."""
    if roles.is_walidata(visibility.user_of(context)):
        return
    if throttle.exceeded("requests", throttle.client_address(), tk.config.get("ckanext.satudata.requests.per_hour")):
        raise tk.ValidationError({"rate_limit": [tk._(
            "Too many requests from your address; please try again in an hour "
            "or contact the Walidata directly")]})


def _count_rate() -> None:
    throttle.hit("requests", throttle.client_address(), 3600)


# ---------------------------------------------------------------------------
# Create, change, read

def _now() -> datetime.datetime:
    return common.utcnow()


def create(context: dict[str, Any], data_dict: dict[str, Any]) -> DataRequest:
    check_rate(context)
    data = validate(data_dict, context)
    now = _now()
    request = DataRequest(name=data["name"], email=data["email"], title=data["title"],
                          description=data.get("description") or "", purpose=data["purpose"],
                          owner_org=data.get("owner_org"), status=BARU, reply="",
                          created=now, updated=now)
    model.Session.add(request)
    model.Session.flush()
    model.Session.add(DataRequestEvent(request_id=request.id, status=BARU, note="", created=now))
    model.repo.commit()
    _count_rate()
    return request


def get(request_id: Any) -> DataRequest:
    request = DataRequest.get(request_id)
    if request is None:
        raise tk.ObjectNotFound(tk._("Data request not found"))
    return request


def update(context: dict[str, Any], request: DataRequest, data_dict: dict[str, Any]) -> DataRequest:
    status = (data_dict.get("status") or "").strip()
    note = (data_dict.get("note") or "").strip()
    errors: dict[str, list[str]] = {}
    if status not in STATUSES:
        errors["status"] = [tk._("Choose one of: {choices}").format(choices=", ".join(STATUSES))]
    elif status not in NEXT[request.status]:
        errors["status"] = [tk._("A request that is {current} cannot become {new}").format(
            current=status_label(request.status), new=status_label(status))]
    if len(note) > LIMITS["note"]:
        errors["note"] = [tk._("At most {max} characters, this has {n}").format(max=LIMITS["note"], n=len(note))]
    dataset_id = None
    if status == DIPENUHI:
        ref = (data_dict.get("dataset_id") or "").strip().rstrip("/").rsplit("/dataset/", 1)[-1]
        pkg = model.Package.get(ref) if ref else None
        if not ref:
            errors["dataset_id"] = [tk._("Give the dataset that fulfils the request")]
        elif pkg is None or not visibility.is_public(pkg):
            errors["dataset_id"] = [tk._("The dataset must exist and be public (approved)")]
        else:
            dataset_id = pkg.id
    if status == DITOLAK and not note:
        errors["note"] = [tk._("Write the reason for refusing the request")]
    if errors:
        raise tk.ValidationError(errors)

    actor = model.User.get(context.get("user") or "")
    now = _now()
    request.status = status
    request.updated = now
    if note or status in ANSWERED:
        request.reply = note
    if status in ANSWERED:
        request.answered = now
        request.dataset_id = dataset_id
    model.Session.add(DataRequestEvent(request_id=request.id, status=status, note=note,
                                       dataset_id=dataset_id, actor_id=actor.id if actor else None,
                                       created=now))
    model.repo.commit()
    return request


def dictize(request: DataRequest, personal: bool, events: bool = True) -> dict[str, Any]:
    """The request as the API returns it; name, e-mail and purpose only when
    ``personal`` (the Walidata)."""
    org = model.Group.get(request.owner_org) if request.owner_org else None
    pkg = model.Package.get(request.dataset_id) if request.dataset_id else None
    result: dict[str, Any] = {
        "id": request.id,
        "title": request.title,
        "description": request.description,
        "owner_org": org.id if org else None,
        "organization": {"id": org.id, "name": org.name, "title": org.title} if org else None,
        "status": request.status,
        "status_label": status_label(request.status),
        "reply": request.reply,
        "dataset": ({"id": pkg.id, "name": pkg.name, "title": pkg.title}
                    if pkg is not None and visibility.is_public(pkg) else None),
        "created": request.created.isoformat(),
        "updated": request.updated.isoformat(),
        "answered": request.answered.isoformat() if request.answered else None,
    }
    if personal:
        result.update(name=request.name, email=request.email, purpose=request.purpose)
    if events:
        result["events"] = [{
            "status": e.status, "status_label": status_label(e.status), "note": e.note,
            "created": e.created.isoformat(),
            **({"actor": _user_name(e.actor_id)} if personal else {}),
        } for e in request.events()]
    return result


def _user_name(user_id: Optional[str]) -> Optional[str]:
    user = model.User.get(user_id) if user_id else None
    return user.name if user else None


def search(filters: dict[str, Any], start: int = 0, rows: int = 20) -> tuple[int, list[DataRequest]]:
    query = model.Session.query(DataRequest)
    status = (filters.get("status") or "").strip()
    if status:
        if status not in STATUSES:
            raise tk.ValidationError({"status": [tk._("Unknown status: {status}").format(status=status)]})
        query = query.filter(DataRequest.status == status)
    owner = (filters.get("owner_org") or "").strip()
    if owner:
        group = common.instansi(owner)
        query = query.filter(DataRequest.owner_org == (group.id if group else owner))
    q = (filters.get("q") or "").strip()
    if q:
        like = f"%{q.replace('%', '').replace('_', '')}%"
        query = query.filter(sa.or_(DataRequest.title.ilike(like), DataRequest.description.ilike(like)))
    count = query.count()
    return count, query.order_by(DataRequest.created.desc(), DataRequest.id.desc()).offset(start).limit(rows).all()


def counts() -> dict[str, int]:
    rows = model.Session.query(DataRequest.status, sa.func.count(DataRequest.id)).group_by(DataRequest.status)
    result = {s: 0 for s in STATUSES}
    result.update({status: n for status, n in rows})
    return result


def median_days_to_answer() -> Optional[float]:
    rows = model.Session.query(DataRequest.created, DataRequest.answered).filter(
        DataRequest.answered.isnot(None)).all()
    if not rows:
        return None
    return round(stats.median((a - c).total_seconds() / 86400 for c, a in rows), 1)
