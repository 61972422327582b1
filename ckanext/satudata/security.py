"""What the portal sends with every answer so that nothing served from it runs
as script in a visitor's browser (stored XSS), and what it decides about the type
of an uploaded file.

- Every response: ``X-Content-Type-Options: nosniff``, ``Referrer-Policy``,
  ``X-Frame-Options: SAMEORIGIN`` and ``Content-Security-Policy:
  frame-ancestors 'self'`` (no other site frames the portal's forms).
- A downloaded upload (``/dataset/<id>/resource/<rid>/download``): always an
  attachment, in a sandbox (``Content-Security-Policy: sandbox``), and never with
  a type a browser runs (HTML, XHTML, SVG, XML, JavaScript): such a file is sent
  as ``application/octet-stream``. A Produsen's file cannot act as the Walidata
  who opens it.
- The ``mimetype`` of an uploaded file is the server's: taken from the file's
  name among the allowed formats, else from its bytes (libmagic); a client's
  value is ignored, on upload and on every later edit.
"""
from __future__ import annotations

import mimetypes
import os
from typing import Any, Optional

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


def _base(content_type: Optional[str]) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def secure_response(response: Any) -> Any:
    """Flask ``after_request``: the headers above."""
    from flask import request
    for key, value in HEADERS.items():
        response.headers.setdefault(key, value)
    if "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
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
