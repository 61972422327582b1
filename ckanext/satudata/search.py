"""How datasets meet Solr: the Kutai Timur fields as facets and filters."""
from __future__ import annotations

import contextlib
import json
from collections import OrderedDict
from typing import Any, Callable, Iterator, Optional

import ckan.plugins.toolkit as tk

from ckanext.satudata import reference, revisions, tables, workflow
from ckanext.satudata.services import completeness, freshness, stars
from ckanext.satudata.common import N_


# Facets in the order the dataset page shows them ("Organizations" and "Groups"
# are core messages, which the catalogue renders as Instansi and Tematik).
_FACETS = [
    ("organization", N_("Organizations")),
    ("groups", N_("Groups")),
    ("tags", N_("Tags")),
    ("res_format", N_("Formats")),
    ("license_id", N_("Licenses")),
    ("frekuensi", N_("Publication frequency")),
    ("level_penyajian", N_("Presentation level")),
    ("tahun", N_("Year")),
    ("cakupan", N_("Coverage area")),
    ("satudata_stars", N_("Open data stars")),
]
_CHOICE_FACETS = ("frekuensi", "level_penyajian", "cakupan")
CREATED_MONTH = "satudata_created_month"
# Raised whenever before_dataset_index stores something new, or a migration
# adds to the datasets the index copies (the stored roles): `ckan satudata
# index-upgrade` (run by scripts/run.sh and the compose service) then rebuilds
# the index once, so no page reads a field an older index lacks.
INDEX_VERSION = "2026-12-stored-roles"


def dataset_facets(facets_dict: "OrderedDict[str, Any]") -> "OrderedDict[str, Any]":
    ordered: OrderedDict[str, Any] = OrderedDict()
    for key, label in _FACETS:
        ordered[key] = tk._(label)
    for key, label in facets_dict.items():
        ordered.setdefault(key, label)
    facets_dict.clear()
    facets_dict.update(ordered)
    return facets_dict


def rebuild(package_ids: Optional[list[str]] = None, batch: int = 50,
            progress: Optional[Callable[[int, int], None]] = None) -> int:
    """Reindex datasets as ``ckan search-index rebuild`` does (by default every
    dataset but the deleted ones, as core lists them; the same documents, made
    by core's ``index_package`` with every plugin's hooks), faster: a batch of
    datasets goes to Solr in one request (core sends each alone), and their
    open revisions and harvest objects are read in one query each, at the start
    of the batch (under a second before its documents are written; core reads
    each dataset a few milliseconds before). Solr is committed at the end, as
    core's command does; a dataset Solr refuses stops the rebuild with its name.
    Returns how many datasets were indexed. A command's work (``ckan satudata
    reindex``, ``index-upgrade``): while it runs, core's Solr connection is
    this process's batch."""
    from ckan import logic, model
    from ckan.lib.search import index as core_index

    if package_ids is None:
        query = model.Session.query(model.Package.id)
        if tk.config.get("ckan.search.remove_deleted_packages"):
            query = query.filter(model.Package.state != "deleted")
        package_ids = [row[0] for row in query.order_by(model.Package.id)]
    total = len(package_ids)
    make_connection = core_index.make_connection
    solr = _SolrBatch(make_connection())
    core_index.make_connection = lambda: solr  # core's index_package asks for its connection per dataset
    try:
        for start in range(0, total, batch):
            chunk = package_ids[start:start + batch]
            with revisions.read_ahead(chunk), _harvest_lookups_for(chunk):
                for pkg_id in chunk:
                    logic.index_update_package({"ignore_auth": True}, pkg_id, defer_commit=True)
            solr.flush()
            if progress is not None:
                progress(start + len(chunk), total)
    finally:
        core_index.make_connection = make_connection
    model.Session.commit()
    core_index.PackageSearchIndex().commit()
    return total


@contextlib.contextmanager
def _harvest_lookups_for(pkg_ids: list[str]) -> Iterator[None]:
    """ckanext-harvest's ``before_dataset_index`` looks for the dataset's current
    harvest object, one query per dataset, and changes nothing when there is
    none. Within the block it runs only for the datasets that have one (found
    for all of ``pkg_ids`` in one query) and for harvest sources (whose status
    it rewrites): the same documents, one query per batch."""
    try:
        from ckanext.harvest.model import HarvestObject
        from ckanext.harvest.plugin import Harvest
    except ImportError:
        yield
        return
    from ckan import model

    wanted = set(pkg_ids)
    harvested = {row[0] for row in model.Session.query(HarvestObject.package_id).filter(
        HarvestObject.package_id.in_(pkg_ids), HarvestObject.current.is_(True))}
    core_hook = Harvest.before_dataset_index

    def before_dataset_index(self: Any, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        if pkg_dict.get("id") not in wanted or pkg_dict["id"] in harvested \
                or isinstance(pkg_dict.get("status"), dict):
            return core_hook(self, pkg_dict)
        return pkg_dict
    Harvest.before_dataset_index = before_dataset_index  # type: ignore[method-assign]
    try:
        yield
    finally:
        Harvest.before_dataset_index = core_hook  # type: ignore[method-assign]


class _SolrBatch:
    """The Solr connection core's ``index_package`` sends a dataset to: keeps
    the documents until ``flush`` sends them in one request."""

    def __init__(self, solr: Any):
        self.solr = solr
        self.docs: list[dict[str, Any]] = []

    def add(self, docs: list[dict[str, Any]], commit: bool = False, **kwargs: Any) -> None:
        self.docs.extend(docs)

    def flush(self) -> None:
        import pysolr
        from ckan.lib.search.common import SearchIndexError

        docs, self.docs = self.docs, []
        if not docs:
            return
        try:
            self.solr.add(docs=docs, commit=False)
        except pysolr.SolrError:
            for doc in docs:  # which dataset Solr refuses, and why
                try:
                    self.solr.add(docs=[doc], commit=False)
                except pysolr.SolrError as e:
                    raise SearchIndexError(f"Solr refused dataset {doc.get('name')} ({doc.get('id')}): "
                                           f"{str(e)[:1000]}")
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self.solr, name)


def before_dataset_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    # Solr's catch-all dynamic field is single-valued: lists go in as one
    # space-separated string (still searchable), the year as plain digits.
    rujukan = pkg_dict.get("rujukan")
    if isinstance(rujukan, str) and rujukan.startswith("["):
        try:
            rujukan = json.loads(rujukan)
        except ValueError:
            pass
    if isinstance(rujukan, list):
        pkg_dict["rujukan"] = " ".join(rujukan)
    if pkg_dict.get("tahun") not in (None, ""):
        pkg_dict["tahun"] = str(pkg_dict["tahun"])
    # Workflow notes and check results are for the Walidata, not for full-text search.
    for key in ("approval_note", "approval_checks"):
        pkg_dict.pop(key, None)
        pkg_dict.pop(f"extras_{key}", None)
    # The area name goes into the full text, so "Sangatta" finds 64.08.04.
    if pkg_dict.get("cakupan"):
        pkg_dict["text"] = reference.wilayah_label(pkg_dict["cakupan"])
    # A change to published data waiting for the Walidata (revisions.py) puts the
    # dataset in the verification queue, beside new submissions.
    waiting = revisions.open_status(pkg_dict["id"])
    if waiting is not None:
        pkg_dict["revision_status"] = waiting
    dataset = json.loads(pkg_dict["validated_data_dict"])
    # Five stars of open data, from the licence and formats, as a facet.
    pkg_dict["satudata_stars"] = str(stars.dataset_stars(dataset)["stars"])
    # What the Walidata's quality report counts, so that it is read as facets and
    # not computed over the whole catalogue on every request (services/quality.py):
    # the day the data last changed (its freshness is due from it) and the
    # metadata completeness, with the Instansi (one facet gives count and average).
    updated = freshness.last_update(dataset)
    if updated is not None:
        pkg_dict[freshness.INDEX_FIELD] = updated.strftime("%Y-%m-%dT00:00:00Z")
    score = completeness.completeness(dataset)["score"]
    pkg_dict[completeness.INDEX_FIELD] = f"{pkg_dict.get('owner_org') or ''} {score}"
    # Its time from submission to approval, for the SPBE evidence's median (a facet).
    span = workflow.approval_seconds(dataset)
    if span is not None:
        pkg_dict[workflow.APPROVAL_SPAN_FIELD] = repr(span)
    # The month it was created, for the catalogue's growth on /statistik (a facet).
    pkg_dict[CREATED_MONTH] = str(dataset.get("metadata_created") or "")[:7]
    return pkg_dict


def after_dataset_search(search_results: dict[str, Any]) -> dict[str, Any]:
    tables.prefetch_fields(search_results.get("results") or [])  # a DCAT catalogue page only
    facets = search_results.get("search_facets") or {}
    for field in _CHOICE_FACETS:
        for item in facets.get(field, {}).get("items", []):
            item["display_name"] = reference.choice_label(field, item["name"])
    for item in facets.get("satudata_stars", {}).get("items", []):
        item["display_name"] = stars.facet_label(item["name"])
    return search_results
