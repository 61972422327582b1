"""The Kutai Timur metadata schema through the Action API (HTTP, Indonesian)."""
from __future__ import annotations

import datetime

import pytest

from ckan.tests import helpers

from ckanext.satudata.tests.factories import complete_dataset

NEXT_YEAR = datetime.date.today().year + 1


@pytest.fixture
def create(api, portal):
    """create(**fields) -> (ok, result or error dict) of package_create by the dinkes editor."""
    def factory(**fields):
        owner_org = fields.pop("owner_org", portal.orgs["dinkes"]["id"])
        data = complete_dataset(owner_org, **fields)
        for key in [k for k, v in list(data.items()) if v is None]:
            data.pop(key)
        status, body = api.call("package_create", portal.editor, **data)
        return body["success"], body["result"] if body["success"] else body["error"]
    return factory


@pytest.mark.parametrize("field, value, message", [
    ("title", None, "Wajib diisi"),
    ("title", "", "Wajib diisi"),
    ("name", "Bukan Slug!", "Hanya boleh berisi huruf kecil dan angka"),
    ("notes", None, "Wajib diisi"),
    ("owner_org", None, "Instansi wajib diisi"),
    ("license_id", "lisensi-rahasia", "Lisensi \"lisensi-rahasia\" tidak dikenal"),
    ("private", "mungkin", "Jenis Publikasi harus Publik atau Privat"),
    ("sumber", None, "Wajib diisi"),
    ("sumber", "   ", "Wajib diisi"),
    ("maintainer", None, "Wajib diisi"),
    ("maintainer_email", None, "Wajib diisi"),
    ("maintainer_email", "bukan-surel", "Masukkan alamat surel yang valid"),
    ("maintainer_email", "a@b", "Masukkan alamat surel yang valid"),
    ("frekuensi", None, "Wajib diisi"),
    ("frekuensi", "kadang-kadang", "Nilai harus salah satu dari"),
    ("level_penyajian", None, "Wajib diisi"),
    ("level_penyajian", "provinsi", "Nilai harus salah satu dari"),
    ("tahun", None, "Wajib diisi"),
    ("tahun", "24", "Tulis tahun dengan empat angka"),
    ("tahun", "dua ribu", "Tulis tahun dengan empat angka"),
    ("tahun", 1944, "Tahun harus antara 1945 dan"),
    ("tahun", NEXT_YEAR + 1, f"Tahun harus antara 1945 dan {NEXT_YEAR}"),
    ("cakupan", "", "Wajib diisi"),
    ("cakupan", "99.99", "tidak dikenal"),
    ("cakupan", "Kecamatan Atlantis", "tidak dikenal"),
    ("rujukan", ["https://data.go.id", "ftp://arsip.kutaitimurkab.go.id/x"], "ftp://arsip.kutaitimurkab.go.id/x"),
    ("rujukan", ["bukan tautan"], "Bukan tautan http atau https yang valid"),
])
def test_each_rule_is_rejected_with_a_message_naming_the_field(create, field, value, message):
    ok, error = create(**{field: value})
    assert not ok
    assert error["__type"] == "Validation Error"
    assert field in error, error
    assert any(message in m for m in error[field]), error[field]


def test_a_complete_dataset_is_stored_with_typed_values(create):
    ok, dataset = create(tahun="2023", rujukan=["https://bps.go.id/a", "http://data.go.id/b"],
                         private="Privat", cakupan="Sangatta Utara", license_id=None)
    assert ok, dataset
    assert dataset["tahun"] == 2023
    assert dataset["rujukan"] == ["https://bps.go.id/a", "http://data.go.id/b"]
    assert dataset["private"] is True
    assert dataset["cakupan"] == "64.08.04"
    assert dataset["license_id"] == "cc-by"
    assert dataset["prioritas"] is False
    assert dataset["approval_status"] == "draft"


@pytest.mark.parametrize("value", ["real-time", "harian", "mingguan", "bulanan", "triwulanan",
                                   "empat-bulanan", "semesteran", "tahunan", "dua-tahunan", "tidak-tentu"])
def test_every_frequency_of_the_list_is_accepted(create, value):
    ok, dataset = create(frekuensi=value)
    assert ok and dataset["frekuensi"] == value


@pytest.mark.parametrize("value", ["kabupaten", "kecamatan", "desa", "instansi", "individu"])
def test_every_presentation_level_is_accepted(create, value):
    ok, dataset = create(level_penyajian=value)
    assert ok and dataset["level_penyajian"] == value


@pytest.mark.parametrize("value, stored", [(1945, 1945), ("2024", 2024), (NEXT_YEAR, NEXT_YEAR)])
def test_years_from_1945_to_next_year_are_accepted(create, value, stored):
    ok, dataset = create(tahun=value)
    assert ok and dataset["tahun"] == stored


def test_cakupan_defaults_to_kutai_timur(create):
    ok, dataset = create(cakupan=None)
    assert ok and dataset["cakupan"] == "64.08"


def test_references_one_per_line_are_accepted(create):
    ok, dataset = create(rujukan="https://a.example.id/x\nhttps://b.example.id/y\n")
    assert ok and dataset["rujukan"] == ["https://a.example.id/x", "https://b.example.id/y"]


def test_only_the_walidata_sets_priority_data(api, portal, create):
    ok, error = create(prioritas=True)
    assert not ok and "Hanya Walidata" in error["prioritas"][0]
    ok, dataset = create()
    assert not api.error("package_patch", portal.editor, id=dataset["id"], prioritas=True)["prioritas"] == []
    patched = api.ok("package_patch", portal.walidata, id=dataset["id"], prioritas=True)
    assert patched["prioritas"] is True
    # A Produsen's later edit keeps the Walidata's mark.
    edited = api.ok("package_patch", portal.editor, id=dataset["id"], sumber="Sumber baru")
    assert edited["prioritas"] is True


def test_a_draft_may_be_incomplete_and_must_be_complete_to_become_active(api, portal):
    draft = api.ok("package_create", portal.editor, name="draf-awal", title="Draf awal",
                   owner_org=portal.orgs["dinkes"]["id"], state="draft")
    assert draft["state"] == "draft"
    error = api.error("package_patch", portal.editor, id=draft["id"], state="active")
    assert {"notes", "sumber", "maintainer", "maintainer_email", "frekuensi", "level_penyajian", "tahun"} <= set(error)
    # Even a draft keeps the rules for what is filled in.
    error = api.error("package_patch", portal.editor, id=draft["id"], maintainer_email="salah")
    assert "maintainer_email" in error


def test_the_english_api_speaks_english(api, portal):
    data = complete_dataset(portal.orgs["dinkes"]["id"], tahun="24")
    status, body = api.call("package_create", portal.editor, locale="en", **data)
    assert body["error"]["tahun"] == ["Enter the year as four digits, for example 2024"]


# --------------------------------------------------------------------------- search

def test_kutai_timur_fields_are_facets_and_filters_on_real_solr(api, portal, create):
    for i, (tahun, frekuensi, level, cakupan) in enumerate([
            (2022, "tahunan", "kecamatan", "64.08"), (2023, "tahunan", "kecamatan", "64.08.04"),
            (2023, "bulanan", "desa", "64.08.04"), (2024, "semesteran", "kabupaten", "64.08")]):
        ok, _ = create(name=f"data-{i}", tahun=tahun, frekuensi=frekuensi, level_penyajian=level, cakupan=cakupan)
        assert ok
    search = api.ok("package_search", portal.walidata, include_private=True, include_drafts=True,
                    **{"facet.field": ["frekuensi", "level_penyajian", "tahun", "cakupan"]})
    facets = search["search_facets"]
    counts = {f: {i["name"]: i["count"] for i in facets[f]["items"]} for f in facets}
    assert counts["tahun"] == {"2022": 1, "2023": 2, "2024": 1}
    assert counts["frekuensi"] == {"tahunan": 2, "bulanan": 1, "semesteran": 1}
    assert counts["level_penyajian"] == {"kecamatan": 2, "desa": 1, "kabupaten": 1}
    assert counts["cakupan"] == {"64.08": 2, "64.08.04": 2}
    labels = {i["name"]: i["display_name"] for i in facets["cakupan"]["items"] + facets["frekuensi"]["items"]}
    assert labels["64.08.04"] == "Kecamatan Sangatta Utara" and labels["tahunan"] == "Tahunan"

    def names(**params):
        result = api.ok("package_search", portal.walidata, include_private=True, include_drafts=True, **params)
        return sorted(d["name"] for d in result["results"])

    assert names(fq="tahun:2023") == ["data-1", "data-2"]
    assert names(fq="tahun:[2023 TO 2024]") == ["data-1", "data-2", "data-3"]
    assert names(fq="frekuensi:tahunan AND cakupan:\"64.08.04\"") == ["data-1"]
    assert names(q="Sangatta") == ["data-1", "data-2"]


def test_workflow_notes_are_not_in_full_text_search(api, portal, make_dataset):
    dataset = make_dataset("pending")
    helpers.call_action("satudata_dataset_reject", {"user": portal.walidata["name"]}, id=dataset["id"],
                        note="Xylofonik keliru")
    assert api.ok("package_search", portal.walidata, q="Xylofonik", include_private=True)["count"] == 0


# --------------------------------------------------------------------------- Instansi and Tematik

def test_instansi_carry_contact_details(api, portal):
    org = api.ok("organization_create", portal.sysadmin, name="dishub", title="Dinas Perhubungan",
                 description="Transportasi", alamat="Jl. Poros, Sangatta", telepon="(0549) 21999",
                 email="dishub@kutaitimurkab.go.id", website="https://dishub.kutaitimurkab.go.id")
    shown = api.ok("organization_show", None, id=org["id"])
    assert (shown["alamat"], shown["telepon"], shown["email"], shown["website"]) == (
        "Jl. Poros, Sangatta", "(0549) 21999", "dishub@kutaitimurkab.go.id", "https://dishub.kutaitimurkab.go.id")
    error = api.error("organization_create", portal.sysadmin, name="dinsos", title="Dinas Sosial",
                      email="bukan", website="dinsos.go.id", telepon="telp. kantor")
    assert set(error) >= {"email", "website", "telepon"}


def test_tematik_has_title_description_and_image(api, portal):
    group = api.ok("group_create", portal.sysadmin, name="lingkungan", title="Lingkungan Hidup",
                   description="Kualitas air dan udara", image_url="https://data.kutaitimurkab.go.id/img/air.png")
    assert group["image_url"].endswith("air.png") and group["title"] == "Lingkungan Hidup"
    assert api.error("group_create", portal.sysadmin, name="x y", title="")["name"]


# --------------------------------------------------------------------------- uploads

def test_upload_of_a_type_the_portal_does_not_accept_is_refused(api, portal, make_dataset):
    from ckanext.satudata.tests.conftest import upload
    dataset = make_dataset("draft")
    with pytest.raises(Exception) as raised:
        helpers.call_action("resource_create", {"user": portal.editor["name"]}, package_id=dataset["id"],
                            upload=upload(b"MZ\x90\x00", "program.exe"))
    assert "EXE" in str(raised.value)
    assert len(helpers.call_action("package_show", {"ignore_auth": True}, id=dataset["id"])["resources"]) == 1


@pytest.mark.ckan_config("ckan.max_resource_size", 1)
def test_upload_larger_than_the_limit_is_refused_before_anything_is_written(portal, make_dataset):
    from ckanext.satudata.tests.conftest import upload
    import ckan.plugins.toolkit as tk
    dataset = make_dataset("draft")
    big = "a,b\n" + "1,2\n" * 400_000  # 1.6 MB
    with pytest.raises(tk.ValidationError) as raised:
        helpers.call_action("resource_create", {"user": portal.editor["name"]}, package_id=dataset["id"],
                            upload=upload(big, "besar.csv"))
    assert "1 MB" in str(raised.value.error_dict["url"])
    assert len(helpers.call_action("package_show", {"ignore_auth": True}, id=dataset["id"])["resources"]) == 1


PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                    "0000000d4944415478da63f8cfc0f01f0005000201e2b4f2420000000049454e44ae426082")


def test_an_instansi_logo_must_be_a_raster_image_not_svg(portal):
    import ckan.plugins.toolkit as tk
    from ckanext.satudata.tests.conftest import upload
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(tk.ValidationError) as raised:
        helpers.call_action("organization_create", {"user": portal.sysadmin["name"]}, name="dinsos",
                            title="Dinas Sosial", image_upload=upload(svg, "logo.svg"))
    assert "image_upload" in raised.value.error_dict
    assert "dinsos" not in helpers.call_action("organization_list")
    org = helpers.call_action("organization_create", {"user": portal.sysadmin["name"]}, name="dinsos",
                              title="Dinas Sosial", image_upload=upload(PNG, "logo.png"))
    assert org["image_url"].endswith("logo.png")
