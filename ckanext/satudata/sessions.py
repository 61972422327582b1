"""A sign-in ends when it should (hardening finding 3).

Flask-Login keeps the signed-in user's id in the session and, with "remember
me", in a two-year ``remember_token`` cookie (``<id>|<hmac of id>``). Core
writes the bare user id there, so a copied cookie keeps working after logout
and after a password change. Here the id carries a tag,
``<user id>~<tag>``, where the tag is an HMAC (the site's secret) of the
user's password hash and a per-user sign-out epoch:

- signing out draws a new epoch: every session and remember cookie of that
  account, on every device, stops working;
- a password change (edit page or reset link) changes the hash: the same,
  except for the session that changed it on the edit page, which is carried
  over to the new tag;
- a bare id (a cookie from before, or one the tag does not match) signs no one
  in, and the stale cookie is cleared.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan import model

SEPARATOR = "~"
EXTRAS_KEY = "satudata"
EPOCH_KEY = "session_epoch"


def _secret() -> bytes:
    key = tk.config.get("SECRET_KEY") or tk.config.get("beaker.session.secret") or ""
    return str(key).encode()


def tag(user: model.User) -> str:
    epoch = ((user.plugin_extras or {}).get(EXTRAS_KEY) or {}).get(EPOCH_KEY, "")
    message = f"{user.id}|{user.password or ''}|{epoch}".encode()
    return hmac.new(_secret(), message, hashlib.sha256).hexdigest()[:32]


def session_id(user: model.User) -> str:
    return f"{user.id}{SEPARATOR}{tag(user)}"


def identify_user(value: str) -> Optional[Any]:
    """IAuthenticator.identify_user: the user a session or remember cookie
    names, if its tag still holds; else an anonymous visitor (returning None
    would let core look the bare id up)."""
    user_id, _, given = (value or "").partition(SEPARATOR)
    user = model.User.get(user_id) if given else None
    if user is not None and hmac.compare_digest(given, tag(user)):
        return user
    _forget()
    return model.AnonymousUser()


def _forget() -> None:
    from flask import has_request_context, session
    if has_request_context():
        session.pop("_user_id", None)
        session["_remember"] = "clear"


def on_logged_in(sender: Any, user: Any = None, **kwargs: Any) -> None:
    """Flask-Login's ``user_logged_in``: the session (and the remember cookie
    written from it) holds the tagged id."""
    from flask import session
    if isinstance(user, model.User):
        session["_user_id"] = session_id(user)


def on_logged_out(sender: Any, user: Any = None, **kwargs: Any) -> None:
    """Flask-Login's ``user_logged_out``: a new epoch ends every session of
    the account."""
    if not isinstance(user, model.User):
        return
    stored = model.User.get(user.id)
    if stored is None:
        return
    extras = dict(stored.plugin_extras or {})
    ours = dict(extras.get(EXTRAS_KEY) or {})
    ours[EPOCH_KEY] = secrets.token_hex(16)
    extras[EXTRAS_KEY] = ours
    stored.plugin_extras = extras
    model.Session.commit()


def keep_own_session(response: Any) -> Any:
    """After a person changes their own password on the edit page, their own
    session (and remember cookie) carries the new tag; every other one ends."""
    from flask import request, session
    if request.method != "POST" or request.endpoint != "user.edit" or response.status_code >= 400:
        return response
    user_id, _, given = (session.get("_user_id") or "").partition(SEPARATOR)
    user = model.User.get(user_id) if given else None
    if user is None or user.id != getattr(tk.current_user, "id", None):
        return response
    if not hmac.compare_digest(given, tag(user)):
        session["_user_id"] = session_id(user)
        if request.cookies.get(tk.config.get("REMEMBER_COOKIE_NAME") or "remember_token"):
            session["_remember"] = "set"
    return response
