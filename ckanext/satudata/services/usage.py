"""Views and downloads, recorded in CKAN's ``tracking_raw`` table.

The portal's script (``assets/js/usage.js``) posts each page view (``page``) and
each click on a file link (``resource``) to ``/_tracking`` (``record_view``).
Core's ``tracking`` plugin is not used: it looked up the view counts of every
dataset and file of every search result, one SQL query each (¾ of a search's
time), for figures the portal takes from ``satudata_usage`` instead. The portal
adds a ``resource`` row for every download served by ``/dataset/<id>/resource/
<rid>/download``, so files fetched without the page (scripts, search engines,
links shared elsewhere) count too, with the same visitor key as the page
views, so one person's click and the download it triggers count once.

``summarise`` turns the raw rows into ``satudata_usage``: per dataset and day,
the number of distinct visitors who opened its page (``view``) and who
downloaded each of its files (``download``, summed over the files). It runs
from ``ckan satudata usage`` (cron) and as a background job that the statistics
page queues when the last summary is older than
``ckanext.satudata.usage.summary_interval`` seconds.
"""
from __future__ import annotations

import datetime
import hashlib
import logging
import re
from collections import defaultdict
from typing import Any, Callable, Optional
from urllib.parse import unquote, urlparse

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata import cache
from ckanext.satudata.services.model import Usage

log = logging.getLogger(__name__)

VIEW = "view"
DOWNLOAD = "download"

_DATASET_PAGE = re.compile(r"^(?:/[a-z]{2}(?:[_-][A-Za-z]{2,4})?)?/dataset/([^/]+)/?$")
_DOWNLOAD = re.compile(r"/dataset/(?:([^/]+)/)?resource/([^/]+)/download(?:/|$)")
_DOWNLOAD_ENDPOINTS = ("dataset_resource.download", "resource.download")


def _tracking_tables() -> tuple[sa.Table, sa.Table]:
    from ckanext.tracking.model import TrackingRaw
    return TrackingRaw.__table__, Usage.__table__


# ---------------------------------------------------------------------------
# Recording downloads

def visitor_key(environ: dict[str, Any]) -> str:
    """Core tracking's anonymous visitor key (user agent, address, languages)."""
    key = "".join([environ.get("HTTP_USER_AGENT", ""), environ.get("REMOTE_ADDR", ""),
                   environ.get("HTTP_ACCEPT_LANGUAGE", ""), environ.get("HTTP_ACCEPT_ENCODING", "")])
    return hashlib.new("md5", key.encode(), usedforsecurity=False).hexdigest()


def record_download(response):
    """Flask ``after_request``: a successful download (file sent or link
    followed) becomes a ``resource`` row of ``tracking_raw``."""
    from flask import request
    if request.endpoint not in _DOWNLOAD_ENDPOINTS or request.method != "GET" \
            or response.status_code not in (200, 206, 301, 302, 303, 307, 308):
        return response
    if request.headers.get("Range", "").strip() not in ("", "bytes=0-"):
        return response  # the rest of a download already counted
    try:
        from ckanext.tracking.model import TrackingRaw
        model.Session.add(TrackingRaw(user_key=visitor_key(request.environ), url=request.path,
                                      tracking_type="resource"))
        model.Session.commit()
    except Exception:  # counting must never break a download
        model.Session.rollback()
        log.exception("Could not record the download of %s", request.path)
    return response


def record_view(kind: Optional[str], url: Optional[str], environ: dict[str, Any]) -> None:
    """A page view (``page``) or a click on a file link (``resource``) posted by
    the portal's script to ``/_tracking`` becomes a ``tracking_raw`` row; what is
    not a view or a click is ignored (core's recorder answered 500 to any body it
    did not expect)."""
    if kind not in ("page", "resource") or not url or len(url) > 2000:
        return
    try:
        from ckanext.tracking.model import TrackingRaw
        model.Session.add(TrackingRaw(user_key=visitor_key(environ), url=url, tracking_type=kind))
        model.Session.commit()
    except Exception:  # counting must never break a page
        model.Session.rollback()
        log.exception("Could not record the view of %s", url[:200])


# ---------------------------------------------------------------------------
# Summarising

class _Resolver:
    """Maps tracked URLs to dataset ids (cached for one summary run)."""

    def __init__(self) -> None:
        self._packages: dict[str, Optional[str]] = {}
        self._resources: dict[str, Optional[tuple[str, str]]] = {}
        self._links: Optional[dict[str, tuple[str, str]]] = None

    def package(self, id_or_name: str) -> Optional[str]:
        if id_or_name not in self._packages:
            row = model.Session.execute(
                sa.select(model.Package.id).where(
                    sa.or_(model.Package.id == id_or_name, model.Package.name == id_or_name))
            ).first()
            self._packages[id_or_name] = row[0] if row else None
        return self._packages[id_or_name]

    def resource(self, resource_id: str) -> Optional[tuple[str, str]]:
        """(package id, resource id) of a resource id."""
        if resource_id not in self._resources:
            row = model.Session.execute(
                sa.select(model.Resource.package_id).where(model.Resource.id == resource_id)).first()
            self._resources[resource_id] = (row[0], resource_id) if row else None
        return self._resources[resource_id]

    def link(self, url: str) -> Optional[tuple[str, str]]:
        """(package id, resource id) of a file given as a link to elsewhere."""
        if self._links is None:
            rows = model.Session.execute(
                sa.select(model.Resource.url, model.Resource.package_id, model.Resource.id)
                .where(model.Resource.state == "active", model.Resource.url_type.is_distinct_from("upload")))
            self._links = {url: (pkg, rid) for url, pkg, rid in rows}
        return self._links.get(url)

    def page(self, url: str) -> Optional[str]:
        path = unquote(urlparse(url).path or "")
        match = _DATASET_PAGE.match(path)
        return self.package(match.group(1)) if match else None

    def download(self, url: str) -> Optional[tuple[str, str]]:
        match = _DOWNLOAD.search(unquote(urlparse(url).path or ""))
        if match:
            return self.resource(match.group(2))
        return self.link(url)


def _last_summarised_day() -> Optional[datetime.date]:
    return model.Session.execute(sa.select(sa.func.max(Usage.__table__.c.day))).scalar()


def summarise(start: Optional[datetime.date] = None, end: Optional[datetime.date] = None) -> dict[str, Any]:
    """Recompute ``satudata_usage`` for the days ``start`` to ``end`` (inclusive).

    Without ``start``: from two days before the last summarised day (late rows of
    yesterday are picked up), or from the first raw row. Returns the days and the
    number of views and downloads counted.
    """
    raw, usage = _tracking_tables()
    end = end or datetime.datetime.now().date()
    if start is None:
        last = _last_summarised_day()
        if last is not None:
            start = last - datetime.timedelta(days=2)
        else:
            first = model.Session.execute(sa.select(sa.func.min(raw.c.access_timestamp))).scalar()
            start = first.date() if first else end
    day_col = sa.cast(raw.c.access_timestamp, sa.Date)
    rows = model.Session.execute(
        sa.select(day_col, raw.c.tracking_type, raw.c.url, raw.c.user_key).distinct()
        .where(raw.c.access_timestamp >= datetime.datetime.combine(start, datetime.time()),
               raw.c.access_timestamp < datetime.datetime.combine(end + datetime.timedelta(days=1),
                                                                  datetime.time())))
    resolver = _Resolver()
    seen: set[tuple] = set()
    counts: dict[tuple[datetime.date, str, str], int] = defaultdict(int)
    for day, kind, url, user_key in rows:
        if kind == "page":
            package_id = resolver.page(url)
            target = (day, VIEW, package_id, user_key)
        elif kind == "resource":
            found = resolver.download(url)
            package_id = found[0] if found else None
            target = (day, DOWNLOAD, found, user_key)
        else:
            continue
        if package_id is None or target in seen:
            continue
        seen.add(target)
        counts[(day, package_id, target[1])] += 1

    model.Session.execute(usage.delete().where(usage.c.day >= start, usage.c.day <= end))
    if counts:
        model.Session.execute(usage.insert(), [
            {"day": day, "package_id": package_id, "kind": kind, "count": count}
            for (day, package_id, kind), count in counts.items()])
    model.Session.commit()
    forget_cached_figures()
    views = sum(c for (_d, _p, k), c in counts.items() if k == VIEW)
    downloads = sum(c for (_d, _p, k), c in counts.items() if k == DOWNLOAD)
    return {"start": start.isoformat(), "end": end.isoformat(), "views": views, "downloads": downloads}


def summarise_job() -> dict[str, Any]:
    """Background job: summarise the days since the last summary."""
    return summarise()


_SCHEDULE_KEY = "satudata:usage:summarised"
# Figures over the whole usage table that only a summary changes (the home page's
# most downloaded), kept in Redis until the next summary.
CACHED_KEY = "usage:"


def cached_figure(name: str, compute: Callable[[], Any], seconds: int = 3600) -> Any:
    """``compute()``, kept in Redis until the next usage summary (or ``seconds``)."""
    return cache.remembered(CACHED_KEY + name, compute, seconds)


def forget_cached_figures() -> None:
    cache.forget(CACHED_KEY)


def schedule_if_stale() -> bool:
    """Queue a summary job when none ran in the last ``summary_interval``
    seconds; True when one was queued. Redis down: nothing happens."""
    interval = tk.config.get("ckanext.satudata.usage.summary_interval")
    if not interval:
        return False
    try:
        from ckan.lib.redis import connect_to_redis
        key = f"{tk.config.get('ckan.site_id')}:{_SCHEDULE_KEY}"
        if not connect_to_redis().set(key, "1", nx=True, ex=int(interval)):
            return False
        tk.enqueue_job(summarise_job, title="satudata usage summary")
        return True
    except Exception:
        log.exception("Could not queue the usage summary")
        return False
