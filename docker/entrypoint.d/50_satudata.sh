#!/bin/sh
# Runs inside the ckan container before the web server starts (ckan-base's prerun
# has already run `ckan db init`): plugin migrations, then demo data if asked.
set -e
ckan -c "$CKAN_INI" db upgrade
if [ "${SATUDATA_LOAD_DEMO:-false}" = "true" ]; then
  ckan -c "$CKAN_INI" satudata seed-demo
fi
