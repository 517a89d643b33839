# shellcheck shell=bash
# Sourced by start.sh and test.sh: a fresh clone gets its npm dependencies installed
# first, so the README's commands work on their own.
if [ ! -d node_modules/.bin ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[setup] installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
