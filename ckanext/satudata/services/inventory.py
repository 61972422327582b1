"""The inventory of shared data (daftar inventarisasi data, SPBE level 2): every
dataset with its full Kutai Timur metadata, as the requesting person may see it.

The public sees the public datasets; the Walidata sees every dataset with its
approval status (a Produsen Data also sees their own Instansi's). The same rows
feed the page, the API, and the CSV and XLSX downloads.
"""
from __future__ import annotations

import io
import itertools
from typing import Any, Callable, Iterable, Iterator, Optional

import ckan.plugins.toolkit as tk

from ckanext.satudata import common, reference, security, visibility, workflow
from ckanext.satudata.common import N_
from ckanext.satudata.logic import roles
from ckanext.satudata.services import completeness, freshness, stars


def _join(values: Iterable[Any]) -> str:
    return "; ".join(str(v) for v in values if v not in (None, ""))


def _licence(d: dict[str, Any]) -> str:
    return d.get("license_title") or d.get("license_id") or ""


def _yes_no(value: Any) -> str:
    return tk._("Yes") if tk.asbool(value) else tk._("No")


def _freshness(d: dict[str, Any]) -> str:
    f = freshness.freshness(d)
    if f["status"] == freshness.TERLAMBAT:
        return tk._("Overdue by {days} days").format(days=f["days_overdue"])
    return freshness.status_label(f["status"])


# (key, column heading msgid, value) in the order of the downloads.
COLUMNS: list[tuple[str, str, Callable[[dict[str, Any]], Any]]] = [
    ("name", N_("Dataset ID"), lambda d: d["name"]),
    ("title", N_("Title"), lambda d: d.get("title") or ""),
    ("instansi", N_("Instansi"), lambda d: (d.get("organization") or {}).get("title", "")),
    ("tematik", N_("Themes (Tematik)"), lambda d: _join(g.get("display_name") or g.get("title")
                                                        for g in d.get("groups") or [])),
    ("notes", N_("Description"), lambda d: d.get("notes") or ""),
    ("tags", N_("Tags"), lambda d: _join(t["name"] for t in d.get("tags") or [])),
    ("license", N_("Licence"), _licence),
    ("sumber", N_("Data source"), lambda d: d.get("sumber") or ""),
    ("maintainer", N_("Data maintainer"), lambda d: d.get("maintainer") or ""),
    ("maintainer_email", N_("Maintainer e-mail"), lambda d: d.get("maintainer_email") or ""),
    ("frekuensi", N_("Publication frequency"),
     lambda d: reference.choice_label("frekuensi", d.get("frekuensi")) if d.get("frekuensi") else ""),
    ("level_penyajian", N_("Presentation level"),
     lambda d: reference.choice_label("level_penyajian", d.get("level_penyajian"))
     if d.get("level_penyajian") else ""),
    ("tahun", N_("Year"), lambda d: d.get("tahun") or ""),
    ("cakupan", N_("Coverage area"),
     lambda d: reference.wilayah_label(d.get("cakupan"), with_code=True) if d.get("cakupan") else ""),
    ("rujukan", N_("References"), lambda d: _join(d.get("rujukan") or [])),
    ("jenis_publikasi", N_("Publication type"), lambda d: tk._("Private") if d.get("private") else tk._("Public")),
    ("prioritas", N_("Priority data"), lambda d: _yes_no(d.get("prioritas"))),
    ("formats", N_("Formats"), lambda d: _join(sorted({(r.get("format") or "").upper()
                                                      for r in d.get("resources") or [] if r.get("format")}))),
    ("files", N_("Files"), lambda d: len(d.get("resources") or [])),
    ("stars", N_("Open data stars"), lambda d: stars.dataset_stars(d)["stars"]),
    ("freshness", N_("Freshness"), _freshness),
    ("completeness", N_("Metadata completeness (%)"), lambda d: completeness.completeness(d)["score"]),
    ("created", N_("Created"), lambda d: (d.get("metadata_created") or "")[:10]),
    ("modified", N_("Last modified"), lambda d: (d.get("metadata_modified") or "")[:10]),
    ("url", N_("Address"), lambda d: tk.url_for("dataset.read", id=d["name"], _external=True)),
]
STATUS_COLUMN = ("approval_status", N_("Verification status"),
                 lambda d: workflow.status_label(d.get("approval_status")))

STATUS_FILTERS = ("draft", "pending", "pembina_review", "approved", "rejected")


def sees_status(user: Any) -> bool:
    """Who may see datasets that are not public yet (Walidata, Pembina Data,
    members of an Instansi) sees the status column."""
    return roles.is_walidata(user) or roles.is_pembina(user) or bool(roles.member_org_ids(user))


def columns(user: Any) -> list[tuple[str, str, Callable[[dict[str, Any]], Any]]]:
    return COLUMNS + [STATUS_COLUMN] if sees_status(user) else list(COLUMNS)


def _fq(filters: dict[str, Any]) -> str:
    parts = []
    for key, field in (("owner_org", "organization"), ("groups", "groups")):
        value = (filters.get(key) or "").strip()
        if value:
            parts.append(f"+{field}:{common.solr_phrase(value)}")
    tahun = str(filters.get("tahun") or "").strip()
    if tahun:
        if not tahun.isdigit():
            raise tk.ValidationError({"tahun": [tk._("Enter the year as four digits, for example 2024")]})
        parts.append(f"+tahun:{tahun}")
    status = (filters.get("status") or "").strip()
    if status:
        if status not in STATUS_FILTERS:
            raise tk.ValidationError({"status": [tk._("Unknown status: {status}").format(status=status)]})
        parts.append("-approval_status:(pending OR pembina_review OR approved OR rejected)"
                     if status == "draft" else f"+approval_status:{status}")
    return " ".join(parts)


def _owner_name(value: str) -> str:
    """Instansi filters accept an id or a name; Solr indexes the name."""
    group = common.instansi(value)
    return group.name if group else value


SORT = "organization asc, title_string asc"
# Whole datasets read (and their Kamus Data) per step of an export: a worker
# streaming 10,000 datasets 1,000 at a time grew by ~24 MB for good, by 200 at a time
# by a fraction of it.
EXPORT_PAGE = 200


def _query(context: dict[str, Any], filters: dict[str, Any]) -> tuple[Any, str, str]:
    """(user, fq, q) of ``filters``; a ValidationError names a bad filter."""
    filters = dict(filters)
    if filters.get("owner_org"):
        filters["owner_org"] = _owner_name(filters["owner_org"])
    return visibility.user_of(context), _fq(filters), (filters.get("q") or "").strip()


def search(context: dict[str, Any], filters: dict[str, Any], start: int = 0,
           rows: Optional[int] = 50) -> tuple[int, list[dict[str, Any]]]:
    """(count, datasets) matching ``filters`` that the context's user may see;
    ``rows=None`` returns all of them."""
    user, fq, q = _query(context, filters)
    if rows is None:
        datasets = list(visibility.iter_datasets(user, fq=fq, q=q, sort=SORT))
        return len(datasets), datasets
    result = visibility.search(user, q=q, fq=fq, rows=rows, start=start, sort=SORT, facet="false")
    return result["count"], result["results"]


def matching(context: dict[str, Any], filters: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every dataset matching ``filters`` that the user may see, read page by page
    as they are consumed (the exports stream them). Bad filters, and a search Solr
    cannot run, are refused here: the first page is read before returning."""
    user, fq, q = _query(context, filters)
    datasets = visibility.iter_datasets(user, fq=fq, q=q, sort=SORT, page=EXPORT_PAGE)
    first = next(datasets, None)
    return itertools.chain([] if first is None else [first], datasets)


def row(dataset: dict[str, Any], cols) -> dict[str, Any]:
    return {key: value(dataset) for key, _label, value in cols}


def headings(cols) -> list[str]:
    return [tk._(label) for _key, label, _value in cols]


def csv_lines(cols, datasets: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The inventory as CSV, line by line as the datasets are read (streamed)."""
    def rows():
        yield headings(cols)
        for dataset in completeness.each_with_kamus(datasets, batch=EXPORT_PAGE):
            yield list(row(dataset, cols).values())
    return security.csv_lines(rows())


def to_csv(cols, datasets: Iterable[dict[str, Any]]) -> str:
    return "".join(csv_lines(cols, datasets))


def to_xlsx(cols, datasets: Iterable[dict[str, Any]], sheet_title: str) -> bytes:
    """The inventory as an XLSX workbook, written row by row (openpyxl's
    write-only mode keeps the rows in a temporary file, not in memory: a worker
    serving 10,000 datasets grew by 80 MB with a workbook held whole)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title[:31])
    sheet.freeze_panes = "A2"
    for i, (key, _label, _value) in enumerate(cols, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = 40 if key in ("title", "notes", "url") else 18
    bold = Font(bold=True)
    heading = []
    for text in headings(cols):
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    count = 0
    for dataset in completeness.each_with_kamus(datasets, batch=EXPORT_PAGE):
        sheet.append([security.spreadsheet_safe(v) for v in row(dataset, cols).values()])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{count + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
