"""The emblem an Instansi or Tematik shows until it has a logo of its own.

Core shows the same grey placeholder for every organization and group without an
image, so a list of Instansi is a column of identical grey boxes. The portal draws
a small SVG instead: the initials of the title ("Dinas Kesehatan" → "DK", "Badan
Pusat Statistik Kabupaten Kutai Timur" → "BPS") on a colour taken from the name,
so each Instansi is recognisable at a glance. It is served from the portal itself
(``/lambang/<name>.svg``), so no page loads an image from another site, and an
uploaded logo always wins (``emblem_url``).
"""
from __future__ import annotations

import hashlib
import re
from typing import Any, Optional

from markupsafe import escape

#: Words that do not make an Instansi recognisable: the region every Instansi of
#: the portal belongs to, and the small words of an Indonesian name.
SKIPPED = {"dan", "serta", "dari", "di", "ke", "untuk", "yang", "kabupaten", "kab", "kutai", "timur", "kota",
           "provinsi", "republik", "indonesia"}

#: Colours dark enough for white text (contrast ≥ 4.5:1), one per emblem by name.
COLOURS = ("#1f5f8b", "#2e7d32", "#8e3b46", "#6a4c93", "#b35900", "#00695c", "#5d4037", "#37474f",
           "#ad1457", "#283593", "#4e6e1e", "#7b3f00")

MAX_LETTERS = 4


def initials(title: str) -> str:
    """Up to four capitals from the words of ``title`` that say who it is."""
    words = [w for w in re.findall(r"[^\W\d_]+", title or "") if w.lower() not in SKIPPED]
    letters = "".join(w[0] for w in words).upper()
    return letters[:MAX_LETTERS] or "?"


def colour(name: str) -> str:
    digest = hashlib.sha1((name or "").encode("utf-8")).digest()
    return COLOURS[digest[0] % len(COLOURS)]


def svg(title: str, name: str) -> str:
    """The emblem as a square SVG with the initials centred."""
    letters = initials(title)
    size = {1: 56, 2: 50, 3: 40, 4: 31}[len(letters)]
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 120 120" role="img">'
            f'<title>{escape(title)}</title>'
            f'<rect width="120" height="120" rx="14" fill="{colour(name)}"/>'
            f'<text x="60" y="60" dy=".35em" text-anchor="middle" fill="#fff" font-family="Arial, sans-serif" '
            f'font-weight="700" font-size="{size}" letter-spacing="1">{escape(letters)}</text></svg>')


def emblem_url(group: Optional[dict[str, Any]]) -> str:
    """The logo the group uploaded or linked, else the portal's emblem for it."""
    import ckan.plugins.toolkit as tk
    group = group or {}
    if group.get("image_display_url"):
        return group["image_display_url"]
    name = group.get("name")
    if not name:
        return tk.h.url_for_static("/base/images/placeholder-organization.png")
    return tk.h.url_for("satudata_services.emblem_svg", name=name)
