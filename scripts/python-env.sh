#!/usr/bin/env bash
# Creates .venv with the project's pinned Python packages (idempotent; fast when up to date).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mkdir -p build-tmp
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
STAMP=.venv/.eo2sar-installed
WANT="$(cat requirements-dev.txt training/pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  echo "== installing Python packages into .venv (pinned in requirements-dev.txt and training/pyproject.toml)"
  .venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
  echo "$WANT" > "$STAMP"
fi
