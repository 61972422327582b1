"""Datasets imported from other portals (ckanext-harvest) enter the approval workflow.

The CKAN harvester and the DCAT harvester write datasets with ``package_create``
and ``package_update`` as the harvest user. The portal recognises such a write
(the dataset belongs to a harvest object being imported right now) and:

- validates it with the portal's schema, not core's default schema that the
  CKAN harvester passes (ckanext-harvest#153: that schema drops every custom
  field), so a field of another Satu Data portal survives the import;
- puts it in the Instansi named by the harvest source (``{"instansi": "dinkes"}``
  in its configuration; else the source's own organization), whatever the
  remote says;
- fills the Kutai Timur fields from what the remote portal has (maintainer,
  author, contact point, frequency, temporal coverage, a known area, the
  remote dataset page as Rujukan and the portal as Sumber) and leaves the rest
  empty: a value is never invented (an unknown licence becomes "not specified";
  Cakupan, when the remote names no area of Kutai Timur, takes the portal's
  default as for any dataset sent without one);
- stores it incomplete if need be, as ``pending`` for the Walidata, with the
  validation results (``approval_checks``) naming what is missing. Approval
  checks it again, so an incomplete import is never published: the Walidata
  completes it, or returns it to the Instansi, as for any submission.

On a later harvest, fields completed here are kept when the remote still lacks
them; a changed dataset that was verified follows the portal's rule for edits of
verified data (``ckanext.satudata.approval.on_edit``), a returned one is
submitted again.
"""
from __future__ import annotations

import contextlib
import datetime
import json
import logging
import re
from typing import Any, Callable, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.munge import munge_tag
from sqlalchemy import or_

from ckanext.satudata import common, reference, workflow
from ckanext.satudata.logic.validators import _EMAIL, FIRST_YEAR

log = logging.getLogger(__name__)

# The Kutai Timur fields (and Tematik) an import fills or keeps.
SATUDATA_FIELDS = ("sumber", "maintainer", "maintainer_email", "frekuensi", "level_penyajian",
                   "tahun", "cakupan", "rujukan")
# Extras of other portals that hold a value of one of our fields.
_FREQUENCY_KEYS = ("frekuensi", "frequency", "accrual_periodicity", "update_frequency")
_KEEP_EXTRAS = ("guid",)  # the DCAT harvester finds the dataset again by it


def harvest_user_name() -> str:
    """The user the harvesters write as (ckanext-harvest's own rule)."""
    name = tk.config.get("ckanext.harvest.user_name")
    if name:
        return name
    user = model.User.get("harvest")
    if user is not None and user.sysadmin:
        return "harvest"
    return tk.config.get("ckan.site_id")


def _importing_object(package_id: str):
    """The harvest object being imported now into this dataset, if any."""
    from ckanext.harvest.model import HarvestObject
    guids = model.Session.query(HarvestObject.guid).filter(HarvestObject.package_id == package_id)
    return (model.Session.query(HarvestObject)
            .filter(HarvestObject.state == "IMPORT")
            .filter(or_(HarvestObject.package_id == package_id,
                        HarvestObject.guid.in_(guids.scalar_subquery())))
            .order_by(HarvestObject.import_started.desc())
            .first())


INSTANSI_KEY = "instansi"


def source_config(source) -> dict[str, Any]:
    try:
        config = json.loads(source.config or "{}")
    except ValueError:
        return {}
    return config if isinstance(config, dict) else {}


def target_instansi(source) -> Optional[model.Group]:
    """The Instansi that receives a source's datasets."""
    name = source_config(source).get(INSTANSI_KEY)
    if name:
        org = common.instansi(name)
        if org is not None:
            return org
    source_pkg = model.Package.get(source.id)
    if source_pkg is None or not source_pkg.owner_org:
        return None
    return model.Group.get(source_pkg.owner_org)


def import_source(context: dict[str, Any], data_dict: dict[str, Any]):
    """The harvest source when this write is a harvester importing a dataset."""
    if "harvest" not in tk.config.get("ckan.plugins", []):
        return None
    if data_dict.get("type") not in (None, "", "dataset") or not data_dict.get("id"):
        return None
    if context.get("user") != harvest_user_name():
        return None
    obj = _importing_object(data_dict["id"])
    return obj.source if obj is not None else None


def before_write(context: dict[str, Any], data_dict: dict[str, Any]) -> None:
    """Called by the chained package_create/package_update before validation."""
    source = import_source(context, data_dict)
    if source is None:
        return
    existing = model.Package.get(data_dict["id"])
    if existing is not None and existing.state == "deleted":
        existing = None
    # The portal's schema (scheming), not the default schema the CKAN harvester passes.
    context.pop("schema", None)
    _normalise(data_dict, source, target_instansi(source), existing)
    note = tk._("Imported from {source} ({url}); check and complete the metadata before "
                "approving it").format(source=source.title or source.url, url=source.url)
    context["satudata_state"] = "active"
    before = workflow.status_of(existing) if existing is not None else ""
    context["satudata_import"] = {"source_id": source.id, "note": note, "from": before}
    context["satudata_workflow"] = workflow.import_values(existing, harvest_user_name(), note)


def _extras(data_dict: dict[str, Any]) -> dict[str, Any]:
    return {e.get("key"): e.get("value") for e in data_dict.get("extras") or [] if e.get("key")}


def _valid_email(value: Any) -> Optional[str]:
    value = (value or "").strip() if isinstance(value, str) else ""
    return value if value and len(value) <= 254 and _EMAIL.match(value) else None


def _first(*values: Any) -> Any:
    for value in values:
        if value not in (None, "", [], {}):
            return value
    return None


def _remote_page(data_dict: dict[str, Any], extras: dict[str, Any], source) -> Optional[str]:
    if source.type == "ckan" and data_dict.get("name"):
        return "{}/dataset/{}".format(source.url.rstrip("/"), data_dict["name"])
    for value in (extras.get("uri"), data_dict.get("url"), extras.get("guid")):
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return value
    return None


def _normalise(data_dict: dict[str, Any], source, instansi, existing) -> None:
    from ckan.model.license import LicenseRegister
    from ckanext.satudata.rdf import frekuensi_for

    extras = _extras(data_dict)
    stored = dict(existing.extras or {}) if existing is not None else {}
    page = _remote_page(data_dict, extras, source)
    remote_org = (data_dict.get("organization") or {}).get("title")

    def pick(field: str, *fallbacks: Any) -> Any:
        return _first(data_dict.get(field), extras.get(field), *fallbacks)

    values: dict[str, Any] = {
        "sumber": pick("sumber", extras.get("source"),
                       " - ".join(v for v in (source.title or source.url, remote_org) if v)),
        "maintainer": pick("maintainer", data_dict.get("author"), extras.get("contact_name"),
                           remote_org),
        "maintainer_email": _valid_email(pick("maintainer_email", data_dict.get("author_email"),
                                              extras.get("contact_email"))),
    }
    frekuensi = _first(*(data_dict.get(k) or extras.get(k) for k in _FREQUENCY_KEYS))
    if frekuensi and frekuensi not in reference.choice_values("frekuensi"):
        frekuensi = frekuensi_for(frekuensi)
    values["frekuensi"] = frekuensi
    level = pick("level_penyajian")
    levels = reference.choice_values("level_penyajian")
    values["level_penyajian"] = level if level in levels else None
    values["tahun"] = _year(pick("tahun", extras.get("temporal_start")))
    cakupan = pick("cakupan", extras.get("spatial_text"))
    values["cakupan"] = reference.wilayah_code_for(str(cakupan)) if cakupan else None
    rujukan = pick("rujukan") or []
    if isinstance(rujukan, str):
        try:
            rujukan = json.loads(rujukan) if rujukan.startswith("[") else rujukan.split()
        except ValueError:
            rujukan = []
    links = [u for u in rujukan + ([page] if page else [])
             if isinstance(u, str) and u.startswith(("http://", "https://")) and " " not in u]
    values["rujukan"] = list(dict.fromkeys(links)) or None

    # Fields completed here are kept when the remote still lacks them.
    for field in SATUDATA_FIELDS:
        value = values[field]
        if value in (None, "", []) and field in stored and stored[field] not in (None, ""):
            value = stored[field] if field != "rujukan" else json.loads(stored[field])
        if value not in (None, "", []):
            data_dict[field] = value
        elif field == "cakupan":
            # Not sent: the portal's default area applies, as for any dataset.
            data_dict.pop(field, None)
        else:
            # Present but empty: no default is filled in, the check reports it.
            data_dict[field] = ""
    if existing is not None:
        for field in ("maintainer", "maintainer_email"):
            data_dict[field] = data_dict[field] or getattr(existing, field) or ""

    register = LicenseRegister()
    license_id = data_dict.get("license_id")
    data_dict["license_id"] = license_id if license_id in register else "notspecified"
    if instansi is not None:
        data_dict["owner_org"] = instansi.id
    data_dict["private"] = existing.private if existing is not None else False
    data_dict["prioritas"] = tk.asbool(stored.get("prioritas", False))
    data_dict["state"] = "active"
    data_dict["tags"] = [{"name": munge_tag(t["name"] if isinstance(t, dict) else t)}
                         for t in data_dict.get("tags") or []
                         if (t.get("name") if isinstance(t, dict) else t)]
    data_dict.pop("tag_string", None)
    groups = []
    for group in data_dict.get("groups") or []:
        local = model.Group.get(group.get("name") or group.get("id") or "")
        if local is not None and not local.is_organization and local.state == "active":
            groups.append({"name": local.name})
    if groups:
        data_dict["groups"] = groups
    else:
        # None of the remote groups is a Tematik here: the local ones stay.
        data_dict.pop("groups", None)
    data_dict["extras"] = [{"key": k, "value": v} for k, v in extras.items() if k in _KEEP_EXTRAS]
    for key in ("organization", "author", "author_email", "url", "contact", "publisher", "creator"):
        data_dict.pop(key, None)
    for resource in data_dict.get("resources") or []:
        resource.pop("url_type", None)


def _year(value: Any) -> Optional[int]:
    match = re.match(r"^\s*(\d{4})", str(value or ""))
    if not match:
        return None
    year = int(match.group(1))
    return year if FIRST_YEAR <= year <= datetime.date.today().year + 1 else None


def after_write(context: dict[str, Any], pkg: model.Package) -> None:
    """After an import is saved (before it is indexed and committed): what the
    Walidata's review will show, the validation results and the history line."""
    info = context.get("satudata_import")
    if not info:
        return
    from ckanext.satudata import checks
    changes = context.get("satudata_workflow") or {}
    extras = dict(pkg.extras or {})
    results = checks.run({"user": context.get("user")}, pkg)
    extras["approval_checks"] = checks.stored(results)
    pkg.extras = extras
    model.Session.flush()
    if "approval_status" in changes:
        workflow.record_import(context, pkg, info["from"], info["note"])


# ---------------------------------------------------------------------------
# Running the queues

@contextlib.contextmanager
def as_harvest_user():
    """Run harvesters as the harvest user. ckanext-dcat finds a dataset harvested
    before with a ``package_show`` that names no user, i.e. as whoever the worker
    is signed in as: nobody, to whom a dataset awaiting verification does not
    exist, so its new version would fail to import."""
    from flask import g, has_request_context
    from ckan.lib.helpers import _get_auto_flask_context

    with contextlib.ExitStack() as stack:
        if not has_request_context():
            request_context = _get_auto_flask_context()
            if request_context is not None:
                stack.enter_context(request_context)
        before = getattr(g, "user", None)
        g.user = harvest_user_name()
        try:
            yield
        finally:
            g.user = before


def consume(stage: str, idle_wait: float = 2.0, stop: Optional[Callable[[], bool]] = None) -> None:
    """ckanext-harvest's gather or fetch consumer (runs until stopped, or until
    ``stop()`` is true), as the harvest user.

    ckanext-harvest's own Redis consumer waits in ``BLPOP`` with no timeout;
    redis-py 8, which CKAN 2.12 pins, gives every connection a 5 s socket
    timeout, so that consumer dies with ``TimeoutError`` after five idle
    seconds. This one takes messages with ``LPOP`` and sleeps ``idle_wait``
    seconds while the queue is empty."""
    import time
    from ckanext.harvest import queue

    consumer = queue.get_gather_consumer() if stage == "gather" else queue.get_fetch_consumer()
    callback = queue.gather_callback if stage == "gather" else queue.fetch_callback
    name = queue.get_gather_queue_name() if stage == "gather" else queue.get_fetch_queue_name()
    with as_harvest_user():
        while not (stop and stop()):
            method, channel, body = consumer.basic_get(queue=name)
            if not body:
                time.sleep(idle_wait)
                continue
            callback(consumer, method, None, body)


def run_queues() -> dict[str, int]:
    """One pass over the harvest queues, like ``ckan jobs worker --burst``: every
    queued gather job, then every queued fetch/import object; then the jobs that
    are done are marked finished. Returns how many messages each queue had."""
    from ckanext.harvest import queue

    counts = {"gather": 0, "fetch": 0}
    with as_harvest_user():
        for name, consumer, callback, queue_name in (
                ("gather", queue.get_gather_consumer(), queue.gather_callback,
                 queue.get_gather_queue_name()),
                ("fetch", queue.get_fetch_consumer(), queue.fetch_callback,
                 queue.get_fetch_queue_name())):
            while True:
                method, channel, body = consumer.basic_get(queue=queue_name)
                if not body:
                    break
                counts[name] += 1
                callback(consumer, method, None, body)
        tk.get_action("harvest_jobs_run")(
            {"model": model, "session": model.Session, "user": harvest_user_name(),
             "ignore_auth": True}, {})
    return counts
