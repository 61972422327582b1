"""Action API of ckanext-satudata. Each docstring is the API documentation
served by ``help_show``."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.satudata import reference

__all__ = ["satudata_wilayah_list"]


@tk.side_effect_free
def satudata_wilayah_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The reference area codes (kode wilayah Kemendagri) used by Cakupan.

    Anyone may call it.

    :param q: part of a name or code to filter on, e.g. ``sangatta`` (optional)
    :type q: string
    :returns: ``source`` (the decree the codes come from) and ``results``, a list of
        ``{"code", "level", "name"}`` with Kabupaten Kutai Timur first
    :rtype: dictionary
    """
    tk.check_access("satudata_wilayah_list", context, data_dict)
    q = (data_dict.get("q") or "").strip().lower()
    results = [w for w in reference.wilayah_list()
               if not q or q in w["name"].lower() or w["code"].startswith(q)]
    return {"source": reference.wilayah_source(), "results": results}
