#!/usr/bin/env bash
# The portal against stock CKAN 2.12 on the same catalogue (see bench/compare.py).
# Uses its own databases (bench_portal, bench_stock, bench_datastore) and Solr
# cores (bench_portal, bench_stock), kept between runs; never a portal's data.
#   bash bench/compare.sh [DATASETS=10000] [--runs=40] [--fresh]
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$ROOT"
unset CKAN_INI CKAN_SQLALCHEMY_URL CKAN_SOLR_URL CKAN_REDIS_URL CKAN_DATASTORE_WRITE_URL CKAN_DATASTORE_READ_URL
ensure_venv "$ROOT/requirements.txt" "$ROOT/dev-requirements.txt"
start_services
trap stop_started EXIT
for side in portal stock; do ensure_solr_core "bench_$side"; done
ensure_database bench_portal
portal_ini=$(python bench/compare.py --configs)
ensure_datastore bench_datastore "$portal_ini"
ckan -c "$portal_ini" translation js >"$LOGS/bench-translation.log" 2>&1 || true
python bench/compare.py "$@" 2> >(grep -v -E "Warning|warn\(" >&2)
