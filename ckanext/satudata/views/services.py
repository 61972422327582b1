"""Pages of the open-data services (blueprint ``satudata_services``). Every page
calls the Action API as the visitor, so the auth functions decide who sees what."""
from __future__ import annotations

from typing import Any, Optional

from flask import Blueprint, Response, stream_with_context

import ckan.plugins.toolkit as tk
from ckan.common import current_user, request
from ckan.lib.pagination import Page

from ckanext.satudata import common, emblem, security
from ckanext.satudata.services import calendar, charts, datarequests, inventory, statistics, usage

satudata_services = Blueprint("satudata_services", __name__)

INVENTORY_PER_PAGE = 50
REQUESTS_PER_PAGE = 20
HONEYPOT = "website"
REQUEST_FIELDS = ("name", "email", "title", "description", "purpose", "owner_org")


def _context() -> dict[str, Any]:
    return common.request_context()


def _page_number() -> int:
    try:
        return max(int(request.args.get("page", 1)), 1)
    except ValueError:
        return 1


def _login_or_403(endpoint: str, message: str):
    if not current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=tk.url_for(endpoint))
    return tk.abort(403, message)


def _check_csrf() -> None:
    """CKAN 2.12 exempts a view from CSRF protection for the rest of the process
    once an anonymous visitor posts to it (``ckan_before_request`` calls
    ``csrf.exempt``), so a signed-in person's step checks the token itself."""
    from flask_wtf.csrf import ValidationError, validate_csrf
    if request.headers.get(tk.config.get("apitoken_header_name")):
        return  # an API token, not a browser session
    try:
        validate_csrf(request.form.get(tk.config.get("WTF_CSRF_FIELD_NAME")))
    except ValidationError:
        tk.abort(400, tk._("The form has expired; open the page again and resend it"))


def _refused(error: tk.ValidationError) -> Any:
    """400 with the messages of a filter the action refused."""
    return tk.abort(400, "; ".join(str(m) for msgs in error.error_dict.values() for m in msgs))


def _organizations() -> list[dict[str, str]]:
    return statistics.groups_of_type(organization=True)


# ---------------------------------------------------------------------------
# Statistics

@satudata_services.route("/statistik")
def statistik():
    """Usage statistics of the open data, public datasets only."""
    try:
        months = int(request.args.get("months", 12))
    except ValueError:
        months = 12
    usage.schedule_if_stale()
    stats = tk.get_action("satudata_statistics")(_context(), {"months": months})
    return tk.render("satudata/statistik.html", {"stats": stats, "charts": _charts(stats),
                                                  "tables": list(statistics.TABLES)})


def _month_labels(rows: list[dict[str, Any]]) -> list[str]:
    """"Jan 26" rather than "2026-01"; the month still running is starred (its
    views and downloads are counted up to the last summary: not a drop)."""
    current = common.utcnow().strftime("%Y-%m")
    return [calendar.month_label(r["month"], short=True) + ("*" if r["month"] == current else "") for r in rows]


def _charts(stats: dict[str, Any]) -> dict[str, Any]:
    months = _month_labels(stats["bulanan"])
    return {
        "usage": charts.column_chart(months, [
            (tk._("Views"), [r["views"] for r in stats["bulanan"]]),
            (tk._("Downloads"), [r["downloads"] for r in stats["bulanan"]])],
            tk._("Views and downloads per month")),
        "growth": charts.column_chart(months, [
            (tk._("Public datasets"), [r["total"] for r in stats["pertumbuhan"]])],
            tk._("Growth of the catalogue"), line=True),
        "new": charts.column_chart(months, [
            (tk._("New datasets"), [r["new"] for r in stats["pertumbuhan"]])],
            tk._("New datasets per month")),
        "instansi": charts.bar_chart([(r["title"], r["datasets"]) for r in stats["instansi"] if r["datasets"]],
                                     tk._("Datasets per Instansi")),
        "tematik": charts.bar_chart([(r["title"], r["datasets"]) for r in stats["tematik"] if r["datasets"]],
                                    tk._("Datasets per Tematik"), colour=charts.COLOURS[2]),
        "tahun": charts.bar_chart([(r["tahun"], r["datasets"]) for r in stats["tahun"]],
                                  tk._("Datasets per year"), colour=charts.COLOURS[3], label_width=80),
        "format": charts.bar_chart([(r["format"], r["datasets"]) for r in stats["format"]],
                                   tk._("Datasets per format"), colour=charts.COLOURS[1], label_width=120),
        "bintang": charts.bar_chart([("★" * r["stars"] or "0", r["datasets"]) for r in stats["bintang"]],
                                    tk._("Datasets per star level"), colour=charts.COLOURS[4], label_width=120),
    }


def _csv_response(rows: list[list[Any]], filename: str) -> Response:
    return Response(security.csv_text(rows), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@satudata_services.route("/statistik/<table>.csv")
def statistik_csv(table: str):
    """One table of the statistics page as CSV."""
    if table not in statistics.TABLES:
        return tk.abort(404, tk._("Unknown table"))
    try:
        months = int(request.args.get("months", 12))
    except ValueError:
        months = 12
    stats = tk.get_action("satudata_statistics")(_context(), {"months": months})
    columns = statistics.TABLES[table]
    rows = [list(columns)] + [[r.get(c, "") for c in columns] for r in stats[table]]
    return _csv_response(rows, f"statistik-{table}.csv")


# ---------------------------------------------------------------------------
# Inventory

def _inventory_filters() -> dict[str, str]:
    return {k: request.args.get(k, "").strip() for k in ("owner_org", "groups", "tahun", "status", "q")}


@satudata_services.route("/inventaris")
def inventaris():
    """The inventory of shared data, filterable, with CSV and XLSX downloads."""
    filters = _inventory_filters()
    page = _page_number()
    error = None
    try:
        result = tk.get_action("satudata_inventory")(_context(), dict(
            filters, rows=INVENTORY_PER_PAGE, start=(page - 1) * INVENTORY_PER_PAGE))
    except tk.ValidationError as e:
        error = "; ".join(str(m) for msgs in e.error_dict.values() for m in msgs)
        result = {"count": 0, "columns": [], "results": []}

    def pager_url(q: Any = None, page: int = 1) -> str:
        return tk.url_for("satudata_services.inventaris", page=page, **{k: v for k, v in filters.items() if v})

    user = _context()["auth_user_obj"]
    return tk.render("satudata/inventaris.html", {
        "result": result, "filters": filters, "error": error,
        "page": Page(collection=[], page=page, url=pager_url, item_count=result["count"],
                     items_per_page=INVENTORY_PER_PAGE),
        "organizations": _organizations(),
        "groups": statistics.groups_of_type(organization=False),
        "sees_status": inventory.sees_status(user),
        "statuses": inventory.STATUS_FILTERS,
        "download_args": {k: v for k, v in filters.items() if v},
    }), 400 if error else 200


@satudata_services.route("/inventaris.<any(csv, xlsx):fmt>")
def inventaris_download(fmt: str):
    """The whole inventory (with the page's filters) as CSV or XLSX."""
    context = _context()
    tk.check_access("satudata_inventory", dict(context), {})
    try:
        datasets = inventory.matching(context, _inventory_filters())
    except tk.ValidationError as e:
        return _refused(e)
    cols = inventory.columns(context["auth_user_obj"])
    if fmt == "csv":
        # Streamed: the first lines leave while the rest of the catalogue is read.
        return Response(stream_with_context(inventory.csv_lines(cols, datasets)),
                        content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="inventaris-data.csv"'})
    return Response(inventory.to_xlsx(cols, datasets, tk._("Data inventory")),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="inventaris-data.xlsx"'})


# ---------------------------------------------------------------------------
# Jadwal Rilis (release calendar)

# Rows a section of the calendar page (overdue, a month) shows, and an
# Instansi's block of the whole quality report (40 Instansi: 400 rows; the
# report filtered to one Instansi shows all of its); the rest is one filter or
# the CSV away. A page of 8,000 rows (4 MB) helps nobody and kept a worker 10 MB
# larger.
ROWS_PER_SECTION = 100
OVERDUE_ROWS_PER_INSTANSI = 10


def _calendar(limit: Optional[int] = None) -> dict[str, Any]:
    return tk.get_action("satudata_release_calendar")(_context(), {
        "months": request.args.get("months", 12), "owner_org": request.args.get("owner_org") or None,
        "limit": limit})


@satudata_services.route("/jadwal-rilis")
def jadwal_rilis():
    """When each public dataset's next update is due, by month and Instansi."""
    try:
        result = _calendar(limit=ROWS_PER_SECTION)
    except tk.ValidationError as e:
        return _refused(e)
    owner_org = request.args.get("owner_org") or ""
    return tk.render("satudata/jadwal_rilis.html", {
        "result": result, "organizations": _organizations(), "owner_org": owner_org,
        "download_args": {"owner_org": owner_org} if owner_org else {}})


@satudata_services.route("/jadwal-rilis.<any(csv, ics):fmt>")
def jadwal_rilis_download(fmt: str):
    try:
        result = _calendar()
    except tk.ValidationError as e:
        return _refused(e)
    if fmt == "csv":
        return Response(calendar.to_csv(result), content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="jadwal-rilis.csv"'})
    return Response(calendar.to_ics(result, tk.config.get("ckan.site_url"), tk.config.get("ckan.site_title")),
                    content_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'inline; filename="jadwal-rilis.ics"'})


# ---------------------------------------------------------------------------
# Data quality (Walidata)

@satudata_services.route("/kualitas-data")
def kualitas():
    """Overdue datasets per Instansi and the metadata completeness ranking."""
    try:
        report = tk.get_action("satudata_quality_report")(_context(), {
            "owner_org": request.args.get("owner_org") or None})
    except tk.NotAuthorized:
        return _login_or_403("satudata_services.kualitas", tk._("Only the Walidata can see the data quality report"))
    except tk.ValidationError as e:
        return _refused(e)
    return tk.render("satudata/kualitas.html", {"report": report, "organizations": _organizations(),
                                                 "owner_org": request.args.get("owner_org", ""),
                                                 "rows_per_section": OVERDUE_ROWS_PER_INSTANSI})


# ---------------------------------------------------------------------------
# Data requests and help desk

@satudata_services.route("/permohonan-data")
def requests():
    """The public list of data requests (no personal data)."""
    status = request.args.get("status", "")
    page = _page_number()
    try:
        result = tk.get_action("satudata_request_list")(_context(), {
            "status": status, "q": request.args.get("q", ""), "rows": REQUESTS_PER_PAGE,
            "start": (page - 1) * REQUESTS_PER_PAGE})
    except tk.ValidationError:
        return tk.abort(400, tk._("Unknown status: {status}").format(status=status))

    def pager_url(q: Any = None, page: int = 1) -> str:
        return tk.url_for("satudata_services.requests", status=status or None, page=page)

    return tk.render("satudata/permohonan/index.html", {
        "result": result, "status": status, "statuses": datarequests.STATUSES,
        "page": Page(collection=[], page=page, url=pager_url, item_count=result["count"],
                     items_per_page=REQUESTS_PER_PAGE)})


@satudata_services.route("/permohonan-data/baru", methods=["GET", "POST"])
def request_new():
    """The request form: anyone, no account needed."""
    data: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = {k: request.form.get(k, "") for k in REQUEST_FIELDS}
        if request.form.get(HONEYPOT):
            # Filled only by robots, which never read the hidden label.
            errors = {"form": [tk._("The request could not be processed. Please try again.")]}
        else:
            try:
                created = tk.get_action("satudata_request_create")(_context(), data)
            except tk.ValidationError as e:
                errors = e.error_dict
            else:
                tk.h.flash_success(tk._(
                    "Thank you: your request was received as number #{number}. We sent the link "
                    "to this page to your e-mail.").format(number=created["id"]))
                return tk.redirect_to("satudata_services.request_read", id=created["id"])
    return tk.render("satudata/permohonan/new.html", {
        "data": data, "errors": errors, "organizations": _organizations(), "limits": datarequests.LIMITS,
        "honeypot": HONEYPOT}), (400 if errors.get("form") else 200)


@satudata_services.route("/permohonan-data/<int:id>")
def request_read(id: int):
    """The public status page of a request; the Walidata triages it here."""
    context = _context()
    try:
        req = tk.get_action("satudata_request_show")(dict(context), {"id": id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Data request not found"))
    try:
        tk.check_access("satudata_request_update", dict(context), {"id": id})
        can_triage = True
    except tk.NotAuthorized:
        can_triage = False
    return tk.render("satudata/permohonan/read.html", {
        "req": req, "can_triage": can_triage, "next_statuses": datarequests.NEXT.get(req["status"], ())})


@satudata_services.route("/permohonan-data/<int:id>/ubah", methods=["POST"])
def request_update(id: int):
    """The Walidata's triage step, from the status page."""
    if current_user.is_authenticated:
        _check_csrf()
    try:
        tk.get_action("satudata_request_update")(_context(), {
            "id": id, "status": request.form.get("status", ""), "note": request.form.get("note", ""),
            "dataset_id": request.form.get("dataset_id", "")})
        tk.h.flash_success(tk._("The request was updated and the requester told by e-mail"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the Walidata can process data requests"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Data request not found"))
    except tk.ValidationError as e:
        for messages in e.error_dict.values():
            for message in messages:
                tk.h.flash_error(message)
    return tk.redirect_to("satudata_services.request_read", id=id)


@satudata_services.route("/bantuan")
def bantuan():
    """Help desk: questions and answers, contact, data requests."""
    counts = datarequests.counts()
    return tk.render("satudata/bantuan.html", {"counts": counts})


# ---------------------------------------------------------------------------
# SPBE evidence (Walidata)

@satudata_services.route("/spbe")
def spbe():
    """What the SPBE evaluator asks for, generated from the portal's data."""
    try:
        evidence = tk.get_action("satudata_spbe_evidence")(_context(), {})
    except tk.NotAuthorized:
        return _login_or_403("satudata_services.spbe", tk._("Only the Walidata can see the SPBE evidence"))
    return tk.render("satudata/spbe.html", {"evidence": evidence})


@satudata_services.route("/lambang/<name>.svg")
def emblem_svg(name: str):
    """The emblem of an Instansi or Tematik without a logo (see ``emblem``)."""
    import ckan.model as model
    group = model.Group.get(name)
    if group is None or group.state != "active" or group.name != name:
        return tk.abort(404, tk._("Not found"))
    response = Response(emblem.svg(group.title or group.name, group.name), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
