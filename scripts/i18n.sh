#!/usr/bin/env bash
# Translations of the ckanext-satudata domain:
#   bash scripts/i18n.sh extract   refresh i18n/ckanext-satudata.pot and merge it into the .po files
#   bash scripts/i18n.sh compile   compile every .po under i18n/ (both domains) to .mo
# Translate in i18n/<lang>/LC_MESSAGES/ckanext-satudata.po, then compile; the test
# suite fails on any untranslated or fuzzy entry.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BABEL=$ROOT/.venv/bin/pybabel
cd "$ROOT"
case "${1:-}" in
  extract)
    "$BABEL" extract -F i18n/babel.cfg --no-location --sort-output -k _ -k N_ -k ungettext:1,2 -k ngettext:1,2 \
      --project ckanext-satudata --copyright-holder "Pemerintah Kabupaten Kutai Timur" \
      --ignore-dirs tests -o i18n/ckanext-satudata.pot ckanext/satudata/ 2>/dev/null
    for lang in id; do
      po=i18n/$lang/LC_MESSAGES/ckanext-satudata.po
      if [ -f "$po" ]; then
        "$BABEL" update -D ckanext-satudata -i i18n/ckanext-satudata.pot -d i18n -l "$lang" --no-fuzzy-matching 2>/dev/null
      else
        "$BABEL" init -D ckanext-satudata -i i18n/ckanext-satudata.pot -d i18n -l "$lang" 2>/dev/null
      fi
    done
    ;;
  compile)
    for po in i18n/*/LC_MESSAGES/*.po; do
      msgfmt --check -o "${po%.po}.mo" "$po"
    done
    ;;
  *) echo "usage: scripts/i18n.sh extract|compile" >&2; exit 2 ;;
esac
