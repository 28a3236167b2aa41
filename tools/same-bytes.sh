#!/usr/bin/env bash
# Every output of every command on every built-in (and on generated
# networks), written by one binary into a folder: run it with two binaries
# and `diff -r` the folders to show that a change altered no byte.
#
#   tools/same-bytes.sh OLD_BINARY /tmp/old
#   tools/same-bytes.sh NEW_BINARY /tmp/new
#   diff -r /tmp/old /tmp/new && echo same bytes
#
# Trial counts are small so the whole sweep takes a minute or two; the
# numbers still go through every metric, format and exporter.
set -uo pipefail
bin=$(realpath "$1")
out=$2
rm -rf "$out"
mkdir -p "$out"
cd "$out" || exit 1
# Keep only what the command wrote (stdout, stderr, exit code), in files.
cap() {
  local name=$1
  shift
  "$@" >"$name.out" 2>"$name.err"
  echo $? >"$name.code"
}
"$bin" generate --model layered --nodes 120 --seed 3 --out gen-pool.toml 2>/dev/null
"$bin" generate --model layered --nodes 120 --seed 4 --needs --out gen-bom.toml 2>/dev/null
scenarios=$("$bin" list --format csv | tail -n +2 | cut -d, -f1)
for s in $scenarios gen-pool.toml gen-bom.toml; do
  n=${s%.toml}
  cap "$n.check" "$bin" check "$s"
  for f in table csv json markdown; do
    cap "$n.run.$f" "$bin" run "$s" --trials 60 --seed 7 --format "$f"
  done
  cap "$n.run.pt" "$bin" run "$s" --trials 30 --seed 9 --per-trial "$n.pertrial.csv" --format json
  cap "$n.run.threads1" "$bin" run "$s" --trials 40 --threads 1 --format json
  cap "$n.trace" "$bin" trace "$s" --seed 42 --trial 3
  cap "$n.sweep" "$bin" sweep "$s" --attack random,degree --trials 5 --points 12 --format csv
  cap "$n.risk" "$bin" risk "$s"
  cap "$n.risk.csv" "$bin" risk "$s" --format csv
  cap "$n.export.dot" "$bin" export "$s" --format dot
  for t in $("$bin" export "$s" --format dot | sed -n 's/.*; id="\([^"]*\)";$/\1/p'); do
    for f in graphml json; do
      cap "$n.export.$t.$f" "$bin" export "$s" --format "$f" --topology "$t"
    done
  done
  cap "$n.part0" "$bin" run "$s" --trial-range 0..20 --out "$n.part0.json"
  cap "$n.part1" "$bin" run "$s" --trial-range 20..45 --out "$n.part1.json"
  cap "$n.merge" "$bin" merge "$n.part0.json" "$n.part1.json" --format csv
  cap "$n.report" "$bin" report "$s" --trials 40 --out "$n.report"
  cap "$n.report.zh" "$bin" report "$s" --trials 40 --lang zh-TW --out "$n.report-zh"
done
cap agri.set "$bin" run agriculture --trials 30 --set defaults.failure_rate=0.005,0.02 --set shock.1.count=1..2 --format csv
cap agri.scale "$bin" run agriculture --trials 30 --scale failure_rate=1.5,repair=2 --format json
cap agri.shock "$bin" run agriculture --trials 30 --shock 'at=30,select=sector,sector=logistics,duration=10'
cap multi.md "$bin" run agriculture manufacturing smart-city --trials 30 --format markdown
cap list.json "$bin" list --format json
cap new.network "$bin" new --template network --sector retail
cap schema "$bin" schema
# The partials' and reports' file names are the same in both folders; the
# `wrote PATH` lines name them relative to this folder.
