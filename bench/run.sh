#!/usr/bin/env bash
# Runs a benchmark of bench/ in process on the isolated test database and Solr
# core of SATUDATA_TEST_ISOLATION, which it EMPTIES: never point it at a portal's data.
#   SATUDATA_TEST_ISOLATION=bench bash bench/run.sh services|search [ARGS]
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$ROOT"
[ -n "${SATUDATA_TEST_ISOLATION:-}" ] || die "set SATUDATA_TEST_ISOLATION=NAME: the bench empties that test database"
script=${1:-}
[ -f "$ROOT/bench/$script.py" ] || die "usage: bench/run.sh services|search [ARGS]"
shift
unset CKAN_INI
ensure_venv "$ROOT/requirements.txt" "$ROOT/dev-requirements.txt"
start_services
trap stop_started EXIT
DB=ckan_test_${SATUDATA_TEST_ISOLATION//[^a-z0-9_]/_}
ensure_solr_core "$DB"
ensure_database "$DB"
export CKAN_SQLALCHEMY_URL="postgresql://$DB_USER:$DB_PASS@127.0.0.1:$PG_PORT/$DB"
export CKAN_SOLR_URL="http://127.0.0.1:$SOLR_PORT/solr/$DB"
export CKAN_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/${SATUDATA_TEST_REDIS_DB:-1}"
ckan -c "$ROOT/test.ini" db upgrade >"$LOGS/bench-db.log" 2>&1 || die "ckan db upgrade failed (see $LOGS/bench-db.log)"
python "$ROOT/bench/$script.py" "$ROOT/test.ini" "$@" 2> >(grep -v -E "Warning|warn\(" >&2)
