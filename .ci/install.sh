#!/usr/bin/env bash
# Tools the test suite drives for real: tmux (TUI smoke test), Graphviz (`export --format dot`
# renders), Chromium + poppler-utils (the handout printed to PDF), Slurm + munge and GNU parallel
# (the cluster recipes in docs/cluster.md), pandas (CSV outputs load with no options).
# Installs what is missing; where an install is impossible the tests that need the tool say so
# loudly and skip. Never fails the run by itself.
set -u
debs=(tmux graphviz chromium poppler-utils slurm-wlm munge parallel python3-pandas)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# pandas may come from pip instead of Debian.
if python3 -c 'import pandas' 2>/dev/null; then
  missing=("${missing[@]/python3-pandas}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if [ ${#missing[@]} -eq 0 ]; then
  echo "install: every test tool is present"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "install: WARNING: cannot install ${missing[*]} (not root or no apt-get); the tests that need them will skip LOUDLY" >&2
  exit 0
fi
echo "install: apt-get install ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || echo "install: WARNING: apt-get update failed" >&2
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/chainmesh-ci-install.log 2>&1; then
  echo "install: WARNING: apt-get install failed (see /tmp/chainmesh-ci-install.log); trying one by one" >&2
  for p in "${missing[@]}"; do
    apt-get install -y -qq --no-install-recommends "$p" >>/tmp/chainmesh-ci-install.log 2>&1 \
      || echo "install: WARNING: $p could not be installed; tests that need it skip LOUDLY" >&2
  done
fi
if ! python3 -c 'import pandas' 2>/dev/null; then
  python3 -m pip install -q pandas >/dev/null 2>&1 \
    || echo "install: WARNING: pandas could not be installed; the pandas test skips LOUDLY" >&2
fi
exit 0
