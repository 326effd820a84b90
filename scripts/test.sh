#!/usr/bin/env bash
# Install everything the tests need and run them: lint, format check, the suite
# (unit, CLI end-to-end, GDAL read-back, headless-browser map tests, evaluation
# targets, ogr2ogr round trips). This is the README's test command and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${VENV:-.venv}"

# The map tests drive Debian's Chromium; install it when it is missing.
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is missing: sudo apt-get install chromium (the browser tests need it)" >&2
    exit 1
  fi
fi

# The GIS tests convert every output with the system's ogr2ogr (Debian's gdal-bin:
# GDAL 3.6 on Debian stable) and validate the GeoPackage with GDAL's validate_gpkg.py
# (python3-gdal); install them when they are missing.
if ! command -v ogr2ogr >/dev/null 2>&1 ||
  [ ! -f /usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gdal-bin python3-gdal >/dev/null
  else
    echo "ogr2ogr is missing: sudo apt-get install gdal-bin python3-gdal (the GIS tests need it)" >&2
    exit 1
  fi
fi

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q -e '.[test]'

"$venv/bin/ruff" check .
"$venv/bin/ruff" format --check .
# A non-UTC zone by default, so naive-datetime bugs in Baghdad time surface.
TZ="${TZ:-America/Los_Angeles}" "$venv/bin/python" -m pytest "$@"
