"""Template helpers of ckanext-satudata (registered by the helpers blanket)."""
from __future__ import annotations

from typing import Any, Optional

from markupsafe import Markup, escape

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.satudata import common, reference
from ckanext.satudata.common import N_
from ckanext.satudata.logic import roles

__all__ = [
    "satudata_emblem_url",
    "satudata_datastore_status",
    "satudata_table_format",
    "satudata_table_chart",
    "satudata_column_type_label",
    "satudata_format_value",
    "satudata_dataset_quality",
    "satudata_stars_badge",
    "satudata_freshness_label",
    "satudata_completeness_label",
    "satudata_request_status_label",
    "satudata_number",
    "satudata_choice_label",
    "satudata_wilayah_label",
    "satudata_wilayah_options",
    "satudata_tematik_options",
    "satudata_inbox_unread",
    "satudata_activity_type_label",
    "satudata_is_http_link",
    "satudata_existing_dataset",
    "satudata_view_title",
    "satudata_month_label",
    "datatablesview_get_language_file_path",
    "satudata_role_label",
    "satudata_tematik_titles",
    "satudata_wilayah_source",
    "satudata_default_cakupan",
    "satudata_is_walidata",
    "satudata_is_pembina",
    "satudata_contact",
    "satudata_status_label",
    "satudata_status_class",
    "satudata_approval_step",
    "satudata_versions",
    "satudata_revisions_enabled",
    "satudata_field_label",
    "satudata_revision_change",
    "satudata_diff_value",
    "satudata_error_page",
    "satudata_available_steps",
    "satudata_user_display",
    "satudata_check_message",
    "satudata_locale_url",
    "satudata_pages",
    "satudata_home",
    "render_datetime",
    "satudata_csp_nonce",
    "satudata_with_nonces",
    "satudata_render_once",
]


def get_helpers() -> dict[str, Any]:
    """Every template helper of the portal, for ``tk.blanket.helpers``."""
    return {name: globals()[name] for name in __all__}


def _lang() -> str:
    return reference.page_language()


def _text(label: Any) -> str:
    return reference.localised(label)


def satudata_choice_label(field_name: str, value: Any) -> str:
    """The label of a choice of a dataset field in the page's language
    (``tahunan`` -> "Tahunan" / "Yearly"); the value itself when unknown."""
    return reference.choice_label(field_name, value)


def satudata_wilayah_label(code: Any, with_code: bool = False) -> str:
    return reference.wilayah_label(code, with_code)


def satudata_wilayah_options() -> list[dict[str, str]]:
    return [{"value": w["code"], "text": satudata_wilayah_label(w["code"], with_code=True)}
            for w in reference.wilayah_list()]


def satudata_tematik_options(chosen: Any = None) -> list[dict[str, Any]]:
    """Every Tematik for the dataset form: ``name``, ``title`` and whether
    ``chosen`` (the form's ``groups``: dicts or names) holds it."""
    from ckanext.satudata import tematik
    names = {(g.get("name") or g.get("id")) if isinstance(g, dict) else g for g in chosen or []}
    return [{"name": g.name, "title": g.display_name, "checked": g.name in names or g.id in names}
            for g in tematik.choices()]


def satudata_tematik_titles(groups: Any) -> str:
    """The titles of these Tematik (dicts or names), comma-separated."""
    return ", ".join(o["title"] for o in satudata_tematik_options(groups) if o["checked"])


def satudata_inbox_unread() -> int:
    """Unread notices in the signed-in person's inbox (0 for visitors); once per request."""
    from flask import g
    from ckanext.satudata import inbox
    if not hasattr(g, "satudata_inbox_unread"):
        user = tk.current_user
        g.satudata_inbox_unread = inbox.unread_count(user.id) if user and user.is_authenticated else 0
    return g.satudata_inbox_unread


ACTIVITY_TYPES = {
    "new package": N_("New dataset"), "changed package": N_("Dataset changed"),
    "deleted package": N_("Dataset deleted"), "follow dataset": N_("Dataset followed"),
    "new resource view": N_("New file view"), "changed resource view": N_("File view changed"),
    "deleted resource view": N_("File view deleted"), "new user": N_("New user"),
    "changed user": N_("User changed"), "follow user": N_("User followed"), "new group": N_("New Tematik"),
    "changed group": N_("Tematik changed"), "deleted group": N_("Tematik deleted"),
    "follow group": N_("Tematik followed"), "new organization": N_("New Instansi"),
    "changed organization": N_("Instansi changed"), "deleted organization": N_("Instansi deleted"),
    "follow organization": N_("Instansi followed"),
}


def satudata_activity_type_label(activity_type: str) -> str:
    """An activity type (``changed package``) as the reader's language names it."""
    label = ACTIVITY_TYPES.get(activity_type)
    return tk._(label) if label else str(activity_type).capitalize()


@tk.chained_helper
def datatablesview_get_language_file_path(next_helper, lang: str) -> str:
    """The table view's Indonesian with Indonesian numbers: core's file groups
    thousands with an apostrophe ("1'000" in the page-length menu)."""
    if lang == "id":
        return tk.h.url_for_static("/satudata/datatables/id.json")
    return next_helper(lang)


def satudata_is_http_link(value: Any) -> bool:
    """The Rujukan rule (``validators.satudata_url_list``), for marking the bad box."""
    from ckanext.satudata.logic.validators import _http_url
    return isinstance(value, str) and _http_url(value.strip())


def satudata_existing_dataset(name: Any, own_id: Any = None) -> Optional[dict[str, str]]:
    """The dataset that already has the address ``name`` (not the one being
    edited): ``{"name", "title"}`` when the current user may see it, ``{}``
    when it exists but is not theirs to see, None when there is none."""
    from ckanext.satudata import visibility
    pkg = model.Package.get(str(name)) if name else None
    if pkg is None or pkg.id == own_id or pkg.name != name:
        return None
    if visibility.seer(visibility.user_of(common.request_context()))(pkg):
        return {"name": pkg.name, "title": pkg.title or pkg.name}
    return {}


# The titles core's view plugins give a view when they create it (in English).
VIEW_TITLES = {"Table": N_("Table"), "Image": N_("Image"), "Text": N_("Text"), "Website": N_("Website")}


def satudata_view_title(view: dict[str, Any]) -> str:
    title = view.get("title") or ""
    return tk._(VIEW_TITLES[title]) if title in VIEW_TITLES else title


def satudata_month_label(month: str) -> str:
    """``2026-01`` as "Januari 2026" (the reader's language)."""
    from ckanext.satudata.services import calendar
    try:
        return calendar.month_label(str(month)[:7])
    except ValueError:
        return str(month)


def satudata_role_label(role: str) -> str:
    return {"walidata": tk._("Walidata"), "pembina": tk._("Pembina Data"),
            "produsen": tk._("Produsen Data")}.get(role, role)


def satudata_default_cakupan() -> str:
    return tk.config.get("ckanext.satudata.default_cakupan")


def satudata_wilayah_source() -> str:
    return reference.wilayah_source()


def _current_user() -> Optional[str]:
    return common.current_user_name()


def satudata_is_walidata(user: Optional[str] = None) -> bool:
    return roles.is_walidata(user or _current_user())


def satudata_is_pembina(user: Optional[str] = None) -> bool:
    return roles.is_pembina(user or _current_user())


def satudata_contact() -> dict[str, str]:
    return {
        "email": tk.config.get("ckanext.satudata.contact_email"),
        "phone": tk.config.get("ckanext.satudata.contact_phone"),
        "address": tk.config.get("ckanext.satudata.contact_address"),
    }


def satudata_status_label(status: Optional[str]) -> str:
    from ckanext.satudata import workflow
    if status == "changed":
        return tk._("Changed after verification")
    if status == "all":
        return tk._("All")
    return workflow.status_label(status)


def satudata_status_class(status: Optional[str]) -> str:
    return "satudata-status satudata-status-" + (status or "draft").replace("_", "-")


def satudata_approval_step(action: str) -> str:
    """How an approval step reads in a history line."""
    return {
        "submit": tk._("submitted it for verification"),
        "approve": tk._("approved it"),
        "reject": tk._("returned it for correction"),
        "acknowledge": tk._("checked the changes made after verification"),
        "import": tk._("imported it from another portal for verification"),
        "forward-revision": tk._("verified a change and passed it to the Pembina Data"),
        "apply-revision": tk._("approved a change: the new version is published"),
        "reject-revision": tk._("returned a change: the published version stays"),
    }.get(action, action)


def satudata_versions(pkg_id: str) -> dict[str, Any]:
    """``satudata_revision_show`` as the current user: ``history`` for everyone
    who sees the dataset, ``pending`` for who may edit or verify it. Asked once
    per page (the approval panel and the version history both show it)."""
    from flask import g
    asked = g.setdefault("satudata_versions", {})
    if pkg_id not in asked:
        try:
            asked[pkg_id] = tk.get_action("satudata_revision_show")({"user": _current_user() or ""}, {"id": pkg_id})
        except (tk.ObjectNotFound, tk.NotAuthorized):
            asked[pkg_id] = {"history": [], "pending": None}
    return asked[pkg_id]


def satudata_revisions_enabled() -> bool:
    from ckanext.satudata import revisions
    return revisions.enabled()


def satudata_field_label(field_name: str, pkg_type: str = "dataset") -> str:
    """A dataset field's label as the form shows it (for the changes of a revision)."""
    own = {"private": tk._("Visibility"), "groups": tk._("Tematik"), "withdraw": tk._("Withdrawal"),
           "tag_string": tk._("Tags")}
    schema = tk.h.scheming_get_dataset_schema(pkg_type) or {}
    for field in schema.get("dataset_fields", []):
        if field["field_name"] == field_name and field.get("label"):
            return _text(field["label"])
    return own.get(field_name, field_name)


def satudata_diff_value(field_name: str, value: str) -> str:
    """A value of a revision's field-by-field comparison as a person reads it."""
    if value in (None, ""):
        return "\u2014"
    if field_name == "private":
        choices = reference.choices("private")
        if len(choices) == 2:
            return _text(choices[1]["label"] if value == "true" else choices[0]["label"])
    if reference.choices(field_name) or field_name == "cakupan":
        return ", ".join(reference.choice_label(field_name, v) for v in value.split(", "))
    return value


def satudata_revision_change(item: str, pkg_type: str = "dataset") -> str:
    """One entry of a version's ``changes``: a field name, ``withdraw``, or
    ``added:``/``replaced:``/``changed:``/``removed:`` and a file name."""
    kind, _sep, name = item.partition(":")
    labels = {"added": tk._("File added: {name}"), "replaced": tk._("File replaced: {name}"),
              "changed": tk._("File details changed: {name}"), "removed": tk._("File removed: {name}")}
    if name and kind in labels:
        return labels[kind].format(name=name)
    if item == "withdraw":
        return tk._("Withdrawal of the dataset")
    return satudata_field_label(item, pkg_type)


def satudata_available_steps(pkg_id: str) -> list[str]:
    """The workflow steps the current user may take on the dataset now
    (``workflow.available_steps``: the buttons of the approval panel)."""
    from ckan import model
    from ckanext.satudata import workflow
    pkg = model.Package.get(pkg_id)
    return workflow.available_steps(pkg, _current_user()) if pkg is not None else []


def satudata_user_display(name: Optional[str]) -> str:
    from ckan import model
    user = model.User.get(name) if name else None
    return user.display_name if user else (name or "")


def satudata_check_message(result: dict[str, Any]) -> str:
    from ckanext.satudata import checks
    return checks.message(result)


def satudata_locale_url(locale: str) -> str:
    """The current page in another language: CKAN reads the locale from the first
    path segment, and the default language has none."""
    from flask import request
    path = request.path
    for offered in tk.config.get("ckan.locales_offered") or []:
        if path == f"/{offered}" or path.startswith(f"/{offered}/"):
            path = path[len(offered) + 1:] or "/"
            break
    if locale != tk.config.get("ckan.locale_default"):
        path = f"/{locale}" + ("" if path == "/" else path)
    query = request.query_string.decode("utf-8", "replace")
    return f"{path}?{query}" if query else path


# The guide pages of the user guide (Panduan Penggunaan), one template per language.
PAGES = [
    ("informasi", N_("General information")),
    ("ketentuan", N_("Terms of use")),
    ("panduan", N_("Guide")),
    ("pengetahuan", N_("Open data knowledge")),
]


def satudata_pages() -> list[tuple[str, str]]:
    return [(page, tk._(title)) for page, title in PAGES]


def satudata_home() -> dict[str, Any]:
    """What the home page shows, as the visitor may see it: counts, Tematik with
    their dataset counts, the newest published and the most downloaded datasets."""
    context = {"user": _current_user() or ""}
    search = tk.get_action("package_search")
    # One search gives the count and the newest.
    newest = search(dict(context), {"rows": 5, "sort": "approval_at desc, metadata_modified desc"})
    groups = tk.get_action("group_list")(dict(context), {"all_fields": True, "include_dataset_count": True,
                                                          "sort": "title asc"})
    organizations = tk.get_action("organization_list")(dict(context), {"all_fields": False})
    return {"datasets": newest["count"], "organizations": len(organizations), "groups": groups,
            "newest": newest["results"], "popular": _most_downloaded(context, 5)}


def _most_downloaded(context: dict[str, Any], rows: int) -> list[dict[str, Any]]:
    """The most downloaded datasets the visitor may see (summarised usage, all time)."""
    from ckanext.satudata.services import statistics
    ids = statistics.most_downloaded_ids(limit=50)
    if not ids:
        return []
    search = tk.get_action("package_search")

    def among(candidates: list[str], **params: Any) -> list[dict[str, Any]]:
        return search(dict(context), {"fq": "id:(" + " OR ".join(f'"{i}"' for i in candidates) + ")",
                                      "rows": len(candidates), "include_private": True, **params})["results"]
    # Which of them the visitor may see (ids only), then the first few in full.
    visible = {d["id"] for d in among(ids, fl=["id"])}
    top = [pid for pid in ids if pid in visible][:rows]
    if not top:
        return []
    rank = {pid: n for n, pid in enumerate(top)}
    return sorted(among(top), key=lambda d: rank[d["id"]])


def satudata_render_once(key: str, caller: Any) -> Markup:
    """The body of ``{% call h.satudata_render_once(key) %}...{% endcall %}``,
    rendered once per request: core's page.html renders the whole sidebar once
    to ask whether it is empty and again to show it, which drew the search
    page's ten filters twice."""
    from flask import g
    drawn = g.setdefault("satudata_drawn", {})
    if key not in drawn:
        drawn[key] = Markup(caller())
    return drawn[key]


@tk.chained_helper
def render_datetime(next_helper, datetime_: Any, date_format: Optional[str] = None,
                    with_hours: bool = False, with_seconds: bool = False) -> str:
    """Core's render_datetime, but dates with hours follow the reader's language
    ("24 November 2026, 04.18 (WITA)") instead of core's fixed US pattern, and
    a date alone is the day in the portal's time zone (WITA), as the dates with
    hours are: core wrote the UTC day, "2 Desember" beside "3 Desember, 07.10"."""
    if not with_seconds and not date_format:
        import datetime
        import pytz
        value = datetime_
        if isinstance(value, str) and len(value) == 10 and not with_hours:
            # A calendar day ("2025-03-04", the release calendar's thousands of
            # them) is that day wherever the reader is: no time zone to apply.
            from flask import g
            days = g.setdefault("satudata_days", {})  # the same few hundred days, formatted once
            key = (value, _lang())
            if key not in days:
                try:
                    from flask_babel import format_date
                    days[key] = format_date(datetime.date.fromisoformat(value), "long")
                except ValueError:
                    days[key] = None
            if days[key] is not None:
                return days[key]
        if isinstance(value, str):
            try:
                value = tk.h.date_str_to_datetime(value)
            except (TypeError, ValueError):
                value = None
        if isinstance(value, datetime.datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=pytz.utc)
            value = value.astimezone(tk.h.get_display_timezone())
            if not with_hours:
                from flask_babel import format_date
                return format_date(value.date(), "long")
            from ckan.lib import formatters
            pattern = "d MMMM yyyy, HH.mm (z)" if _lang() == "id" else "d MMMM yyyy, HH:mm (z)"
            return formatters.localised_nice_date(value, show_date=True, with_hours=True, format=pattern)
    return next_helper(datetime_, date_format=date_format, with_hours=with_hours, with_seconds=with_seconds)
# Tabular preview and Data API (dataapi.py)


def satudata_datastore_status(resource: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The load status of a file for who may edit it; None for everyone else."""
    from ckanext.satudata import dataapi
    return dataapi.status(resource, _current_user())


def satudata_table_format(resource: dict[str, Any]) -> Optional[str]:
    """'csv' or 'xlsx' when the loader reads the file, else None."""
    from ckanext.satudata import dataapi
    return dataapi.table_format(resource)


def satudata_table_chart(resource: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The chart of a table for the current reader (services/tablechart.py)."""
    from ckanext.satudata.services import tablechart
    return tablechart.chart(resource, {"user": _current_user() or ""})


def satudata_column_type_label(kind: str) -> str:
    """A DataStore type in people's words."""
    from ckanext.satudata import dataapi
    return dataapi.column_note({"type": kind})


def satudata_format_value(value: Any, kind: str, name: str = "") -> str:
    """A table value as the page's language writes it: ``125.430`` and
    ``2.608,9`` on the Indonesian pages, ``125,430`` and ``2,608.9`` in English
    (years, in a column named so, without a separator); dates as 31/12/2024;
    text as it is."""
    if value is None or value == "":
        return ""
    if kind in ("int8", "int4", "int") and name:
        from ckanext.satudata.tables import YEAR_HEADER
        if YEAR_HEADER.search(name):
            return str(value)
    if kind in ("int8", "int4", "int", "numeric", "float8"):
        from decimal import Decimal, InvalidOperation
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        whole, _, fraction = format(number, "f").partition(".")
        sign = "-" if whole.startswith("-") else ""
        whole = f"{int(whole.lstrip('-') or 0):,}"
        text = sign + whole + ("." + fraction if fraction else "")
        if tk.h.lang() == "en":
            return text
        return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    if kind == "date":
        text = str(value)[:10]
        parts = text.split("-")
        if len(parts) == 3 and tk.h.lang() != "en":
            return f"{parts[2]}/{parts[1]}/{parts[0]}"
        return text
    return str(value)


# ---------------------------------------------------------------------------
# Open-data services (statistics, inventory, quality, data requests)

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


def satudata_error_page(code: Any, content: Any) -> dict[str, str]:
    """Title and text of the portal's error page in the page's language. Core's
    own texts (werkzeug's English descriptions, "Internal server error") are
    replaced; a message the portal wrote (already translated) is kept."""
    from werkzeug.exceptions import default_exceptions
    if isinstance(code, (list, tuple)):
        code = code[0] if code else 500
    try:
        code = int(code)
    except (TypeError, ValueError):
        code = 500
    titles = {400: tk._("The request cannot be processed"), 403: tk._("Not allowed"),
              404: tk._("Page not found"), 429: tk._("Too many requests"),
              503: tk._("The portal is busy")}
    texts = {404: tk._("The address may be mistyped, or the page was moved or removed. Search the "
                       "catalogue, or start again from the home page."),
             500: tk._("The error has been recorded. Please try again later; if it happens again, "
                       "tell the Walidata (see Help)."),
             403: tk._("You may not open this page. Sign in, or ask the Walidata for access."),
             400: tk._("The request has a mistake. Go back and check what was typed.")}
    text = str(content or "")
    core = default_exceptions.get(code)
    if not text or text == "Internal server error" or (core is not None and text == core.description):
        text = texts.get(code, texts[500])
    return {"code": str(code), "title": titles.get(code, tk._("Something went wrong on the server")),
            "text": text}


def satudata_csp_nonce() -> str:
    """The nonce an inline ``<script>`` of this page needs (security.POLICY)."""
    from ckanext.satudata import security
    return security.csp_nonce()


def satudata_with_nonces(html: Any) -> Markup:
    """A core template block made to pass the page's script policy."""
    from ckanext.satudata import security
    return security.with_nonces(html)


def satudata_emblem_url(group: Optional[dict[str, Any]]) -> str:
    """An Instansi's or Tematik's logo, or the portal's emblem for it."""
    from ckanext.satudata import emblem
    return emblem.emblem_url(group)
