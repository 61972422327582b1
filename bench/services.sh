#!/usr/bin/env bash
# Times the open-data services on a generated catalogue (see bench/services.py).
#   SATUDATA_TEST_ISOLATION=bench bash bench/services.sh [DATASETS] [RAW_ROWS]
exec bash "$(dirname "${BASH_SOURCE[0]}")/run.sh" services "$@"
