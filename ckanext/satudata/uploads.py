"""Limits on resource uploads, checked before anything is written.

CKAN checks ``ckan.max_resource_size`` only while it copies the file, after the
dataset row is saved, and has no list of allowed file types. Both are checked
here, on the upload itself, with a message that says what is allowed.
"""
from __future__ import annotations

import os
from typing import Any

import ckan.plugins.toolkit as tk
from werkzeug.datastructures import FileStorage


def _size(upload: Any) -> int:
    stream = upload.stream
    position = stream.tell()
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(position)
    return size


def allowed_formats() -> list[str]:
    return [f.lower().lstrip(".") for f in tk.config.get("ckanext.satudata.upload.allowed_formats")]


def check_upload(resource: dict[str, Any]) -> None:
    """Raise ValidationError on the ``url`` field when a new upload is too large
    or of a type the portal does not accept."""
    upload = resource.get("upload")
    if not isinstance(upload, FileStorage) or not getattr(upload, "filename", None):
        return
    errors: list[str] = []
    ext = os.path.splitext(upload.filename)[1].lstrip(".").lower()
    allowed = allowed_formats()
    if ext not in allowed:
        errors.append(tk._("Files of type {ext} cannot be uploaded; allowed types: {allowed}").format(
            ext=(ext or "?").upper(), allowed=", ".join(a.upper() for a in allowed)))
    limit_mb = tk.config.get("ckan.max_resource_size")
    size = _size(upload)
    if size > limit_mb * 1024 * 1024:
        errors.append(tk._("The file is {size} MB; the largest file the portal accepts is {limit} MB").format(
            size=f"{size / 1024 / 1024:.1f}", limit=limit_mb))
    if errors:
        raise tk.ValidationError({"url": errors})
