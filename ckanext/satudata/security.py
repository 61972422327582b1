"""What the portal sends with every answer so that nothing served from it runs
as script in a visitor's browser (stored XSS), and what it decides about the type
of an uploaded file.

- Every response: ``X-Content-Type-Options: nosniff``, ``Referrer-Policy``,
  ``X-Frame-Options: SAMEORIGIN`` and a ``Content-Security-Policy`` (``POLICY``):
  script only from the portal itself or an inline ``<script>`` carrying the
  request's nonce, no plugins, no ``<base>`` elsewhere, no framing by other
  sites. Inline event handlers (``onclick=``) and ``javascript:`` links never
  run; the few core templates that had them are rendered through
  ``with_nonces`` and their buttons work from ``assets/js/csp-behaviours.js``.
- A downloaded upload (``/dataset/<id>/resource/<rid>/download``): always an
  attachment, in a sandbox (``Content-Security-Policy: sandbox``), and never with
  a type a browser runs (HTML, XHTML, SVG, XML, JavaScript): such a file is sent
  as ``application/octet-stream``. A Produsen's file cannot act as the Walidata
  who opens it.
- The ``mimetype`` of an uploaded file is the server's: taken from the file's
  name among the allowed formats, else from its bytes (libmagic); a client's
  value is ignored, on upload and on every later edit.
- A cell that a spreadsheet would run as a formula (``=HYPERLINK(…)``,
  ``@SUM(…)``, ``-2+3+cmd|…``) is written with a leading apostrophe in every
  spreadsheet the portal produces: the inventory exports and the DataStore's
  CSV/TSV dump (``spreadsheet_safe``). Numbers, ``-`` and phone numbers
  (``+62 812-…``) are left as they are; the Action API and the JSON/XML dumps
  give every value exactly.
"""
from __future__ import annotations

import mimetypes
import os
import re
from typing import Any, Optional

import ckan.plugins.toolkit as tk
from markupsafe import Markup
from werkzeug.datastructures import FileStorage

# Types a browser would render as a document that runs script.
ACTIVE_TYPES = {
    "text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml",
    "application/rdf+xml", "text/javascript", "application/javascript", "application/ecmascript",
    "text/ecmascript", "application/x-javascript", "text/xsl", "application/xslt+xml",
    "multipart/x-mixed-replace", "text/vtt",
}
DOWNLOAD_ENDPOINTS = ("dataset_resource.download", "resource.download")

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",
}


# Images may come from anywhere (avatars, a linked picture's preview); script,
# connections, frames and fonts only from the portal.
POLICY = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
          "img-src 'self' data: blob: https: http:; font-src 'self' data:; connect-src 'self'; "
          "frame-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'")


def csp_nonce() -> str:
    """This request's script nonce (one per request, unguessable)."""
    import secrets
    from flask import g
    nonce = g.get("satudata_csp_nonce")
    if not nonce:
        nonce = g.satudata_csp_nonce = secrets.token_urlsafe(18)
    return nonce


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)([^>]*)>", re.I)
_INLINE_HANDLER = re.compile(r'\s+on[a-z]+="[^"]*"', re.I)


def with_nonces(html: Any) -> Markup:
    """A block of a core template rendered for the policy: its inline
    ``<script>`` elements get the nonce, its inline event handlers are dropped
    (their behaviour lives in csp-behaviours.js). Only for template output:
    values in it are escaped (no raw ``"`` or ``<``), so nothing a user wrote
    can be given a nonce or keep a handler."""
    nonce = csp_nonce()
    text = _INLINE_SCRIPT.sub(lambda m: f'<script nonce="{nonce}"{m.group(1)}>', str(html))
    return Markup(_INLINE_HANDLER.sub(" ", text))


def _base(content_type: Optional[str]) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


# A value that starts with + or - and holds nothing but a number, a phone number
# or a dash is data, not a formula.
_PLAIN_SIGNED = re.compile(r"[+-][\d\s.,()/-]*")
_FORMULA_AT_CELL_START = re.compile(r'(?:^|[,\t\n])"?[=@+\-\t\r]')


def spreadsheet_safe(value: Any) -> Any:
    """``value`` as a spreadsheet cell that cannot run: text starting like a
    formula gets a leading apostrophe (CSV injection)."""
    if isinstance(value, str) and value and (
            value[0] in "=@\t\r" or (value[0] in "+-" and not _PLAIN_SIGNED.fullmatch(value))):
        return "'" + value
    return value


def csv_lines(rows: Any) -> Any:
    """The portal's CSV downloads, line by line: a BOM first (so spreadsheet
    programs read UTF-8), every cell made ``spreadsheet_safe``. A generator, so a
    long export starts at once and is never held whole in memory."""
    import csv
    import io
    out = io.StringIO()
    writer = csv.writer(out)
    yield "\ufeff"
    for row in rows:
        writer.writerow([spreadsheet_safe(v) for v in row])
        yield out.getvalue()
        out.seek(0)
        out.truncate()


def csv_text(rows: Any) -> str:
    """``csv_lines`` as one string (small tables)."""
    return "".join(csv_lines(rows))


def _safe_dump_chunks(chunks: Any, delimiter: str) -> Any:
    """The DataStore dump's chunks (whole CSV records each) with formula-like
    cells neutralised; a chunk with no cell starting like one passes unchanged."""
    import csv
    import io
    for chunk in chunks:
        text = chunk.decode("utf-8") if isinstance(chunk, bytes) else chunk
        if not text or not _FORMULA_AT_CELL_START.search(text):
            yield chunk
            continue
        bom = "\ufeff" if text.startswith("\ufeff") else ""
        out = io.StringIO()
        out.write(bom)
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        for record in csv.reader(io.StringIO(text[len(bom):], newline=""), delimiter=delimiter):
            writer.writerow([spreadsheet_safe(cell) for cell in record])
        yield out.getvalue().encode("utf-8")


def safe_datastore_dump(response: Any) -> Any:
    """Flask ``after_request``: ``/datastore/dump`` as CSV or TSV passes
    through :func:`spreadsheet_safe` (it wrote ``=HYPERLINK(…)`` as it was)."""
    from flask import request
    if request.endpoint != "datastore.dump" or response.status_code != 200 or response.direct_passthrough:
        return response
    fmt = (request.args.get("format") or "csv").lower()
    if fmt in ("csv", "tsv") and not response.is_sequence:
        response.response = _safe_dump_chunks(response.response, "," if fmt == "csv" else "\t")
    return response


def secure_response(response: Any) -> Any:
    """Flask ``after_request``: the headers above."""
    from flask import request
    for key, value in HEADERS.items():
        response.headers.setdefault(key, value)
    if "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = POLICY.format(nonce=csp_nonce())
    if request.endpoint in DOWNLOAD_ENDPOINTS and response.status_code in (200, 206):
        response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; frame-ancestors 'none'"
        if _base(response.headers.get("Content-Type")) in ACTIVE_TYPES:
            response.headers["Content-Type"] = "application/octet-stream"
        disposition = response.headers.get("Content-Disposition", "")
        if not disposition.lower().startswith("attachment"):
            filename = os.path.basename(request.path.rstrip("/")) or "download"
            if "filename=" in disposition:
                response.headers["Content-Disposition"] = "attachment;" + disposition.split(";", 1)[1]
            else:
                response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def detected_mimetype(upload: FileStorage) -> str:
    """The type of an uploaded file: from its name (the allowed formats have
    well-known types), else from its first bytes."""
    guessed = mimetypes.guess_type(upload.filename or "")[0]
    if guessed:
        return guessed
    import magic
    stream = upload.stream
    position = stream.tell()
    head = stream.read(4096)
    stream.seek(position)
    try:
        return magic.from_buffer(head, mime=True) or "application/octet-stream"
    except Exception:  # libmagic cannot read it: say nothing more than bytes
        return "application/octet-stream"


def settle_mimetypes(data_dict: dict[str, Any]) -> None:
    """Before a dataset is written: the ``mimetype`` of each uploaded file is the
    server's (detected for a new upload, the stored one otherwise); a client's is
    dropped. Links keep theirs: the portal never serves their bytes."""
    from ckan import model
    for resource in data_dict.get("resources") or []:
        if not isinstance(resource, dict):
            continue
        upload = resource.get("upload")
        if isinstance(upload, FileStorage) and upload.filename:
            resource["mimetype"] = detected_mimetype(upload)
            continue
        stored = model.Resource.get(resource["id"]) if resource.get("id") else None
        if stored is None or stored.url_type != "upload" or resource.get("url_type", "upload") != "upload":
            continue
        if stored.mimetype:
            resource["mimetype"] = stored.mimetype
        else:
            resource.pop("mimetype", None)


# ---------------------------------------------------------------------------
# Bad requests are the asker's, not the server's

def search_refusal() -> str:
    return tk._("The search could not be run: check the brackets and quotes of the search words, "
                "the filters and the page number.")


def register_error_pages(app: Any) -> None:
    """Errors that escape a page become the answer they mean, on the portal's
    own error page: a search Solr cannot run (a bad query, a page number past
    the end) is 400 and never shows the query (it holds the asker's permission
    labels), as is invalid input; a refusal is 403 and a missing object 404,
    not a 500."""
    from sqlalchemy import exc as sa_exc
    from werkzeug.exceptions import BadRequest, Forbidden, NotFound, ServiceUnavailable
    from ckan.lib.search.common import SearchError

    def answer(exception_class, message):
        def handler(error: Exception):
            return app.handle_http_exception(exception_class(description=message(error)))
        return handler

    app.register_error_handler(SearchError, answer(BadRequest, lambda e: search_refusal()))

    def busy(error: Exception):
        if not _busy(error):
            raise error
        from ckan.model import Session
        Session.rollback()
        return app.handle_http_exception(ServiceUnavailable(description=tk._(
            "The portal is busy with this data right now; please try again in a minute.")))

    app.register_error_handler(sa_exc.OperationalError, busy)
    app.register_error_handler(tk.ValidationError, answer(BadRequest, lambda e: "; ".join(
        str(m) for messages in (e.error_dict or {}).values()
        for m in (messages if isinstance(messages, list) else [messages]))))
    app.register_error_handler(tk.NotAuthorized, answer(Forbidden, lambda e: str(e) or tk._("Not authorized")))
    app.register_error_handler(tk.ObjectNotFound, answer(NotFound, lambda e: tk._("Not found")))


# Characters PostgreSQL cannot store (NUL) and halves of a character
# (lone surrogates, which cannot be written as UTF-8).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _unstorable(value: Any, depth: int = 0) -> bool:
    if isinstance(value, str):
        return bool(_UNSTORABLE.search(value))
    if depth > 50:
        return True
    if isinstance(value, dict):
        return any(_unstorable(k, depth + 1) or _unstorable(v, depth + 1) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_unstorable(v, depth + 1) for v in value)
    return False


def _local_target(value: str) -> bool:
    """Where a sign-in or sign-out may send the person next: a path of this
    site, or a full address on it (flask-login writes those). Core's check let
    ``\\evil.example`` through, which it could not build (a 500) and which
    browsers read as ``//evil.example``."""
    from urllib.parse import urlsplit
    from flask import request
    if "\\" in value or any(ord(c) < 32 for c in value):
        return False
    if value.startswith("/"):
        return not value.startswith("//")
    parts = urlsplit(value)
    own = {request.host.lower(), urlsplit(tk.config.get("ckan.site_url") or "").netloc.lower()}
    return parts.scheme in ("http", "https") and parts.netloc.lower() in own


def refuse_unstorable_input(app: Any) -> None:
    """A request whose path, parameters, form or JSON body hold a NUL byte or
    half a character, a ``came_from``/``next`` that is not a path of this site,
    or a "remember me" that is not a number, is refused with 400 and a
    message, before any view or action (they answered 500: the database or
    Solr refused it after the action had started)."""
    from flask import jsonify, request

    def refusal(message: str, status: int = 400, error: Optional[dict[str, Any]] = None):
        if request.path.startswith("/api/") or "/api/" in request.path[:8]:
            response = jsonify({"success": False,
                                "error": error or {"__type": "Bad Request", "message": message}})
            response.status_code = status
            return response
        return tk.abort(status, message)

    def check():
        if _unstorable(request.path) or _unstorable(list(request.args.items(multi=True))):
            return refusal(_unstorable_message())
        if request.method in ("POST", "PUT", "PATCH"):
            if request.is_json:
                body = _json_body()
                if _unstorable(body):
                    return refusal(_unstorable_message())
                wrong = _not_a_single_value(body)
                if wrong:
                    message = tk._("Must be a single value (text or a number), not a list or an object")
                    return refusal(message, 409, {"__type": "Validation Error", wrong: [message]})
            elif _unstorable(list(request.form.items(multi=True))) or any(
                    _unstorable(f.filename or "") for f in request.files.values()):
                return refusal(_unstorable_message())
        for key in ("came_from", "next"):
            target = request.args.get(key) if request.endpoint in ("user.login", "user.logout") else None
            if target and not _local_target(target):
                return refusal(tk._("The address to continue to is not a page of this portal."))
        if request.endpoint == "user.login" and request.method == "POST":
            remember = request.form.get("remember")
            if remember and not remember.isdigit():
                return refusal(tk._("The remember-me choice was not understood; sign in again."))
        return None

    app.before_request(check)


def _json_body() -> Any:
    """The request's JSON, parsed once: the same call (and cache) as the
    Action API's own; a body that is not JSON is left for it to refuse."""
    from flask import request
    from werkzeug.exceptions import BadRequest
    try:
        return request.get_json()
    except BadRequest:
        return None


# Parameters of the Action API that name one thing or one number: a list or
# an object there reached the database as a query parameter (a 500).
SINGLE_VALUES = {"id", "name", "package_id", "resource_id", "owner_org", "q", "fq", "sort", "limit", "offset",
                 "rows", "start", "title", "url", "state", "type", "user", "user_id", "organization_id",
                 "group_id", "object", "object_type", "capacity", "tahun_data", "cakupan", "note"}


def _not_a_single_value(body: Any) -> Optional[str]:
    """The first Action API parameter of ``SINGLE_VALUES`` sent as a list or
    an object (the DataStore's ``q`` may be an object of columns)."""
    from flask import request
    if not isinstance(body, dict) or "/action/" not in request.path:
        return None
    action = request.path.rsplit("/", 1)[-1]
    for key in SINGLE_VALUES:
        if isinstance(body.get(key), (list, dict)) and not (key == "q" and action.startswith("datastore_")):
            return key
    return None


def _unstorable_message() -> str:
    return tk._("The request holds characters that cannot be stored (a NUL byte or a broken character); "
                "remove them and send it again.")


# ---------------------------------------------------------------------------
# CSRF: an exemption must not stick

# Views that take a cookie session's POST without a CSRF token (none).
CSRF_EXEMPT_VIEWS: frozenset[str] = frozenset({
    # Core tracking's script posts page views without a token; a view changes only a counter.
    "ckanext.satudata.views.workflow.tracking",
})


def enforce_csrf_for_sessions(app: Any) -> None:
    """CKAN 2.12 exempts a view from CSRF for good (``csrf.exempt`` on the
    process-wide CSRFProtect) the first time a request with an API token, or
    with no session at all, reaches it; after that a forged form could make a
    signed-in Walidata approve. Every state-changing request of a cookie
    session to an exempted view is checked here, whatever reached the view
    before. (The set is process-wide and filled at run time, so it cannot tell
    an exemption made on purpose from a sticky one: views that must take
    cookie posts without a token are listed in ``CSRF_EXEMPT_VIEWS``; exempted
    blueprints, such as the Action API's, are not affected.)"""
    from flask import current_app, g, request
    from ckan.config.middleware.flask_app import csrf

    def check() -> None:
        if not current_app.config.get("WTF_CSRF_ENABLED") or g.get("login_via_auth_header"):
            return
        if request.method not in current_app.config.get("WTF_CSRF_METHODS", ("POST", "PUT", "PATCH", "DELETE")):
            return
        view = current_app.view_functions.get(request.endpoint or "")
        if view is None:
            return
        dest = f"{view.__module__}.{view.__name__}"
        if dest in csrf._exempt_views and dest not in CSRF_EXEMPT_VIEWS:
            csrf.protect()

    app.before_request(check)


def throttle_password_reset(app: Any) -> None:
    """At most ``throttle.RESET_PER_HOUR`` password reset requests per address
    and hour: each one sends an e-mail."""
    from flask import request
    from ckanext.satudata import throttle

    def check():
        if request.method == "POST" and request.endpoint == "user.request_reset":
            message = throttle.check_password_reset()
            if message:
                return tk.abort(429, message)
        return None

    app.before_request(check)


# ---------------------------------------------------------------------------
# Server-side fetches go to the public internet only (SSRF)

def address_problem(url: str) -> Optional[str]:
    """Why the portal must not fetch ``url`` itself (a harvest source), or None.

    Only http(s); the host, resolved now, must not be loopback, private,
    link-local, reserved, multicast or unspecified (Solr, Redis, PostgreSQL and
    cloud metadata answer there), unless ``host:port`` is listed in
    ``ckanext.satudata.fetch.allowed_hosts``. A name that does not resolve
    now is accepted (it fetches nothing); the check runs again when a harvest
    job starts."""
    import ipaddress
    import socket
    from urllib.parse import urlsplit
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return tk._("The address is not a valid web address")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return tk._("Only http and https addresses can be harvested")
    host = parts.hostname
    allowed = {h.strip().lower() for h in tk.config.get("ckanext.satudata.fetch.allowed_hosts") or []}
    if f"{host.lower()}:{port}" in allowed:
        return None
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)}
    except (socket.gaierror, UnicodeError, OSError):
        return None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            return tk._("The address {host} is inside the portal's own network; the portal only harvests "
                        "public addresses").format(host=host)
    return None


# ---------------------------------------------------------------------------
# One blocked statement must not hang the portal

def install_database_timeouts() -> None:
    """Every database connection (CKAN's and the DataStore's) used while a web
    request is served waits at most ``ckanext.satudata.db.lock_timeout`` for a
    lock and runs a statement at most ``ckanext.satudata.db.statement_timeout``
    (PostgreSQL settings); outside a request (jobs worker, loader, CLI) the
    server's defaults hold. A request that hits one is answered 503 with a
    message to try again (``register_error_pages``), never left hanging."""
    import sqlalchemy as sa
    from flask import has_request_context

    if getattr(install_database_timeouts, "installed", False):
        return
    install_database_timeouts.installed = True  # type: ignore[attr-defined]

    def checkout(dbapi_connection, connection_record, connection_proxy):
        if has_request_context():
            wanted = (str(tk.config.get("ckanext.satudata.db.lock_timeout")),
                      str(tk.config.get("ckanext.satudata.db.statement_timeout")))
        else:
            wanted = ("0", "0")
        # The settings hold for the connection's session: set them on change only.
        if connection_record.info.get("satudata_timeouts") == wanted:
            return
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT set_config('lock_timeout', %s, false), "
                           "set_config('statement_timeout', %s, false)", wanted)
        finally:
            cursor.close()
        if not dbapi_connection.autocommit:
            dbapi_connection.commit()
        connection_record.info["satudata_timeouts"] = wanted

    def on_error(exception_context):
        if has_request_context() and _busy(exception_context):
            from flask import g
            g.satudata_busy = True

    sa.event.listen(sa.pool.Pool, "checkout", checkout)
    sa.event.listen(sa.engine.Engine, "handle_error", on_error)


def busy_answer(response: Any) -> Any:
    """after_request: a request that failed on a lock or statement timeout is a
    503 with a message to try again (the Action API catches every exception as a
    500 of its own)."""
    from flask import g, request
    if response.status_code != 500 or not g.get("satudata_busy"):
        return response
    import json as _json
    message = tk._("The portal is busy with this data right now; please try again in a minute.")
    response.status_code = 503
    response.headers["Retry-After"] = "60"
    if "/api/" in request.path:
        response.set_data(_json.dumps({"success": False, "error": {"__type": "Busy", "message": message}}))
        response.mimetype = "application/json"
    return response


def _busy(error: Any) -> bool:
    """A lock or statement timeout (an SQLAlchemy error, or its handle_error context)."""
    import psycopg2.errors
    original = getattr(error, "orig", None) or getattr(error, "original_exception", None)
    return isinstance(original, (psycopg2.errors.LockNotAvailable, psycopg2.errors.QueryCanceled))
