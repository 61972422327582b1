#!/usr/bin/env bash
# Brings up Portal Satu Data Kutai Timur with demo data at http://127.0.0.1:5000
# and serves it until Ctrl-C; then stops what it started. Run again, it reuses the
# data in PostgreSQL, Solr (.data/solr) and the file store (.data/storage).
#
# Environment: CKAN_SYSADMIN_NAME (admin), CKAN_SYSADMIN_PASSWORD (Satudata#2026),
# CKAN_SYSADMIN_EMAIL (admin@data.kutaitimurkab.go.id), SATUDATA_PORT (5000),
# SATUDATA_SMTP_SERVER (host:port of a mail server; default a local mail catcher
# on SATUDATA_MAIL_PORT, 1025),
# SATUDATA_NO_DEMO=1 to skip the demo data.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WEB_PORT=${SATUDATA_PORT:-5000}
MAIL_PORT=${SATUDATA_MAIL_PORT:-1025}
CKAN_SYSADMIN_NAME=${CKAN_SYSADMIN_NAME:-admin}
CKAN_SYSADMIN_PASSWORD=${CKAN_SYSADMIN_PASSWORD:-Satudata#2026}
CKAN_SYSADMIN_EMAIL=${CKAN_SYSADMIN_EMAIL:-admin@data.kutaitimurkab.go.id}
export CKAN_INI=$DATA/ckan.ini
# Variables that would override the ini files (see CKAN-NOTES) must not leak in.
unset CKAN_SQLALCHEMY_URL CKAN_SOLR_URL CKAN_REDIS_URL CKAN_SITE_URL CKAN_DATASTORE_WRITE_URL CKAN_DATASTORE_READ_URL

port_open "$WEB_PORT" && die "port $WEB_PORT is already in use (is the portal running already?); stop that process or set SATUDATA_PORT"

ensure_debs "${BASE_DEBS[@]}"
ensure_venv "$ROOT/requirements.txt"

trap stop_started EXIT
trap 'exit 130' INT TERM
start_services
ensure_database ckan

# .data/ckan.ini: this machine's part of the configuration, on top of
# config/satudata.ini. Secrets are made once and kept in .data/secrets.
write_config() {
  local secrets=$DATA/secrets
  if [ ! -s "$secrets" ]; then
    (umask 077 && python -c 'import secrets; print(secrets.token_urlsafe(32))' >"$secrets")
  fi
  local secret
  secret=$(cat "$secrets")
  mkdir -p "$DATA/storage"
  cat >"$CKAN_INI" <<INI
# Written by scripts/run.sh on every start; edit config/satudata.ini instead.
[app:main]
use = config:../config/satudata.ini
sqlalchemy.url = postgresql://$DB_USER:$DB_PASS@127.0.0.1:$PG_PORT/ckan
ckan.datastore.write_url = postgresql://$DS_WRITE_USER:$DS_PASS@127.0.0.1:$PG_PORT/datastore
ckan.datastore.read_url = postgresql://$DS_READ_USER:$DS_PASS@127.0.0.1:$PG_PORT/datastore
solr_url = http://127.0.0.1:$SOLR_PORT/solr/ckan
ckan.redis.url = redis://127.0.0.1:$REDIS_PORT/0
ckan.site_url = http://127.0.0.1:$WEB_PORT
ckan.site_id = satudata-kutaitimur
ckan.storage_path = $DATA/storage
SECRET_KEY = $secret
WTF_CSRF_SECRET_KEY = $secret
api_token.jwt.encode.secret = string:$secret
api_token.jwt.decode.secret = string:$secret
smtp.server = ${SATUDATA_SMTP_SERVER:-127.0.0.1:$MAIL_PORT}
smtp.mail_from = ${SATUDATA_MAIL_FROM:-walidata@data.kutaitimurkab.go.id}

[loggers]
keys = root, ckan, ckanext, werkzeug

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console

[logger_werkzeug]
level = INFO
handlers = console
qualname = werkzeug
propagate = 0

[logger_ckan]
level = INFO
handlers = console
qualname = ckan
propagate = 0

[logger_ckanext]
level = INFO
handlers = console
qualname = ckanext
propagate = 0

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s
INI
}
write_config
# Before the first ckan command: the datastore plugin connects to its database on load.
ensure_datastore datastore "$CKAN_INI"

say "Migrating the database"
ckan db init >"$LOGS/db.log" 2>&1 || die "ckan db init failed (see $LOGS/db.log)"
ckan db upgrade >>"$LOGS/db.log" 2>&1 || die "ckan db upgrade failed (see $LOGS/db.log)"

if ! ckan user show "$CKAN_SYSADMIN_NAME" 2>/dev/null | grep -q "name=$CKAN_SYSADMIN_NAME"; then
  say "Creating sysadmin $CKAN_SYSADMIN_NAME"
  ckan user add "$CKAN_SYSADMIN_NAME" email="$CKAN_SYSADMIN_EMAIL" password="$CKAN_SYSADMIN_PASSWORD" \
    fullname="Walidata Kutai Timur" >"$LOGS/sysadmin.log" 2>&1 || die "could not create user $CKAN_SYSADMIN_NAME (see $LOGS/sysadmin.log)"
fi
ckan sysadmin add "$CKAN_SYSADMIN_NAME" >>"$LOGS/sysadmin.log" 2>&1 || die "could not make $CKAN_SYSADMIN_NAME a sysadmin (see $LOGS/sysadmin.log)"

if [ -z "${SATUDATA_NO_DEMO:-}" ]; then
  ckan satudata seed-demo || die "loading the demo data failed (run: scripts/ckan satudata seed-demo)"
fi
# Once after an upgrade whose pages read something new from the search index.
ckan satudata index-upgrade || die "rebuilding the search index failed (run: scripts/ckan satudata reindex)"

# E-mail works out of the box: without SATUDATA_SMTP_SERVER, a local mail catcher
# keeps every message in .data/mail/*.eml (the sysadmin's /ckan-admin/surel lists
# what was sent and what failed).
if [ -z "${SATUDATA_SMTP_SERVER:-}" ] && ! port_open "$MAIL_PORT"; then
  say "Starting the mail catcher on 127.0.0.1:$MAIL_PORT (messages in $DATA/mail)"
  python -m ckanext.satudata.mailcatcher --port "$MAIL_PORT" --dir "$DATA/mail" >"$LOGS/mail.log" 2>&1 &
  echo $! >"$PIDS/mail.pid"
  _started+=(mail)
fi
stop_mail() { kill "$(cat "$PIDS/mail.pid" 2>/dev/null)" 2>/dev/null || true; rm -f "$PIDS/mail.pid"; }

# The worker runs the loader's jobs (CSV/XLSX into the DataStore) and e-mails.
say "Starting the background jobs worker"
ckan jobs worker >"$LOGS/worker.log" 2>&1 &
echo $! >"$PIDS/worker.pid"
_started+=(worker)
stop_worker() { kill "$(cat "$PIDS/worker.pid")" 2>/dev/null || true; rm -f "$PIDS/worker.pid"; }

# Harvesting (imports from other portals): the gather and fetch queues on Redis,
# consumed as the harvest user, as the compose services harvest-gather/-fetch do.
say "Starting the harvest consumers"
for stage in gather fetch; do
  ckan satudata harvest-consumer "$stage" >"$LOGS/harvest-$stage.log" 2>&1 &
  echo $! >"$PIDS/harvest-$stage.pid"
done
_started+=(harvesters)
stop_harvesters() {
  for stage in gather fetch; do
    kill "$(cat "$PIDS/harvest-$stage.pid" 2>/dev/null)" 2>/dev/null || true; rm -f "$PIDS/harvest-$stage.pid"
  done
}

# The web server: gunicorn, several worker processes with threads (as the
# official image runs uwsgi), not `ckan run`'s one-request-at-a-time server. The
# JavaScript modules' translations are built first (`ckan run` did that itself).
# It runs as a background job that the shell waits for, so Ctrl-C or a TERM
# reaches the EXIT trap at once and everything started here is stopped.
ckan translation js >>"$LOGS/web.log" 2>&1 || die "building the JavaScript translations failed (see $LOGS/web.log)"
gunicorn ckanext.satudata.wsgi:application --bind "127.0.0.1:$WEB_PORT" \
  --workers "${SATUDATA_WEB_WORKERS:-2}" --threads "${SATUDATA_WEB_THREADS:-4}" --worker-class gthread \
  --timeout 120 --graceful-timeout 20 --access-logfile - --name satudata-web 2>&1 | tee -a "$LOGS/web.log" &
web=$!
_started+=(web)
stop_web() { pkill -TERM -f "gunicorn ckanext.satudata.wsgi:application --bind 127.0.0.1:$WEB_PORT" 2>/dev/null || true; kill "$web" 2>/dev/null || true; }
wait_until 60 "the web server" "$LOGS/web.log" curl -sf "http://127.0.0.1:$WEB_PORT/api/3/action/status_show"
say "Portal Satu Data Kutai Timur: http://127.0.0.1:$WEB_PORT  (sysadmin: $CKAN_SYSADMIN_NAME; Ctrl-C stops)"
wait "$web"
