#!/usr/bin/env bash
# Benchmark of the DataStore loader on the real portal processes: generates CSV
# files of 1, 10 and 100 MB (in a temporary directory, never kept), uploads each
# through the Action API to `ckan run`, lets `ckan jobs worker` load it, and
# prints the load time and the peak memory of the web and worker processes:
# first for the portal (its exact loader, tables.py), then for stock CKAN 2.12
# with ckanext-xloader on the same files and databases, then the ratios.
#
#   bash bench/datastore_load.sh [SIZE_MB ...]      (default: 1 10 100)
#
# Runs on databases of its own (ckan_bench, datastore_bench; with
# SATUDATA_TEST_ISOLATION=NAME: ckan_bench_NAME, datastore_bench_NAME), the Solr
# core of the same name, Redis database SATUDATA_TEST_REDIS_DB (default 1, its
# own queue through its own site id) and port SATUDATA_BENCH_PORT (default 5090),
# so it never touches the portal's or the tests' data. Needs root once to create
# the databases, like the run and test commands.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$ROOT"
unset CKAN_INI CKAN_SQLALCHEMY_URL CKAN_SOLR_URL CKAN_REDIS_URL CKAN_SITE_URL CKAN_DATASTORE_WRITE_URL \
  CKAN_DATASTORE_READ_URL

PORT=${SATUDATA_BENCH_PORT:-5090}
NAME=bench${SATUDATA_TEST_ISOLATION:+_${SATUDATA_TEST_ISOLATION//[^a-z0-9_]/_}}
BENCH_DATA=$DATA/$NAME
INI=$BENCH_DATA/bench.ini
port_open "$PORT" && die "port $PORT is in use; set SATUDATA_BENCH_PORT"

ensure_debs "${BASE_DEBS[@]}"
ensure_venv "$ROOT/requirements.txt"
trap stop_started EXIT
trap 'exit 130' INT TERM
start_services
ensure_solr_core "ckan_$NAME"
ensure_database "ckan_$NAME"

mkdir -p "$BENCH_DATA/storage"
cat >"$INI" <<INI
# Written by bench/datastore_load.sh on every run.
[app:main]
use = config:$ROOT/config/satudata.ini
sqlalchemy.url = postgresql://$DB_USER:$DB_PASS@127.0.0.1:$PG_PORT/ckan_$NAME
ckan.datastore.write_url = postgresql://$DS_WRITE_USER:$DS_PASS@127.0.0.1:$PG_PORT/datastore_$NAME
ckan.datastore.read_url = postgresql://$DS_READ_USER:$DS_PASS@127.0.0.1:$PG_PORT/datastore_$NAME
solr_url = http://127.0.0.1:$SOLR_PORT/solr/ckan_$NAME
ckan.redis.url = redis://127.0.0.1:$REDIS_PORT/${SATUDATA_TEST_REDIS_DB:-1}
ckan.site_url = http://127.0.0.1:$PORT
ckan.site_id = satudata-$NAME
ckan.storage_path = $BENCH_DATA/storage
SECRET_KEY = bench-secret
WTF_CSRF_SECRET_KEY = bench-secret
api_token.jwt.encode.secret = string:bench-secret
api_token.jwt.decode.secret = string:bench-secret
smtp.server = 127.0.0.1:1

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s
INI
ensure_datastore "datastore_$NAME" "$INI"
ckan -c "$INI" db init >"$LOGS/$NAME-db.log" 2>&1 || die "ckan db init failed (see $LOGS/$NAME-db.log)"
ckan -c "$INI" db upgrade >>"$LOGS/$NAME-db.log" 2>&1 || die "ckan db upgrade failed (see $LOGS/$NAME-db.log)"

# Stock CKAN 2.12 with ckanext-xloader (the loader this portal used before), on
# the same databases: only the plugins and xloader's settings differ.
BASE_INI=$BENCH_DATA/bench-xloader.ini
TOKEN_FILE=$BENCH_DATA/xloader-token
if ! ckan -c "$INI" user list 2>/dev/null | grep -q "bench-admin"; then
  ckan -c "$INI" user add bench-admin email=bench@satudata.test password=Bench#Kutim2026 >/dev/null
fi
ckan -c "$INI" sysadmin add bench-admin >/dev/null
ckan -c "$INI" user token add bench-admin xloader 2>/dev/null | tail -1 | tr -d '[:space:]' >"$TOKEN_FILE"
cat >"$BASE_INI" <<INI
# Written by bench/datastore_load.sh on every run: stock CKAN + ckanext-xloader.
[app:main]
use = config:$INI
ckan.plugins = activity datastore xloader datatables_view
ckanext.xloader.formats = csv text/csv application/csv
ckanext.xloader.max_content_length = 104857600
ckanext.xloader.job_timeout = 3600
ckanext.xloader.api_token = $(cat "$TOKEN_FILE")
ckanext.xloader.jobs_db.uri = sqlite:///$BENCH_DATA/xloader-jobs.db
INI
sed -n '/^\[loggers\]/,$p' "$INI" >>"$BASE_INI"

say "Benchmarking the portal's loader (logs: $LOGS/$NAME-web.log, $LOGS/$NAME-worker.log)"
python "$ROOT/bench/datastore_load.py" --ini "$INI" --port "$PORT" --logs "$LOGS/$NAME" \
  --results "$BENCH_DATA/portal.json" "$@"
say "Benchmarking stock CKAN 2.12 with ckanext-xloader on the same files"
python "$ROOT/bench/datastore_load.py" --ini "$BASE_INI" --port "$PORT" --logs "$LOGS/$NAME-xloader" \
  --loader xloader --results "$BENCH_DATA/xloader.json" "$@"
python - "$BENCH_DATA/portal.json" "$BENCH_DATA/xloader.json" <<'PY'
import json, sys
portal, stock = (json.load(open(p)) for p in sys.argv[1:])
print("\nportal / stock CKAN + xloader (same files, same run; below 1.0 is faster or smaller):")
print(f"{'file':>6} {'load time':>10} {'web peak':>9} {'worker peak':>12}")
for mine, theirs in zip(portal, stock):
    print(f"{mine['mb']:>4}MB {mine['load_s'] / theirs['load_s']:>10.2f} "
          f"{mine['web_peak_mb'] / theirs['web_peak_mb']:>9.2f} {mine['worker_peak_mb'] / theirs['worker_peak_mb']:>12.2f}")
print("stock CKAN + xloader stores every column as text; the portal's tables are typed and compared with the file.")
PY
