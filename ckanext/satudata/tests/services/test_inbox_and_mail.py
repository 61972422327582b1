"""The inbox (people are told inside the portal what happened to their data and
what waits for them) and the mail log (every e-mail sent or failed, for the
sysadmin), on the real database, Redis jobs and a real SMTP server."""
from __future__ import annotations

import os
import smtplib
import socket
import subprocess
import sys
import time

import pytest

from ckan.tests import helpers

from ckanext.satudata.tests.conftest import ctx, run_jobs


def _inbox(api, user) -> dict:
    return api.ok("satudata_inbox_list", user)


def test_a_return_reaches_the_produsen_s_inbox_with_the_note(api, portal, make_dataset):
    dataset = make_dataset("draft", title="Cakupan Imunisasi")
    helpers.call_action("satudata_dataset_submit", ctx(portal.editor), id=dataset["id"])
    waiting = _inbox(api, portal.walidata)
    assert waiting["unread"] == 1
    assert [(n["kind"], n["headline"], n["title"]) for n in waiting["notices"]] == [
        ("submit", "Menunggu verifikasi Anda", "Cakupan Imunisasi")]
    assert _inbox(api, portal.editor)["unread"] == 0  # nobody is told what they did themselves

    helpers.call_action("satudata_dataset_reject", ctx(portal.walidata), id=dataset["id"],
                        note="Lengkapi sumber data")
    mine = _inbox(api, portal.editor)
    assert mine["unread"] == 1
    notice = mine["notices"][0]
    assert (notice["kind"], notice["headline"], notice["note"], notice["actor_role"], notice["dataset"]) == (
        "reject", "Dikembalikan", "Lengkapi sumber data", "walidata", dataset["name"])
    # Nobody else sees it or marks it.
    assert _inbox(api, portal.other_editor)["count"] == 0
    assert api.ok("satudata_inbox_mark_read", portal.other_editor, ids=[notice["id"]])["marked"] == 0
    assert api.call("satudata_inbox_list", None)[0] == 403
    assert api.ok("satudata_inbox_mark_read", portal.editor, ids=[notice["id"]]) == {"marked": 1, "unread": 0}

    helpers.call_action("satudata_dataset_submit", ctx(portal.editor), id=dataset["id"])
    helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"])
    assert [n["headline"] for n in _inbox(api, portal.editor)["notices"]] == ["Disetujui", "Dikembalikan"]


def test_a_change_to_published_data_is_announced_both_ways(api, portal, make_dataset):
    dataset = make_dataset("approved")
    api.ok("satudata_inbox_mark_read", portal.walidata)
    helpers.call_action("package_patch", ctx(portal.editor), id=dataset["id"], notes="Catatan baru.")
    assert [n["kind"] for n in _inbox(api, portal.walidata)["notices"] if not n["read"]] == ["resubmit"]
    helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"])
    assert _inbox(api, portal.editor)["notices"][0]["kind"] == "approve-revision"


def test_the_operator_reads_the_inbox_in_the_portal(portal, make_dataset, browser):
    dataset = make_dataset("pending", title="Cakupan Imunisasi")
    helpers.call_action("satudata_dataset_reject", ctx(portal.walidata), id=dataset["id"],
                        note="Lengkapi sumber data")
    produsen = browser().login(portal.editor)
    home = produsen.page("/")
    assert home.select_one(".satudata-inbox-count").get_text(strip=True) == "1"
    page = produsen.page("/dashboard/kotak-masuk")
    notice = page.select_one(".satudata-notice-unread")
    assert "Dikembalikan" in notice.get_text() and "Lengkapi sumber data" in notice.get_text()
    assert notice.select_one("a")["href"].endswith(f"/dataset/{dataset['name']}")
    assert "Kotak Masuk (1)" in page.select_one(".nav-tabs").get_text()
    response = produsen.submit("/dashboard/kotak-masuk", {},
                               form=lambda f: "satudata-inbox-all" in (f.get("class") or []))
    assert response.status_code == 302
    assert produsen.page("/").select_one(".satudata-inbox-count").get_text(strip=True) == "0"
    assert produsen.page("/dashboard/kotak-masuk").select_one(".satudata-notice-unread") is None
    # A visitor is sent to sign in.
    assert browser().get("/dashboard/kotak-masuk").status_code == 302


@pytest.mark.usefixtures("with_test_worker", "clean_queues")
def test_every_e_mail_is_in_the_log_sent_or_failed(api, portal, make_dataset, smtp, browser):
    dataset = make_dataset("pending")
    helpers.call_action("satudata_dataset_reject", ctx(portal.walidata), id=dataset["id"], note="Perbaiki.")
    run_jobs()
    log = api.ok("satudata_mail_log", portal.sysadmin)
    assert log["failed"] == 0
    assert {(m["kind"], m["status"]) for m in log["mails"]} == {("workflow", "sent")}
    assert portal.editor["email"] in {m["recipient"] for m in log["mails"]}


@pytest.mark.usefixtures("with_test_worker", "clean_queues")
def test_a_failed_e_mail_is_shown_to_the_sysadmin(api, portal, make_dataset, browser):
    # No SMTP server listens: the message cannot be delivered.
    dataset = make_dataset("pending")
    helpers.call_action("satudata_dataset_reject", ctx(portal.walidata), id=dataset["id"], note="Perbaiki.")
    run_jobs()
    failed = api.ok("satudata_mail_log", portal.sysadmin, status="failed")
    assert failed["failed"] >= 1 and failed["mails"][0]["error"]
    assert api.call("satudata_mail_log", portal.walidata)[0] == 403
    admin = browser().login(portal.sysadmin)
    page = admin.page("/ckan-admin/surel")
    assert "tidak dapat dikirim" in page.select_one(".satudata-mail-failed").get_text()
    rows = {row.select("td")[1].get_text(strip=True): row.get_text()
            for row in page.select("tr.satudata-mail-row-failed")}
    assert "Gagal" in rows[portal.editor["email"]] and "Connection refused" in rows[portal.editor["email"]]
    assert browser().login(portal.walidata).get("/ckan-admin/surel").status_code == 403
    # The inbox does not depend on mail: the Produsen was told anyway.
    assert api.ok("satudata_inbox_list", portal.editor)["unread"] == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_demo_mail_catcher_keeps_every_message(tmp_path):
    port = _free_port()
    catcher = subprocess.Popen([sys.executable, "-m", "ckanext.satudata.mailcatcher", "--port", str(port),
                                "--dir", str(tmp_path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=2) as server:
                    server.sendmail("walidata@satudata.test", ["warga@example.com"],
                                    "Subject: Permohonan data\r\n\r\nTerima kasih.")
                break
            except OSError:
                time.sleep(0.1)
        files = os.listdir(tmp_path)
        assert len(files) == 1
        content = (tmp_path / files[0]).read_text()
        assert "warga@example.com" in content and "Subject: Permohonan data" in content
    finally:
        catcher.terminate()
        catcher.wait(10)
