#!/usr/bin/env bash
# Development helper: keep PostgreSQL, Redis and Solr running between commands.
#   bash scripts/services.sh up      start them (and leave them running)
#   bash scripts/services.sh down    stop them
#   bash scripts/services.sh status  show what answers
# run.sh and test.sh reuse services that are already up and leave them running.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case "${1:-status}" in
  up)
    ensure_debs "${BASE_DEBS[@]}"
    ensure_venv "$ROOT/requirements.txt"
    start_services
    ensure_database ckan
    ensure_database ckan_test
    say "PostgreSQL, Redis and Solr are up on 127.0.0.1"
    ;;
  down)
    stop_solr
    stop_redis
    stop_postgres
    say "Stopped"
    ;;
  status)
    pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && echo "postgresql: up" || echo "postgresql: down"
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && echo "redis: up" || echo "redis: down"
    _solr_ready && echo "solr: up" || echo "solr: down"
    ;;
  *) die "usage: scripts/services.sh up|down|status" ;;
esac
