"""The visibility matrix: every kind of person × every surface × every state of
a dataset, generated from the tables below (a new surface or state is one line).

The rule (``visibility.py``): a dataset is seen by everyone only when it is
active, public and verified; before that, and while it is private, by the
members of its Instansi (any role), the Walidata and sysadmins, and in Pembina
review also by the Pembina Data. A deleted dataset is in no list, for anyone.
Each surface answers with the set of states it shows to a person; the test
compares it with the rule and reports every wrong cell at once.
"""
from __future__ import annotations

import csv
import io

import pytest

from ckan.tests import helpers

from ckanext.satudata.tests.conftest import complete_dataset, ctx

ROLES = ("anonymous", "outsider", "member", "editor", "other_editor", "walidata", "pembina", "sysadmin")

STATES = {
    # state -> how make_dataset walks it there
    "draft": dict(status="draft"),
    "pending": dict(status="pending"),
    "pembina_review": dict(status="pembina_review", prioritas=True),
    "rejected": dict(status="rejected"),
    "approved_private": dict(status="approved", private=True),
    "approved_public": dict(status="approved"),
    # Approved, with a Produsen's change waiting for the Walidata (revisions.py):
    # seen as the published version is; the change itself by nobody outside.
    "approved_revision": dict(status="approved", revise={"notes": "Isi bocor", "tag_string": "bocor"}),
    "private_revision": dict(status="approved", private=True, revise={"private": False, "notes": "Isi bocor"}),
    "deleted": dict(status="approved"),  # then deleted by the Walidata
}
LISTED = [s for s in STATES if s != "deleted"]
PUBLIC = {"approved_public", "approved_revision"}
PRIVATE = {"approved_private", "private_revision"}


INSIDERS = ("member", "editor", "walidata", "sysadmin")
# Surfaces of one dataset where its Instansi and the Walidata still reach a
# deleted dataset (its history, its files and table); no list shows it.
REACH_DELETED = {"activity streams", "download", "datastore_search", "datastore dump"}


def expected(role: str, state: str, surface: str = "") -> bool:
    """The rule, written out once more by hand for the test."""
    if state == "deleted":
        return surface in REACH_DELETED and role in INSIDERS
    if state in PUBLIC or role in INSIDERS:
        return True
    return state == "pembina_review" and role == "pembina"


# --------------------------------------------------------------------------- the world

@pytest.fixture
def world(portal, make_dataset, api):
    group = helpers.call_action("group_create", ctx(portal.sysadmin), name="kesehatan", title="Kesehatan")
    datasets = {}
    for state, how in STATES.items():
        how = dict(how)
        revise = how.pop("revise", None)
        dataset = make_dataset(name=f"ds-{state.replace('_', '-')}", title=f"Data {state}",
                               tag_string=f"tag-{state.replace('_', '-')}", **how)
        helpers.call_action("member_create", ctx(portal.sysadmin), id=group["id"], object=dataset["id"],
                            object_type="package", capacity="public")
        helpers.call_action("resource_patch", ctx(portal.sysadmin), id=dataset["resources"][0]["id"],
                            name=f"res-{state.replace('_', '-')}")
        helpers.call_action("datastore_create", {"user": portal.sysadmin["name"]},
                            resource_id=dataset["resources"][0]["id"], force=True,
                            records=[{"kecamatan": "Bengalon", "jumlah": 17}],
                            fields=[{"id": "kecamatan", "type": "text"}, {"id": "jumlah", "type": "int"}])
        if revise:
            helpers.call_action("package_patch", ctx(portal.editor), id=dataset["id"], **revise)
        datasets[state] = helpers.call_action("package_show", {"ignore_auth": True}, id=dataset["id"])
    helpers.call_action("package_delete", ctx(portal.walidata), id=datasets["deleted"]["id"])
    return datasets


def _user(portal, role):
    return None if role == "anonymous" else (portal.outsider if role == "outsider" else getattr(portal, role))


def _states_named(datasets, values) -> set[str]:
    """States whose dataset is named (by id, name, tag or resource name) in ``values``."""
    values = {str(v) for v in values}
    found = set()
    for state, d in datasets.items():
        slug = state.replace("_", "-")
        keys = {d["id"], d["name"], f"tag-{slug}", f"res-{slug}", d["resources"][0]["id"]}
        if keys & values:
            found.add(state)
    return found


def _call(api, action, user, **data):
    status, body = api.call(action, user, **data)
    return body["result"] if status == 200 and body["success"] else None


def _each(datasets, check) -> set[str]:
    return {state for state, d in datasets.items() if check(d)}


# --------------------------------------------------------------------------- the surfaces

def s_show(api, app, datasets, user):
    return _each(datasets, lambda d: _call(api, "package_show", user, id=d["id"]) is not None
                 and datasets["deleted"]["id"] != d["id"])


def s_search(api, app, datasets, user):
    r = _call(api, "package_search", user, q="*:*", rows=100, include_private=True, include_drafts=True)
    return _states_named(datasets, [d["name"] for d in r["results"]])


def s_search_fq_facets(api, app, datasets, user):
    r = _call(api, "package_search", user, fq="organization:dinkes", rows=0, include_private=True,
              include_drafts=True, **{"facet.field": ["tags", "res_name"], "facet.limit": -1})
    names = [i["name"] for f in r["search_facets"].values() for i in f["items"]]
    return _states_named(datasets, names)


def s_package_list(api, app, datasets, user):
    return _states_named(datasets, _call(api, "package_list", user))


def s_current_package_list(api, app, datasets, user):
    return _states_named(datasets, [d["name"] for d in _call(api, "current_package_list_with_resources", user)])


def s_package_autocomplete(api, app, datasets, user):
    return _states_named(datasets, [d["name"] for d in _call(api, "package_autocomplete", user, q="ds")])


def s_resource_search(api, app, datasets, user):
    r = _call(api, "resource_search", user, query="name:res-")
    return _states_named(datasets, [res["id"] for res in r["results"]])


def s_tag_list(api, app, datasets, user):
    return _states_named(datasets, _call(api, "tag_list", user))


def s_tag_search(api, app, datasets, user):
    r = _call(api, "tag_search", user, query="tag-")
    return _states_named(datasets, [t["name"] for t in r["results"]])


def s_tag_autocomplete(api, app, datasets, user):
    return _states_named(datasets, _call(api, "tag_autocomplete", user, q="tag-"))


def s_member_list_instansi(api, app, datasets, user):
    return _states_named(datasets, [m[0] for m in _call(api, "member_list", user, id="dinkes",
                                                         object_type="package")])


def s_member_list_tematik(api, app, datasets, user):
    return _states_named(datasets, [m[0] for m in _call(api, "member_list", user, id="kesehatan",
                                                         object_type="package")])


def s_org_count(api, app, datasets, user):
    orgs = _call(api, "organization_list", user, all_fields=True)
    return sum(o["package_count"] for o in orgs if o["name"] == "dinkes")


def s_org_show_count(api, app, datasets, user):
    return _call(api, "organization_show", user, id="dinkes")["package_count"]


def s_group_count(api, app, datasets, user):
    return _call(api, "group_show", user, id="kesehatan")["package_count"]


def s_group_list_count(api, app, datasets, user):
    groups = _call(api, "group_list", user, all_fields=True)
    return sum(g["package_count"] for g in groups if g["name"] == "kesehatan")


def s_user_count(api, app, datasets, user):
    shown = _call(api, "user_show", user, id="editor")  # profiles are not public
    return shown["number_created_packages"] if shown is not None else None


def s_activity(api, app, datasets, user):
    ids = set()
    for action, data in [("recently_changed_packages_activity_list", {"limit": 100}),
                         ("organization_activity_list", {"id": "dinkes", "limit": 100}),
                         ("group_activity_list", {"id": "kesehatan", "limit": 100})]:
        for a in _call(api, action, user, **data) or []:
            ids.add(a["object_id"])
    return _states_named(datasets, ids)


def s_download(api, app, datasets, user):
    def ok(d):
        r = app.get(f"/dataset/{d['id']}/resource/{d['resources'][0]['id']}/download",
                    headers=api.headers(user))
        return r.status_code == 200 and b"kode_wilayah" in r.data
    return _each(datasets, ok)


def s_datastore_search(api, app, datasets, user):
    return _each(datasets, lambda d: _call(api, "datastore_search", user,
                                           resource_id=d["resources"][0]["id"]) is not None)


def s_datastore_dump(api, app, datasets, user):
    def ok(d):
        r = app.get(f"/datastore/dump/{d['resources'][0]['id']}", headers=api.headers(user))
        return r.status_code == 200 and b"Bengalon" in r.data
    return _each(datasets, ok)


def s_dataset_rdf(api, app, datasets, user):
    def ok(d):
        r = app.get(f"/dataset/{d['name']}.ttl", headers=api.headers(user))
        return r.status_code == 200 and d["id"].encode() in r.data
    return _each(datasets, ok)


def s_inventory(api, app, datasets, user):
    r = _call(api, "satudata_inventory", user, rows=100)
    return _states_named(datasets, [row.get("name") or row.get("url", "").rsplit("/", 1)[-1]
                                    for row in r["results"]])


def s_inventory_csv(api, app, datasets, user):
    r = app.get("/inventaris.csv", headers=api.headers(user))
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    return _states_named(datasets, [cell.rsplit("/", 1)[-1] for row in rows[1:] for cell in row])


def s_inventory_xlsx(api, app, datasets, user):
    import openpyxl
    r = app.get("/inventaris.xlsx", headers=api.headers(user))
    sheet = openpyxl.load_workbook(io.BytesIO(r.data), read_only=True).active
    return _states_named(datasets, [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)])


def s_review_queue(api, app, datasets, user):
    r = _call(api, "satudata_review_list", user, status="all", rows=100)
    return None if r is None else _states_named(datasets, [d["name"] for d in r["results"]])


def s_statistics_count(api, app, datasets, user):
    return _call(api, "satudata_statistics", user)["totals"]["datasets"]


def s_spbe_counts(api, app, datasets, user):
    r = _call(api, "satudata_spbe_evidence", user)
    return None if r is None else (r["figures"]["datasets_public"], r["figures"]["datasets_total"])


# Surfaces everyone sees as the rule says.
SURFACES = {
    "package_show": s_show,
    "package_search": s_search,
    "package_search fq+facets": s_search_fq_facets,
    "activity streams": s_activity,
    "download": s_download,
    "datastore_search": s_datastore_search,
    "datastore dump": s_datastore_dump,
    "dataset RDF": s_dataset_rdf,
    "inventory": s_inventory,
    "inventory CSV": s_inventory_csv,
    "inventory XLSX": s_inventory_xlsx,
    "member_list Instansi": s_member_list_instansi,
    "member_list Tematik": s_member_list_tematik,
}
# Surfaces of the public catalogue: public datasets only, whoever asks.
PUBLIC_SURFACES = {
    "package_list": s_package_list,
    "resource_search": s_resource_search,
    "/catalog.ttl": lambda api, app, datasets, user: _states_named(
        datasets, [d["id"] for d in datasets.values()
                   if d["id"].encode() in app.get("/catalog.ttl", headers=api.headers(user)).data]),
}
# Surfaces that follow the rule for the person, except that sysadmins see all.
TAG_SURFACES = {
    "tag_list": s_tag_list,
    "tag_search": s_tag_search,
    "tag_autocomplete": s_tag_autocomplete,
    "current_package_list_with_resources": s_current_package_list,
    "package_autocomplete": s_package_autocomplete,
}
COUNTS = {
    "organization_list count": s_org_count,
    "organization_show count": s_org_show_count,
    "group_show count": s_group_count,
    "group_list count": s_group_list_count,
    "user_show number_created_packages": s_user_count,
}


def test_visibility_matrix(portal, world, api, app):
    wrong = []
    cells = 0
    for role in ROLES:
        user = _user(portal, role)
        want = {s for s in STATES if expected(role, s)}
        for name, surface in {**SURFACES, **TAG_SURFACES}.items():
            got = surface(api, app, world, user)
            want_here = {s for s in STATES if expected(role, s, name)}
            if name == "current_package_list_with_resources" and role != "sysadmin":
                # Core lists no private dataset here (except to sysadmins).
                want_here -= PRIVATE
            cells += len(STATES)
            if got != want_here:
                wrong.append(f"{role} × {name}: shows {sorted(got)}, should show {sorted(want_here)}")
        for name, surface in PUBLIC_SURFACES.items():
            got = surface(api, app, world, user)
            cells += len(STATES)
            if got != PUBLIC:
                wrong.append(f"{role} × {name}: shows {sorted(got)}, should show only {sorted(PUBLIC)}")
        for name, surface in COUNTS.items():
            got = surface(api, app, world, user)
            cells += 1
            if got is not None and got != len(want):
                wrong.append(f"{role} × {name}: counts {got}, should count {len(want)}")
    assert not wrong, "\n".join(wrong)
    assert cells > 1000, cells


# The review queue is a work list: the Walidata's is everything they may see, a
# Produsen's their own Instansi's, the Pembina's what waits for them; who has no
# part in the workflow may not open it (None).
def expected_queue(role: str) -> set[str] | None:
    if role in ("walidata", "sysadmin", "editor"):
        return set(LISTED)
    if role == "pembina":
        return {"pembina_review"}
    if role == "other_editor":
        return set()
    return None


def test_work_lists_and_figures_follow_the_rule(portal, world, api, app):
    wrong = []
    for role in ROLES:
        user = _user(portal, role)
        queue = s_review_queue(api, app, world, user)
        if queue != expected_queue(role):
            wrong.append(f"{role} × review queue: {queue}, should be {expected_queue(role)}")
        # Public figures count public data only, whoever asks.
        if s_statistics_count(api, app, world, user) != len(PUBLIC):
            wrong.append(f"{role} × statistics: counts other than the public datasets")
        spbe = s_spbe_counts(api, app, world, user)
        want = (len(PUBLIC), len(LISTED)) if role in ("walidata", "sysadmin") else None
        if spbe != want:
            wrong.append(f"{role} × SPBE figures: {spbe}, should be {want}")
    assert not wrong, "\n".join(wrong)


def test_a_dataset_deleted_after_approval_leaves_every_public_history(portal, make_dataset, api):
    dataset = make_dataset("approved")
    assert _states_named({"x": dataset}, [a["object_id"] for a in _call(
        api, "recently_changed_packages_activity_list", None)]) == {"x"}
    helpers.call_action("package_delete", ctx(portal.walidata), id=dataset["id"])
    for action, data in [("recently_changed_packages_activity_list", {}),
                         ("organization_activity_list", {"id": "dinkes"})]:
        assert not [a for a in _call(api, action, None, **data) if a["object_id"] == dataset["id"]]
    # Its Instansi still has its history.
    assert [a for a in _call(api, "organization_activity_list", portal.editor, id="dinkes")
            if a["object_id"] == dataset["id"]]


def test_a_published_dataset_made_private_leaves_the_public_history(portal, make_dataset, api):
    dataset = make_dataset("approved")
    helpers.call_action("package_patch", ctx(portal.walidata), id=dataset["id"], private=True)
    assert not [a for a in _call(api, "recently_changed_packages_activity_list", None)
                if a["object_id"] == dataset["id"]]


@pytest.mark.parametrize("state", LISTED)
def test_sql_and_labels_agree_on_what_is_public(portal, make_dataset, state):
    """``public_clause`` (SQL, for core's database lists) and ``is_public`` (the
    labels) are the same rule."""
    import sqlalchemy as sa
    from ckan import model
    from ckanext.satudata import visibility
    how = dict(STATES[state])
    revise = how.pop("revise", None)
    dataset = make_dataset(**how)
    if revise:
        helpers.call_action("package_patch", ctx(portal.editor), id=dataset["id"], **revise)
    pkg = model.Package.get(dataset["id"])
    in_sql = model.Session.execute(sa.select(model.package_table.c.id).where(
        visibility.public_clause(), model.package_table.c.id == pkg.id)).first() is not None
    assert in_sql == visibility.is_public(pkg) == (state in PUBLIC)


def test_a_change_waiting_for_the_walidata_reaches_no_public_surface(portal, world, api, app):
    """What a Produsen proposed (a description, a tag, Publik) is seen by nobody
    outside until the Walidata approves it."""
    for role in ("anonymous", "outsider", "other_editor"):
        user = _user(portal, role)
        assert _call(api, "package_search", user, q="bocor", include_private=True)["count"] == 0, role
        assert "bocor" not in _call(api, "tag_list", user), role
        shown = _call(api, "package_show", user, id=world["approved_revision"]["id"])
        assert "bocor" not in str(shown).lower(), role
        assert _call(api, "package_show", user, id=world["private_revision"]["id"]) is None, role
        headers = api.headers(user)
        assert "bocor" not in app.get("/catalog.ttl", headers=headers).get_data(as_text=True).lower(), role


def test_the_public_reads_roles_not_usernames(portal, make_dataset, api, app):
    """Hardening finding 3: who submitted and who verified a dataset were public
    usernames in package_show, package_search and the RDF."""
    dataset = make_dataset("approved", title="Data Peran")
    names = {portal.editor["name"], portal.walidata["name"]}
    for user in (None, portal.outsider, portal.other_editor):
        shown = _call(api, "package_show", user, id=dataset["id"])
        assert shown["approval_by"] == "Walidata"
        assert shown["approval_submitted_by"] == "Produsen Data Dinkes"
        found = _call(api, "package_search", user, q="Peran")["results"][0]
        assert {found["approval_by"], found["approval_submitted_by"]} == {"Walidata", "Produsen Data Dinkes"}
    rdf = app.get(f"/dataset/{dataset['name']}.ttl").get_data(as_text=True)
    catalog = app.get("/catalog.ttl").get_data(as_text=True)
    for text in (rdf, catalog):
        assert "Produsen Data Dinkes" in text
        assert not any(f'"{n}"' in text for n in names), names
    # The workflow's own people still see who did what.
    for user in (portal.editor, portal.walidata):
        shown = _call(api, "package_show", user, id=dataset["id"])
        assert shown["approval_submitted_by"] == portal.editor["name"]
        assert shown["approval_by"] == portal.walidata["name"]


def _without_stored_roles(extras):
    from ckanext.satudata.logic import roles
    return {k: v for k, v in extras.items() if k not in roles.ROLE_FIELDS.values()}


def test_people_are_shown_in_the_role_they_acted_in(portal, make_dataset, api, app):
    """The role of who submitted and who verified is stored when they act: a
    Walidata who later leaves the Walidata's Instansi verified as the Walidata,
    a Produsen who later joins it submitted as a Produsen Data. Nobody sets
    these roles through the API."""
    dataset = make_dataset("approved", title="Data Peran")
    shown = _call(api, "package_show", portal.walidata, id=dataset["id"])
    assert (shown["approval_by_role"], shown["approval_submitted_by_role"]) == ("walidata", "produsen")
    # The Pembina Data submits data of their own Instansi as its producer.
    own = make_dataset("approved", title="Data BPS", creator=portal.pembina, owner_org=portal.orgs["bps"]["id"])
    shown = _call(api, "package_show", portal.walidata, id=own["id"])
    assert (shown["approval_by_role"], shown["approval_submitted_by_role"]) == ("walidata", "produsen")
    assert _call(api, "package_show", None, id=own["id"])["approval_submitted_by"] == "Produsen Data Bps"
    helpers.call_action("organization_member_delete", ctx(portal.sysadmin), id="diskominfo",
                        username=portal.walidata["name"])
    helpers.call_action("organization_member_create", ctx(portal.sysadmin), id="diskominfo",
                        username=portal.editor["name"], role="editor")
    for user in (None, portal.outsider):
        shown = _call(api, "package_show", user, id=dataset["id"])
        assert (shown["approval_by"], shown["approval_submitted_by"]) == ("Walidata", "Produsen Data Dinkes")
        found = _call(api, "package_search", user, q="Peran")["results"][0]
        assert (found["approval_by"], found["approval_submitted_by"]) == ("Walidata", "Produsen Data Dinkes")
    catalog = app.get("/catalog.ttl").get_data(as_text=True)
    assert '"Produsen Data Dinkes"' in catalog and '"Walidata"' in catalog
    forged = helpers.call_action("package_create", ctx(portal.other_editor), **complete_dataset(
        portal.orgs["distan"]["id"], name="data-palsu", approval_by="walidata", approval_by_role="walidata",
        approval_submitted_by_role="walidata"))
    stored = helpers.call_action("package_show", {"ignore_auth": True}, id=forged["id"])
    assert not {"approval_by", "approval_by_role", "approval_submitted_by_role"} & set(stored)


def test_the_upgrade_stores_the_present_roles_of_earlier_datasets(portal, make_dataset):
    """Datasets verified before roles were stored get, on ``ckan db upgrade``,
    the role their people have now (what the public was shown until then)."""
    import importlib.util
    import pathlib

    from ckan import model

    import ckanext.satudata
    versions = pathlib.Path(ckanext.satudata.__file__).parent / "migration" / "satudata" / "versions"
    path = next(versions.glob("*_stored_workflow_roles.py"))
    spec = importlib.util.spec_from_file_location("stored_workflow_roles", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    earlier = {"walidata": make_dataset("approved", title="Data Lama"),
               "pembina": make_dataset("approved", title="Data Prioritas", prioritas=True),
               "by the pembina": make_dataset("approved", title="Data BPS", creator=portal.pembina,
                                              owner_org=portal.orgs["bps"]["id"])}
    for dataset in earlier.values():
        pkg = model.Package.get(dataset["id"])
        pkg.extras = _without_stored_roles(pkg.extras)
    model.repo.commit_and_remove()
    migration.backfill(model.Session.connection(), "diskominfo", "bps")
    model.repo.commit_and_remove()
    stored = {kind: {k: v for k, v in model.Package.get(d["id"]).extras.items() if k.endswith("_role")}
              for kind, d in earlier.items()}
    assert stored == {
        "walidata": {"approval_by_role": "walidata", "approval_submitted_by_role": "produsen"},
        "pembina": {"approval_by_role": "pembina", "approval_submitted_by_role": "produsen"},
        "by the pembina": {"approval_by_role": "walidata", "approval_submitted_by_role": "produsen"}}


def test_roles_read_for_a_whole_page_agree_with_the_role_of_each_person(portal, app):
    """A search or catalogue page reads the roles of all the people it names in
    one query (``roles.workflow_roles``); the answer is ``roles.is_walidata``/
    ``is_pembina``'s for every kind of person, by username or by id, and for a
    name nobody has."""
    from flask import g

    from ckanext.satudata import visibility
    from ckanext.satudata.logic import roles
    helpers.call_action("organization_member_create", ctx(portal.sysadmin), id="diskominfo",
                        username=portal.outsider["name"], role="member")  # a member of the Walidata's is not one
    people = [portal.sysadmin, portal.walidata, portal.pembina, portal.editor, portal.admin, portal.member,
              portal.other_editor, portal.outsider]
    refs = [p["name"] for p in people] + [portal.walidata["id"], portal.pembina["id"], "tidak-ada"]
    with app.flask_app.test_request_context("/"):
        visibility.know_roles(set(refs))
        read = {ref: g.satudata_roles[ref] for ref in refs}
    expected = {ref: "walidata" if roles.is_walidata(ref) else "pembina" if roles.is_pembina(ref) else "produsen"
                for ref in refs}
    assert read == expected
    assert {read[portal.sysadmin["name"]], read[portal.walidata["id"]], read[portal.pembina["name"]],
            read[portal.outsider["name"]]} == {"walidata", "pembina", "produsen"}
    assert read[portal.outsider["name"]] == read["tidak-ada"] == "produsen"


def test_kept_roles_follow_every_change_of_membership_or_sysadmin_at_once(portal, make_dataset, api):
    """The present roles that pages show for a dataset from before roles were
    stored are kept between requests, never past a committed change: a
    membership of the Walidata's Instansi made or ended, a user made sysadmin as
    ``ckan sysadmin add`` does (the model, no action), the Walidata's Instansi
    deleted."""
    from ckan import model
    dataset = make_dataset("approved", title="Data Peran")
    helpers.call_action("package_patch", {"ignore_auth": True}, id=dataset["id"])
    pkg = model.Package.get(dataset["id"])
    # Verified by a member of Dinkes before roles were stored with the people.
    pkg.extras = dict(_without_stored_roles(pkg.extras), approval_by=portal.member["name"])
    model.repo.commit_and_remove()
    helpers.call_action("package_patch", {"ignore_auth": True}, id=dataset["id"], notes="diindeks ulang")

    def verified_by():
        return [_call(api, "package_show", None, id=dataset["id"])["approval_by"],
                _call(api, "package_search", None, q="Peran")["results"][0]["approval_by"]]
    assert verified_by() == ["Produsen Data Dinkes"] * 2
    assert verified_by() == ["Produsen Data Dinkes"] * 2  # kept
    helpers.call_action("organization_member_create", ctx(portal.sysadmin), id="diskominfo",
                        username=portal.member["name"], role="editor")
    assert verified_by() == ["Walidata"] * 2
    helpers.call_action("organization_member_delete", ctx(portal.sysadmin), id="diskominfo",
                        username=portal.member["name"])
    assert verified_by() == ["Produsen Data Dinkes"] * 2
    user = model.User.get(portal.member["name"])
    user.sysadmin = True
    model.repo.commit_and_remove()
    assert verified_by() == ["Walidata"] * 2
    user = model.User.get(portal.member["name"])
    user.sysadmin = False
    model.repo.commit_and_remove()
    helpers.call_action("organization_member_create", ctx(portal.sysadmin), id="bps",
                        username=portal.member["name"], role="admin")
    assert verified_by() == ["Pembina Data"] * 2
    helpers.call_action("organization_delete", ctx(portal.sysadmin), id="bps")
    assert verified_by() == ["Produsen Data Dinkes"] * 2
