"""The portal's own pages, read as a visitor's browser receives them."""
from __future__ import annotations

import pytest

from ckan.tests import helpers

from ckanext.satudata.tests.conftest import ctx


@pytest.fixture
def published(portal, make_dataset):
    group = helpers.call_action("group_create", ctx(portal.sysadmin), name="kesehatan", title="Kesehatan")
    dataset = make_dataset("approved", name="stunting-2024", title="Prevalensi Stunting 2024", tahun=2024,
                           frekuensi="semesteran", cakupan="64.08.04", level_penyajian="kecamatan",
                           rujukan=["https://bps.go.id/stunting"])
    # The Walidata files it under its Tematik.
    dataset = helpers.call_action("package_patch", ctx(portal.walidata), id=dataset["id"],
                                  groups=[{"name": "kesehatan"}])
    make_dataset("pending", name="belum-tayang", title="Belum Tayang")
    return dataset, group


def test_home_shows_counts_tematik_and_newest_as_the_public_sees_them(browser, published):
    page = browser().page("/")
    stats = [li.get_text(" ", strip=True) for li in page.select(".satudata-stat")]
    assert stats == ["1 Dataset", "4 Instansi", "1 Tematik"]
    assert "Kesehatan 1 dataset" in page.select_one(".satudata-tiles").get_text(" ", strip=True)
    newest = page.get_text(" ", strip=True)
    assert "Prevalensi Stunting 2024" in newest and "Belum Tayang" not in newest
    assert page.find("html")["lang"] == "id"


def test_english_home_page(browser, published):
    page = browser().page("/en/")
    assert page.find("html")["lang"] == "en"
    assert "Satu Data Portal of Kutai Timur Regency" in page.get_text()
    nav = [a.get_text(strip=True) for a in page.select(".masthead .navbar-nav a.nav-link, .masthead .navbar-nav li a")]
    assert "Instansi" in nav and "Tematik" in nav


@pytest.mark.parametrize("path, lang, title, text", [
    ("/informasi", "id", "Informasi Umum", "portal resmi data terbuka"),
    ("/ketentuan", "id", "Ketentuan Penggunaan", "Creative Commons Attribution"),
    ("/panduan", "id", "Panduan", "Alamat Surel Pengelola"),
    ("/pengetahuan", "id", "Pengetahuan Data Terbuka", "Lima bintang data terbuka"),
    ("/en/informasi", "en", "General information", "official open-data portal"),
    ("/en/ketentuan", "en", "Terms of use", "Creative Commons Attribution"),
    ("/en/panduan", "en", "Guide", "Maintainer e-mail"),
    ("/en/pengetahuan", "en", "Open data knowledge", "The five stars of open data"),
])
def test_guide_pages_in_both_languages(browser, portal, path, lang, title, text):
    page = browser().page(path)
    assert page.find("h1").get_text(strip=True) == title
    assert text in page.get_text(" ", strip=True)
    assert page.find("html")["lang"] == lang


def test_the_guide_describes_every_field_of_the_form(browser, portal):
    from ckanext.satudata import reference
    table = browser().page("/panduan").find("table").get_text(" ", strip=True)
    for field in ("title", "notes", "sumber", "maintainer", "maintainer_email", "frekuensi", "level_penyajian",
                  "tahun", "cakupan", "rujukan"):
        label = reference.dataset_field(field)["label"]["id"]
        assert label in table, label


def test_instansi_and_tematik_addresses_lead_to_them(browser, portal):
    client = browser()
    assert client.get("/instansi").headers["Location"].endswith("/organization/")
    assert client.get("/tematik").headers["Location"].endswith("/group/")


def test_language_switch_points_at_the_same_page(browser, published):
    dataset, _ = published
    page = browser().page(f"/dataset/{dataset['name']}?activity_type=x")
    links = {a["hreflang"]: a["href"] for a in page.select(".satudata-lang a")}
    assert links == {"id": f"/dataset/{dataset['name']}?activity_type=x",
                     "en": f"/en/dataset/{dataset['name']}?activity_type=x"}
    english = browser().page(f"/en/dataset/{dataset['name']}")
    assert {a["hreflang"]: a["href"] for a in english.select(".satudata-lang a")}["id"] == f"/dataset/{dataset['name']}"


@pytest.mark.parametrize("prefix, labels", [
    ("", {"Frekuensi Penerbitan": "Semesteran", "Level Penyajian": "Kecamatan", "Tahun": "2024",
          "Cakupan": "Kecamatan Sangatta Utara (kode wilayah 64.08.04)", "Jenis Publikasi": "Publik",
          "Instansi": "Dinkes", "Data Prioritas": "Tidak", "Rujukan": "https://bps.go.id/stunting",
          "Sumber Data": "SIAK", "Alamat Surel Pengelola": "statistik@kutaitimurkab.go.id"}),
    ("/en", {"Publication frequency": "Half-yearly", "Presentation level": "District (kecamatan)",
             "Year": "2024", "Coverage area": "Kecamatan Sangatta Utara (area code 64.08.04)",
             "Publication type": "Public", "Instansi": "Dinkes", "Priority data": "No"}),
])
def test_dataset_page_metadata_table_in_the_readers_language(browser, published, prefix, labels):
    dataset, _ = published
    page = browser().page(f"{prefix}/dataset/{dataset['name']}")
    rows = {tr.find("th").get_text(" ", strip=True): tr.find("td").get_text(" ", strip=True)
            for tr in page.select("table.satudata-metadata tr")}
    for label, value in labels.items():
        assert rows.get(label) == value, (label, rows.get(label))


def test_search_facets_carry_indonesian_labels(browser, published):
    page = browser().page("/dataset/")
    headings = [h.get_text(" ", strip=True) for h in page.select(".module-heading")]
    for title in ("Instansi", "Tematik", "Label", "Format", "Lisensi", "Frekuensi Penerbitan",
                  "Level Penyajian", "Tahun", "Cakupan"):
        assert any(title in heading for heading in headings), (title, headings)
    facet_items = page.get_text(" ", strip=True)
    assert "Semesteran" in facet_items and "Kecamatan Sangatta Utara" in facet_items


@pytest.mark.parametrize("prefix, labels", [
    ("", ["Data terakhir diperbarui", "Metadata terakhir diperbarui", "Dibuat", "Format", "Lisensi", "Ukuran",
          "Jenis berkas"]),
    ("/en", ["Data last updated", "Metadata last updated", "Created", "Format", "License", "Size", "File type"]),
])
def test_the_file_page_shows_what_a_reader_needs_and_no_internals(browser, published, prefix, labels):
    dataset, _ = published
    resource = dataset["resources"][0]
    page = browser().page(f"{prefix}/dataset/{dataset['name']}/resource/{resource['id']}")
    table = page.find("table", attrs={"data-module": "table-toggle-more"})
    assert [tr.find("th").get_text(" ", strip=True) for tr in table.select("tbody tr")] == labels
    text = page.get_text(" ")
    for internal in ("Datastore active", "Tracking summary", "Hash", "Url type", "Ckan url", "Has views",
                     "Satudata", "Ignore hash", "Queue name", "{'total'"):
        assert internal not in text, internal


@pytest.mark.parametrize("path", ["/statistik", "/inventaris", "/bantuan", "/permohonan-data",
                                  "/permohonan-data/baru", "/api-docs", "/panduan", "/kualitas-data",
                                  "/verifikasi", "/dashboard/kotak-masuk"])
def test_page_titles_name_the_page_once(browser, portal, path):
    text = browser().login(portal.walidata).page(path).title.get_text(" ", strip=True)
    assert " - - " not in text and not text.startswith("-") and text.endswith("Portal Satu Data Kutai Timur"), text
    assert text != "Portal Satu Data Kutai Timur", text  # the page is named first


def test_the_activity_filter_speaks_indonesian(browser, published, portal):
    dataset, _ = published
    page = browser().login(portal.walidata).page(f"/dataset/activity/{dataset['name']}")
    options = [o.get_text(" ", strip=True) for o in page.select("#activity_types_filter_select option")]
    assert "Dataset diubah" in options and "Dataset baru" in options
    assert not any(word in " ".join(options) for word in ("Package", "Follow", "Changed", "New "))


@pytest.mark.parametrize("path", ["/dataset/new", "/group", "/organization", "/user/edit/{editor}", "/dataset"])
def test_help_texts_speak_of_the_portal_not_of_ckan(browser, portal, path):
    page = browser().login(portal.editor).page(path.format(editor=portal.editor["name"]))
    main = page.find(id="content") or page
    assert "CKAN" not in main.get_text(" "), path


def test_dates_are_days_in_wita_like_the_dates_with_hours(app):
    import ckan.plugins.toolkit as tk
    with app.flask_app.test_request_context("/"):
        # 20:00 UTC on 2 December is 04:00 WITA on 3 December: one day, whichever way it is shown.
        assert tk.h.render_datetime("2026-12-02T20:00:00") == "3 Desember 2026"
        assert tk.h.render_datetime("2026-12-02T20:00:00", with_hours=True).startswith("3 Desember 2026, 04.00")
        assert tk.h.render_datetime("2026-12-02T10:00:00") == "2 Desember 2026"


def test_facet_labels_are_whole_and_carry_no_stray_hyphen(browser, portal, make_dataset):
    long_name = "Dinas Kependudukan dan Pencatatan Sipil"
    helpers.call_action("organization_patch", ctx(portal.sysadmin), id=portal.orgs["dinkes"]["id"], title=long_name)
    make_dataset("approved")
    page = browser().page("/dataset/")
    labels = [a.select_one(".item-label").get_text(strip=True) for a in page.select(".nav-facet a")]
    assert long_name in labels
    for separator in page.select(".nav-facet .separator"):
        assert "visually-hidden" in separator["class"]
    # The sidebar is drawn once per request (helpers.satudata_render_once): every filter, once.
    titles = [h.get_text(" ", strip=True) for h in page.select("#search-facets .module-heading")]
    assert len(titles) == 10 and len(set(titles)) == 10, titles
    assert any(t.startswith("Frekuensi") for t in titles), titles


def test_the_table_view_tab_is_named_in_the_readers_language(browser, published, portal):
    dataset, _ = published
    resource = dataset["resources"][0]
    helpers.call_action("resource_view_create", ctx(portal.sysadmin), resource_id=resource["id"],
                        view_type="text_view", title="Text")
    for prefix, label in (("", "Teks"), ("/en", "Text")):
        page = browser().page(f"{prefix}/dataset/{dataset['name']}/resource/{resource['id']}")
        tabs = [a.get_text(" ", strip=True) for a in page.select("a.view-item")]
        assert label in tabs, tabs


def test_an_instansi_without_a_logo_shows_its_emblem_and_an_uploaded_logo_wins(browser, portal, make_dataset):
    sysadmin = ctx(portal.sysadmin)
    helpers.call_action("organization_patch", sysadmin, id=portal.orgs["bps"]["id"],
                        title="Badan Pusat Statistik Kabupaten Kutai Timur", image_url="")
    helpers.call_action("organization_patch", sysadmin, id=portal.orgs["dinkes"]["id"], image_url="")
    helpers.call_action("organization_patch", sysadmin, id=portal.orgs["distan"]["id"],
                        image_url="https://kutaitimurkab.go.id/logo-distan.png")
    make_dataset("approved")
    page = browser().page("/organization/")
    images = {img["alt"]: img["src"] for img in page.select(".media-item img, .module-image img")}
    assert images["Badan Pusat Statistik Kabupaten Kutai Timur"].endswith("/lambang/bps.svg")
    assert images["Distan"] == "https://kutaitimurkab.go.id/logo-distan.png"
    assert not any("placeholder" in src for src in images.values())
    # The dataset page's Instansi box too.
    dataset_page = browser().page("/dataset/")
    link = dataset_page.select_one(".dataset-heading a")["href"]
    info = browser().page(link).select_one("#organization-info img")
    assert info["src"].endswith("/lambang/dinkes.svg")

    emblem = browser().get("/lambang/bps.svg")
    assert emblem.status_code == 200 and emblem.headers["Content-Type"].startswith("image/svg+xml")
    assert ">BPS</text>" in emblem.get_data(as_text=True)
    assert browser().get("/lambang/tidak-ada.svg").status_code == 404


def test_an_emblem_escapes_the_title_it_draws(browser, portal):
    helpers.call_action("organization_patch", ctx(portal.sysadmin), id=portal.orgs["dinkes"]["id"],
                        title='Dinas <script>alert(1)</script> & "Kesehatan"')
    body = browser().get("/lambang/dinkes.svg").get_data(as_text=True)
    assert "<script>" not in body and "&lt;script&gt;" in body


def test_fingerprinted_assets_are_kept_a_year_and_pages_are_not(browser, portal):
    import re
    visitor = browser()
    html = visitor.get("/dataset/").get_data(as_text=True)
    assets = re.findall(r'(?:href|src)="(/webassets/[^"]+/[0-9a-f]{8}_[^"]+)"', html)
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)
    for asset in assets[:6]:
        answer = visitor.get(asset)
        assert answer.status_code == 200, asset
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable", asset
    page = visitor.get("/dataset/")
    assert "immutable" not in page.headers.get("Cache-Control", "")
    assert "immutable" not in visitor.get("/satudata/logo.svg").headers.get("Cache-Control", "")


def test_pages_go_out_compressed_to_browsers_that_accept_it(browser, portal, make_dataset):
    import gzip
    make_dataset("approved")
    visitor = browser()
    plain = visitor.get("/dataset/")
    packed = visitor.get("/dataset/", headers={"Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert int(packed.headers["Content-Length"]) < len(plain.get_data()) / 3
    html = gzip.decompress(packed.get_data()).decode()
    assert html.count('class="dataset-item') == plain.get_data(as_text=True).count('class="dataset-item') == 1
    # A streamed export stays as it is.
    export = visitor.get("/inventaris.csv", headers={"Accept-Encoding": "gzip"})
    assert export.status_code == 200 and "Content-Encoding" not in export.headers
    # A signed-in person's pages hold their session's CSRF token: never compressed (BREACH).
    signed_in = browser().login(portal.editor)
    for path in ("/dataset/", "/dataset/new"):
        page = signed_in.get(path, headers={"Accept-Encoding": "gzip"})
        assert page.status_code == 200 and "Content-Encoding" not in page.headers, path
    assert 'name="_csrf_token"' in page.get_data(as_text=True)
