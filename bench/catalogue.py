"""A generated catalogue for the benchmarks: DATASETS approved public datasets over
40 Instansi and 12 Tematik with the Kutai Timur fields and 1–3 links each.

Used by bench/services.py and bench/search.py on an isolated test database, which
it EMPTIES (never a portal's data).
"""
from __future__ import annotations

import time

FORMATS = ["CSV", "XLSX", "PDF", "JSON", "CSV"]
FREKUENSI = ["tahunan", "bulanan", "triwulanan", "tidak-tentu", "semesteran"]


def fill(datasets: int, organizations: int = 40, tematik: int = 12) -> list[tuple[str, str, str]]:
    """(id, name, first resource id) of each dataset created and indexed."""
    import ckan.model as model
    from ckan.cli.db import _run_migrations
    from ckan.lib import search
    from ckan.tests import helpers

    helpers.reset_db()
    for plugin in ("activity", "harvest", "satudata"):  # tables package_show reads
        _run_migrations(plugin)
    search.clear_all()
    helpers.call_action("user_create", {"ignore_auth": True}, name="bench-admin",
                        email="bench@example.com", password="Bench#Satudata2026")
    model.User.get("bench-admin").sysadmin = True
    model.Session.commit()
    context = {"user": "bench-admin", "ignore_auth": True}
    orgs = [helpers.call_action("organization_create", dict(context), name=f"opd-{i:02d}",
                                title=f"Dinas Bench {i:02d}") for i in range(organizations)]
    for i in range(tematik):
        helpers.call_action("group_create", dict(context), name=f"tematik-{i}", title=f"Tematik {i}")
    started = time.perf_counter()
    ids = []
    for i in range(datasets):
        links = [{"name": f"Data {n + 1}", "url": f"https://data.example/{i}/{n}.{FORMATS[(i + n) % 5].lower()}",
                  "format": FORMATS[(i + n) % 5]} for n in range(1 + i % 3)]
        pkg = helpers.call_action("package_create", dict(context), name=f"dataset-{i:05d}",
                                  title=f"Jumlah penduduk bench {i}", notes="Data untuk pengukuran.",
                                  owner_org=orgs[i % organizations]["id"], sumber="Bench", maintainer="Bidang Data",
                                  maintainer_email=f"pengelola{i % 40}@kutaitimurkab.go.id",
                                  frekuensi=FREKUENSI[i % 5], level_penyajian="kecamatan",
                                  tahun=2020 + i % 6, cakupan="64.08", tag_string="bench,penduduk",
                                  groups=[{"name": f"tematik-{i % tematik}"}], resources=links)
        obj = model.Package.get(pkg["id"])
        obj.extras = dict(obj.extras, approval_status="approved", approval_at="2025-06-02T10:00:00",
                          approval_submitted_at="2025-06-01T10:00:00")
        ids.append((pkg["id"], pkg["name"], pkg["resources"][0]["id"]))
    model.Session.commit()
    for pkg_id, _name, _rid in ids:
        search.rebuild(pkg_id, defer_commit=True)
    search.commit()
    label = f"setup: {datasets} approved datasets indexed"
    print(f"{label:<58} {(time.perf_counter() - started) * 1000:9.0f} ms")
    return ids
