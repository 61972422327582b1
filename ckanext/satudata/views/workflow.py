"""Pages of the approval workflow: the dataset form's steps, the verification
queue and review page, and the API guide.

Every page calls the Action API, so the auth functions decide who may see or do
what; a page never grants more than the API.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint
from markupsafe import escape

import ckan.plugins.toolkit as tk
from ckan.common import current_user, request
from ckan.lib.pagination import Page

from ckanext.satudata import api_guide, revisions, workflow
from ckanext.satudata.helpers import PAGES
from ckanext.satudata import common
from ckanext.satudata.common import N_

satudata = Blueprint("satudata", __name__)

# Panduan API (api_guide.py): the Action API, DCAT and the reference codes.
satudata.add_url_rule("/api-docs", "api_docs", api_guide.page)
satudata.add_url_rule("/panduan-api", "panduan_api", api_guide.redirect)

PER_PAGE = 20


_STEPS = {
    # url step -> (action, success message)
    "ajukan": ("satudata_dataset_submit", N_("The dataset was submitted for verification")),
    "setujui": ("satudata_dataset_approve", N_("The dataset was approved")),
    "kembalikan": ("satudata_dataset_reject", N_("The dataset was returned to its Produsen Data")),
    "tarik": ("satudata_dataset_withdraw", N_("The request to withdraw the dataset was sent to the Walidata; "
                                              "the dataset stays published until it is approved")),
    "batalkan": ("satudata_revision_discard", N_("The change was taken back; the published "
                                                            "version is as it was")),
}


def _context() -> dict[str, Any]:
    return common.request_context()


def _guide_page(page: str):
    lang = tk.h.lang() if tk.h.lang() in ("id", "en") else "id"
    title = dict(PAGES)[page]
    return tk.render(f"satudata/pages/{lang}/{page}.html", {"page": page, "page_title": tk._(title)})


for _page, _title in PAGES:
    satudata.add_url_rule(f"/{_page}", endpoint=_page, view_func=lambda page=_page: _guide_page(page))


@satudata.route("/_tracking", methods=["POST"])
def tracking():
    """Where the portal's script (assets/js/usage.js) posts each page view and
    each click on a file link; ``usage.record_view`` keeps it. The script sends
    no CSRF token: the view is exempt (security.CSRF_EXEMPT_VIEWS); a forged post
    can only count a view, as anyone's post can."""
    from ckanext.satudata.services import usage
    usage.record_view(request.form.get("type"), request.form.get("url"), request.environ)
    return "", 204


def _exempt_from_csrf() -> None:
    from ckan.config.middleware.flask_app import csrf
    csrf.exempt(tracking)


_exempt_from_csrf()


@satudata.route("/instansi")
def instansi():
    """Instansi is what the portal calls CKAN's organizations."""
    return tk.redirect_to("organization.index")


@satudata.route("/tematik")
def tematik():
    """Tematik is what the portal calls CKAN's groups."""
    return tk.redirect_to("group.index")


def _flash_errors(error: tk.ValidationError) -> None:
    """Every problem of a refused step, each metadata problem with its field's label."""
    schema = tk.h.scheming_get_dataset_schema("dataset") or {}
    labels = {f["field_name"]: tk.h.scheming_language_text(f.get("label"))
              for f in schema.get("dataset_fields", [])}
    messages = []
    for key, value in (error.error_dict or {}).items():
        for item in (value if isinstance(value, list) else [value]):
            messages.append(f"{labels[key]}: {item}" if key in labels else str(item))
    if len(messages) == 1:
        tk.h.flash_error(messages[0])
    else:
        heading = tk._("The dataset cannot go further yet:")
        items = "".join(f"<li>{escape(m)}</li>" for m in messages)
        tk.h.flash_error(f"{escape(heading)}<ul>{items}</ul>", allow_html=True)


@satudata.route("/dataset/<id>/<any(ajukan, setujui, kembalikan, tarik, batalkan):step>",
                methods=["POST"])
def dataset_step(id: str, step: str):
    """Ajukan verifikasi / Setujui / Kembalikan, from the dataset page or the
    review page; Ajukan penarikan and Batalkan perubahan of published data."""
    action, done = _STEPS[step]
    came_from = request.form.get("came_from")
    target = tk.url_for("satudata.review", id=id) if came_from == "review" else \
        tk.url_for("dataset.read", id=id)
    try:
        result = tk.get_action(action)(_context(), {"id": id, "note": request.form.get("note", "")})
        tk.h.flash_success(tk._(done))
        if isinstance(result, dict) and result.get("state") == "deleted":
            target = tk.url_for("satudata.verifikasi")  # a withdrawal was approved
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e) or tk._("Not authorized"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Dataset not found"))
    except tk.ValidationError as e:
        _flash_errors(e)
        if step == "tarik":
            target = tk.url_for("dataset.delete", id=id)
    return tk.redirect_to(target)


def flash_revision(action_name: str, context: dict[str, Any], **_kw: Any) -> None:
    """Subscriber of ``action_succeeded``: a change a person made through the
    web to published data is told to them as waiting for verification (the
    pages core redirects to show the published version)."""
    from flask import g, has_request_context
    if context.pop(revisions.PROPOSED, None) and has_request_context() \
            and not request.path.startswith(("/api/", "/id/api/", "/en/api/")):
        if not getattr(g, "satudata_save_told", False):
            tk.h.flash_notice(tk._("Your change was saved and waits for the Walidata's verification; "
                                   "the published version stays online until it is approved."))
        g.satudata_save_told = True


# What a saved step of the dataset form did, told on the page it leads to:
# (view, the button pressed) -> message. Core said nothing, and its "Publish"
# only saved a draft.
_SAVED = {
    ("new", "satudata-draft"): N_("Draft saved. It stays yours until you submit it; continue from your dashboard "
                                  "at any time."),
    ("new", ""): N_("The metadata is saved as a draft. Now add the files or links of the data."),
    ("resource_new", "go-metadata"): N_("The dataset is saved as a draft. Check it, then choose Submit for "
                                        "verification so that the Walidata reviews it."),
    ("resource_new", "again"): N_("The file is saved. Add the next one."),
    ("edit", ""): N_("Your changes are saved."),
    ("resource_edit", ""): N_("The file is saved."),
}


def confirm_saves(response):
    """Flask ``after_request``: a dataset form step that saved (it redirects)
    says so on the next page (unless the change waits for the Walidata, which
    ``flash_revision`` says)."""
    from flask import g
    endpoint = request.endpoint or ""
    if request.method != "POST" or response.status_code not in (302, 303) or "." not in endpoint \
            or getattr(g, "satudata_save_told", False):
        return response
    blueprint, view = endpoint.split(".", 1)
    if blueprint not in ("dataset", "dataset_resource"):
        return response
    if blueprint == "dataset_resource":
        view = "resource_" + view
    message = _SAVED.get((view, request.form.get("save") or ""))
    if message:
        tk.h.flash_success(tk._(message))
        g.satudata_save_told = True
    return response


def _review_list(status: str, owner_org: str, q: str, page: int) -> dict[str, Any]:
    return tk.get_action("satudata_review_list")(_context(), {
        "status": status, "owner_org": owner_org or None, "q": q,
        "rows": PER_PAGE, "start": (page - 1) * PER_PAGE})


def _queue_page(template: str, default_status: str, endpoint: str, extra: dict[str, Any] | None = None):
    status = request.args.get("status") or default_status
    owner_org = request.args.get("owner_org", "")
    q = request.args.get("q", "")
    try:
        page = max(int(request.args.get("page", 1)), 1)
    except ValueError:
        page = 1
    try:
        result = _review_list(status, owner_org, q, page)
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the Walidata and the Produsen Data can see the verification list"))
    except tk.ValidationError:
        return tk.abort(400, tk._("Unknown status: {status}").format(status=status))

    def pager_url(q: Any = None, page: int = 1) -> str:
        return tk.url_for(endpoint, status=status, owner_org=owner_org or None, q=q or None, page=page)

    pager = Page(collection=[], page=page, url=pager_url, item_count=result["count"],
                      items_per_page=PER_PAGE)
    return tk.render(template, {
        "result": result, "status": status, "owner_org": owner_org, "q": q, "page": pager,
        "statuses": list(workflow.STATUSES) + ["changed", "all"],
        "organizations": tk.get_action("organization_list")({}, {"all_fields": True, "limit": 1000}),
        "endpoint": endpoint,
        **(extra or {}),
    })


@satudata.route("/verifikasi")
def verifikasi():
    """The Walidata's queue: by status and Instansi, searchable, oldest first."""
    if not current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=tk.url_for("satudata.verifikasi"))
    return _queue_page("satudata/verifikasi/index.html", workflow.PENDING, "satudata.verifikasi")


@satudata.route("/dashboard/instansi")
def dashboard_instansi():
    """The Produsen Data's dashboard: their Instansi's datasets by status."""
    if not current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=tk.url_for("satudata.dashboard_instansi"))
    user_dict = tk.get_action("user_show")(_context(), {"id": current_user.id})
    return _queue_page("satudata/dashboard_instansi.html", "all", "satudata.dashboard_instansi",
                       {"user_dict": user_dict, "is_myself": True})


@satudata.route("/dashboard/kotak-masuk", methods=["GET", "POST"])
def inbox():
    """The signed-in person's inbox: what the Walidata did with their data, what
    waits for them. POST marks one notice (``id``) or all as read."""
    if not current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=tk.url_for("satudata.inbox"))
    context = _context()
    if request.method == "POST":
        one = request.form.get("id")
        tk.get_action("satudata_inbox_mark_read")(dict(context), {"ids": [one]} if one else {})
        if not one:
            tk.h.flash_success(tk._("Every notice is marked as read."))
        return tk.redirect_to("satudata.inbox", page=request.args.get("page") or None)
    try:
        page_number = max(int(request.args.get("page", 1)), 1)
    except ValueError:
        page_number = 1
    result = tk.get_action("satudata_inbox_list")(
        dict(context), {"limit": PER_PAGE, "offset": (page_number - 1) * PER_PAGE})
    page = Page(collection=result["notices"], page=page_number, item_count=result["count"],
                items_per_page=PER_PAGE, presliced_list=True,
                url=lambda q=None, page=None: tk.url_for("satudata.inbox", page=page))
    user_dict = tk.get_action("user_show")(dict(context), {"id": current_user.id})
    return tk.render("satudata/inbox.html", {"result": result, "page": page, "user_dict": user_dict,
                                             "is_myself": True})


@satudata.route("/ckan-admin/surel")
def mail_log():
    """Every e-mail the portal tried to send, sent or failed (sysadmins)."""
    status = request.args.get("status") or ""
    try:
        result = tk.get_action("satudata_mail_log")(_context(), {"status": status, "limit": 200})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only a sysadmin can read the mail log"))
    except tk.ValidationError:
        return tk.abort(400, tk._("Unknown status: {status}").format(status=status))
    return tk.render("satudata/mail_log.html", {"result": result, "status": status})


@satudata.route("/verifikasi/<id>")
def review(id: str):
    """One dataset under review: its metadata, files, check results and history."""
    context = _context()
    try:
        pkg = tk.get_action("package_show")(dict(context), {"id": id})
        tk.check_access("satudata_review_list", dict(context), {})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Dataset not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the Walidata and the Produsen Data can see the verification list"))
    history = []
    try:
        activities = tk.get_action("package_activity_list")(dict(context), {"id": pkg["id"], "limit": 100})
        history = [a for a in activities if "satudata_approval" in (a.get("data") or {})]
    except (KeyError, tk.NotAuthorized):
        pass
    versions = tk.get_action("satudata_revision_show")(dict(context), {"id": pkg["id"]})
    pending = versions["pending"]
    previews = []
    if pending is not None:
        rev = revisions.open_revision(pkg["id"]) or revisions.editable(pkg["id"])
        previews = revisions.file_previews(rev) if rev is not None else []
    return tk.render("satudata/verifikasi/review.html", {
        "pkg": pkg, "pkg_dict": pkg, "history": history, "revision": pending, "previews": previews,
        "schema": tk.h.scheming_get_dataset_schema(pkg["type"]),
    })
