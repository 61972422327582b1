"""Real CKAN web servers for the interoperability tests, started from the tests.

- The portal under test, served by ``ckan run`` on test.ini's database, Solr core
  and Redis, so curl, ckanapi and other portals reach it over HTTP the way the
  public does (its site URL is the live address).
- A second CKAN site on its own database and Solr core: plain CKAN 2.12 with
  DCAT and ckanext-harvest (the same installed code), standing in for the
  national portal or a neighbouring regency, which does not have the Kutai
  Timur schema.

Ports come from SATUDATA_TEST_PORTAL_PORT and SATUDATA_TEST_PEER_PORT, the
peer's database and core are ``ckan_harvest_src`` + ``_<isolation>`` when
SATUDATA_TEST_ISOLATION is set, so checkouts testing side by side never meet.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from typing import Optional

import requests

# The same ckan command and quiet logging as every other server the tests start.
from ckanext.satudata.tests.live import CKAN as _CKAN, _LOGGING

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", ".."))
LIVE_DIR = os.path.join(ROOT, ".data", "live")
PORTAL_PORT = int(os.environ.get("SATUDATA_TEST_PORTAL_PORT", "5050"))
PEER_PORT = int(os.environ.get("SATUDATA_TEST_PEER_PORT", "5051"))
PORTAL_URL = f"http://127.0.0.1:{PORTAL_PORT}"
_ISOLATION = re.sub(r"[^a-z0-9_]", "_", os.environ.get("SATUDATA_TEST_ISOLATION", ""))
PEER_DB = "ckan_harvest_src" + (f"_{_ISOLATION}" if _ISOLATION else "")
PEER_SITE_ID = "satudata-peer" + (f"-{_ISOLATION}" if _ISOLATION else "")
_ENV_OVERRIDES = ("CKAN_INI", "CKAN_SQLALCHEMY_URL", "CKAN_SOLR_URL", "CKAN_SITE_URL", "CKAN_SITE_ID")


class ServerError(RuntimeError):
    pass


class LiveCKAN:
    """One CKAN site: its ini file, its CLI and its web server process."""

    def __init__(self, name: str, port: int, ini_body: str, env: dict[str, str],
                 own_environment: bool = True):
        self.name = name
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        os.makedirs(LIVE_DIR, exist_ok=True)
        self.ini = os.path.join(LIVE_DIR, f"{name}.ini")
        self.log_path = os.path.join(LIVE_DIR, f"{name}.log")
        with open(self.ini, "w", encoding="utf-8") as f:
            f.write(f"# Written by the tests ({__name__}); do not edit.\n{ini_body}{_LOGGING}")
        # CKAN_* variables override ini files: a site of its own drops the test
        # process's; the portal keeps them (an isolated run's database and core).
        self.env = {k: v for k, v in os.environ.items()
                    if not (own_environment and k in _ENV_OVERRIDES)}
        self.env.pop("CKAN_SITE_URL", None)
        self.env.update(env)
        self.process: Optional[subprocess.Popen] = None

    def cli(self, *args: str, check: bool = True, timeout: int = 300) -> str:
        proc = subprocess.run([_CKAN, "-c", self.ini, *args], env=self.env, capture_output=True,
                              text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise ServerError(f"ckan {' '.join(args)} failed ({proc.returncode}):\n"
                              f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        return proc.stdout + proc.stderr

    def start(self, timeout: int = 90) -> "LiveCKAN":
        try:
            requests.get(self.url, timeout=1)
            raise ServerError(f"port {self.port} is in use already: set SATUDATA_TEST_"
                              f"{self.name.upper()}_PORT to a free port")
        except requests.ConnectionError:
            pass
        log = open(self.log_path, "w", encoding="utf-8")
        self.process = subprocess.Popen(
            [_CKAN, "-c", self.ini, "run", "--host", "127.0.0.1", "--port", str(self.port),
             "--disable-reloader", "--threaded"],
            env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"{self.name} exited at start; see {self.log_path}")
            try:
                if requests.get(f"{self.url}/api/3/action/status_show", timeout=2).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.3)
        self.stop()
        raise ServerError(f"{self.name} did not answer within {timeout}s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def portal() -> LiveCKAN:
    """The portal under test on test.ini (its database, Solr core and Redis come
    from the same environment as the test process, isolation included)."""
    body = (f"[app:main]\nuse = config:{os.path.join(ROOT, 'test.ini')}\n"
            f"ckan.site_url = http://127.0.0.1:{PORTAL_PORT}\n")
    return LiveCKAN("portal", PORTAL_PORT, body, {}, own_environment=False)


def _lib_sh(*commands: str) -> None:
    script = f"source {os.path.join(ROOT, 'scripts', 'lib.sh')}\n" + "\n".join(commands)
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise ServerError(f"preparing {PEER_DB} failed:\n{proc.stdout}\n{proc.stderr}")


def peer() -> LiveCKAN:
    """The second site, on a fresh database and Solr core of its own."""
    _lib_sh(f"ensure_database {PEER_DB}", f"ensure_solr_core {PEER_DB}")
    db = f"postgresql://ckan:ckan@127.0.0.1:5432/{PEER_DB}"
    solr = f"http://127.0.0.1:8983/solr/{PEER_DB}"
    redis_url = os.environ.get("CKAN_REDIS_URL", "redis://127.0.0.1:6379/1")
    storage = os.path.join(LIVE_DIR, "peer-storage")
    shutil.rmtree(storage, ignore_errors=True)
    secret = "peer-secret-not-for-production"
    body = f"""[app:main]
use = egg:ckan
sqlalchemy.url = {db}
solr_url = {solr}
ckan.redis.url = {redis_url}
ckan.site_url = http://127.0.0.1:{PEER_PORT}
ckan.site_id = {PEER_SITE_ID}
ckan.site_title = Portal Data Indonesia (uji)
ckan.storage_path = {storage}
ckan.plugins = activity dcat harvest ckan_harvester dcat_rdf_harvester
ckanext.dcat.rdf.profiles = euro_dcat_ap_3
ckan.harvest.mq.type = redis
ckan.locale_default = id
ckan.auth.create_unowned_dataset = false
ckan.views.default_views =
SECRET_KEY = {secret}
WTF_CSRF_SECRET_KEY = {secret}
api_token.jwt.encode.secret = string:{secret}
api_token.jwt.decode.secret = string:{secret}
smtp.server = 127.0.0.1:{os.environ.get('SATUDATA_TEST_SMTP_PORT', '8025')}
"""
    site = LiveCKAN("peer", PEER_PORT, body, {"CKAN_SQLALCHEMY_URL": db, "CKAN_SOLR_URL": solr,
                                              "CKAN_SITE_URL": f"http://127.0.0.1:{PEER_PORT}"})
    site.cli("db", "clean", "--yes")
    site.cli("db", "init")
    site.cli("db", "upgrade")
    site.cli("harvester", "purge-queues", check=False)
    return site


def token_for_new_sysadmin(site: LiveCKAN, name: str, password: str) -> str:
    site.cli("user", "add", name, f"email={name}@peer.example.go.id", f"password={password}")
    site.cli("sysadmin", "add", name)
    out = site.cli("user", "token", "add", name, "tests")
    lines = out.splitlines()
    for i, line in enumerate(lines):
        if "API Token created" in line and i + 1 < len(lines):
            return lines[i + 1].strip()
    raise ServerError(f"no token in: {out}")
