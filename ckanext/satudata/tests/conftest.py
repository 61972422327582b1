"""Every test runs with the portal's plugins (test.ini) on the real services."""
from __future__ import annotations

import io
import os
from types import SimpleNamespace

import pytest
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.tests import factories as core_factories
from ckan.tests import helpers

from ckanext.satudata.tests.factories import complete_dataset
# The running portal (ckan run + jobs worker) of the DataStore tests.
from ckanext.satudata.tests.live import empty_datastore, live_portal, loader  # noqa: F401

# Plugins of test.ini whose tables come from their own alembic migrations.
_MIGRATED_PLUGINS = ("activity", "satudata", "harvest")

PASSWORD = "Rahasia#Kutim2026"
GOOD_CSV = "kode_wilayah,kecamatan,jumlah\n64.08.04,Sangatta Utara,120\n64.08.12,Sangatta Selatan,80\n"


@pytest.fixture(autouse=True)
def _satudata_plugins(with_plugins):
    """Load the plugins of test.ini for every test (CKAN unloads them between tests)."""
    yield


@pytest.fixture(autouse=True)
def _no_limits_left_over():
    """Each test starts with nothing counted against 127.0.0.1 or an account
    (data requests, sign-ins, password resets: throttle.py)."""
    from ckan.lib.redis import connect_to_redis
    redis = connect_to_redis()
    for key in redis.scan_iter(f"{tk.config.get('ckan.site_id')}:satudata:*"):
        redis.delete(key)
    yield


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    """Core's clean_db plus the migrations of the plugins that have tables."""
    reset_db()
    enabled = tk.config.get("ckan.plugins")
    for plugin in _MIGRATED_PLUGINS:
        if plugin in enabled and _has_migrations(plugin):
            migrate_db_for(plugin)


def _has_migrations(plugin):
    from ckan.plugins import get_plugin
    module = __import__(type(get_plugin(plugin)).__module__, fromlist=["x"])
    return os.path.isdir(os.path.join(os.path.dirname(module.__file__), "migration", plugin))


def upload(data: str | bytes, filename: str) -> FileStorage:
    import mimetypes
    if isinstance(data, str):
        data = data.encode("utf-8")
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return FileStorage(stream=io.BytesIO(data), filename=filename, content_type=content_type)


def ctx(user) -> dict:
    """A fresh action context for a user dict, a user name, or None (anonymous)."""
    if user is None:
        return {"user": "", "ignore_auth": False}
    name = user if isinstance(user, str) else user["name"]
    return {"user": name, "ignore_auth": False}


@pytest.fixture
def portal(clean_db, clean_index):
    """The people and Instansi of the Satu Data flow, on a clean database and index.

    walidata: editor of diskominfo (the Walidata Instansi); pembina: editor of bps;
    editor/admin/member: of dinkes; other_editor: editor of distan; sysadmin.
    """
    sysadmin = core_factories.Sysadmin(password=PASSWORD)
    orgs = {name: core_factories.Organization(name=name, title=name.title())
            for name in ("diskominfo", "bps", "dinkes", "distan")}
    users = {}
    for key, org, role in [("walidata", "diskominfo", "editor"), ("pembina", "bps", "editor"),
                           ("editor", "dinkes", "editor"), ("admin", "dinkes", "admin"),
                           ("member", "dinkes", "member"), ("other_editor", "distan", "editor")]:
        users[key] = core_factories.User(name=key.replace("_", "-"), email=f"{key}@kutaitimurkab.go.id",
                                         password=PASSWORD)
        helpers.call_action("organization_member_create", ctx(sysadmin),
                            id=orgs[org]["id"], username=users[key]["name"], role=role)
    users["outsider"] = core_factories.User(name="warga", email="warga@example.com", password=PASSWORD)
    return SimpleNamespace(sysadmin=sysadmin, orgs=orgs, **users)


@pytest.fixture
def make_dataset(portal):
    """make_dataset(status="draft", **fields): a complete dinkes dataset with a CSV
    upload, created by the dinkes editor and walked to ``status``."""

    def factory(status: str = "draft", csv: str = GOOD_CSV, **fields):
        org = fields.pop("owner_org", portal.orgs["dinkes"]["id"])
        creator = fields.pop("creator", portal.editor)
        prioritas = fields.pop("prioritas", False)
        dataset = helpers.call_action("package_create", ctx(creator), **complete_dataset(org, **fields))
        helpers.call_action("resource_create", ctx(creator), package_id=dataset["id"], name="Data",
                            format="CSV", upload=upload(csv, "data.csv"))
        if prioritas:
            helpers.call_action("package_patch", ctx(portal.walidata), id=dataset["id"], prioritas=True)
        if status != "draft":
            helpers.call_action("satudata_dataset_submit", ctx(creator), id=dataset["id"])
        if status in ("approved", "pembina_review"):
            helpers.call_action("satudata_dataset_approve", ctx(portal.walidata), id=dataset["id"])
        if status == "approved" and prioritas:
            helpers.call_action("satudata_dataset_approve", ctx(portal.pembina), id=dataset["id"])
        if status == "rejected":
            helpers.call_action("satudata_dataset_reject", ctx(portal.walidata), id=dataset["id"],
                                note="Lengkapi sumber data")
        return helpers.call_action("package_show", {"ignore_auth": True}, id=dataset["id"])

    return factory


class Api:
    """The Action API over HTTP, as a developer's client calls it (JSON body,
    API token header), so messages come in the portal's language."""

    def __init__(self, app):
        self.app = app
        self._tokens: dict[str, str] = {}

    def token(self, user) -> str:
        name = user if isinstance(user, str) else user["name"]
        if name not in self._tokens:
            self._tokens[name] = helpers.call_action(
                "api_token_create", {"user": name, "ignore_auth": True}, user=name, name="tests")["token"]
        return self._tokens[name]

    def headers(self, user) -> dict:
        return {"Authorization": self.token(user)} if user else {}

    def call(self, action: str, user=None, locale: str | None = None, **data):
        """(HTTP status, parsed JSON body) of a POST to /api/3/action/<action>."""
        url = f"/api/3/action/{action}" if not locale else f"/{locale}/api/3/action/{action}"
        response = self.app.post(url, json=data, headers=self.headers(user))
        return response.status_code, response.json

    def ok(self, action: str, user=None, **data):
        status, body = self.call(action, user, **data)
        assert status == 200 and body["success"], body
        return body["result"]

    def error(self, action: str, user=None, **data) -> dict:
        status, body = self.call(action, user, **data)
        assert not body["success"], body
        return body["error"]


@pytest.fixture
def api(app):
    return Api(app)


class Browser:
    """A person at a browser: own cookies, logs in through the form, submits
    the forms of the pages it reads (hidden fields and CSRF token included)."""

    def __init__(self, make_app):
        self.app = make_app()

    def get(self, url: str, **kwargs):
        kwargs.setdefault("follow_redirects", False)
        return self.app.get(url, **kwargs)

    def page(self, url: str, status: int = 200):
        from bs4 import BeautifulSoup
        response = self.app.get(url)
        assert response.status_code == status, (url, response.status_code)
        return BeautifulSoup(response.get_data(as_text=True), "html.parser")

    def login(self, user, password: str = PASSWORD):
        name = user if isinstance(user, str) else user["name"]
        response = self.submit("/user/login", {"login": name, "password": password},
                               form=lambda f: f.find("input", attrs={"name": "password"}))
        assert response.status_code in (200, 302), response.status_code
        return self

    def form_fields(self, form) -> list[tuple[str, str]]:
        fields = []
        for element in form.find_all(["input", "textarea", "select"]):
            name = element.get("name")
            if not name or element.get("disabled") is not None:
                continue
            if element.name == "input" and element.get("type") in ("checkbox", "radio") \
                    and element.get("checked") is None:
                continue
            if element.name == "input" and element.get("type") in ("submit", "button", "file"):
                continue
            if element.name == "select":
                chosen = element.find("option", selected=True) or element.find("option")
                fields.append((name, chosen.get("value", chosen.text) if chosen else ""))
            elif element.name == "textarea":
                fields.append((name, element.text))
            else:
                fields.append((name, element.get("value", "")))
        return fields

    def submit(self, url: str, data: dict, form=None, button: tuple[str, str] | None = None,
               files: dict | None = None):
        """Open ``url``, find the form (a predicate on forms, or the first POST form
        that is not the site search), fill ``data`` over its fields and post it."""
        from werkzeug.datastructures import MultiDict
        soup = self.page(url)
        forms = [f for f in soup.find_all("form") if (f.get("method") or "get").lower() == "post"]
        if form is not None:
            forms = [f for f in forms if form(f)]
        assert forms, f"no matching form on {url}"
        chosen = forms[0]
        fields = MultiDict(self.form_fields(chosen))
        for key, value in data.items():
            if isinstance(value, list):
                fields.setlist(key, value)
            else:
                fields[key] = value
        if button is None:
            # As a browser does on Enter: the form's first submit button is sent.
            # (a <button> submits unless typed otherwise; an <input> only if typed so)
            first = chosen.find(lambda t: t.get("name") and (
                (t.name == "button" and (t.get("type") or "submit").lower() == "submit")
                or (t.name == "input" and (t.get("type") or "").lower() == "submit")))
            if first is not None:
                button = (first["name"], first.get("value", ""))
        if button:
            fields[button[0]] = button[1]
        for key, value in (files or {}).items():
            fields[key] = value
        action = chosen.get("action") or url
        return self.app.post(action, data=fields, content_type="multipart/form-data" if files else None,
                             follow_redirects=False)


@pytest.fixture
def browser(make_app):
    """browser() -> a new Browser with its own cookies."""
    return lambda: Browser(make_app)


# --------------------------------------------------------------------------- live server and Chromium

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "test-artifacts")


@pytest.fixture
def live_server(make_app):
    """The portal served over real HTTP on a free 127.0.0.1 port, in a thread of
    this process, on the test database and Solr core."""
    import threading
    from werkzeug.serving import make_server
    from ckan.lib.i18n import build_js_translations

    # What `ckan run` does at start: the JavaScript modules' translations.
    build_js_translations()
    wsgi = make_app().app
    server = make_server("127.0.0.1", 0, wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    # Links in pages and e-mails point at the live server.
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(tk.config, "ckan.site_url", url)
        yield url
    server.shutdown()
    thread.join(timeout=10)


def _chromium_options(width: int = 1280, height: int = 900):
    from selenium import webdriver
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--lang=id", f"--window-size={width},{height}",
                # Bootstrap scrolls smoothly unless motion is reduced; a click during the
                # animation lands on whatever is under the pointer then.
                "--force-prefers-reduced-motion"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": "/tmp/satudata-downloads",
                                              "download.prompt_for_download": False})
    return options


@pytest.fixture
def chromium():
    """Debian's headless Chromium through its own chromedriver (no download of a browser)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=_chromium_options())
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def screenshot(driver, name: str) -> str:
    """Save a full-page screenshot under test-artifacts/screenshots (git-ignored)."""
    folder = os.path.abspath(os.path.join(ARTIFACTS, "screenshots"))
    os.makedirs(folder, exist_ok=True)
    width = driver.execute_script("return window.innerWidth")
    height = driver.execute_script("return Math.max(document.body.scrollHeight, 600)")
    driver.set_window_size(width if width > 400 else 375, min(height + 120, 8000))
    path = os.path.join(folder, f"{name}.png")
    driver.save_screenshot(path)
    return path


def chromium_login(driver, base: str, user, password: str = PASSWORD) -> None:
    from selenium.webdriver.common.by import By
    name = user if isinstance(user, str) else user["name"]
    driver.get(f"{base}/user/login")
    driver.find_element(By.ID, "field-login").send_keys(name)
    driver.find_element(By.ID, "field-password").send_keys(password)
    driver.find_element(By.ID, "field-password").submit()
    # Signed in once the page after the form has the sign-out button; a page asked
    # for earlier could cut the sign-in short (seen in CI under load).
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "form[action$='/user/_logout']"))


# --------------------------------------------------------------------------- e-mail through a real SMTP server

class Inbox:
    """What a real SMTP server (aiosmtpd) received: to, subject and body of each message."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        import email
        from email.header import decode_header, make_header
        message = email.message_from_bytes(envelope.content)
        self.messages.append({
            "to": envelope.rcpt_tos,
            "subject": str(make_header(decode_header(message["Subject"]))),
            "body": message.get_payload(decode=True).decode("utf-8"),
        })
        return "250 OK"


@pytest.fixture
def smtp(clean_queues):
    """A real SMTP server where the portal sends mail (smtp.server of this run, 127.0.0.1:8025 by default).
    The test starts with no queued job left by earlier ones (``clean_queues``): ``delivered`` works
    the whole queue, and the jobs earlier tests had left made one mail test take eleven minutes."""
    from aiosmtpd.controller import Controller
    inbox = Inbox()
    host, port = tk.config["smtp.server"].split(":")
    controller = Controller(inbox, hostname=host, port=int(port))
    controller.start()
    yield inbox
    controller.stop()


def run_jobs() -> None:
    """Work the queued background jobs once, as `ckan jobs worker --burst`."""
    from ckan.lib import jobs
    jobs.Worker(["default"]).work(burst=True)


def delivered(smtp) -> dict:
    """Run the queued jobs; the messages they delivered, by recipient."""
    smtp.messages.clear()
    run_jobs()
    return {to: m for m in smtp.messages for to in m["to"]}
