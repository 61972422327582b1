"""The portal against stock CKAN 2.12 on the same catalogue, both served by gunicorn.

    bash bench/compare.sh [DATASETS=10000] [--runs=40] [--fresh]

Stock is CKAN 2.12.0 with scheming (the portal's schemas, its own validators and
snippets taken out), activity and dcat. Each side has its own database
(bench_portal; bench_stock, a copy of it) and Solr core; the catalogue is
bench/catalogue.py's (100 datasets through package_create, copied in SQL up to
DATASETS, dates spread over two years, a year of weekly views and downloads of a
third of them) and is kept between runs (--fresh makes it again). Both are reindexed
every run with core's `ckan search-index rebuild`, the portal also with its own
`ckan satudata reindex` (datasets/s), then served by gunicorn with the same workers (2 processes x 4
threads, gthread) while requests alternate portal/stock (which side goes first
alternates too): median and p95 ms over --runs after a warm-up, portal/stock as
the median of the ratios of each run's pair, and Solr select requests per
request, read from Solr's own metrics (counted, not assumed). Then requests/s with 10 concurrent clients
on a search page, the portal's own service pages (no stock counterpart), and the
resident memory of each side's web workers after all of it.

A benchmark that prints figures; nothing here asserts a time.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(os.environ.get("SATUDATA_DATA", os.path.join(ROOT, ".data")), "bench")
SOLR = "http://127.0.0.1:8983/solr"
PG = "postgresql://ckan:ckan@127.0.0.1:5432"
SIDES = {"portal": 5091, "stock": 5092}
FACETS = ["organization", "groups", "tags", "res_format", "license_id", "frekuensi", "tahun", "level_penyajian"]
SCHEMING_SNIPPETS = os.path.join(os.path.dirname(__import__("ckanext.scheming").scheming.__file__),
                                 "templates", "scheming")


# --- configuration ------------------------------------------------------------------

def _stock_field(field: dict) -> dict:
    """A schema field without what only the portal's plugin provides."""
    out = {}
    for key, value in field.items():
        if key == "preset" and str(value).startswith("satudata_"):
            if value == "satudata_select":
                out["preset"] = "select"
            continue
        if key in ("validators", "output_validators"):
            kept = [v for v in str(value).split() if not v.startswith("satudata_")]
            if key == "validators":
                out[key] = " ".join(["ignore_missing"] * ("ignore_missing" not in kept) + kept) or "ignore_missing"
            elif kept:
                out[key] = " ".join(kept)
            continue
        if key in ("form_snippet", "display_snippet") and value:
            kind = "form_snippets" if key == "form_snippet" else "display_snippets"
            if not os.path.exists(os.path.join(SCHEMING_SNIPPETS, kind, value)):
                continue
        if key == "choices_helper":
            continue
        out[key] = value
    if field.get("preset") == "satudata_workflow":
        out["form_snippet"] = None
    return out


def write_configs() -> dict[str, str]:
    os.makedirs(BENCH, exist_ok=True)
    schemas = os.path.join(ROOT, "ckanext", "satudata", "schemas")
    urls = {}
    for name in ("dataset", "organization", "group"):
        with open(os.path.join(schemas, f"{name}.yaml")) as f:
            schema = yaml.safe_load(f)
        for key in ("dataset_fields", "resource_fields", "fields"):
            if key in schema:
                schema[key] = [_stock_field(f) for f in schema[key]]
        path = os.path.join(BENCH, f"stock-{name}.yaml")
        with open(path, "w") as f:
            yaml.safe_dump(schema, f, allow_unicode=True, sort_keys=False)
        urls[name] = "file://" + path
    common = f"""
sqlalchemy.url = {PG}/bench_{{side}}
solr_url = {SOLR}/bench_{{side}}
ckan.redis.url = redis://127.0.0.1:6379/7
ckan.site_url = http://127.0.0.1:{{port}}
ckan.site_id = bench-{{side}}
ckan.storage_path = {BENCH}/storage-{{side}}
SECRET_KEY = bench-only
WTF_CSRF_SECRET_KEY = bench-only
api_token.jwt.encode.secret = string:bench-only
api_token.jwt.decode.secret = string:bench-only
ckan.cache_expires = 0

[loggers]
keys = root
[handlers]
keys = console
[formatters]
keys = generic
[logger_root]
level = ERROR
handlers = console
[handler_console]
class = StreamHandler
args = (sys.stderr,)
formatter = generic
[formatter_generic]
format = %(asctime)s %(levelname)s [%(name)s] %(message)s
"""
    ini = {}
    ini["portal"] = f"""[app:main]
use = config:{ROOT}/config/satudata.ini
ckan.datastore.write_url = postgresql://datastore_write:datastore@127.0.0.1:5432/bench_datastore
ckan.datastore.read_url = postgresql://datastore_read:datastore@127.0.0.1:5432/bench_datastore
smtp.server = 127.0.0.1:8099
""" + common
    ini["stock"] = f"""[app:main]
use = egg:ckan
ckan.plugins = scheming_datasets scheming_organizations scheming_groups activity dcat
scheming.dataset_schemas = {urls['dataset']}
scheming.organization_schemas = {urls['organization']}
scheming.group_schemas = {urls['group']}
scheming.presets = ckanext.scheming:presets.json
scheming.dataset_fallback = false
ckan.locale_default = id
ckan.locales_offered = id en
ckan.datasets_per_page = 20
ckanext.dcat.datasets_per_page = 100
""" + common
    paths = {}
    for side, text in ini.items():
        paths[side] = os.path.join(BENCH, f"{side}.ini")
        with open(paths[side], "w") as f:
            f.write(text.format(side=side, port=SIDES[side]))
    return paths


# --- data -----------------------------------------------------------------------------

def _psql(sql: str, db: str = "postgres") -> str:
    return subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-At", "-d", db, "-c", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def _datasets(db: str) -> int:
    try:
        return int(_psql("select count(*) from package where type = 'dataset' and state = 'active'", db) or 0)
    except subprocess.CalledProcessError:
        return -1


def _solr_count(side: str) -> int:
    with urllib.request.urlopen(f"{SOLR}/bench_{side}/select?q=*:*&rows=0&wt=json") as answer:
        return json.load(answer)["response"]["numFound"]


def _ckan(ini: str, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run(["ckan", "-c", ini, *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=open(os.path.join(BENCH, "ckan.log"), "a"))
    return time.perf_counter() - start


def prepare(datasets: int, inis: dict[str, str], fresh: bool) -> dict[tuple[str, str], float]:
    """Fills bench_portal (unless it already holds DATASETS), copies it to
    bench_stock, and reindexes both: datasets/s per side and command."""
    if fresh or _datasets("bench_portal") != datasets:
        print(f"filling bench_portal with {datasets} datasets ...", flush=True)
        _ckan(inis["portal"], "db", "init")
        subprocess.run([sys.executable, __file__, "--fill", str(datasets), inis["portal"]], check=True)
        fresh = True
    if fresh or _datasets("bench_stock") != datasets:
        _psql("drop database if exists bench_stock")
        _psql("create database bench_stock owner ckan template bench_portal")
    _ckan(inis["portal"], "db", "upgrade")  # the checkout's migrations, as a deployment runs them
    rates = {}
    # Always: the index must be what this checkout writes, and its speed is a figure. Core's command
    # on both sides, then the portal's own (the same documents, in batches: ckanext/satudata/search.py).
    for side, command in REINDEX:
        seconds = _ckan(inis[side], *command)
        rates[(side, " ".join(command))] = _solr_count(side) / seconds
    return rates


REINDEX = [("stock", ("search-index", "rebuild")), ("portal", ("search-index", "rebuild")),
           ("portal", ("satudata", "reindex", "-q"))]


def fill(datasets: int, ini: str) -> None:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import ckan.plugins.toolkit as tk
    from ckan.cli import CKANConfigLoader
    from ckan.config.middleware import make_app

    from catalogue import age_and_use, clone
    from catalogue import fill as fill_templates
    app = make_app(CKANConfigLoader(ini).get_config())._wsgi_app
    with app.test_request_context("/"):
        fill_templates(min(datasets, 100), index=False)
        clone(datasets)
        age_and_use()
        token = tk.get_action("api_token_create")({"user": "bench-admin", "ignore_auth": True},
                                                   {"user": "bench-admin", "name": "bench"})["token"]
    with open(os.path.join(BENCH, "token"), "w") as f:
        f.write(token)


# --- serving and measuring ---------------------------------------------------------------

def serve(inis: dict[str, str]) -> dict[str, subprocess.Popen]:
    servers = {}
    for side, port in SIDES.items():
        env = dict(os.environ, CKAN_INI=inis[side])
        servers[side] = subprocess.Popen(
            ["gunicorn", "ckanext.satudata.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--threads", "4", "--worker-class", "gthread", "--timeout", "300", "--name", f"bench-{side}"],
            env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(BENCH, f"gunicorn-{side}.log"), "w"))
    for side, port in SIDES.items():
        for _ in range(240):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/3/action/status_show", timeout=5).read()
                break
            except OSError:
                if servers[side].poll() is not None:
                    raise SystemExit(f"gunicorn for {side} stopped: see {BENCH}/gunicorn-{side}.log")
                time.sleep(0.5)
    return servers


def _solr_selects() -> dict[str, int]:
    with urllib.request.urlopen(f"{SOLR}/admin/metrics?group=core&prefix=QUERY./select.requests&wt=json") as a:
        metrics = json.load(a)["metrics"]
    return {side: metrics.get(f"solr.core.bench_{side}", {}).get("QUERY./select.requests", 0) for side in SIDES}


def _get(url: str, token: str = "") -> tuple[float, float, int]:
    """(ms to the first byte, ms to the last, status); as the sysadmin with TOKEN."""
    start = time.perf_counter()
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip", **(
        {"Authorization": token} if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=300) as answer:
            answer.read(1)
            first = time.perf_counter()
            answer.read()
            status = answer.status
    except urllib.error.HTTPError as error:
        first, status = time.perf_counter(), error.code
    return (first - start) * 1000, (time.perf_counter() - start) * 1000, status


def _summary(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def _api(action: str, **params) -> str:
    return f"/api/3/action/{action}?" + urllib.parse.urlencode(
        {k: json.dumps(v) if isinstance(v, list) else v for k, v in params.items()})


SHARED = [
    ("package_search q + 8 facets", _api("package_search", q="penduduk", rows=20, **{"facet.field": FACETS})),
    ("package_search fq on frekuensi", _api("package_search", fq="frekuensi:tahunan", rows=20)),
    ("package_show", _api("package_show", id="dataset-00007")),
    ("GET /dataset", "/dataset/"),
    ("GET /dataset?q&facets", "/dataset/?q=penduduk&frekuensi=tahunan&res_format=CSV"),
    ("GET /", "/"),
    ("GET /catalog.ttl", "/catalog.ttl"),
    # Each run a page not asked before: the portal keeps catalogue pages until the
    # index changes (logic/interop.py), so this row is what a change costs.
    ("GET /catalog.ttl?page=N, first", "/catalog.ttl?page={page}"),
    ("dataset page", "/dataset/dataset-00007"),
    ("GET /organization", "/organization/"),
    ("GET /group", "/group/"),
]
SERVICES = [  # as the sysadmin (the quality report and SPBE evidence are the Walidata's)
    "/statistik", "/inventaris", "/inventaris.csv", "/inventaris.xlsx", "/jadwal-rilis", "/spbe",
            "/kualitas-data"]


def compare(runs: int, datasets: int) -> None:
    print(f"\n{'request':<34} {'stock ms':>15} {'portal ms':>15} {'portal/stock':>13} {'Solr calls':>11}")
    print(f"{'':<34} {'median / p95':>15} {'median / p95':>15}")
    floor = {side: [] for side in SIDES}
    for run in range(runs):
        for side in _order(run):
            floor[side].append(_get(f"{SOLR}/bench_{side}/select?q=penduduk&rows=20&wt=json")[1])
    _row("raw Solr select (the floor)", floor, None)
    pages = max(datasets // 100, 2)  # ckanext.dcat.datasets_per_page
    for label, path in SHARED:
        times = {side: [] for side in SIDES}
        for side, port in SIDES.items():
            for _ in range(10):  # every worker and thread: some caches fill on first use
                _get(f"http://127.0.0.1:{port}{path.format(page=1)}")
        before = _solr_selects()
        row_runs = min(runs, pages - 1) if "{page}" in path else runs
        for run in range(row_runs):
            for side in _order(run):
                port = SIDES[side]
                _first, total, status = _get(f"http://127.0.0.1:{port}{path.format(page=run + 2)}")
                if status != 200:
                    raise SystemExit(f"{side} answered {status} to {path}")
                times[side].append(total)
        after = _solr_selects()
        _row(label, times, {side: (after[side] - before[side]) / row_runs for side in SIDES})


def _order(run: int) -> list[str]:
    """portal then stock on even runs, stock then portal on odd ones: neither
    side always follows the other's request."""
    return list(SIDES) if run % 2 == 0 else list(reversed(SIDES))


def _row(label: str, times: dict[str, list[float]], solr: dict[str, float] | None) -> None:
    """The ratio is the median of the ratios of the two requests of each run
    (asked back to back): a machine that slows down or speeds up during the row
    moves both sides of a pair alike, where it moves the two medians apart."""
    stock, portal = _summary(times["stock"]), _summary(times["portal"])
    ratio = statistics.median(p / s for p, s in zip(times["portal"], times["stock"]))
    calls = f"{solr['stock']:.0f} / {solr['portal']:.0f}" if solr else "—"
    print(f"{label:<34} {stock[0]:7.1f} /{stock[1]:6.1f} {portal[0]:7.1f} /{portal[1]:6.1f} "
          f"{ratio:13.2f} {calls:>11}", flush=True)


def throughput(path: str, clients: int = 10, requests: int = 200) -> None:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from throughput import run
    print(f"\n{clients} concurrent clients on {path} ({requests} requests each side)")
    for side in ("stock", "portal"):
        r = run(f"http://127.0.0.1:{SIDES[side]}{path}", clients, requests)
        print(f"  {side:<7} {r['rps']:6.1f} req/s   median {r['median']:6.0f} ms   p95 {r['p95']:6.0f} ms"
              f"   errors {r['errors']}", flush=True)


def services(runs: int) -> None:
    print(f"\nthe portal's service pages (median of {runs}; first byte / whole answer, ms)")
    port = SIDES["portal"]
    with open(os.path.join(BENCH, "token")) as f:
        token = f.read().strip()
    for path in SERVICES:
        _get(f"http://127.0.0.1:{port}{path}", token)
        before = _solr_selects()["portal"]
        firsts, totals, statuses = [], [], set()
        for _ in range(runs):
            first, total, status = _get(f"http://127.0.0.1:{port}{path}", token)
            firsts.append(first)
            totals.append(total)
            statuses.add(status)
        calls = (_solr_selects()["portal"] - before) / runs
        print(f"  {path:<20} {statistics.median(firsts):8.0f} / {statistics.median(totals):8.0f}"
              f"   Solr {calls:4.1f}   HTTP {','.join(map(str, sorted(statuses)))}", flush=True)


def rss(servers: dict[str, subprocess.Popen]) -> None:
    print("\nweb workers' resident memory after every request above (MB, per worker)")
    for side, server in servers.items():
        children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        sizes = []
        for pid in children:
            with open(f"/proc/{pid}/status") as f:
                sizes += [int(line.split()[1]) / 1024 for line in f if line.startswith("VmRSS")]
        print(f"  {side:<7} {' '.join(f'{s:.0f}' for s in sorted(sizes))}")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    options = dict(a[2:].split("=", 1) if "=" in a else (a[2:], "1") for a in sys.argv[1:] if a.startswith("--"))
    datasets = int(args[0]) if args else 10000
    runs = int(options.get("runs", 40))
    inis = write_configs()
    started = time.perf_counter()
    rates = prepare(datasets, inis, "fresh" in options)
    print(f"\n{datasets} datasets (40 Instansi, 12 Tematik, 1–3 links each); "
          f"setup {time.perf_counter() - started:.0f} s")
    stock = rates[("stock", "search-index rebuild")]
    for (side, command), rate in rates.items():
        print(f"reindex ({side}, ckan {command.removesuffix(' -q')}): {rate:.1f} datasets/s"
              + (f"  ({rate / stock:.2f} x stock)" if side != "stock" else ""))
    servers = serve(inis)
    try:
        compare(runs, datasets)
        throughput("/dataset/?q=penduduk")
        services(max(3, runs // 8))
        rss(servers)
    finally:
        for server in servers.values():
            server.terminate()
        for server in servers.values():
            server.wait(30)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--fill":
        fill(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) > 1 and sys.argv[1] == "--configs":
        print(write_configs()["portal"])
    else:
        main()
