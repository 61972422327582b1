#!/usr/bin/env bash
# Runs the whole test suite against real PostgreSQL, Solr 9 and Redis: installs
# what is missing, starts the services it needs (test database ckan_test, Solr
# core ckan_test, Redis database 1), runs pytest with CKAN's plugin and stops what
# it started. Exits with pytest's status. Extra arguments go to pytest.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
unset CKAN_INI CKAN_SQLALCHEMY_URL CKAN_SOLR_URL CKAN_REDIS_URL CKAN_SITE_URL

ensure_debs "${BASE_DEBS[@]}" "${BROWSER_DEBS[@]}"
ensure_venv "$ROOT/requirements.txt" "$ROOT/dev-requirements.txt"

trap stop_started EXIT
trap 'exit 130' INT TERM
start_services
ensure_database ckan_test

say "Preparing the test database"
ckan -c "$ROOT/test.ini" db init >"$LOGS/test-db.log" 2>&1 || die "ckan db init on the test database failed (see $LOGS/test-db.log)"
ckan -c "$ROOT/test.ini" db upgrade >>"$LOGS/test-db.log" 2>&1 || die "ckan db upgrade on the test database failed (see $LOGS/test-db.log)"

say "Running the test suite"
set +e
python -m pytest "$@"
status=$?
set -e
exit $status
