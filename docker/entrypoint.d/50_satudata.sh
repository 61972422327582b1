#!/bin/sh
# Runs inside the ckan container before the web server starts (ckan-base's prerun
# has already run `ckan db init`): plugin migrations, then demo data if asked.
set -e
ckan -c "$CKAN_INI" db upgrade
# Translations of the JavaScript modules (ckan run does this itself; uwsgi does not).
ckan -c "$CKAN_INI" translation js
# Rebuilds the search index once when this version indexes datasets differently.
ckan -c "$CKAN_INI" satudata index-upgrade
if [ "${SATUDATA_LOAD_DEMO:-false}" = "true" ]; then
  ckan -c "$CKAN_INI" satudata seed-demo
fi
