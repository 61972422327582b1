"""Action API of the open-data services (exported by ``logic/action.py``).
Each docstring is the API documentation served by ``help_show``."""
from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.satudata import common, inbox, visibility
from ckanext.satudata.logic import roles
from ckanext.satudata.services import calendar, completeness, datarequests, inventory, quality, spbe, statistics
from ckanext.satudata.services.model import MailLog

__all__ = [
    "satudata_statistics",
    "satudata_inventory",
    "satudata_dataset_quality",
    "satudata_quality_report",
    "satudata_request_create",
    "satudata_request_show",
    "satudata_request_list",
    "satudata_request_update",
    "satudata_spbe_evidence",
    "satudata_inbox_list",
    "satudata_inbox_mark_read",
    "satudata_mail_log",
    "satudata_release_calendar",
]


def _int(data_dict: DataDict, key: str, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(data_dict.get(key, default)), low), high)
    except (TypeError, ValueError):
        raise tk.ValidationError({key: [tk._("Must be a whole number")]})


def _user(context: Context) -> Any:
    return visibility.user_of(context)


@tk.side_effect_free
def satudata_statistics(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Usage statistics of the portal's open data (what ``/statistik`` shows).

    Anyone may call it. Only public datasets (active, public and approved) are
    counted, whoever calls. Views and downloads are distinct visitors per day
    recorded by CKAN's tracking plugin, summarised by ``ckan satudata usage``
    (or the background job); ``summarised_until`` is the last day summarised.

    :param months: the period, in calendar months up to this one (default 12, at most 60)
    :type months: int
    :returns: ``period``, ``totals`` (``datasets``, ``instansi``, ``views``,
        ``downloads`` in the period), and the tables ``instansi``, ``tematik``,
        ``tahun``, ``format``, ``bintang`` (datasets per star level),
        ``bulanan`` (views and downloads per month), ``instansi-bulanan``,
        ``dataset`` (views and downloads per dataset), ``most_viewed``,
        ``most_downloaded`` (top 10) and ``pertumbuhan`` (new and total public
        datasets per month)
    :rtype: dictionary
    """
    tk.check_access("satudata_statistics", context, data_dict)
    return statistics.compute(_int(data_dict, "months", 12, 1, statistics.MAX_MONTHS))


@tk.side_effect_free
def satudata_inventory(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The inventory of shared data (daftar inventarisasi data): datasets with
    their full Kutai Timur metadata, one flat row each (what ``/inventaris`` shows).

    Anyone may call it: the public gets the public datasets; a Walidata gets
    every dataset, a Produsen Data also those of their own Instansi, both with
    the column ``approval_status``.

    :param owner_org: only this Instansi (id or name, optional)
    :type owner_org: string
    :param groups: only this Tematik (name, optional)
    :type groups: string
    :param tahun: only this year (optional)
    :type tahun: int
    :param status: only this approval status: ``draft``, ``pending``,
        ``pembina_review``, ``approved`` or ``rejected`` (optional)
    :type status: string
    :param q: search words (optional)
    :type q: string
    :param rows: how many rows (default 50, at most 1000)
    :type rows: int
    :param start: offset of the first row (default 0)
    :type start: int
    :returns: ``count``, ``columns`` (``[{"key", "label"}]`` in the request's
        language) and ``results`` (rows keyed by column)
    :rtype: dictionary
    """
    tk.check_access("satudata_inventory", context, data_dict)
    rows = _int(data_dict, "rows", 50, 0, 1000)
    start = _int(data_dict, "start", 0, 0, 10 ** 9)
    cols = inventory.columns(_user(context))
    count, datasets = inventory.search(context, data_dict, start=start, rows=rows)
    return {"count": count, "columns": [{"key": k, "label": tk._(label)} for k, label, _v in cols],
            "results": [inventory.row(d, cols) for d in completeness.each_with_kamus(datasets)]}


@tk.side_effect_free
def satudata_dataset_quality(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The quality of one dataset: five stars of open data (per file and for
    the dataset, with the reason), freshness against its publication frequency,
    and metadata completeness (with what is missing).

    Whoever may see the dataset (``package_show``) may call it.

    :param id: the id or name of the dataset
    :type id: string
    :returns: ``stars``, ``stars_reason``, ``resources`` (``id``, ``name``,
        ``format``, ``stars``, ``reason``), ``freshness`` (``status``
        ``mutakhir`` or ``terlambat``, ``frekuensi``, ``last_update``, ``due``,
        ``days_overdue``, ``days_left``) and ``completeness`` (``score`` 0-100,
        ``filled``, ``total``, ``missing`` field keys)
    :rtype: dictionary
    """
    tk.check_access("satudata_dataset_quality", context, data_dict)
    dataset = tk.get_action("package_show")(
        {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj"),
         "ignore_auth": context.get("ignore_auth", False)},
        {"id": tk.get_or_bust(data_dict, "id")})
    return quality.dataset_quality(dataset)


@tk.side_effect_free
def satudata_quality_report(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The Walidata's data-quality report per Instansi: overdue datasets
    (terlambat) and the ranking by average metadata completeness.

    Walidata only. Every active dataset counts, public or not.

    :param owner_org: only this Instansi (id or name, optional)
    :type owner_org: string
    :returns: ``datasets``, ``overdue``, ``up_to_date_share`` (%),
        ``completeness`` (average %) and ``instansi``: per Instansi its
        ``rank``, ``datasets``, ``overdue``, ``up_to_date``, ``completeness`` and
        ``overdue_datasets`` (most overdue first: ``id``, ``name``, ``title``,
        ``frekuensi``, ``last_update``, ``due``, ``days_overdue``, ``maintainer``,
        ``maintainer_email``; a dataset's completeness and what it lacks:
        ``satudata_dataset_quality``)
    :rtype: dictionary
    """
    tk.check_access("satudata_quality_report", context, data_dict)
    return quality.report(_user(context), data_dict.get("owner_org") or None)


def satudata_request_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Ask the Walidata for data that is not on the portal (permohonan data).

    Anyone may call it, at most ``ckanext.satudata.requests.per_hour`` times an
    hour from one address. Plain text only (no HTML). The requester gets an
    e-mail with the link to the public status page; the Walidata are told.

    :param name: the requester's name (required, at most 100 characters)
    :type name: string
    :param email: the requester's e-mail (required, valid)
    :type email: string
    :param title: what data is wanted (required, at most 200 characters)
    :type title: string
    :param description: details: variables, period, area (optional, at most 2000)
    :type description: string
    :param purpose: what the data is for (required, at most 1000 characters)
    :type purpose: string
    :param owner_org: the Instansi that probably holds the data (id or name, optional)
    :type owner_org: string
    :returns: the request as ``satudata_request_show`` returns it to the requester
        (without personal data)
    :rtype: dictionary
    """
    tk.check_access("satudata_request_create", context, data_dict)
    request = datarequests.create(context, data_dict)
    return datarequests.dictize(request, personal=False)


def _personal(context: Context) -> bool:
    return roles.is_walidata(_user(context))


@tk.side_effect_free
def satudata_request_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """One data request with its steps (the public status page).

    Anyone may call it; the requester's ``name``, ``email`` and ``purpose`` and
    who took each step are given to the Walidata only.

    :param id: the number of the request
    :type id: int
    :returns: ``id``, ``title``, ``description``, ``organization``, ``status``
        (``baru``, ``diproses``, ``dipenuhi``, ``ditolak``), ``status_label``,
        ``reply`` (the Walidata's note or reason), ``dataset`` (what fulfils it),
        ``created``, ``updated``, ``answered`` and ``events``
    :rtype: dictionary
    """
    tk.check_access("satudata_request_show", context, data_dict)
    request = datarequests.get(tk.get_or_bust(data_dict, "id"))
    return datarequests.dictize(request, personal=_personal(context))


@tk.side_effect_free
def satudata_request_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Data requests, newest first (the public list of ``/permohonan-data``).

    Anyone may call it; personal data as in ``satudata_request_show``.

    :param status: only ``baru``, ``diproses``, ``dipenuhi`` or ``ditolak`` (optional)
    :type status: string
    :param owner_org: only requests for this Instansi (id or name, optional)
    :type owner_org: string
    :param q: words of the title or description (optional)
    :type q: string
    :param rows: how many (default 20, at most 100)
    :type rows: int
    :param start: offset (default 0)
    :type start: int
    :returns: ``count``, ``counts`` (per status, all requests) and ``results``
    :rtype: dictionary
    """
    tk.check_access("satudata_request_list", context, data_dict)
    rows = _int(data_dict, "rows", 20, 0, 100)
    start = _int(data_dict, "start", 0, 0, 10 ** 9)
    count, requests = datarequests.search(data_dict, start=start, rows=rows)
    personal = _personal(context)
    return {"count": count, "counts": datarequests.counts(),
            "results": [datarequests.dictize(r, personal=personal, events=False) for r in requests]}


def satudata_request_update(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Triage a data request: ``baru`` -> ``diproses`` -> ``dipenuhi`` or ``ditolak``
    (``baru`` may also go straight to ``dipenuhi`` or ``ditolak``).

    Walidata only. The requester is told by e-mail.

    :param id: the number of the request
    :type id: int
    :param status: the new status
    :type status: string
    :param note: a note for the requester; required as the reason for ``ditolak``
    :type note: string
    :param dataset_id: for ``dipenuhi``: the public dataset (id, name or address)
        that fulfils the request
    :type dataset_id: string
    :returns: the request, with personal data
    :rtype: dictionary
    """
    tk.check_access("satudata_request_update", context, data_dict)
    request = datarequests.get(tk.get_or_bust(data_dict, "id"))
    datarequests.update(context, request, data_dict)
    return datarequests.dictize(request, personal=True)


@tk.side_effect_free
def satudata_spbe_evidence(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Evidence for the SPBE evaluation of the open-data service: for each
    maturity level (1 Dissemination to 5 Optimisation) the portal's features
    that meet it, with live figures and links (what ``/spbe`` prints).

    Walidata only.

    :returns: ``generated``, ``figures`` (every figure by key) and ``levels``:
        ``level``, ``title``, ``asks``, ``features`` (``feature``, ``url``,
        ``figures``)
    :rtype: dictionary
    """
    tk.check_access("satudata_spbe_evidence", context, data_dict)
    return spbe.evidence(_user(context))


def _signed_in(context: Context) -> Any:
    user = _user(context)
    if user is None or not getattr(user, "id", None):
        raise tk.NotAuthorized(tk._("Sign in to read your inbox"))
    return user


@tk.side_effect_free
def satudata_inbox_list(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The caller's inbox in the portal, newest first: what the Walidata did with
    their data (approved, returned with the note) and, for the Walidata and the
    Pembina Data, what waits for them. Signed-in users only; each reads their own.

    :param limit: how many (default 20, at most 100)
    :type limit: int
    :param offset: how many to skip (default 0)
    :type offset: int
    :returns: ``count``, ``unread`` and ``notices`` (``id``, ``kind``,
        ``headline``, ``dataset`` (name, or None when it is gone), ``title``,
        ``actor_role``, ``note``, ``created``, ``read``)
    :rtype: dictionary
    """
    tk.check_access("satudata_inbox_list", context, data_dict)
    user = _signed_in(context)
    count, rows = inbox.notices(user.id, _int(data_dict, "limit", 20, 1, 100),
                                _int(data_dict, "offset", 0, 0, 10 ** 9))
    # The datasets' current names (one query for the page; renamed since, or gone).
    ids = {n.package_id for n in rows if n.package_id}
    names = dict(model.Session.query(model.Package.id, model.Package.name).filter(
        model.Package.id.in_(ids), model.Package.state != "deleted")) if ids else {}
    result = []
    for notice in rows:
        result.append({
            "id": notice.id, "kind": notice.kind, "headline": tk._(inbox.HEADLINES.get(notice.kind, notice.kind)),
            "dataset": names.get(notice.package_id),
            "title": notice.title, "actor_role": notice.actor_role, "note": notice.note,
            "created": notice.created.isoformat(), "read": notice.read_at is not None})
    return {"count": count, "unread": inbox.unread_count(user.id), "notices": result}


def satudata_inbox_mark_read(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Mark notices of the caller's inbox as read.

    :param ids: the notices (a list of ids); all of the caller's when absent
    :type ids: list of int
    :returns: ``marked`` (how many changed) and ``unread``
    :rtype: dictionary
    """
    tk.check_access("satudata_inbox_mark_read", context, data_dict)
    user = _signed_in(context)
    ids = data_dict.get("ids")
    if ids is not None:
        if isinstance(ids, (str, int)):
            ids = [ids]
        try:
            ids = [int(i) for i in ids]
        except (TypeError, ValueError):
            raise tk.ValidationError({"ids": [tk._("Must be a list of whole numbers")]})
    marked = inbox.mark_read(user.id, ids, common.utcnow())
    return {"marked": marked, "unread": inbox.unread_count(user.id)}


@tk.side_effect_free
def satudata_mail_log(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Every e-mail the portal tried to send, newest first: sent, or failed with
    the reason. Sysadmins only.

    :param status: ``sent`` or ``failed`` (optional)
    :type status: string
    :param limit: how many (default 50, at most 500)
    :type limit: int
    :param offset: how many to skip
    :type offset: int
    :returns: ``count``, ``failed`` (failures in all) and ``mails`` (``created``,
        ``kind``, ``recipient``, ``subject``, ``status``, ``error``)
    :rtype: dictionary
    """
    tk.check_access("satudata_mail_log", context, data_dict)
    status = data_dict.get("status")
    if status not in (None, "", "sent", "failed"):
        raise tk.ValidationError({"status": [tk._("Unknown status: {status}").format(status=status)]})
    query = model.Session.query(MailLog)
    if status:
        query = query.filter(MailLog.status == status)
    count = query.count()
    rows = (query.order_by(MailLog.created.desc(), MailLog.id.desc())
            .offset(_int(data_dict, "offset", 0, 0, 10 ** 9)).limit(_int(data_dict, "limit", 50, 1, 500)).all())
    failed = model.Session.query(MailLog).filter(MailLog.status == "failed").count()
    return {"count": count, "failed": failed, "mails": [
        {"created": m.created.isoformat(), "kind": m.kind, "recipient": m.recipient, "subject": m.subject,
         "status": m.status, "error": m.error} for m in rows]}


@tk.side_effect_free
def satudata_release_calendar(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Jadwal Rilis: when each public dataset's next update is due, from its
    Frekuensi Penerbitan and its last update; overdue datasets first. Anyone may
    call it; only public datasets are listed, whoever calls.

    :param months: how far ahead, in calendar months from this one (default 12, at most 24)
    :type months: int
    :param owner_org: only this Instansi's data (its name or id; optional)
    :type owner_org: string
    :param limit: at most this many datasets per section (overdue, each month), the counts
        still counting all (optional; default all)
    :type limit: int
    :returns: ``generated`` (today), ``until``, ``overdue``, ``overdue_count`` and ``months``
        (``month``, ``label``, ``count``, ``datasets``); each dataset: ``name``, ``title``,
        ``instansi``, ``frekuensi``, ``last_update``, ``due``, ``status``
        (``mutakhir``/``terlambat``), ``days_overdue``, ``url``
    :rtype: dictionary
    """
    tk.check_access("satudata_release_calendar", context, data_dict)
    limit = _int(data_dict, "limit", 0, 0, 100000) if data_dict.get("limit") not in (None, "") else None
    return calendar.schedule(_int(data_dict, "months", 12, 1, calendar.MAX_MONTHS),
                             owner_org=data_dict.get("owner_org") or None, limit=limit)
