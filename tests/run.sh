#!/usr/bin/env bash
# The test command (README): sets itself up on a fresh Debian/Ubuntu machine, then runs pytest.
#   1. Debian packages for the Xvfb smoke test (installed when run as root or with sudo);
#   2. a virtual environment .venv with a non-editable install of the app and its test extra;
#   3. the whole suite: the benchmarks in tests/bench, which print their figures (pytest -s shows
#      them), and tests/smoke (a real X window), one test at a time; then tests/core and
#      tests/gui (offscreen) on every core.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(xvfb xauth xdotool x11-utils imagemagick libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0
      libxkbcommon-x11-0 libxcb-shape0 libxcb-xinerama0 libegl1 libgl1 libfontconfig1
      libdbus-1-3 fonts-dejavu-core)
python=${PYTHON:-python3}
"$python" -c "import ensurepip, venv" 2>/dev/null || debs+=(python3-venv)
if command -v dpkg-query >/dev/null; then
  missing=()
  for p in "${debs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q ".[test]"

# pytest (not python -m pytest) so that the tests import the installed package, not the checkout.
# The benchmarks and the real-window smoke tests run alone (their figures are timings); the core
# and GUI tests then run on every core (pytest-xdist: a process per core, each with its own
# QApplication and temporary files), which halves the suite's time on two cores.
status=0
.venv/bin/pytest -q -p no:cacheprovider tests/bench tests/smoke tests/test_packaging.py "$@" || status=$?
# one process per core this process may use (a container may show more cores than it has), at
# most four: each holds its own QApplication and ~300 MB
workers=$(.venv/bin/python -c "import os; print(max(1, min(4, len(os.sched_getaffinity(0)))))")
.venv/bin/pytest -q -p no:cacheprovider -n "$workers" tests/core tests/gui "$@" || status=$?
exit "$status"
