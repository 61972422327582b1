"""Load time and peak memory of the portal's processes for CSV files of several
sizes: run by bench/datastore_load.sh, which prepares the databases and the ini.

For each size it generates a CSV, resets the peak-memory counter of the web
process (Linux /proc/PID/clear_refs), uploads the file to resource_create as a
streamed multipart body, and polls the load status (``satudata_table_status``
for the portal's exact loader, ``xloader_status`` for stock CKAN with
ckanext-xloader, ``--loader``) until the load ends while it samples the worker
and the work-horse process rq forks for each job. Memory is the kernel's peak
resident set size (VmHWM) of the real processes. With ``--results FILE`` the
figures are also written as JSON, for the ratio the shell script prints.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

CKAN = str(Path(sys.executable).with_name("ckan"))
ADMIN = "bench-admin"
BOUNDARY = "satudata-bench-boundary"
KECAMATAN = ["Sangatta Utara", "Sangatta Selatan", "Bengalon", "Muara Wahau", "Kaliorang", "Sangkulirang"]


def write_csv(path: Path, size: int) -> int:
    """A CSV of about ``size`` bytes; returns its number of data rows."""
    rows = written = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("no,kode_wilayah,kecamatan,tahun,jenis_kelamin,jumlah,keterangan\n")
        while written < size:
            chunk = "".join(
                f"{i},64.08.{i % 18 + 1:02d},{KECAMATAN[i % 6]},{2015 + i % 10},"
                f"{'laki-laki' if i % 2 else 'perempuan'},{i * 7 % 100000},Data registrasi penduduk baris {i}\n"
                for i in range(rows, rows + 1000))
            out.write(chunk)
            written += len(chunk)
            rows += 1000
    return rows


def status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except (FileNotFoundError, ProcessLookupError):
                children = []
            found += children
            todo += children
    return found


class Body:
    """multipart/form-data with the file streamed from disk (known length)."""

    def __init__(self, fields: dict[str, str], path: Path):
        head = "".join(f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                       for k, v in fields.items())
        head += (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"{path.name}\"\r\n"
                 "Content-Type: text/csv\r\n\r\n")
        self.parts = [head.encode(), path, f"\r\n--{BOUNDARY}--\r\n".encode()]
        self.length = len(self.parts[0]) + path.stat().st_size + len(self.parts[2])
        self.file = None

    def __len__(self):
        return self.length

    def read(self, size: int = 1 << 16) -> bytes:
        while self.parts:
            part = self.parts[0]
            if isinstance(part, bytes):
                self.parts.pop(0)
                return part
            self.file = self.file or open(part, "rb")
            chunk = self.file.read(size)
            if chunk:
                return chunk
            self.file.close()
            self.parts.pop(0)
        return b""


def ckan(ini: str, *args: str) -> str:
    done = subprocess.run([CKAN, "-c", ini, *args], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"ckan {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stdout


def wait_for(url: str, process: subprocess.Popen, seconds: int = 120) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the web process exited (code {process.returncode})")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ini", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--logs", required=True, help="prefix of the log files of the web and worker processes")
    parser.add_argument("--loader", choices=("satudata", "xloader"), default="satudata")
    parser.add_argument("--results", help="write the figures as JSON to this file")
    parser.add_argument("sizes", nargs="*", type=int, default=[1, 10, 100], help="sizes in MB")
    args = parser.parse_args()
    site = f"http://127.0.0.1:{args.port}"

    if ADMIN not in ckan(args.ini, "user", "list"):
        ckan(args.ini, "user", "add", ADMIN, "email=bench@satudata.test", "password=Bench#Kutim2026")
    ckan(args.ini, "sysadmin", "add", ADMIN)
    token = ckan(args.ini, "user", "token", "add", ADMIN, "bench").strip().splitlines()[-1].strip()
    headers = {"Authorization": token}

    env = dict(os.environ)
    with open(f"{args.logs}-web.log", "ab") as web_log, open(f"{args.logs}-worker.log", "ab") as worker_log:
        # The processes the run command starts, the same way.
        web = subprocess.Popen([CKAN, "-c", args.ini, "run", "--host", "127.0.0.1", "--port", str(args.port),
                                "--disable-reloader"], stdout=web_log, stderr=subprocess.STDOUT, env=env)
        worker = subprocess.Popen([CKAN, "-c", args.ini, "jobs", "worker"], stdout=worker_log,
                                  stderr=subprocess.STDOUT, env=env)
        try:
            wait_for(f"{site}/api/3/action/status_show", web)
            results = run(site, headers, args.sizes, web.pid, worker.pid, args.loader)
            if args.results:
                Path(args.results).write_text(json.dumps(results))
        finally:
            for process in (worker, web):
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


def api(site: str, headers: dict, action: str, **data):
    response = requests.post(f"{site}/api/3/action/{action}", json=data, headers=headers, timeout=120)
    body = response.json()
    if not body.get("success"):
        raise SystemExit(f"{action}: {body.get('error')}")
    return body["result"]


def purge(site: str, headers: dict) -> None:
    """Remove the benchmark's dataset and its tables (they hold every row loaded)."""
    try:
        old = api(site, headers, "package_show", id="bench-loader")
    except SystemExit:
        return
    for resource in old["resources"]:
        requests.post(f"{site}/api/3/action/datastore_delete", headers=headers, timeout=120,
                      json={"resource_id": resource["id"], "force": True})
    api(site, headers, "dataset_purge", id="bench-loader")


def load_state(site: str, headers: dict, loader: str, resource_id: str) -> tuple[str, bool, dict]:
    """(state, can the rows be read, the status) of a load."""
    if loader == "xloader":
        job = requests.get(f"{site}/api/3/action/xloader_status", params={"resource_id": resource_id},
                           headers=headers, timeout=30).json().get("result") or {}
        state = job.get("status")
        return state, state in ("running_but_viewable", "complete"), job
    job = requests.get(f"{site}/api/3/action/satudata_table_status", params={"resource_id": resource_id},
                       headers=headers, timeout=30).json().get("result") or {}
    state = job.get("state")
    return state, state == "complete", job


def run(site: str, headers: dict, sizes: list[int], web_pid: int, worker_pid: int, loader: str) -> list[dict]:
    try:
        org = api(site, headers, "organization_show", id="bench")
    except SystemExit:
        org = api(site, headers, "organization_create", name="bench", title="Bench")
    purge(site, headers)
    fields = {} if loader == "xloader" else dict(
        sumber="Bench", maintainer="Bench", maintainer_email="bench@satudata.test", frekuensi="tahunan",
        level_penyajian="kecamatan", tahun=2024, cakupan="64.08")
    dataset = api(site, headers, "package_create", name="bench-loader", title="Bench loader", owner_org=org["id"],
                  notes="Benchmark.", **fields)
    results = []

    print(f"web pid {web_pid}, worker pid {worker_pid}; idle resident memory: web "
          f"{status_kb(web_pid, 'VmRSS') / 1024:.0f} MB, worker {status_kb(worker_pid, 'VmRSS') / 1024:.0f} MB")
    header = (f"{'file':>8} {'rows':>9} {'upload s':>9} {'table s':>8} {'load s':>7} "
              f"{'web peak MB':>12} {'web +MB':>8} {'worker peak MB':>15} {'job peak MB':>12}")
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory(prefix="satudata-bench-") as tmp:
        for size_mb in sizes:
            path = Path(tmp) / f"penduduk-{size_mb}mb.csv"
            rows = write_csv(path, size_mb * 1_000_000)
            for pid in (web_pid, worker_pid):
                Path(f"/proc/{pid}/clear_refs").write_text("5")
            web_before = status_kb(web_pid, "VmHWM")
            start = time.monotonic()
            response = requests.post(f"{site}/api/3/action/resource_create", data=Body(
                {"package_id": dataset["id"], "name": path.name, "format": "CSV"}, path),
                headers=dict(headers, **{"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}),
                timeout=1800)
            response.raise_for_status()
            resource = response.json()["result"]
            uploaded = time.monotonic() - start
            horse_peak = 0
            viewable = None
            while True:
                for pid in descendants(worker_pid):
                    horse_peak = max(horse_peak, status_kb(pid, "VmHWM"))
                state, readable, job = load_state(site, headers, loader, resource["id"])
                if readable and viewable is None:
                    viewable = time.monotonic() - start
                if state in ("complete", "error"):
                    break
                if time.monotonic() - start > 3600:
                    raise SystemExit("the load did not end within an hour")
                time.sleep(0.1)
            loaded = time.monotonic() - start
            if state == "error":
                raise SystemExit(f"{size_mb} MB: the load failed: {job.get('error') or job.get('problems')}")
            total = api(site, headers, "datastore_search", resource_id=resource["id"], limit=0)["total"]
            assert total == rows, (total, rows)
            web_peak = status_kb(web_pid, "VmHWM")
            worker_peak = max(status_kb(worker_pid, "VmHWM"), horse_peak)
            print(f"{path.stat().st_size / 1e6:>6.0f}MB {rows:>9,} {uploaded:>9.1f} {viewable:>8.1f} {loaded:>7.1f} "
                  f"{web_peak / 1024:>12.0f} {(web_peak - web_before) / 1024:>8.0f} {worker_peak / 1024:>15.0f}"
                  f" {horse_peak / 1024:>12.0f}")
            results.append({"mb": size_mb, "rows": rows, "load_s": loaded, "table_s": viewable,
                            "web_peak_mb": web_peak / 1024, "worker_peak_mb": worker_peak / 1024})
            path.unlink()
    purge(site, headers)
    print("upload s: until resource_create answered; table s: until the rows could be read "
          "(datastore_search); load s: until the loader finished (indexes built). Peak memory: "
          "VmHWM of the real processes, reset before each file; web +MB: growth of the web "
          "process during upload and load; worker peak: the jobs worker or the process rq forks "
          "for each job (job peak), whichever is higher.")
    return results


if __name__ == "__main__":
    main()
