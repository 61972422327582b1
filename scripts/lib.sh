# shellcheck shell=bash
# Shared by scripts/run.sh and scripts/test.sh: install what is missing, start
# PostgreSQL, Redis and Solr on 127.0.0.1, and stop on exit only what we started.
# Every failure ends in one line that names the problem and the fix.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA=${SATUDATA_DATA:-$ROOT/.data}
VENV=${SATUDATA_VENV:-$ROOT/.venv}
PIDS=$DATA/run
LOGS=$DATA/logs
PG_VERSION=15
PG_PORT=5432
REDIS_PORT=6379
SOLR_PORT=8983
SOLR_HEAP=${SATUDATA_SOLR_HEAP:-512m}
SOLR_CORES=(ckan ckan_test)
DB_USER=${SATUDATA_DB_USER:-ckan}
DB_PASS=${SATUDATA_DB_PASSWORD:-ckan}
# The DataStore's users (ckan datastore set-permissions): the write user owns the
# DataStore databases, the read-only user may only SELECT from them.
DS_WRITE_USER=${SATUDATA_DATASTORE_WRITE_USER:-datastore_write}
DS_READ_USER=${SATUDATA_DATASTORE_READ_USER:-datastore_read}
DS_PASS=${SATUDATA_DATASTORE_PASSWORD:-datastore}
export PIP_DISABLE_PIP_VERSION_CHECK=1

_started=()   # services this process started, stopped again on exit

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31msatudata:\033[0m %s\n' "$*" >&2; exit 1; }

mkdir -p "$PIDS" "$LOGS"

# --- prerequisites --------------------------------------------------------

_missing_debs() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}

# ensure_debs PKG... : install the Debian packages that are missing.
ensure_debs() {
  command -v dpkg-query >/dev/null || die "this needs Debian (dpkg not found); install $* by hand"
  local missing
  missing=$(_missing_debs "$@" | tr '\n' ' ')
  [ -z "${missing// /}" ] && return 0
  [ "$(id -u)" = 0 ] || die "missing Debian packages: $missing— run as root, or: sudo apt-get install -y $missing"
  say "Installing Debian packages: $missing"
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086
  if ! apt-get install -y -q --no-install-recommends $missing >"$LOGS/apt.log" 2>&1; then
    apt-get update -q >>"$LOGS/apt.log" 2>&1 || die "apt-get update failed (see $LOGS/apt.log)"
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing >>"$LOGS/apt.log" 2>&1 \
      || die "apt-get install $missing failed (see $LOGS/apt.log)"
  fi
}

BASE_DEBS=(postgresql-$PG_VERSION postgresql-client-$PG_VERSION redis-server openjdk-17-jdk-headless
           maven python3-venv python3-dev gcc libpq-dev libmagic1 curl ca-certificates)
BROWSER_DEBS=(chromium chromium-driver fonts-dejavu-core)

_python() {
  local py=${SATUDATA_PYTHON:-python3}
  command -v "$py" >/dev/null || die "python3 not found: apt-get install python3 python3-venv"
  "$py" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] < (3, 13)))' \
    || die "CKAN 2.12 needs Python 3.10-3.12, $("$py" --version 2>&1) found: set SATUDATA_PYTHON"
  echo "$py"
}

# ensure_venv REQFILE... : a virtualenv with the pinned requirements and this
# extension installed in editable mode; reinstalls only when a file changed.
ensure_venv() {
  local py stamp want
  py=$(_python)
  if [ ! -x "$VENV/bin/python" ]; then
    say "Creating virtualenv $VENV"
    "$py" -m venv "$VENV" || die "could not create a virtualenv: apt-get install python3-venv"
  fi
  want=$(cat "$ROOT/pyproject.toml" "$ROOT/setup.py" "$@" | sha256sum | cut -c1-16)
  stamp=$VENV/.satudata-installed-$(basename -a "$@" | tr '\n' '+')
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "Installing Python packages ($(basename -a "$@" | tr '\n' ' '))"
    local args=() f
    for f in "$@"; do args+=(-r "$f"); done
    "$VENV/bin/pip" install -q --upgrade "pip>=23" "setuptools>=65,<81" wheel >"$LOGS/pip.log" 2>&1 \
      || die "pip could not upgrade itself (see $LOGS/pip.log)"
    "$VENV/bin/pip" install -q "${args[@]}" -e "$ROOT" >>"$LOGS/pip.log" 2>&1 \
      || die "pip install failed (see $LOGS/pip.log)"
    echo "$want" >"$stamp"
  fi
  export PATH="$VENV/bin:$PATH"
}

# --- ports and waiting ---------------------------------------------------------

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_until SECONDS WHAT LOG CMD... : poll CMD until it succeeds.
wait_until() {
  local secs=$1 what=$2 log=$3 i
  shift 3
  for ((i = 0; i < secs * 4; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  die "$what did not come up within ${secs}s (log: $log)"
}

# --- PostgreSQL ----------------------------------------------------------------

_psql() { runuser -u postgres -- psql -p "$PG_PORT" -X -q -v ON_ERROR_STOP=1 "$@"; }

start_postgres() {
  if pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then
    return 0
  fi
  [ "$(id -u)" = 0 ] || die "PostgreSQL is not running on 127.0.0.1:$PG_PORT; start it (as root: pg_ctlcluster $PG_VERSION main start)"
  port_open "$PG_PORT" && die "port $PG_PORT is in use by something that is not PostgreSQL; stop it and run again"
  if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$PG_VERSION main"; then
    say "Creating PostgreSQL cluster $PG_VERSION/main"
    pg_createcluster "$PG_VERSION" main >"$LOGS/postgres-create.log" 2>&1 \
      || die "pg_createcluster failed (see $LOGS/postgres-create.log)"
  fi
  say "Starting PostgreSQL $PG_VERSION"
  pg_ctlcluster "$PG_VERSION" main start -- -o "-c listen_addresses=127.0.0.1 -p $PG_PORT" \
    >"$LOGS/postgres-start.log" 2>&1 || die "PostgreSQL did not start (see $LOGS/postgres-start.log and /var/log/postgresql/)"
  _started+=(postgres)
  wait_until 30 PostgreSQL "/var/log/postgresql/postgresql-$PG_VERSION-main.log" pg_isready -q -h 127.0.0.1 -p "$PG_PORT"
}

stop_postgres() { pg_ctlcluster "$PG_VERSION" main stop -m fast >/dev/null 2>&1 || true; }

# ensure_database NAME [OWNER] : role and database, created only when missing.
ensure_database() {
  local db=$1 owner=${2:-$DB_USER}
  if [ "$(id -u)" != 0 ]; then
    PGPASSWORD=$DB_PASS psql -h 127.0.0.1 -p "$PG_PORT" -U "$owner" -d "$db" -Atc 'select 1' >/dev/null 2>&1 \
      || die "database $db (owner $owner) is missing; run this script as root once to create it"
    return 0
  fi
  if [ -z "$(_psql -Atc "select 1 from pg_roles where rolname = '$owner'")" ]; then
    _psql -c "create role \"$owner\" login password '$DB_PASS'"
  fi
  if [ -z "$(_psql -Atc "select 1 from pg_database where datname = '$db'")" ]; then
    say "Creating database $db"
    _psql -c "create database \"$db\" owner \"$owner\" encoding 'utf-8' template template0"
  fi
}

# ensure_role NAME : a login role with DS_PASS, created only when missing (two
# checkouts may race to create it: the loser's duplicate_object is harmless).
ensure_role() {
  local role=$1
  [ -n "$(_psql -Atc "select 1 from pg_roles where rolname = '$role'")" ] && return 0
  _psql -c "do \$\$ begin create role \"$role\" login password '$DS_PASS'; exception when duplicate_object then null; end \$\$"
}

# datastore_urls DB : exports CKAN_DATASTORE_WRITE_URL and CKAN_DATASTORE_READ_URL
# for the DataStore database DB (CKAN reads them over the ini files).
datastore_urls() {
  export CKAN_DATASTORE_WRITE_URL="postgresql://$DS_WRITE_USER:$DS_PASS@127.0.0.1:$PG_PORT/$1"
  export CKAN_DATASTORE_READ_URL="postgresql://$DS_READ_USER:$DS_PASS@127.0.0.1:$PG_PORT/$1"
}

# ensure_datastore DB INI : the DataStore database DB with its write and read-only
# users, and the permissions CKAN generates for them (`ckan datastore
# set-permissions`, applied as the PostgreSQL superuser; idempotent). INI is the
# CKAN config whose sqlalchemy.url is the main database to keep the reader out of.
ensure_datastore() {
  local db=$1 ini=$2
  if [ "$(id -u)" != 0 ]; then
    PGPASSWORD=$DS_PASS psql -h 127.0.0.1 -p "$PG_PORT" -U "$DS_READ_USER" -d "$db" -Atc 'select 1' >/dev/null 2>&1 \
      || die "DataStore database $db (reader $DS_READ_USER) is missing; run this script as root once to create it"
    return 0
  fi
  ensure_role "$DS_WRITE_USER"
  ensure_role "$DS_READ_USER"
  ensure_database "$db" "$DS_WRITE_USER"
  ckan -c "$ini" datastore set-permissions >"$LOGS/datastore-$db.sql" 2>"$LOGS/datastore-$db.log" \
    || die "ckan datastore set-permissions failed (see $LOGS/datastore-$db.log)"
  _psql -f - <"$LOGS/datastore-$db.sql" >>"$LOGS/datastore-$db.log" 2>&1 \
    || die "the DataStore permissions could not be applied to $db (see $LOGS/datastore-$db.log)"
}

# --- Redis -----------------------------------------------------------------------

start_redis() {
  if command -v redis-cli >/dev/null && redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
    return 0
  fi
  port_open "$REDIS_PORT" && die "port $REDIS_PORT is in use by something that is not Redis; stop it and run again"
  say "Starting Redis"
  mkdir -p "$DATA/redis"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --dir "$DATA/redis" \
    --save 60 1 --pidfile "$PIDS/redis.pid" --logfile "$LOGS/redis.log" >/dev/null \
    || die "redis-server did not start (see $LOGS/redis.log)"
  _started+=(redis)
  wait_until 20 Redis "$LOGS/redis.log" redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping
}

stop_redis() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true; }

# --- Solr 9 ------------------------------------------------------------------------

SOLR_HOME=$DATA/solr/home
SOLR_CP=$DATA/solr/classpath.txt

# The jars of Solr 9 from Maven Central (cached in ~/.m2), listed as a classpath.
ensure_solr_jars() {
  local want stamp=$DATA/solr/classpath.stamp
  want=$(sha256sum "$ROOT/solr/pom.xml" | cut -c1-16)
  if [ -s "$SOLR_CP" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  command -v mvn >/dev/null || die "maven is missing: apt-get install maven openjdk-17-jdk-headless"
  say "Fetching Apache Solr 9 from Maven Central"
  mkdir -p "$DATA/solr"
  (cd "$ROOT/solr" && mvn -q -B dependency:build-classpath -Dmdep.outputFile="$SOLR_CP") \
    >"$LOGS/maven.log" 2>&1 || die "maven could not fetch Solr's jars (see $LOGS/maven.log)"
  echo "$want" >"$stamp"
}

# Solr home: solr.xml and one core per entry of SOLR_CORES, each with our
# solrconfig.xml and the schema.xml shipped inside the installed ckan package.
_prepare_solr_home() {
  local schema core
  schema=$("$VENV/bin/python" -c 'import ckan, os; print(os.path.join(os.path.dirname(ckan.__file__), "config", "solr", "schema.xml"))')
  [ -f "$schema" ] || die "ckan's schema.xml not found at $schema: is ckan installed in $VENV?"
  mkdir -p "$SOLR_HOME"
  cp "$ROOT/solr/solr.xml" "$SOLR_HOME/solr.xml"
  for core in "${SOLR_CORES[@]}"; do
    mkdir -p "$SOLR_HOME/$core/conf"
    cp "$ROOT/solr/solrconfig.xml" "$schema" "$SOLR_HOME/$core/conf/"
    for f in synonyms.txt protwords.txt stopwords.txt; do
      cp "$ROOT/solr/$f" "$SOLR_HOME/$core/conf/$f"
    done
    [ -f "$SOLR_HOME/$core/core.properties" ] || echo "name=$core" >"$SOLR_HOME/$core/core.properties"
  done
}

_solr_ready() {
  local core
  for core in "${SOLR_CORES[@]}"; do
    curl -sf "http://127.0.0.1:$SOLR_PORT/solr/$core/select?q=*:*&rows=0" >/dev/null || return 1
  done
}

start_solr() {
  ensure_solr_jars
  if _solr_ready; then
    return 0
  fi
  port_open "$SOLR_PORT" && die "port $SOLR_PORT is in use by something that is not our Solr (no core ${SOLR_CORES[*]}); stop it and run again"
  _prepare_solr_home
  say "Starting Solr 9 on 127.0.0.1:$SOLR_PORT"
  (cd "$DATA/solr" && exec nohup java -Xms128m -Xmx"$SOLR_HEAP" -XX:+UseSerialGC \
      -Dsolr.log.dir="$LOGS" -Dlog4j2.configurationFile="$ROOT/solr/log4j2.xml" \
      -Dsolr.install.dir="$DATA/solr" -Djava.awt.headless=true \
      -cp "$(cat "$SOLR_CP")" "$ROOT/solr/SolrLauncher.java" "$SOLR_HOME" "$SOLR_PORT" \
      >"$LOGS/solr-console.log" 2>&1 &
    echo $! >"$PIDS/solr.pid")
  _started+=(solr)
  local i pid
  pid=$(cat "$PIDS/solr.pid")
  for ((i = 0; i < 90 * 4; i++)); do
    _solr_ready && return 0
    kill -0 "$pid" 2>/dev/null || die "Solr exited while starting: $(grep -m1 -E '^solr:|Exception|Error' "$LOGS/solr-console.log" || tail -n1 "$LOGS/solr-console.log") (log: $LOGS/solr-console.log)"
    sleep 0.25
  done
  die "Solr did not come up within 90s (log: $LOGS/solr-console.log)"
}

# ensure_solr_core NAME : a core with CKAN's schema in the running Solr, created
# through the CoreAdmin API when missing (used for isolated test runs).
ensure_solr_core() {
  local core=$1 home schema
  curl -sf "http://127.0.0.1:$SOLR_PORT/solr/$core/select?q=*:*&rows=0" >/dev/null && return 0
  home=$(curl -sf "http://127.0.0.1:$SOLR_PORT/solr/admin/info/system?wt=json" |
    "$VENV/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["solr_home"])') \
    || die "cannot ask Solr for its home directory to create core $core"
  schema=$("$VENV/bin/python" -c 'import ckan, os; print(os.path.join(os.path.dirname(ckan.__file__), "config", "solr", "schema.xml"))')
  mkdir -p "$home/$core/conf"
  cp "$ROOT/solr/solrconfig.xml" "$schema" "$ROOT"/solr/{synonyms,protwords,stopwords}.txt "$home/$core/conf/"
  curl -sf "http://127.0.0.1:$SOLR_PORT/solr/admin/cores?action=CREATE&name=$core&instanceDir=$core" >/dev/null \
    || die "Solr could not create core $core (see $LOGS/solr.log)"
}

stop_solr() {
  local pid
  pid=$(cat "$PIDS/solr.pid" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$PIDS/solr.pid"
}

# --- all services -------------------------------------------------------------------

start_services() {
  start_postgres
  start_redis
  start_solr
}

# Stops, in reverse order, what this process started (EXIT trap).
stop_started() {
  local i
  for ((i = ${#_started[@]} - 1; i >= 0; i--)); do
    "stop_${_started[$i]}"
  done
  _started=()
}
