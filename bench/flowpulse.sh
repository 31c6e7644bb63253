#!/usr/bin/env bash
# FlowPulse, the Python peer, on the FlowPulse demo file: "when will 121 items be done" (with
# the chance of making it within 120 days) and "how many items in 14 / 120 days", 10,000 trials,
# timed per forecast and as its command line, several runs to show its sampling spread.
#
#   bench/flowpulse.sh [--json] [--runs N] [--cli-runs N]
#
# Makes a virtual environment under target/bench-venv on first use, with FlowPulse pinned to
# the version benchmarked (its dependencies pinned in bench/flowpulse-constraints.txt).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
venv="$repo/target/bench-venv"
flowpulse_version="2.0.6"

if ! "$venv/bin/python" -c "from importlib.metadata import version; assert version('flowpulse') == '$flowpulse_version'" 2>/dev/null; then
  echo "bench/flowpulse.sh: installing flowpulse==$flowpulse_version into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    -c "$repo/bench/flowpulse-constraints.txt" "flowpulse==$flowpulse_version" >&2
fi

# DemoConfig.json ships with the fixture (FlowPulse's docs/assets/exampledata, MIT).
exec "$venv/bin/python" "$repo/bench/flowpulse_bench.py" \
  --csv "$repo/fixtures/flowpulse-demo/DemoFile.csv" \
  --config "$repo/fixtures/flowpulse-demo/DemoConfig.json" "$@"
