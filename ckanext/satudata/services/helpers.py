"""Template helpers of the open-data services (exported by ``helpers.py``)."""
from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

import ckan.plugins.toolkit as tk

__all__ = [
    "satudata_dataset_quality",
    "satudata_stars_badge",
    "satudata_freshness_label",
    "satudata_completeness_label",
    "satudata_request_status_label",
    "satudata_number",
]


def satudata_dataset_quality(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    from ckanext.satudata.services import quality
    return quality.dataset_quality(pkg_dict)


def satudata_stars_badge(stars: int) -> Markup:
    """Five stars, ``stars`` of them filled, readable by screen readers."""
    stars = int(stars or 0)
    label = tk._("{n} of 5 stars").format(n=stars)
    return Markup('<span class="satudata-stars" role="img" aria-label="{label}" title="{label}">'
                  '<span class="satudata-stars-on">{on}</span><span class="satudata-stars-off">{off}</span>'
                  "</span>").format(label=escape(label), on="★" * stars, off="☆" * (5 - stars))


def satudata_freshness_label(status: str) -> str:
    from ckanext.satudata.services import freshness
    return freshness.status_label(status)


def satudata_completeness_label(key: str) -> str:
    from ckanext.satudata.services import completeness
    return completeness.label(key)


def satudata_request_status_label(status: str) -> str:
    from ckanext.satudata.services import datarequests
    return datarequests.status_label(status)


def satudata_number(value: Any) -> str:
    """Thousands with dots, decimals with a comma (Indonesian), "–" for none."""
    if value is None or value == "":
        return "–"
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.1f}"
    else:
        text = f"{int(value):,}"
    if tk.h.lang() == "en":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
