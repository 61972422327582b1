"""What the portal keeps in Redis between requests, and how each entry knows it
is stale.

- ``remembered(key, compute, seconds)``: ``compute()`` kept under ``key``; the
  caller puts in the key whatever the value depends on, or forgets the entries
  (``forget``) when that changes. Redis down: computed every time, never wrong.
- ``index_state()``: the version of the search index that searches see now;
  every commit to Solr (hard or soft) changes it. A value computed from search
  results only (a DCAT catalogue page) keyed by it cannot outlive a change;
  ``for_index`` keeps such a value.
- ``version(name)``/``bump(name)`` with ``fields_kept``/``keep_fields``: many
  small answers asked for a few at a time (the role of each person a page
  names) kept as fields of one Redis hash whose key carries a version; whoever
  changes what they depend on raises the version (``bump``) and the old hash
  is never read again (it expires). Whole values (above) suit one answer per
  key; this suits a page asking for any 20 of thousands.

Owners: the usage figures (``services/usage.py``: forgotten by each usage
summary; the statistics also keyed by the index version), the DCAT catalogue
pages (``logic/interop.py``), the release calendar (``services/calendar.py``) and
the quality report (``services/quality.py``, per asker), keyed by the index version;
the roles of people (``logic/roles.py``), keyed by a version raised by every
committed change to memberships, users or Instansi (``version``/``bump``).
"""
from __future__ import annotations

import hashlib
import json
import logging
from typing import Any, Callable, Optional

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)


def _key(suffix: str) -> str:
    return f"{tk.config.get('ckan.site_id')}:satudata:cache:{suffix}"


_client: Any = None


def _redis() -> Any:
    """One client on core's connection pool: building a ``redis.Redis`` costs
    more than the command it sends (0.2 ms), and pages ask Redis several times."""
    global _client
    from ckan.lib import redis as core_redis
    if _client is None or _client.connection_pool is not core_redis._connection_pool:
        _client = core_redis.connect_to_redis()
    return _client


def remembered(key: str, compute: Callable[[], Any], seconds: int = 3600,
               keep: Callable[[Any], bool] = lambda value: True) -> Any:
    """``compute()`` (JSON-able), kept in Redis for ``seconds`` under ``key``
    when ``keep(value)``."""
    try:
        redis = _redis()
        found = redis.get(_key(key))
    except Exception:  # Redis down: the value is still right, only slower
        return compute()
    if found is not None:
        return json.loads(found)
    value = compute()
    if keep(value):
        try:
            redis.set(_key(key), json.dumps(value), ex=seconds)
        except Exception:
            pass
    return value


def forget(prefix: str) -> None:
    """Forget every entry whose key starts with ``prefix``."""
    try:
        redis = _redis()
        for key in redis.scan_iter(_key(prefix) + "*"):
            redis.delete(key)
    except Exception:
        log.warning("Cached entries %s* could not be forgotten; they expire on their own", prefix)


def version(name: str) -> Optional[str]:
    """The current version of something kept in parts (``bump`` changes it), or
    None when Redis is down (then nothing is kept)."""
    try:
        return (_redis().get(_key(f"version:{name}")) or b"0").decode()
    except Exception:
        return None


def bump(name: str) -> None:
    """A new version of ``name``: whatever was kept under the old one is never read again."""
    try:
        _redis().incr(_key(f"version:{name}"))
    except Exception:
        log.warning("The version of %s could not be raised", name)


def fields_kept(key: str, fields: list[str]) -> dict[str, str]:
    """The fields of the hash ``key`` that are kept (strings)."""
    try:
        values = _redis().hmget(_key(key), fields)
    except Exception:
        return {}
    return {f: v.decode() for f, v in zip(fields, values) if v is not None}


def keep_fields(key: str, mapping: dict[str, str], seconds: int = 3600) -> None:
    try:
        redis = _redis()
        redis.hset(_key(key), mapping=mapping)
        redis.expire(_key(key), seconds)
    except Exception:
        pass


def index_state() -> Optional[dict[str, Any]]:
    """``{"version", "documents"}`` of the index searches read now: Lucene's reader
    version (every commit, hard or soft, changes it) with the time of the last
    commit (a core made anew starts its versions again), and the number of
    documents, from Solr's Luke handler; None when Solr does not tell."""
    from ckan.lib.search.common import make_connection
    try:
        answer = make_connection()._send_request("get", "admin/luke?show=index&numTerms=0&wt=json")
        index = json.loads(answer)["index"]
        return {"version": f"{index['version']}@{index.get('lastModified') or ''}",
                "documents": int(index["numDocs"])}
    except Exception:
        log.warning("Solr did not tell its index version: nothing is cached from search results")
        return None


def for_index(key: str, compute: Callable[[], Any], depends: Any = None, seconds: int = 3600,
              keep: Callable[[Any], bool] = lambda value: True, index: Optional[dict[str, Any]] = None) -> Any:
    """``compute()`` kept under ``key`` while the search index stays as it is
    (its version is part of the key, with a hash of ``depends``: whatever else
    the value is made of, e.g. today, the language, names of Instansi);
    computed every time when Solr does not tell its version. ``index``: an
    ``index_state()`` the caller has already read."""
    index = index or index_state()
    if index is None:
        return compute()
    digest = hashlib.sha256(json.dumps(depends, default=str, sort_keys=True).encode()).hexdigest()[:32]
    return remembered(f"{key}:{index['version']}:{digest}", compute, seconds, keep)
