"""Validation at submission (validasi data) and the workflow's e-mails."""
from __future__ import annotations

import io

import ckan.model as model
import ckan.plugins.toolkit as tk
import openpyxl
import pytest
from ckan.lib import search
from ckan.tests import helpers

from ckanext.satudata.tests.conftest import ctx, delivered, run_jobs, upload


def _submit_errors(api, portal, dataset_id):
    """Errors of a submission through the HTTP API (Indonesian, the default language)."""
    error = api.error("satudata_dataset_submit", portal.editor, id=dataset_id)
    assert error["__type"] == "Validation Error"
    return {k: v for k, v in error.items() if not k.startswith("__")}


def _status(dataset_id):
    return helpers.call_action("package_show", {"ignore_auth": True}, id=dataset_id)["approval_status"]


def _xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_dataset_without_files_cannot_be_submitted(api, portal):
    from ckanext.satudata.tests.factories import complete_dataset
    dataset = helpers.call_action("package_create", ctx(portal.editor), **complete_dataset(portal.orgs["dinkes"]["id"]))
    errors = _submit_errors(api, portal, dataset["id"])
    assert list(errors) == ["resources"]
    assert "berkas" in errors["resources"][0].lower()
    assert _status(dataset["id"]) == "draft"


def test_every_failure_is_reported_at_once_in_indonesian(api, portal):
    dataset = helpers.call_action("package_create", ctx(portal.editor), name="setengah-jadi",
                                  title="Setengah jadi", owner_org=portal.orgs["dinkes"]["id"], state="draft")
    helpers.call_action("resource_create", ctx(portal.editor), package_id=dataset["id"], name="Rusak",
                        format="CSV", upload=upload("a,b,c\n1,2,3\n4,5\n6,7,8,9\n", "rusak.csv"))
    helpers.call_action("resource_create", ctx(portal.editor), package_id=dataset["id"], name="Latin-1",
                        format="CSV", upload=upload("nama,kota\nJos\xe9,Sangatta\n".encode("latin-1"), "latin.csv"))
    errors = _submit_errors(api, portal, dataset["id"])
    for field in ("notes", "sumber", "maintainer", "maintainer_email", "frekuensi", "level_penyajian", "tahun"):
        assert field in errors, field
        assert errors[field] == ["Wajib diisi"], errors[field]
    files = " | ".join(errors["resources"])
    # Both kinds of broken rows at once, with what to fix.
    assert "Rusak: Baris 4 berisi lebih banyak nilai daripada 3 kolom di baris judul (nilai lebihnya 9)" in files
    assert "1 baris berisi lebih sedikit nilai daripada 3 kolom di baris judul (baris 3)" in files
    # A file saved by Excel on Windows (Windows-1252) is read, not refused.
    assert "Latin-1" not in files
    assert _status(dataset["id"]) == "draft"


def test_xlsx_files_are_opened_and_checked(api, portal):
    from ckanext.satudata.tests.factories import complete_dataset
    dataset = helpers.call_action("package_create", ctx(portal.editor), **complete_dataset(portal.orgs["dinkes"]["id"]))
    good = _xlsx([["kecamatan", "jumlah"], ["Bengalon", 10], ["Kaubun", 12]])
    bad = _xlsx([["kecamatan", "jumlah"], ["Bengalon", 10, "lebih"]])
    for name, data in (("Baik", good), ("Buruk", bad)):
        helpers.call_action("resource_create", ctx(portal.editor), package_id=dataset["id"], name=name,
                            format="XLSX", upload=upload(data, f"{name}.xlsx"))
    errors = _submit_errors(api, portal, dataset["id"])
    assert errors["resources"] == ["Buruk: Baris 2 berisi lebih banyak nilai daripada 2 kolom di baris judul "
                                   "(nilai lebihnya lebih). Biasanya sebuah nilai memuat karakter pemisah tanpa "
                                   "diapit tanda kutip ganda; bila berkas memang punya kolom lain, beri nama "
                                   "kolom itu di baris judul."]
    helpers.call_action("resource_delete", ctx(portal.editor), id=[
        r for r in helpers.call_action("package_show", {"ignore_auth": True}, id=dataset["id"])["resources"]
        if r["name"] == "Buruk"][0]["id"])
    submitted = helpers.call_action("satudata_dataset_submit", ctx(portal.editor), id=dataset["id"])
    assert submitted["approval_status"] == "pending"


def test_links_must_be_well_formed(api, portal):
    from ckanext.satudata.tests.factories import complete_dataset
    dataset = helpers.call_action("package_create", ctx(portal.editor), **complete_dataset(portal.orgs["dinkes"]["id"]))
    with pytest.raises(tk.ValidationError) as refused:
        helpers.call_action("resource_create", ctx(portal.editor), package_id=dataset["id"], name="Tautan",
                            url="ftp//data.kutaitimurkab.go.id/x.csv", format="CSV")
    assert refused.value.error_dict == {
        "url": ["A link must be a full address starting with http://, https:// or ftp://"]}
    assert helpers.call_action("package_show", {"ignore_auth": True}, id=dataset["id"])["resources"] == []

    # A link stored before that rule existed is still caught when the dataset is submitted.
    resource = helpers.call_action("resource_create", ctx(portal.editor), package_id=dataset["id"],
                                   name="Tautan", url="https://data.kutaitimurkab.go.id/x.csv", format="CSV")
    model.Resource.get(resource["id"]).url = "ftp//data.kutaitimurkab.go.id/x.csv"
    model.Session.commit()
    search.rebuild(dataset["id"])
    errors = _submit_errors(api, portal, dataset["id"])
    assert errors["resources"] == ["Tautan: tautan bukan alamat http atau https yang lengkap"]


def test_the_check_results_are_kept_for_the_walidata(portal, make_dataset):
    dataset = make_dataset("pending")
    checks = helpers.call_action("package_show", {"ignore_auth": True}, id=dataset["id"])["approval_checks"]
    assert all(c["ok"] for c in checks)
    assert {c["check"] for c in checks} == {"metadata", "resource"}


# --------------------------------------------------------------------------- e-mail

@pytest.mark.usefixtures("with_test_worker", "clean_queues")
def test_walidata_are_told_of_a_submission_and_the_produsen_of_the_decision(portal, make_dataset, smtp):
    dataset = make_dataset("draft", maintainer_email="pengelola@dinkes.kutaitimurkab.go.id",
                           title="Cakupan Imunisasi")
    helpers.call_action("satudata_dataset_submit", ctx(portal.editor), id=dataset["id"])
    submitted = delivered(smtp)
    assert set(submitted) == {"walidata@kutaitimurkab.go.id", portal.sysadmin["email"]}
    message = submitted["walidata@kutaitimurkab.go.id"]
    assert "menunggu verifikasi" in message["subject"].lower()
    assert "Cakupan Imunisasi" in message["subject"]
    assert f"/dataset/{dataset['name']}" in message["body"]

    helpers.call_action("satudata_dataset_reject", ctx(portal.walidata), id=dataset["id"],
                        note="Sumber data belum lengkap")
    returned = delivered(smtp)
    assert set(returned) == {"editor@kutaitimurkab.go.id", "pengelola@dinkes.kutaitimurkab.go.id"}
    message = returned["pengelola@dinkes.kutaitimurkab.go.id"]
    assert "dikembalikan" in message["subject"].lower()
    assert "Sumber data belum lengkap" in message["body"]

    helpers.call_action("satudata_dataset_submit", ctx(portal.editor), id=dataset["id"])
    assert set(delivered(smtp)) == {"walidata@kutaitimurkab.go.id", portal.sysadmin["email"]}
    helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"], note="Terima kasih")
    approved = delivered(smtp)
    assert set(approved) == {"editor@kutaitimurkab.go.id", "pengelola@dinkes.kutaitimurkab.go.id"}
    message = approved["editor@kutaitimurkab.go.id"]
    assert "terverifikasi" in message["subject"].lower()
    assert "Terima kasih" in message["body"]


@pytest.mark.usefixtures("with_test_worker", "clean_queues")
def test_a_transition_stands_when_no_mail_server_answers(portal, make_dataset):
    dataset = make_dataset("draft")
    helpers.call_action("satudata_dataset_submit", ctx(portal.editor), id=dataset["id"])
    run_jobs()  # nothing listens on 8025: the job logs the failure
    assert _status(dataset["id"]) == "pending"


@pytest.mark.usefixtures("with_test_worker", "clean_queues")
def test_a_change_to_published_data_is_told_to_the_walidata_and_its_decision_to_the_proposer(
        portal, make_dataset, smtp):
    dataset = make_dataset("approved", maintainer_email="pengelola@dinkes.kutaitimurkab.go.id",
                           title="Cakupan Air Minum", creator=portal.admin)
    delivered(smtp)
    helpers.call_action("package_patch", ctx(portal.editor), id=dataset["id"], tahun=2023)
    proposed = delivered(smtp)
    assert set(proposed) == {"walidata@kutaitimurkab.go.id", portal.sysadmin["email"]}
    assert "versi terbit tetap tampil" in proposed["walidata@kutaitimurkab.go.id"]["body"]

    helpers.call_action("satudata_dataset_reject", ctx(portal.walidata), id=dataset["id"],
                        note="Tahun data 2024")
    returned = delivered(smtp)
    # The one who proposed the change is told, not the dataset's first submitter.
    assert set(returned) == {"editor@kutaitimurkab.go.id", "pengelola@dinkes.kutaitimurkab.go.id"}
    message = returned["editor@kutaitimurkab.go.id"]
    assert "perubahan dikembalikan" in message["subject"].lower() and "Tahun data 2024" in message["body"]

    helpers.call_action("package_patch", ctx(portal.editor), id=dataset["id"], tahun=2022)
    delivered(smtp)
    helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"])
    approved = delivered(smtp)
    assert "perubahan terverifikasi" in approved["editor@kutaitimurkab.go.id"]["subject"].lower()
