"""Pages of the portal (registered by the blueprints blanket)."""
from __future__ import annotations

from flask import Blueprint

import ckan.plugins.toolkit as tk

satudata = Blueprint("satudata", __name__)


@satudata.route("/instansi")
def instansi():
    """Instansi is what the portal calls CKAN's organizations."""
    return tk.redirect_to("organization.index")


@satudata.route("/tematik")
def tematik():
    """Tematik is what the portal calls CKAN's groups."""
    return tk.redirect_to("group.index")
