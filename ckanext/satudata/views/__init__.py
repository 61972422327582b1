"""The portal's pages, one blueprint module per area (registered by the
blueprints blanket through ``get_blueprints``).

Every page calls the Action API, so the auth functions decide who may see or do
what; a page never grants more than the API.
"""
from __future__ import annotations

from flask import Blueprint


def get_blueprints() -> list[Blueprint]:
    from ckanext.satudata.views import dataapi, services, workflow
    return [workflow.satudata, services.satudata_services, dataapi.satudata_dataapi]
