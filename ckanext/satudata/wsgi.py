"""The portal as a WSGI application for gunicorn (scripts/run.sh) or any WSGI
server: ``gunicorn ckanext.satudata.wsgi:application`` with ``CKAN_INI`` set,
as the official image's ``wsgi.py`` does for uwsgi."""
from __future__ import annotations

import os
from logging.config import fileConfig

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

_config_file = os.environ["CKAN_INI"]
fileConfig(_config_file, disable_existing_loggers=False)
application = make_app(CKANConfigLoader(_config_file).get_config())
