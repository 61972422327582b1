#!/usr/bin/env bash
# Times searches on a generated catalogue (see bench/search.py).
#   SATUDATA_TEST_ISOLATION=bench bash bench/search.sh [DATASETS] [--profile]
exec bash "$(dirname "${BASH_SOURCE[0]}")/run.sh" search "$@"
