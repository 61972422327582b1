#!/usr/bin/env bash
# Runs the whole test suite against real PostgreSQL, Solr 9 and Redis: installs
# what is missing, starts the services it needs (test database ckan_test, Solr
# core ckan_test, Redis database 1), runs pytest with CKAN's plugin and stops what
# it started. Exits with pytest's status. Extra arguments go to pytest.
#
# The DataStore of the tests is the database datastore_test (write user
# datastore_write, read-only user datastore_read), created here.
#
# SATUDATA_TEST_ISOLATION=NAME runs on a database, a DataStore database and a Solr
# core of its own (ckan_test_NAME, datastore_test_NAME), with SATUDATA_TEST_REDIS_DB
# (default 1) and SATUDATA_TEST_SMTP_PORT (default 8025), so two checkouts can test
# at once.
# The interoperability tests also serve the portal and a second CKAN site on
# SATUDATA_TEST_PORTAL_PORT and SATUDATA_TEST_PEER_PORT (default 5050, 5051).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
unset CKAN_INI CKAN_SQLALCHEMY_URL CKAN_SOLR_URL CKAN_REDIS_URL CKAN_SITE_URL CKAN_DATASTORE_WRITE_URL \
  CKAN_DATASTORE_READ_URL

ensure_debs "${BASE_DEBS[@]}" "${BROWSER_DEBS[@]}"
ensure_venv "$ROOT/requirements.txt" "$ROOT/dev-requirements.txt"

trap stop_started EXIT
trap 'exit 130' INT TERM
start_services
TEST_DB=ckan_test
TEST_DS_DB=datastore_test
if [ -n "${SATUDATA_TEST_ISOLATION:-}" ]; then
  TEST_DB=ckan_test_${SATUDATA_TEST_ISOLATION//[^a-z0-9_]/_}
  TEST_DS_DB=datastore_test_${SATUDATA_TEST_ISOLATION//[^a-z0-9_]/_}
  ensure_solr_core "$TEST_DB"
  export CKAN_SQLALCHEMY_URL="postgresql://$DB_USER:$DB_PASS@127.0.0.1:$PG_PORT/$TEST_DB"
  export CKAN_SOLR_URL="http://127.0.0.1:$SOLR_PORT/solr/$TEST_DB"
  export CKAN_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/${SATUDATA_TEST_REDIS_DB:-1}"
  export CKAN_SMTP_SERVER="127.0.0.1:${SATUDATA_TEST_SMTP_PORT:-8025}"
fi
ensure_database "$TEST_DB"
datastore_urls "$TEST_DS_DB"
ensure_datastore "$TEST_DS_DB" "$ROOT/test.ini"

say "Preparing the test database"
ckan -c "$ROOT/test.ini" db init >"$LOGS/test-db.log" 2>&1 || die "ckan db init on the test database failed (see $LOGS/test-db.log)"
ckan -c "$ROOT/test.ini" db upgrade >>"$LOGS/test-db.log" 2>&1 || die "ckan db upgrade on the test database failed (see $LOGS/test-db.log)"

say "Checking the code with ruff (pyproject.toml)"
ruff check "$ROOT" || die "ruff check found problems (fix them, or see \`ruff check --fix\`)"

say "Running the test suite"
set +e
python -m pytest "$@"
status=$?
set -e
exit $status
