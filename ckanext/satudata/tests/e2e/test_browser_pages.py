"""The portal in headless Chromium: every main page in Indonesian and English, at
1280 px and 375 px, read as a person sees it.

For each page: key texts, no English left on the Indonesian pages (visible text
compared against the English messages of the catalogues), the ``lang``
attribute, every form control labelled, text contrast at WCAG AA, no
horizontal scrolling at 375 px, nothing loaded from another site and nothing
refused by the portal's Content-Security-Policy (the policy is in force on
every page: a violation means a page part no longer works). A screenshot of each goes to test-artifacts/screenshots (git-ignored).
"""
from __future__ import annotations

import os
import re
from urllib.parse import urlparse

import pytest
from babel.messages.pofile import read_po


from ckan.tests import helpers

from ckanext.satudata.tests.conftest import chromium_login, ctx, screenshot

I18N = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "i18n"))
DATASET = "jumlah-penduduk-per-kecamatan-2024"

# page name -> (path, Indonesian texts, English texts)
PUBLIC_PAGES = {
    "home": ("/", ["Portal Satu Data Kabupaten Kutai Timur", "Jelajahi menurut Tematik", "Dataset terbaru"],
             ["Satu Data Portal of Kutai Timur Regency", "Browse by Tematik", "Newest datasets"]),
    "search": ("/dataset/?q=penduduk", ["dataset ditemukan", "Jumlah Penduduk per Kecamatan 2024"],
               ["datasets found", "Jumlah Penduduk per Kecamatan 2024"]),
    "dataset": (f"/dataset/{DATASET}", ["Frekuensi Penerbitan", "Semesteran", "Data dan Berkas"],
                ["Publication frequency", "Half-yearly", "Data and Resources"]),
    "login": ("/user/login", ["Masuk", "Kata sandi", "Lupa kata sandi?"], ["Log in", "Password"]),
    "informasi": ("/informasi", ["Informasi Umum", "Walidata"], ["General information", "Who does what"]),
    "ketentuan": ("/ketentuan", ["Ketentuan Penggunaan", "Menggunakan data"], ["Terms of use", "Using the data"]),
    "panduan": ("/panduan", ["Tambah dataset", "Frekuensi Penerbitan"], ["Add a dataset", "Publication frequency"]),
    "pengetahuan": ("/pengetahuan", ["Lima bintang data terbuka", "Interoperabilitas"],
                    ["The five stars of open data", "Interoperability"]),
    "statistik": ("/statistik", ["Statistik pemanfaatan data terbuka", "Kunjungan dan unduhan per bulan"],
                  ["Open data usage statistics", "Views and downloads per month"]),
    "inventaris": ("/inventaris", ["Inventaris data berbagi pakai", "Jumlah Penduduk per Kecamatan 2024"],
                   ["Inventory of shared data", "Jumlah Penduduk per Kecamatan 2024"]),
    "bantuan": ("/bantuan", ["Layanan bantuan", "Pertanyaan yang sering diajukan"],
                ["Help desk", "Frequently asked questions"]),
    "permohonan": ("/permohonan-data", ["Permohonan data"], ["Data requests"]),
    "api-docs": ("/api-docs", ["Panduan API", "Memulai"], ["API guide", "Getting started"]),
    "jadwal-rilis": ("/jadwal-rilis", ["Jadwal rilis", "Langganan (iCalendar)"],
                     ["Release calendar", "Subscribe (iCalendar)"]),
}
FORM_PAGE = ("/dataset/new", ["Sumber Data", "Simpan sebagai draf", "Alamat Surel Pengelola"],
             ["Data source", "Save as draft", "Maintainer e-mail"])

# Words that are the same in both languages, or names, are not "English left over".
SAME_IN_BOTH = {"Dataset", "Datasets", "Format", "Formats", "Status", "Metadata", "API", "CKAN", "Email",
                "Admin", "Editor", "Real-time", "Instansi", "Tematik", "ID", "EN", "English", "Total", "Filter"}


_PLACEHOLDER = re.compile(r"\{[^}]*\}|%\([^)]*\)[sdi]|%[sdi]")


class EnglishMessages:
    """English messages whose Indonesian translation differs. A visible text that
    is one of them, or matches one with its placeholders filled in (such as
    '5 datasets found for "penduduk"'), was left untranslated."""

    def __init__(self):
        self.plain: set[str] = set()
        self.patterns: list[re.Pattern] = []
        for domain in ("ckan", "ckanext-satudata"):
            with open(os.path.join(I18N, "id", "LC_MESSAGES", f"{domain}.po"), "rb") as f:
                for message in read_po(f):
                    ids = message.id if isinstance(message.id, tuple) else (message.id,)
                    translated = message.string[0] if isinstance(message.string, tuple) else message.string
                    for msgid in ids:
                        self._add(msgid.strip(), translated)

    def _add(self, msgid: str, translated: str) -> None:
        if not msgid or not translated or msgid == translated or "<" in msgid or msgid in SAME_IN_BOTH:
            return
        if _PLACEHOLDER.search(msgid):
            literal = _PLACEHOLDER.sub("", msgid)
            if len(re.findall(r"[A-Za-z]", literal)) >= 8:
                parts = [re.escape(p) for p in _PLACEHOLDER.split(msgid)]
                self.patterns.append(re.compile("^" + ".+?".join(parts) + "$"))
        elif len(msgid) > 2:
            self.plain.add(msgid)

    def leftovers(self, texts: list[str]) -> list[str]:
        return sorted({t for t in texts if t in self.plain or any(p.match(t) for p in self.patterns)})


@pytest.fixture(scope="module")
def english_messages() -> EnglishMessages:
    return EnglishMessages()


VISIBLE_TEXTS_JS = """
const out = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode, el = node.parentElement;
  const text = node.textContent.replace(/\\s+/g, ' ').trim();
  if (!text || !el || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'OPTION'].includes(el.tagName)) continue;
  const style = getComputedStyle(el), box = el.getBoundingClientRect();
  if (style.visibility === 'hidden' || style.display === 'none' || box.width === 0 || box.height === 0) continue;
  if (el.closest('.visually-hidden, .sr-only, [aria-hidden=true]')) continue;
  out.push(text);
}
for (const el of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
  if (el.offsetParent) out.push(el.placeholder.trim());
}
return out;
"""

UNLABELLED_JS = """
const bad = [];
for (const el of document.querySelectorAll('input, select, textarea')) {
  const type = (el.getAttribute('type') || '').toLowerCase();
  if (['hidden', 'submit', 'button', 'reset', 'image'].includes(type)) continue;
  if (!el.offsetParent && type !== 'file') continue;
  const labelled = (el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]'))
    || el.closest('label') || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
    || el.getAttribute('title');
  if (!labelled) bad.push(el.outerHTML.slice(0, 120));
}
return bad;
"""

CONTRAST_JS = """
function rgba(c) { const m = c.match(/[\\d.]+/g) || [0, 0, 0, 0]; return m.map(Number).concat([1]).slice(0, 4); }
function lum(c) { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b; }
function background(el) {
  let layers = [];
  for (let e = el; e; e = e.parentElement) {
    const bg = rgba(getComputedStyle(e).backgroundColor);
    if (bg[3] > 0) { layers.push(bg); if (bg[3] >= 1) break; }
  }
  let color = [255, 255, 255, 1];
  for (const layer of layers.reverse()) {
    const a = layer[3];
    color = [0, 1, 2].map(i => layer[i] * a + color[i] * (1 - a)).concat([1]);
  }
  return color;
}
const failures = [];
const seen = new Set();
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const el = walker.currentNode.parentElement;
  if (!el || seen.has(el) || !walker.currentNode.textContent.trim()) continue;
  seen.add(el);
  const style = getComputedStyle(el), box = el.getBoundingClientRect();
  if (style.visibility === 'hidden' || style.display === 'none' || box.width === 0 || box.height === 0
      || parseFloat(style.opacity) === 0 || el.closest('.visually-hidden, [aria-hidden=true], select, option')) continue;
  const fg = rgba(style.color), bg = background(el);
  const fgc = [0, 1, 2].map(i => fg[i] * fg[3] + bg[i] * (1 - fg[3]));
  const l1 = lum(fgc), l2 = lum(bg);
  const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
  const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
  const needed = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
  if (ratio + 0.01 < needed) failures.push(`${ratio.toFixed(2)} < ${needed}: "${walker.currentNode.textContent.trim().slice(0, 40)}" (${style.color} on rgb(${bg.slice(0,3).map(Math.round)}))`);
}
return failures;
"""

FOREIGN_JS = """
return performance.getEntriesByType('resource').map(e => e.name)
  .concat([...document.querySelectorAll('img[src], script[src], link[href][rel~=stylesheet], iframe[src]')]
    .map(e => e.src || e.href));
"""


def _policy_violations(driver) -> list[str]:
    """What the browser refused under the portal's Content-Security-Policy since
    the last call (the console log is read once)."""
    return [entry["message"] for entry in driver.get_log("browser")
            if "Content Security Policy" in entry["message"] or "Content-Security-Policy" in entry["message"]]


@pytest.fixture
def demo(portal):
    """The demo portal of ``ckan satudata seed-demo``, on the test database."""
    from ckanext.satudata import demo as demo_data
    demo_data.load(portal.sysadmin["name"], echo=lambda message: None)
    return portal


def _check_page(driver, base, name, path, lang, width, texts, english_messages, problems):
    url = base + ("" if lang == "id" else "/en") + path
    driver.set_window_size(width, 900)
    driver.get(url)
    where = f"{name} [{lang}, {width}px]"
    body = driver.find_element("tag name", "body").text
    for text in texts:
        if text not in body:
            problems.append(f"{where}: missing text {text!r}")
    html_lang = driver.find_element("tag name", "html").get_attribute("lang")
    if html_lang != lang:
        problems.append(f"{where}: <html lang={html_lang!r}>")
    if lang == "id":
        leftovers = english_messages.leftovers(driver.execute_script(VISIBLE_TEXTS_JS))
        if leftovers:
            problems.append(f"{where}: English left: {leftovers}")
    for control in driver.execute_script(UNLABELLED_JS):
        problems.append(f"{where}: control without a label: {control}")
    for failure in driver.execute_script(CONTRAST_JS):
        problems.append(f"{where}: contrast {failure}")
    if width <= 375:
        overflow = driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 1:
            problems.append(f"{where}: {overflow}px wider than the screen")
        # On a phone the page's content comes before its sidebar.
        order = driver.execute_script(
            "const p = document.querySelector('.row.wrapper > .primary'),"
            " s = document.querySelector('.row.wrapper > .secondary');"
            "return p && s && s.offsetHeight ? [p.getBoundingClientRect().top, s.getBoundingClientRect().top] : null;")
        if order and order[0] > order[1]:
            problems.append(f"{where}: the sidebar comes before the content")
    for violation in _policy_violations(driver):
        problems.append(f"{where}: {violation}")
    host = urlparse(base).netloc
    for resource in driver.execute_script(FOREIGN_JS):
        parts = urlparse(resource)
        if parts.scheme in ("http", "https") and parts.netloc != host:
            problems.append(f"{where}: loads {resource} from another site")
    screenshot(driver, f"page-{name}-{lang}-{width}")


def test_every_main_page_in_both_languages_and_both_widths(demo, live_server, chromium, english_messages):
    problems: list[str] = []
    for name, (path, id_texts, en_texts) in PUBLIC_PAGES.items():
        for lang, texts in (("id", id_texts), ("en", en_texts)):
            for width in (1280, 375):
                _check_page(chromium, live_server, name, path, lang, width, texts, english_messages, problems)
    chromium_login(chromium, live_server, "operator-dinkes", "Demo#Kutim2026")
    path, id_texts, en_texts = FORM_PAGE
    for lang, texts in (("id", id_texts), ("en", en_texts)):
        for width in (1280, 375):
            _check_page(chromium, live_server, "dataset-form", path, lang, width, texts, english_messages, problems)
    assert not problems, "\n".join(problems)


def test_the_buttons_core_wired_with_inline_script_work_under_the_policy(portal, make_dataset, live_server,
                                                                         chromium):
    """Core's resource form (Upload / Link / Remove) and API token list wire
    their buttons with onclick/onchange attributes, which the policy does not
    run: rendered without them, the same buttons work from the portal's script
    and nothing is refused."""
    from selenium.webdriver.common.by import By
    dataset = make_dataset("draft", name="tombol-formulir")
    chromium_login(chromium, live_server, portal.editor)
    chromium.get(f"{live_server}/dataset/{dataset['name']}/resource/new")
    html = chromium.page_source
    assert "onclick=" not in html

    def checked(box_id):
        return chromium.execute_script(f"return document.getElementById('{box_id}').checked")

    chromium.find_element(By.ID, "resource-link-button").click()
    assert checked("resource-url-link")
    assert chromium.execute_script("return document.activeElement.id") == "field-resource-url"
    chromium.find_element(By.ID, "field-resource-url").send_keys("https://example.com/data.csv")
    [button for button in chromium.find_elements(By.CSS_SELECTOR, ".btn-remove-url") if button.is_displayed()][0].click()
    assert checked("resource-url-none")
    assert chromium.find_element(By.ID, "field-resource-url").get_attribute("value") == ""
    chromium.find_element(By.ID, "resource-upload-button").click()
    assert checked("resource-url-upload")

    helpers.call_action("api_token_create", ctx(portal.editor), user=portal.editor["name"], name="skrip-laporan")
    chromium.get(f"{live_server}/user/{portal.editor['name']}/api-tokens")
    revoke = chromium.find_element(By.ID, "revoke-tokens-button")
    assert not revoke.is_enabled()
    chromium.find_element(By.CSS_SELECTOR, "input[name=token]").click()
    assert revoke.is_enabled()
    assert not _policy_violations(chromium)

    # The Rujukan boxes of the dataset form: "Tambah" adds a box, "Hapus" removes one.
    chromium.get(f"{live_server}/dataset/edit/{dataset['name']}")
    boxes = lambda: chromium.find_elements(By.CSS_SELECTOR, "fieldset[name=rujukan] input")  # noqa: E731
    before = len(boxes())

    def click(element):  # a click as the page's script receives it (the field may be below the fold)
        chromium.execute_script("arguments[0].click()", element)

    click(chromium.find_element(By.CSS_SELECTOR, ".satudata-multiple-add"))
    assert len(boxes()) == before + 1
    assert chromium.execute_script("return document.activeElement.getAttribute('aria-label')") == f"Rujukan {before + 1}"
    click(chromium.find_elements(By.CSS_SELECTOR, "fieldset[name=rujukan] [name=multiple-remove]")[-1])
    import time
    time.sleep(0.5)  # scheming hides the box with a 100 ms animation
    assert len(boxes()) == before
    assert chromium.current_url.endswith(f"/dataset/edit/{dataset['name']}")
    assert not _policy_violations(chromium)

    # A rejected form: the error summary is coloured (Bootstrap 5 does not style core's "alert-error").
    boxes()[-1].clear()
    boxes()[-1].send_keys("ftp://salah")
    click(chromium.find_element(By.CSS_SELECTOR, "#dataset-edit button[name=save]"))
    summary = chromium.find_element(By.CSS_SELECTOR, ".error-explanation")
    assert summary.value_of_css_property("background-color") not in ("rgba(0, 0, 0, 0)", "transparent")
