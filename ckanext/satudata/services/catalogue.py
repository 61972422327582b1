"""Reading the catalogue as a given person sees it: package_search page by page,
so CKAN's permission labels decide what is counted (public figures are read as
an anonymous visitor and never include private or unapproved datasets)."""
from __future__ import annotations

from typing import Any, Iterator, Optional

import ckan.plugins.toolkit as tk

PAGE = 1000


def user_of(context: dict[str, Any]) -> Any:
    """The user of an action context for ``roles``: a model.User, a name, or None.
    (In a web request ``auth_user_obj`` may be flask-login's anonymous user.)"""
    from ckan import model
    user = context.get("auth_user_obj")
    if isinstance(user, model.User):
        return user
    return context.get("user") or None


def anonymous() -> dict[str, Any]:
    return {"user": "", "auth_user_obj": None}


def as_user(context: dict[str, Any]) -> dict[str, Any]:
    return {"user": context.get("user") or "", "auth_user_obj": context.get("auth_user_obj")}


def search(context: dict[str, Any], **params: Any) -> dict[str, Any]:
    return tk.get_action("package_search")(dict(context), params)


def iter_datasets(context: dict[str, Any], fq: str = "", q: str = "", fl: Optional[list[str]] = None,
                  include_private: bool = False, include_drafts: bool = False,
                  sort: str = "metadata_created asc, name asc") -> Iterator[dict[str, Any]]:
    """Every dataset matching ``fq`` that the context's user may see."""
    start = 0
    while True:
        params: dict[str, Any] = {"q": q, "fq": fq, "rows": PAGE, "start": start, "sort": sort,
                                  "include_private": include_private, "include_drafts": include_drafts,
                                  "facet": "false"}
        if fl:
            params["fl"] = fl
        result = search(context, **params)
        yield from result["results"]
        start += PAGE
        if start >= result["count"] or not result["results"]:
            return


def facet_counts(context: dict[str, Any], fields: list[str], fq: str = "",
                 include_private: bool = False, include_drafts: bool = False) -> tuple[int, dict[str, dict[str, Any]]]:
    """(number of datasets, {field: {value: {"count", "display_name"}}})."""
    result = search(context, q="", fq=fq, rows=0, include_private=include_private,
                    include_drafts=include_drafts,
                    **{"facet.field": fields, "facet.limit": -1, "facet.mincount": 1})
    facets = {}
    for field in fields:
        items = result["search_facets"].get(field, {}).get("items", [])
        facets[field] = {i["name"]: {"count": i["count"], "display_name": i["display_name"]} for i in items}
    return result["count"], facets
