"""Tables of the open-data services, created by the plugin's own alembic
migration (``ckan db upgrade -p satudata``); core tables are never altered.

- ``satudata_data_request``: a request for data from the public (permohonan data);
- ``satudata_data_request_event``: each step of its triage, for the status page;
- ``satudata_revision``: a change to a published dataset waiting for the
  Walidata, and the history of approved changes (``revisions.py``);
- ``satudata_usage``: views and downloads per dataset and day, summarised from
  the ``tracking_raw`` table of CKAN's tracking plugin;
- ``satudata_notice``: a person's inbox in the portal: what the Walidata did
  with their data, what waits for them (``inbox.py``);
- ``satudata_mail``: every e-mail the portal tried to send, sent or failed, for
  the sysadmin's page (``notifications.py``).
"""
from __future__ import annotations

import datetime
from typing import Any, Optional

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, Table, Unicode, UnicodeText
from sqlalchemy.orm import Mapped

import ckan.model.domain_object as domain_object
import ckan.model.meta as meta
from ckan.model.base import BaseModel

__all__ = ["DataRequest", "DataRequestEvent", "MailLog", "Notice", "Revision", "Usage"]


def _utcnow() -> datetime.datetime:
    return datetime.datetime.utcnow().replace(microsecond=0)


class DataRequest(domain_object.DomainObject, BaseModel):
    __table__ = Table(
        "satudata_data_request",
        BaseModel.metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("name", Unicode(100), nullable=False),
        Column("email", Unicode(254), nullable=False),
        Column("title", Unicode(200), nullable=False),
        Column("description", UnicodeText, nullable=False, default=""),
        Column("purpose", UnicodeText, nullable=False),
        Column("owner_org", UnicodeText),
        Column("status", Unicode(20), nullable=False, default="baru"),
        Column("reply", UnicodeText, nullable=False, default=""),
        Column("dataset_id", UnicodeText),
        Column("created", DateTime, nullable=False, default=_utcnow),
        Column("updated", DateTime, nullable=False, default=_utcnow),
        Column("answered", DateTime),
    )

    id: Mapped[int]
    name: Mapped[str]
    email: Mapped[str]
    title: Mapped[str]
    description: Mapped[str]
    purpose: Mapped[str]
    owner_org: Mapped[Optional[str]]
    status: Mapped[str]
    reply: Mapped[str]
    dataset_id: Mapped[Optional[str]]
    created: Mapped[datetime.datetime]
    updated: Mapped[datetime.datetime]
    answered: Mapped[Optional[datetime.datetime]]

    @classmethod
    def get(cls, request_id: Any) -> Optional["DataRequest"]:
        try:
            key = int(str(request_id).strip().lstrip("#"))
        except (TypeError, ValueError):
            return None
        return meta.Session.get(cls, key)

    def events(self) -> list["DataRequestEvent"]:
        return (meta.Session.query(DataRequestEvent).filter(DataRequestEvent.request_id == self.id)
                .order_by(DataRequestEvent.created, DataRequestEvent.id).all())


class DataRequestEvent(domain_object.DomainObject, BaseModel):
    __table__ = Table(
        "satudata_data_request_event",
        BaseModel.metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("request_id", Integer, ForeignKey("satudata_data_request.id", ondelete="CASCADE"),
               nullable=False, index=True),
        Column("status", Unicode(20), nullable=False),
        Column("note", UnicodeText, nullable=False, default=""),
        Column("dataset_id", UnicodeText),
        Column("actor_id", UnicodeText),
        Column("created", DateTime, nullable=False, default=_utcnow),
    )

    id: Mapped[int]
    request_id: Mapped[int]
    status: Mapped[str]
    note: Mapped[str]
    dataset_id: Mapped[Optional[str]]
    actor_id: Mapped[Optional[str]]
    created: Mapped[datetime.datetime]


class Usage(domain_object.DomainObject, BaseModel):
    __table__ = Table(
        "satudata_usage",
        BaseModel.metadata,
        Column("day", Date, primary_key=True),
        Column("package_id", UnicodeText, primary_key=True),
        Column("kind", Unicode(10), primary_key=True),  # view | download
        Column("count", Integer, nullable=False, default=0),
    )

    day: Mapped[datetime.date]
    package_id: Mapped[str]
    kind: Mapped[str]
    count: Mapped[int]


class Revision(domain_object.DomainObject, BaseModel):
    __table__ = Table(
        "satudata_revision",
        BaseModel.metadata,
        Column("id", UnicodeText, primary_key=True),
        Column("package_id", UnicodeText, nullable=False),
        # pending | pembina_review | approved | returned | withdrawn
        Column("status", Unicode(20), nullable=False),
        Column("data", UnicodeText, nullable=False),       # the proposed dataset (JSON)
        Column("files", UnicodeText, nullable=False, default="{}"),  # resource id -> staged upload id
        Column("changes", UnicodeText, nullable=False, default="[]"),  # what differs (JSON)
        Column("withdraw", Boolean, nullable=False, default=False),
        Column("submitted_by", UnicodeText, nullable=False),
        Column("submitted_at", DateTime, nullable=False, default=_utcnow),
        Column("decided_by", UnicodeText),
        Column("decided_role", Unicode(20)),
        Column("decided_at", DateTime),
        Column("note", UnicodeText, nullable=False, default=""),
    )

    id: Mapped[str]
    package_id: Mapped[str]
    status: Mapped[str]
    data: Mapped[str]
    files: Mapped[str]
    changes: Mapped[str]
    withdraw: Mapped[bool]
    submitted_by: Mapped[str]
    submitted_at: Mapped[datetime.datetime]
    decided_by: Mapped[Optional[str]]
    decided_role: Mapped[Optional[str]]
    decided_at: Mapped[Optional[datetime.datetime]]
    note: Mapped[str]


class Notice(domain_object.DomainObject, BaseModel):
    __table__ = Table(
        "satudata_notice",
        BaseModel.metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("user_id", UnicodeText, nullable=False),
        Column("kind", Unicode(30), nullable=False),  # the workflow step (submit, approve, reject, ...)
        Column("package_id", UnicodeText),
        Column("title", UnicodeText, nullable=False, default=""),  # the dataset's title at the time
        Column("actor_role", Unicode(30), nullable=False, default=""),  # walidata | pembina | produsen
        Column("note", UnicodeText, nullable=False, default=""),
        Column("created", DateTime, nullable=False, default=_utcnow),
        Column("read_at", DateTime),
    )

    id: Mapped[int]
    user_id: Mapped[str]
    kind: Mapped[str]
    package_id: Mapped[Optional[str]]
    title: Mapped[str]
    actor_role: Mapped[str]
    note: Mapped[str]
    created: Mapped[datetime.datetime]
    read_at: Mapped[Optional[datetime.datetime]]


class MailLog(domain_object.DomainObject, BaseModel):
    __table__ = Table(
        "satudata_mail",
        BaseModel.metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("created", DateTime, nullable=False, default=_utcnow),
        Column("kind", Unicode(30), nullable=False),  # workflow | request | reset | freshness
        Column("recipient", UnicodeText, nullable=False),
        Column("subject", UnicodeText, nullable=False, default=""),
        Column("status", Unicode(10), nullable=False),  # sent | failed
        Column("error", UnicodeText, nullable=False, default=""),
    )

    id: Mapped[int]
    created: Mapped[datetime.datetime]
    kind: Mapped[str]
    recipient: Mapped[str]
    subject: Mapped[str]
    status: Mapped[str]
    error: Mapped[str]


Index("satudata_revision_package", Revision.package_id, Revision.status)
Index("satudata_notice_user", Notice.user_id, Notice.read_at)
Index("satudata_mail_created", MailLog.created)
Index("satudata_usage_package_id", Usage.package_id)
Index("satudata_data_request_status", DataRequest.status)
