"""A running portal for the tests that need real processes: the web server
(``ckan run``) and the background worker (``ckan jobs worker --burst``) on the
test database, DataStore, Solr core and Redis database of this run.

The worker reads uploads from the file store, but the tests upload and read
through the web server at ``ckan.site_url``: tests that load files mark
themselves with ``live_site`` so that the test process, the server and the
worker agree on that address.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

import ckan.plugins.toolkit as tk

ROOT = Path(__file__).resolve().parents[3]
TEST_INI = ROOT / "test.ini"
CKAN = str(Path(sys.executable).with_name("ckan"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


LIVE_PORT = _free_port()
LIVE_URL = f"http://127.0.0.1:{LIVE_PORT}"
live_site = pytest.mark.ckan_config("ckan.site_url", LIVE_URL)

_LOGGING = """
[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s
"""


def write_ini(path: Path, **settings) -> Path:
    """An ini on top of test.ini with the live site address and ``settings``."""
    lines = ["[app:main]", f"use = config:{TEST_INI}", f"ckan.site_url = {LIVE_URL}"]
    lines += [f"{key.replace('__', '.')} = {value}" for key, value in settings.items()]
    path.write_text("\n".join(lines) + "\n" + _LOGGING, encoding="utf-8")
    return path


class LivePortal:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.url = LIVE_URL
        self.ini = write_ini(workdir / "live.ini")
        self.log = workdir / "web.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [CKAN, "-c", str(self.ini), "run", "--host", "127.0.0.1", "--port", str(LIVE_PORT),
                 "--disable-reloader", "--threaded", "--disable-debugger"],
                stdout=log, stderr=subprocess.STDOUT, cwd=str(ROOT))
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the portal did not start: {self.log.read_text()[-3000:]}")
            try:
                if requests.get(f"{self.url}/api/3/action/status_show", timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the portal did not answer within 120 s: {self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def run_worker(self, timeout: int = 900, **settings) -> str:
        """Work every queued job with ``ckan jobs worker --burst`` (a separate
        process, as the run command starts it) and return its output."""
        ini = write_ini(self.workdir / "worker.ini", **settings)
        done = subprocess.run([CKAN, "-c", str(ini), "jobs", "worker", "--burst"], cwd=str(ROOT),
                              capture_output=True, text=True, timeout=timeout)
        output = done.stdout + done.stderr
        assert done.returncode == 0, output[-3000:]
        return output


@pytest.fixture(scope="session")
def live_portal(tmp_path_factory):
    """The portal served by ``ckan run`` at LIVE_URL for the whole session."""
    portal = LivePortal(tmp_path_factory.mktemp("live"))
    portal.start()
    yield portal
    portal.stop()


@pytest.fixture
def empty_datastore():
    """No table left in the DataStore and no job left in the queues."""
    import sqlalchemy as sa
    from ckan.lib.jobs import get_all_queues
    from ckanext.datastore.backend.postgres import get_write_engine

    with get_write_engine().begin() as conn:
        names = conn.execute(sa.text(
            "select tablename from pg_tables where schemaname = 'public' and tablename not like '\\_%'"
        )).scalars().all()
        for name in names:
            conn.execute(sa.text(f'drop table if exists "{name}" cascade'))
    for queue in get_all_queues():
        queue.empty()
    yield


@pytest.fixture
def loader(live_portal, empty_datastore, ckan_config):
    """The live portal, after checking that this test runs at its address."""
    assert tk.config.get("ckan.site_url") == LIVE_URL, "mark the test with live_site"
    return live_portal


def peak_memory_kb(pid: int) -> int:
    """Peak resident memory (VmHWM) of a process, in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmHWM for {pid}")


def reset_peak_memory(pid: int) -> None:
    """Start measuring the peak resident memory of ``pid`` afresh (Linux clear_refs)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def streamed_upload(url: str, fields: dict[str, str], path: Path, token: str,
                    content_type: str = "text/csv", timeout: int = 600) -> requests.Response:
    """POST ``fields`` and the file at ``path`` as multipart/form-data without
    reading the file into memory (a file-like body with a known length)."""
    return requests.post(url, data=MultipartBody(fields, "upload", path, content_type),
                         headers={"Authorization": token,
                                  "Content-Type": f"multipart/form-data; boundary={MultipartBody.BOUNDARY}"},
                         timeout=timeout)


class MultipartBody:
    BOUNDARY = "satudata-upload-boundary-6f1c"

    def __init__(self, fields: dict[str, str], file_field: str, path: Path, content_type: str):
        head = b""
        for key, value in fields.items():
            head += (f"--{self.BOUNDARY}\r\nContent-Disposition: form-data; name=\"{key}\"\r\n\r\n"
                     f"{value}\r\n").encode()
        head += (f"--{self.BOUNDARY}\r\nContent-Disposition: form-data; name=\"{file_field}\"; "
                 f"filename=\"{path.name}\"\r\nContent-Type: {content_type}\r\n\r\n").encode()
        self._parts = [head, path, f"\r\n--{self.BOUNDARY}--\r\n".encode()]
        self._length = len(head) + os.path.getsize(path) + len(self._parts[2])
        self._index = 0
        self._file = None

    def __len__(self) -> int:
        return self._length

    def read(self, size: int = 65536) -> bytes:
        while self._index < len(self._parts):
            part = self._parts[self._index]
            if isinstance(part, Path):
                if self._file is None:
                    self._file = open(part, "rb")
                chunk = self._file.read(size)
                if chunk:
                    return chunk
                self._file.close()
            else:
                self._index += 1
                return part
            self._index += 1
        return b""
