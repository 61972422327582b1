"""Every worker sees the site's settings (title, logo, intro text, custom CSS:
``/ckan-admin/config``) as the sysadmin last saved them, without asking
PostgreSQL on every request.

Core keeps that promise by reading the stamp ``ckan.config_update`` from the
``system_info`` table before each request (``app_globals._check_uptodate``): a
pool checkout with its ping, a query and a commit, 1.5-2 ms of a 6 ms search
(measured at 10,000 datasets). The portal reads the same stamp from Redis
instead (one GET, ~0.1 ms):

- the only writer of the stamp, ``config_option_update``, puts the new stamp
  in Redis after the database has it (``note_change``, chained in
  ``logic/action.py``), so the next request of every worker sees it: exact, no
  waiting for an expiry;
- when Redis has no stamp (first start, Redis flushed, entry expired) it is read
  from the database once and put back, unless a newer one got there first
  (``SET NX``); kept ten minutes at most, so a stamp written some other way (a
  restored database) is seen within that;
- Redis down: the stamp is read from the database, as core does.
"""
from __future__ import annotations

import logging
from typing import Optional

from ckanext.satudata import cache

log = logging.getLogger(__name__)

STAMP = "ckan.config_update"
_KEY = "site-config-stamp"
_KEPT = 600
_NONE = ""  # Redis cannot hold None: the database has no stamp yet


def _database_stamp() -> Optional[str]:
    from ckan import model
    return model.get_system_info(STAMP)


def current_stamp() -> Optional[str]:
    """The stamp of the site's settings as Redis has it; read from the database
    (and put in Redis) when Redis has none, and when Redis is down, as core reads it."""
    try:
        redis = cache._redis()
        found = redis.get(cache._key(_KEY))
    except Exception:
        return _database_stamp()
    if found is not None:
        return found.decode() or None
    stamp = _database_stamp()
    _keep(stamp, nx=True)
    return stamp


def note_change() -> None:
    """After ``config_option_update`` has committed: every worker's next request
    resets its settings from the database (``app_globals.reset``)."""
    if not _keep(_database_stamp()):
        log.warning("The new stamp of the site's settings could not be put in Redis; "
                    "other workers see the change within %s s", _KEPT)


def _keep(stamp: Optional[str], nx: bool = False) -> bool:
    try:
        cache._redis().set(cache._key(_KEY), stamp or _NONE, ex=_KEPT, nx=nx)
        return True
    except Exception:
        return False


def install() -> None:
    """Replace core's per-request check of ``app_globals`` by the same decision
    and reset on the stamp read from Redis; once per process."""
    from ckan.lib import app_globals

    globals_ = app_globals.app_globals
    if getattr(globals_, "_satudata_checks_redis", False):
        return

    def check_uptodate() -> None:
        # Core's decision (ckan/lib/app_globals.py): reset when the stamp
        # changed, one thread at a time.
        stamp = current_stamp()
        if globals_._config_update != stamp and globals_._mutex.acquire(False):
            try:
                app_globals.reset()
                globals_._config_update = stamp
            finally:
                globals_._mutex.release()

    globals_._check_uptodate = check_uptodate
    globals_._satudata_checks_redis = True
