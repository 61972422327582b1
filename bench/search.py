"""Where a search's time goes: the portal's requests on a generated catalogue,
in process, with SQL statements and Solr requests counted per call.

    SATUDATA_TEST_ISOLATION=bench bash bench/search.sh [DATASETS] [--profile]

It EMPTIES the isolated test database and Solr core of SATUDATA_TEST_ISOLATION
when their dataset count differs from DATASETS (default 1000), and fills them
(bench/catalogue.py). Prints median and p95 ms over 40 calls, SQL statements and
Solr requests per call; --profile adds the 25 costliest functions of each.
"""
from __future__ import annotations

import cProfile
import io
import os
import pstats
import statistics as stats
import sys
import time


class Counter:
    """SQL statements (SQLAlchemy event) and Solr requests (pysolr) during a call."""

    def __init__(self) -> None:
        import pysolr
        import sqlalchemy as sa
        import ckan.model as model
        self.sql = self.solr = 0
        sa.event.listen(model.meta.engine, "before_cursor_execute", self._on_sql)
        original = pysolr.Solr._send_request

        def counted(solr, *args, **kwargs):
            self.solr += 1
            return original(solr, *args, **kwargs)
        pysolr.Solr._send_request = counted

    def _on_sql(self, *_args):
        self.sql += 1

    def reset(self) -> None:
        self.sql = self.solr = 0


def measure(label: str, call, counter: Counter, runs: int = 40, profile: bool = False) -> None:
    import ckan.model as model
    call()
    model.Session.remove()
    times = []
    counter.reset()
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
        model.Session.remove()
    sql, solr = counter.sql / runs, counter.solr / runs
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"{label:<44} {stats.median(times):8.1f} {p95:8.1f} {sql:7.1f} {solr:5.1f}")
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(10):
            call()
            model.Session.remove()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(out.getvalue())


def main(datasets: int, profile: bool) -> None:
    import ckan.plugins.toolkit as tk
    from ckan.lib import search
    from catalogue import fill

    conn = search.make_connection()
    if conn.search(q="*:*", rows=0).hits != datasets:  # Solr only: a database read would block the reset
        fill(datasets)
    search_action = tk.get_action("package_search")
    facets = ["organization", "groups", "tags", "res_format", "license_id", "frekuensi", "tahun",
              "level_penyajian"]
    counter = Counter()
    print(f"{'request (' + str(datasets) + ' datasets)':<44} {'median':>8} {'p95':>8} {'SQL':>7} {'Solr':>5}")
    measure("raw Solr select (the floor)", lambda: conn.search(q="penduduk", rows=20), counter)
    measure("package_search q + 8 facets", lambda: search_action(
        {"user": ""}, {"q": "penduduk", "facet.field": facets, "rows": 20}), counter, profile=profile)
    measure("package_search fq on frekuensi", lambda: search_action(
        {"user": ""}, {"fq": "frekuensi:tahunan", "rows": 20}), counter, profile=profile)
    measure("package_show", lambda: tk.get_action("package_show")(
        {"user": ""}, {"id": "dataset-00007"}), counter, profile=profile)


if __name__ == "__main__":
    from ckan.cli import CKANConfigLoader
    from ckan.config.middleware import make_app

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    args = [a for a in sys.argv[2:] if not a.startswith("--")]
    flask_app = make_app(CKANConfigLoader(sys.argv[1]).get_config())._wsgi_app
    with flask_app.test_request_context("/"):
        main(int(args[0]) if args else 1000, "--profile" in sys.argv)
