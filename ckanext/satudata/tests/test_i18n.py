"""The shipped translation catalogues are complete and compiled."""
from __future__ import annotations

import glob
import os

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

I18N = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "i18n"))
CATALOGUES = sorted(glob.glob(os.path.join(I18N, "*", "LC_MESSAGES", "*.po")))


def _translated(message) -> bool:
    if isinstance(message.string, (tuple, list)):
        return all(message.string)
    return bool(message.string)


def test_the_catalogues_are_shipped():
    names = {os.path.relpath(p, I18N) for p in CATALOGUES}
    assert {"id/LC_MESSAGES/ckan.po", "id/LC_MESSAGES/ckanext-satudata.po", "en/LC_MESSAGES/ckan.po"} <= names


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: os.path.relpath(p, I18N))
def test_no_untranslated_or_fuzzy_entries(path):
    with open(path, "rb") as f:
        catalog = read_po(f)
    messages = [m for m in catalog if m.id]
    untranslated = [m.id for m in messages if not _translated(m)]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert not catalog.fuzzy, "the header is marked fuzzy"
    assert (len(untranslated), len(fuzzy)) == (0, 0), {"untranslated": untranslated[:10], "fuzzy": fuzzy[:10]}


def _entries(catalog) -> dict:
    def norm(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value
    return {(norm(m.id), m.context): norm(m.string) for m in catalog if m.id}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: os.path.relpath(p, I18N))
def test_the_compiled_catalogue_matches_its_source(path):
    with open(path, "rb") as f:
        source = _entries(read_po(f))
    with open(path[:-3] + ".mo", "rb") as f:
        compiled = _entries(read_mo(f))
    assert compiled == source, "run: bash scripts/i18n.sh compile"


def test_the_core_catalogue_covers_every_core_message():
    import ckan
    with open(os.path.join(os.path.dirname(ckan.__file__), "i18n", "ckan.pot"), "rb") as f:
        core = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    with open(os.path.join(I18N, "id", "LC_MESSAGES", "ckan.po"), "rb") as f:
        ours = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert core <= ours, sorted(core - ours)[:10]


def test_the_extension_catalogue_covers_every_message_of_the_code():
    with open(os.path.join(I18N, "ckanext-satudata.pot"), "rb") as f:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    with open(os.path.join(I18N, "id", "LC_MESSAGES", "ckanext-satudata.po"), "rb") as f:
        ours = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert template <= ours, "run: bash scripts/i18n.sh extract, then translate"
