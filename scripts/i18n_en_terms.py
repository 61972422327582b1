"""Writes i18n/en/LC_MESSAGES/ckan.po: CKAN core's English messages that name
organizations or groups, with the portal's terms Instansi and Tematik.

    .venv/bin/python scripts/i18n_en_terms.py   # then: bash scripts/i18n.sh compile

Only the entries that change are written; every other English message stays
core's own.
"""
import os
import re

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

import ckan

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POT = os.path.join(os.path.dirname(ckan.__file__), "i18n", "ckan.pot")
OUT = os.path.join(ROOT, "i18n", "en", "LC_MESSAGES", "ckan.po")

# Longest first, so "organizations" is not read as "organization" + "s".
TERMS = [
    (r"\bOrganizations\b", "Instansi"), (r"\borganizations\b", "Instansi"),
    (r"\bOrganization\b", "Instansi"), (r"\borganization\b", "Instansi"),
    (r"\bGroups\b", "Tematik"), (r"\bgroups\b", "Tematik"),
    (r"\bGroup\b", "Tematik"), (r"\bgroup\b", "Tematik"),
]
# Placeholders, HTML and technical names are left alone.
PROTECTED = re.compile(r"(%\([^)]*\)[sd]|\{[^}]*\}|<[^>]+>|\b[a-z_]+_(?:group|organization)\w*\b|"
                       r"\b(?:group|organization)_[a-z_]+\b)")
# Articles before the new words: "an organization" -> "an Instansi" reads badly.
ARTICLES = [(r"\bAn Instansi\b", "An Instansi"), (r"\ban Instansi\b", "an Instansi")]


# Public help texts that speak of the software rather than the portal; whole sentences
# replaced (the Indonesian catalogue says the same, i18n/id/LC_MESSAGES/ckan.po).
PLAIN = {
    "CKAN Organizations are used to create, manage and publish collections of datasets. Users can have "
    "different roles within an Organization, depending on their level of authorisation to create, edit and "
    "publish.":
        "An Instansi is a regional agency (OPD) that publishes datasets on this portal. Its members create and "
        "edit them, and the Walidata verifies them before they are public.",
    "CKAN Data API": "Data API",
    "CKAN's data previewing tool has many powerful features": "The portal's data preview has many features",
    "Welcome to CKAN": "Welcome",
}


def portal_terms(text: str) -> str:
    if text in PLAIN:
        return PLAIN[text]
    parts = PROTECTED.split(text)
    for i in range(0, len(parts), 2):
        for pattern, repl in TERMS:
            parts[i] = re.sub(pattern, repl, parts[i])
    return "".join(parts)


def main() -> None:
    with open(POT, "rb") as f:
        template = read_po(f)
    catalog = Catalog(locale="en", domain="ckan", project="ckanext-satudata",
                      language_team="Portal Satu Data Kutai Timur",
                      last_translator="Portal Satu Data Kutai Timur",
                      creation_date=template.creation_date, revision_date=template.creation_date,
                      fuzzy=False)
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            forms = tuple(portal_terms(m) for m in message.id)
            if forms != message.id:
                catalog.add(message.id, forms, context=message.context)
        else:
            text = portal_terms(message.id)
            if text != message.id:
                catalog.add(message.id, text, context=message.context)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "wb") as f:
        write_po(f, catalog, width=100, sort_output=True)
    print(f"{len(catalog)} English messages use Instansi and Tematik -> {OUT}")


if __name__ == "__main__":
    main()
