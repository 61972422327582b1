"""Limits per address and per account, counted in Redis: one mechanism for the
public forms (data requests, help desk), the login and the password reset.

A bucket counts events of one key (an address, hashed; or an account name)
in a fixed window: ``exceeded`` says how many seconds to wait when the count
has reached the limit, ``hit`` counts one more. When Redis is down nothing is
limited (the portal keeps working) and the error is logged.
"""
from __future__ import annotations

import hashlib
import logging
from typing import Optional

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)


def client_address() -> Optional[str]:
    """The caller's address (behind ``ckanext.satudata.requests.proxy_hops``
    trusted proxies, taken from X-Forwarded-For), hashed; None outside a request."""
    from flask import has_request_context, request
    if not has_request_context():
        return None
    address = request.remote_addr or ""
    hops = int(tk.config.get("ckanext.satudata.requests.proxy_hops") or 0)
    forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]
    if hops and len(forwarded) >= hops:
        # Behind N trusted proxies the client is the N-th address from the right.
        address = forwarded[-hops]
    return hashlib.sha256(address.encode()).hexdigest()[:32]


def _key(bucket: str, key: str) -> str:
    digest = hashlib.sha256(key.lower().encode()).hexdigest()[:32]
    return f"{tk.config.get('ckan.site_id')}:satudata:throttle:{bucket}:{digest}"


def _redis():
    from ckan.lib.redis import connect_to_redis
    return connect_to_redis()


def exceeded(bucket: str, key: Optional[str], limit: int) -> Optional[int]:
    """Seconds to wait if ``key`` reached ``limit`` in ``bucket``, else None."""
    if not key or not limit:
        return None
    try:
        redis = _redis()
        name = _key(bucket, key)
        if int(redis.get(name) or 0) < limit:
            return None
        return max(int(redis.ttl(name)), 1)
    except Exception:
        log.exception("Redis unavailable for the %s limit", bucket)
        return None


def hit(bucket: str, key: Optional[str], window: int) -> None:
    """Count one event of ``key`` in ``bucket`` (the window starts at the first)."""
    if not key:
        return
    try:
        redis = _redis()
        name = _key(bucket, key)
        if redis.incr(name) == 1:
            redis.expire(name, window)
    except Exception:
        log.exception("Redis unavailable for the %s limit", bucket)


def minutes(seconds: int) -> int:
    return max(1, -(-seconds // 60))


# ---------------------------------------------------------------------------
# Login and password reset

LOGIN_WINDOW = 15 * 60


def _login_limits() -> tuple[int, int]:
    return (tk.config.get("ckanext.satudata.login.max_failures"),
            tk.config.get("ckanext.satudata.login.max_failures_per_address"))


def login_wait(login: str) -> Optional[int]:
    """Seconds before ``login`` may try again from this address, or None."""
    per_account, per_address = _login_limits()
    waits = [w for w in (exceeded("login-account", login, per_account),
                         exceeded("login-address", client_address(), per_address)) if w]
    return max(waits) if waits else None


def login_failed(login: str) -> None:
    hit("login-account", login or "", LOGIN_WINDOW)
    hit("login-address", client_address(), LOGIN_WINDOW)


def refuse_login(identity: dict) -> None:
    """IAuthenticator.authenticate: while an account or an address is locked no
    password is checked at all (the right one included); the person is told
    how long to wait."""
    login = str(identity.get("login") or "")
    wait = login_wait(login)
    if wait is None:
        return
    identity["password"] = ""  # core's authenticator then refuses
    tk.h.flash_error(tk._("Too many failed sign-ins for this account or from your address. "
                          "Try again in {minutes} minutes, or reset your password.").format(
        minutes=minutes(wait)))


def on_failed_login(sender: str, **_kw) -> None:
    """Subscriber of CKAN's ``failed_login`` signal (sender: the login typed)."""
    login_failed(sender or "")


RESET_PER_HOUR = 5


def check_password_reset() -> Optional[str]:
    """A before_request hook's part: the message when this address asked for
    too many password resets in the last hour, else None (and it is counted)."""
    address = client_address()
    wait = exceeded("password-reset", address, RESET_PER_HOUR)
    if wait:
        return tk._("Too many password reset requests from your address. Try again in {minutes} minutes.") \
            .format(minutes=minutes(wait))
    hit("password-reset", address, 3600)
    return None
