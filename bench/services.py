"""How long the open-data services take on a catalogue of a regency's size.

    SATUDATA_TEST_ISOLATION=NAME bash bench/services.sh [DATASETS] [RAW_ROWS]

It EMPTIES the test database and Solr core it runs on (the isolated ones of
NAME, as scripts/test.sh makes them), fills them with DATASETS public datasets
(default 500) over 20 Instansi and RAW_ROWS tracking rows (default 200000)
over a year, then prints the time of: the usage summary (all days, then the
daily cron run), /statistik's figures, the inventory as CSV and XLSX, the
quality report and the SPBE evidence.
"""
from __future__ import annotations

import datetime
import random
import sys
import time
import uuid

import sqlalchemy as sa


def _timed(label: str, function, repeat: int = 1):
    best = None
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    print(f"{label:<58} {best * 1000:9.0f} ms")
    return result


def main(datasets: int, raw_rows: int) -> None:
    import ckan.model as model

    from ckanext.satudata.services import inventory, quality, spbe, statistics, usage

    from catalogue import fill
    random.seed(6)
    ids = fill(datasets, organizations=20, tematik=4)

    today = datetime.date.today()
    raw = sa.table("tracking_raw", sa.column("user_key"), sa.column("url"), sa.column("tracking_type"),
                   sa.column("access_timestamp"))
    rows = []
    for n in range(raw_rows):
        pkg_id, name, rid = ids[int(random.paretovariate(1.2)) % len(ids)]
        when = datetime.datetime.combine(today - datetime.timedelta(days=random.randrange(365)),
                                         datetime.time(random.randrange(24), random.randrange(60)))
        if n % 3:
            rows.append({"user_key": uuid.uuid4().hex, "url": f"/dataset/{name}", "tracking_type": "page",
                         "access_timestamp": when})
        else:
            rows.append({"user_key": uuid.uuid4().hex, "url": f"/dataset/{pkg_id}/resource/{rid}/download/x.csv",
                         "tracking_type": "resource", "access_timestamp": when})
    for chunk in range(0, len(rows), 20000):
        model.Session.execute(raw.insert(), rows[chunk:chunk + 20000])
    model.Session.commit()
    print(f"{'setup: ' + str(raw_rows) + ' tracking_raw rows over 365 days':<58} {'':>9}")

    _timed("usage summary, all 365 days (first run)", lambda: usage.summarise(today - datetime.timedelta(days=365)))
    _timed("usage summary, daily cron run (last 3 days)", usage.summarise, repeat=3)

    stats = _timed("/statistik figures (satudata_statistics, 12 months)", lambda: statistics.compute(12), repeat=3)
    print(f"{'  -> views, downloads counted':<58} {stats['totals']['views']:>9} {stats['totals']['downloads']:>9}")
    cols = inventory.columns(None)
    _count, found = _timed("inventory search, every public dataset",
                           lambda: inventory.search({"user": ""}, {}, rows=None), repeat=3)
    _timed("inventory as CSV", lambda: inventory.to_csv(cols, found), repeat=3)
    _timed("inventory as XLSX", lambda: inventory.to_xlsx(cols, found, "Inventaris"), repeat=3)
    _timed("quality report (every dataset, per Instansi)", lambda: quality.report("bench-admin"), repeat=3)
    _timed("SPBE evidence", lambda: spbe.evidence("bench-admin"), repeat=3)


if __name__ == "__main__":
    import os
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from ckan.cli import CKANConfigLoader
    from ckan.config.middleware import make_app

    flask_app = make_app(CKANConfigLoader(sys.argv[1]).get_config())._wsgi_app
    with flask_app.test_request_context("/"):
        main(int(sys.argv[2]) if len(sys.argv) > 2 else 500, int(sys.argv[3]) if len(sys.argv) > 3 else 200000)
