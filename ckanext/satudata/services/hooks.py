"""What the plugin class calls for the open-data services (kept out of plugin.py)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.satudata import security, sessions, site_config, visibility
from ckanext.satudata.services import stars, usage


def after_dataset_show(context: dict[str, Any], pkg_dict: dict[str, Any]) -> None:
    # Not when the dataset is read to be written back (package_patch): the
    # computed keys would be stored as resource extras.
    if not context.get("for_update"):
        stars.annotate(pkg_dict)
    # What people outside the workflow read (pages, API, RDF) names roles, not
    # usernames; the portal's own reads (ignore_auth) and edits keep the names.
    if not (context.get("ignore_auth") or context.get("for_update") or context.get("for_edit")):
        visibility.show_roles([pkg_dict], visibility.names_people(visibility.user_of(context)))


def make_middleware(app: Any) -> Any:
    if hasattr(app, "after_request"):
        app.after_request(usage.record_download)
        app.after_request(security.secure_response)
        app.after_request(security.safe_datastore_dump)
        app.after_request(sessions.keep_own_session)
        from ckanext.satudata.views.workflow import confirm_saves
        app.after_request(confirm_saves)
        security.register_error_pages(app)
        security.refuse_unstorable_input(app)
        security.enforce_csrf_for_sessions(app)
        security.throttle_password_reset(app)
        security.install_database_timeouts()
        site_config.install()
        app.after_request(security.busy_answer)
        cache_fingerprinted_assets(app)
        compress_text(app)
    return app


_COMPRESSED_TYPES = ("text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                     "image/svg+xml", "application/ld+json", "text/turtle", "application/rdf+xml")
_MAX_COMPRESSED = 8 * 1024 * 1024


_SECRET_BEARING_TYPES = ("text/html", "application/json")


def compress_text(app: Any) -> None:
    """Pages, stylesheets, scripts, JSON and RDF go out gzip-compressed to
    browsers that accept it (a search page shrinks about six times). Only
    answers whose length is known (not a streamed export), and not what is
    already encoded; ``Vary: Accept-Encoding`` tells caches. Pages and JSON
    answered to a signed-in person (their forms hold the session's CSRF token)
    stay uncompressed, so their size cannot leak the token (BREACH)."""
    import gzip
    from flask import request
    inner = app.wsgi_app

    def mark_signed_in(response):
        from ckan.common import current_user
        if getattr(current_user, "is_authenticated", False):
            request.environ["satudata.signed_in"] = True
        return response
    app.after_request(mark_signed_in)

    def wsgi_app(environ, start_response):
        if "gzip" not in environ.get("HTTP_ACCEPT_ENCODING", "") or environ.get("REQUEST_METHOD") == "HEAD":
            return inner(environ, start_response)
        captured: dict[str, Any] = {}
        late = []

        def capture(status, headers, exc_info=None):
            if late:  # the application answered only while its body was read
                return start_response(status, headers, exc_info)
            captured.update(status=status, headers=headers, exc_info=exc_info)
            return lambda data: None  # the legacy write(); Flask never calls it

        body = inner(environ, capture)
        if "status" not in captured:
            late.append(True)
            return body
        status, headers = captured["status"], captured["headers"] or []
        named = {k.lower(): v for k, v in headers}
        kind = named.get("content-type", "").split(";")[0].strip().lower()
        if kind in _SECRET_BEARING_TYPES and environ.get("satudata.signed_in"):
            kind = ""
        try:
            length = int(named.get("content-length", ""))
        except ValueError:
            length = -1
        if (not status.startswith("200") or kind not in _COMPRESSED_TYPES
                or "content-encoding" in named or not 0 < length <= _MAX_COMPRESSED):
            start_response(status, headers, captured.get("exc_info"))
            return body
        try:
            data = gzip.compress(b"".join(body), compresslevel=6)
        finally:
            if hasattr(body, "close"):
                body.close()
        headers = [(k, v) for k, v in headers if k.lower() not in ("content-length", "vary")]
        vary = [v.strip() for v in named.get("vary", "").split(",") if v.strip()]
        headers += [("Content-Encoding", "gzip"), ("Content-Length", str(len(data))),
                    ("Vary", ", ".join(vary + ["Accept-Encoding"]))]
        start_response(status, headers, captured.get("exc_info"))
        return [data]
    app.wsgi_app = wsgi_app


def cache_fingerprinted_assets(app: Any) -> None:
    """Files under ``/webassets/<bundle>/<hash>_<name>`` never change (a new
    version has a new hash), so browsers keep them a year without asking again;
    core sent them ``no-cache``, and every page re-checked some twenty files. Set
    on the WSGI response, after core's own cache headers."""
    import re
    prefix = (tk.config.get("ckan.webassets.url") or "/webassets").rstrip("/") + "/"
    fingerprinted = re.compile(r"^" + re.escape(prefix) + r"[^/]+/[0-9a-f]{8}_[^/]+$")
    inner = app.wsgi_app

    def wsgi_app(environ, start_response):
        if not fingerprinted.match(environ.get("PATH_INFO", "")):
            return inner(environ, start_response)

        def start(status, headers, exc_info=None):
            if status.startswith(("200", "304")):
                headers = [(k, v) for k, v in headers if k.lower() not in ("cache-control", "pragma", "expires")]
                headers.append(("Cache-Control", "public, max-age=31536000, immutable"))
            return start_response(status, headers, exc_info)
        return inner(environ, start)
    app.wsgi_app = wsgi_app

