#!/usr/bin/env bash
# The README's test command: install everything the tests need, then run the whole suite.
#
#   bash scripts/test.sh            # all tests (unit, figure, AppTest, real browser)
#   bash scripts/test.sh -k gate    # extra arguments go to pytest
#
# Installs, only when missing: Debian's chromium (the browser the tests drive) and fonts-noto-cjk
# (so Chinese text renders in screenshots), via apt-get (as root, or with sudo); then the pinned
# Python packages of requirements-test.txt. Works unattended (CI=true, no stdin).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

missing=()
dpkg -s chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== apt-get install ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
fi

echo "== pip install -r requirements-test.txt"
"$PYTHON" -m pip install -q -r requirements-test.txt </dev/null

echo "== pytest"
set +e
"$PYTHON" -m pytest -q -rfEs --timeout=900 -p no:cacheprovider "$@" tests </dev/null
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
  exit 1
fi
exit "$status"
