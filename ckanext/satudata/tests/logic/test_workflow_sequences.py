"""Random sequences of edits, submissions, decisions, privatising and deletion by
random people (hypothesis), each step checked against a small model of the rule:
a dataset is public exactly when it is verified, public and not deleted; the
public sees only what the Walidata verified (a Produsen's change to published data
waits as a revision, ``revisions.py``); and only the people of the table in
``workflow.py`` and ``logic/auth.py`` move it."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.satudata.tests.conftest import ctx

PRODUSEN = ("editor", "admin")
ROLES = PRODUSEN + ("walidata", "pembina", "other_editor", "outsider")
OPS = ("edit", "publish", "privatise", "submit", "approve", "reject", "delete")


@dataclass(frozen=True)
class Rev:
    """The Produsen's change waiting for (or returned by) the Walidata."""
    private: bool
    notes: bool
    pending: bool = True


@dataclass(frozen=True)
class Model:
    status: str = "draft"
    private: bool = False
    deleted: bool = False
    notes: bool = False   # the published description is the edited one
    rev: Optional[Rev] = None

    @property
    def public(self) -> bool:
        return not self.deleted and not self.private and self.status == "approved"

    @property
    def waiting(self) -> bool:
        return self.rev is not None and self.rev.pending


def _change(m: Model, op: str) -> tuple[bool, bool]:
    """(private, notes) after ``op`` applied to what the person edits."""
    private, notes = (m.rev.private, m.rev.notes) if m.rev else (m.private, m.notes)
    if op == "edit":
        return private, True
    return op == "privatise", notes


def expect(m: Model, op: str, role: str) -> Model | None:
    """The model's next state, or None when the step must be refused."""
    produsen = role in PRODUSEN
    if op in ("edit", "publish", "privatise"):
        if role == "walidata" or (produsen and m.status != "approved"):
            private, notes = _change(replace(m, rev=None), op)
            return replace(m, private=private, notes=notes)
        if produsen:  # approved: a revision
            private, notes = _change(m, op)
            if m.rev is None and (private, notes) == (m.private, m.notes):
                return m  # nothing differs: nothing to verify
            return replace(m, rev=Rev(private, notes))
        return None
    if op == "submit":
        return replace(m, status="pending") if (produsen or role == "walidata") \
            and m.status in ("draft", "rejected") else None
    if op == "approve":
        if m.waiting:
            return replace(m, private=m.rev.private, notes=m.rev.notes, rev=None) if role == "walidata" else None
        if role == "walidata" and m.status in ("draft", "pending"):
            return replace(m, status="approved")
        if role in ("walidata", "pembina") and m.status == "approved":
            return m
        return None
    if op == "reject":
        if m.waiting:
            return replace(m, rev=replace(m.rev, pending=False)) if role == "walidata" else None
        return replace(m, status="rejected") if role == "walidata" and m.status == "pending" else None
    if op == "delete":
        if role == "walidata" or (produsen and m.status != "approved"):
            return replace(m, deleted=True)
        return None
    raise ValueError(op)


def run(op: str, user: dict, dataset_id: str) -> None:
    c = ctx(user)
    if op == "edit":
        helpers.call_action("package_patch", c, id=dataset_id, notes="Diperbarui")
    elif op == "publish":
        helpers.call_action("package_patch", c, id=dataset_id, private=False)
    elif op == "privatise":
        helpers.call_action("package_patch", c, id=dataset_id, private=True)
    elif op == "submit":
        helpers.call_action("satudata_dataset_submit", c, id=dataset_id)
    elif op == "approve":
        helpers.call_action("satudata_dataset_approve", c, id=dataset_id)
    elif op == "reject":
        helpers.call_action("satudata_dataset_reject", c, id=dataset_id, note="Lengkapi")
    elif op == "delete":
        helpers.call_action("package_delete", c, id=dataset_id)


def public_view(dataset: dict) -> dict[str, bool]:
    """What the public sees of the dataset, through four doors."""
    try:
        notes = helpers.call_action("package_show", ctx(None), id=dataset["id"])["notes"] == "Diperbarui"
        shown = True
    except (tk.NotAuthorized, tk.ObjectNotFound):
        shown = notes = False
    found = helpers.call_action("package_search", ctx(None), fq=f'id:"{dataset["id"]}"')["count"] == 1
    listed = dataset["name"] in helpers.call_action("package_list", ctx(None))
    tagged = "urutan" in helpers.call_action("tag_list", ctx(None))
    return {"package_show": shown, "package_search": found, "package_list": listed, "tag_list": tagged,
            "edited_notes": notes}


@pytest.mark.usefixtures("clean_queues")
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(st.sampled_from(OPS), st.sampled_from(ROLES)), min_size=1, max_size=8))
def test_random_sequences_publish_only_what_the_walidata_verified(portal, make_dataset, steps):
    dataset = make_dataset("draft", tag_string="urutan")
    model = Model()
    for i, (op, role) in enumerate(steps):
        user = portal.outsider if role == "outsider" else getattr(portal, role)
        want = expect(model, op, role)
        try:
            run(op, user, dataset["id"])
            done = True
        except (tk.NotAuthorized, tk.ValidationError, tk.ObjectNotFound):
            done = False
        assert done == (want is not None), f"step {i} {role} {op} on {model}: done={done}"
        model = want or model
        seen = public_view(dataset)
        want_seen = {k: model.public for k in seen}
        want_seen["edited_notes"] = model.public and model.notes
        assert seen == want_seen, f"after step {i} {role} {op}: {model} but {seen}"
        if model.deleted:
            break
    # Leave no public dataset behind for the next example.
    if not model.deleted:
        helpers.call_action("package_delete", ctx(portal.sysadmin), id=dataset["id"])
