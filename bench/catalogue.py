"""A generated catalogue for the benchmarks: DATASETS approved public datasets over
40 Instansi and 12 Tematik with the Kutai Timur fields and 1–3 links each, submitted
by a Produsen Data of their Instansi and verified by the Walidata.

Used by bench/services.py and bench/search.py on an isolated test database, which
it EMPTIES (never a portal's data).
"""
from __future__ import annotations

import time

import sqlalchemy as sa

FORMATS = ["CSV", "XLSX", "PDF", "JSON", "CSV"]
FREKUENSI = ["tahunan", "bulanan", "triwulanan", "tidak-tentu", "semesteran"]


def fill(datasets: int, organizations: int = 40, tematik: int = 12,
         index: bool = True) -> list[tuple[str, str, str]]:
    """(id, name, first resource id) of each dataset created (and indexed unless index=False)."""
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
    # The people of the workflow, as a portal has them: the Walidata (an editor of
    # the default Walidata Instansi) verified every dataset a Produsen Data of its
    # Instansi submitted; pages name them (as roles for the public).
    helpers.call_action("organization_create", dict(context), name="diskominfo", title="Diskominfo Staper")
    people = ["walidata-bench"] + [f"produsen-{i:02d}" for i in range(organizations)]
    for n, person in enumerate(people):
        helpers.call_action("user_create", {"ignore_auth": True}, name=person, email=f"{person}@example.com",
                            password="Bench#Satudata2026")
        helpers.call_action("organization_member_create", dict(context), username=person, role="editor",
                            id="diskominfo" if n == 0 else orgs[n - 1]["id"])
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
                          approval_submitted_at="2025-06-01T10:00:00", approval_by="walidata-bench",
                          approval_by_role="walidata", approval_submitted_by=f"produsen-{i % organizations:02d}",
                          approval_submitted_by_role="produsen")
        ids.append((pkg["id"], pkg["name"], pkg["resources"][0]["id"]))
    model.Session.commit()
    if not index:
        return ids
    for pkg_id, _name, _rid in ids:
        search.rebuild(pkg_id, defer_commit=True)
    search.commit()
    label = f"setup: {datasets} approved datasets indexed"
    print(f"{label:<58} {(time.perf_counter() - started) * 1000:9.0f} ms")
    return ids


def clone(total: int) -> int:
    """Copies the datasets made by fill() in SQL until the catalogue has TOTAL
    (names <name>-c<n>, titles "<title> salinan <n>", the same Instansi, Tematik,
    tags, fields and links): 10,000 datasets in seconds where package_create
    takes ~40 minutes. Indexes nothing (search-index rebuild does). The number
    of datasets afterwards."""
    import ckan.model as model

    def columns(table: str) -> list[str]:
        return [r[0] for r in model.Session.execute(sa.text(
            "select column_name from information_schema.columns where table_name = :t "
            "and table_schema = 'public' order by ordinal_position"), {"t": table})]

    def copy(table: str, key: str, replace: dict[str, str], where: str = "") -> None:
        cols = columns(table)
        chosen = [replace.get(c, f"t.{c}") for c in cols]
        model.Session.execute(sa.text(
            f'insert into "{table}" ({", ".join(cols)}) select {", ".join(chosen)} '
            f"from bench_clone c join \"{table}\" t on t.{key} = c.src {where}"))

    existing = model.Session.execute(sa.text(
        "select count(*) from package where type = 'dataset' and state = 'active'")).scalar()
    missing = total - existing
    if missing <= 0:
        return existing
    model.Session.execute(sa.text("drop table if exists bench_clone"))
    model.Session.execute(sa.text(
        "create temp table bench_clone as select src, gen_random_uuid()::text as id, n from ("
        " select p.id as src, n from package p cross join generate_series(1, :rounds) n"
        " where p.type = 'dataset' and p.state = 'active' order by n, p.name limit :missing) s"),
        {"rounds": missing // existing + 1, "missing": missing})
    new_id = "gen_random_uuid()::text"
    copy("package", "id", {"id": "c.id", "name": "t.name || '-c' || c.n",
                           "title": "t.title || ' salinan ' || c.n"})
    copy("resource", "package_id", {"id": new_id, "package_id": "c.id"})
    copy("package_tag", "package_id", {"id": new_id, "package_id": "c.id"})
    copy("member", "table_id", {"id": new_id, "table_id": "c.id"}, "and t.table_name = 'package'")
    model.Session.commit()
    return total


def age_and_use(seed: int = 6) -> None:
    """A catalogue that has lived: creation and file dates spread over the last
    two years (so that some data is overdue for the quality report and the release
    calendar) and a year of daily views and downloads of a third of the datasets
    (satudata_usage, as the summary writes it)."""
    import ckan.model as model
    model.Session.execute(sa.text("select setseed(:s)"), {"s": seed / 100})
    model.Session.execute(sa.text(
        "update package set metadata_created = now() - (random() * interval '730 days') "
        "where type = 'dataset'"))
    model.Session.execute(sa.text(
        "update resource r set created = p.metadata_created, last_modified = p.metadata_created "
        "from package p where p.id = r.package_id"))
    model.Session.execute(sa.text("delete from satudata_usage"))
    model.Session.execute(sa.text(
        "insert into satudata_usage (day, package_id, kind, count) "
        "select d::date, p.id, k, 1 + floor(random() * 20)::int "
        "from (select id from package where type = 'dataset' order by md5(id) limit "
        "(select count(*) / 3 from package where type = 'dataset')) p "
        "cross join generate_series(current_date - 364, current_date, interval '7 days') d "
        "cross join (values ('view'), ('download')) kinds(k)"))
    model.Session.commit()
