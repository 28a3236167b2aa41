#!/usr/bin/env bash
# TUI smoke test: run the real binary inside tmux as a user would, send keys
# (pause, step, select, knock out, help, quit; the pandemic's stock bar and
# stock line; manufacturing's assembly flows and bottleneck; the scenario
# picker, the node
# inspector, the search, the flow view in both languages at 80x24 and
# 160x48), and check what the screen shows and that the program exits
# cleanly with the terminal restored.
#
#   cargo build --release && bash .ci/tui-smoke.sh
#
# CHAINMESH_BIN overrides the binary (default target/release/chainmesh).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${CHAINMESH_BIN:-target/release/chainmesh}
FIXTURE=tests/fixtures/tui-farm.toml
export LANG=C.UTF-8 LC_ALL=C.UTF-8

command -v tmux >/dev/null || { echo "tui-smoke: tmux is not installed" >&2; exit 1; }
[ -x "$BIN" ] || { echo "tui-smoke: $BIN not found; run cargo build --release first" >&2; exit 1; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

tmp=$(mktemp -d)
# A private tmux server: never touches the user's sessions.
socket="chainmesh-smoke-$$"
tmux() { command tmux -L "$socket" "$@"; }
session=""
phase=0
cleanup() {
  tmux kill-server 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
  echo "tui-smoke: FAIL: $*" >&2
  if [ -f "$tmp/screen" ]; then
    echo "---- last screen ----" >&2
    cat "$tmp/screen" >&2
  fi
  exit 1
}

capture() { tmux capture-pane -p -t "$session" > "$tmp/screen"; }

# Wait up to $2 seconds for the screen to contain $1.
wait_for() {
  local i
  for i in $(seq 1 $(( $2 * 10 ))); do
    capture
    grep -qF -- "$1" "$tmp/screen" && return 0
    sleep 0.1
  done
  fail "the screen never showed '$1'"
}

send() { tmux send-keys -t "$session" "$@"; sleep 0.3; }

# Start `chainmesh <args>` in a new session (160x48, or $COLS x $ROWS);
# records the exit code and the terminal mode after the program ends.
start() {
  rm -f "$tmp/exit" "$tmp/stty"
  phase=$((phase + 1))
  session="smoke$phase"
  tmux new-session -d -s "$session" -x "${COLS:-160}" -y "${ROWS:-48}" \
    "cd '$tmp' && '$BIN' $*; echo EXIT=\$? > '$tmp/exit'; stty -a > '$tmp/stty'; sleep 60"
}

# Wait for the program to end; check exit code 0 and a restored terminal.
expect_clean_exit() {
  local i
  for i in $(seq 1 50); do
    [ -f "$tmp/stty" ] && break
    sleep 0.1
  done
  [ -f "$tmp/exit" ] || fail "the program did not exit after q"
  grep -qx "EXIT=0" "$tmp/exit" || fail "exit status: $(cat "$tmp/exit")"
  grep -qw -- "-icanon" "$tmp/stty" && fail "the terminal was left in raw mode"
  capture
  grep -qF "trial" "$tmp/screen" && fail "the alternate screen was not left"
  return 0
}

echo "== tui-smoke: $FIXTURE"
start tui "$(pwd)/$FIXTURE" --seed 42
wait_for "seed 42" 10
send Space                 # pause
wait_for "paused" 3
send n; send n; send n     # three steps
send Tab; send Tab         # select the chain's wholesaler
send k                     # knock it out (runs the step at once while paused)
wait_for "✗" 3
capture
for want in "Supply chain" "Ecosystem network" "seed 42" "✗Wholesaler" "you (k)" \
            "--shock at=" "Monte Carlo"; do
  grep -qF -- "$want" "$tmp/screen" || fail "the screen does not show '$want'"
done
cp "$tmp/screen" "$tmp/main-screen"
send '?'
wait_for "quit" 3
grep -qF "knock out the selected node" "$tmp/screen" || fail "the help overlay did not open"
send Escape
capture
grep -qF "knock out the selected node" "$tmp/screen" && fail "the help overlay did not close"
send w                     # the attack-tolerance sweep view
wait_for "robustness R" 10
send Escape
wait_for "Monte Carlo" 3
send q
expect_clean_exit
echo "ok: both topologies, the seed and a knocked-out node shown; clean exit"

echo "== tui-smoke: built-in default scenario (behind the picker)"
start tui --seed 3
wait_for "open a scenario" 10   # no scenario named: the picker opens first
send Escape                      # keep the default one behind it
wait_for "seed 3" 10
send p                     # parameter panel
wait_for "failure rate" 3
send Right                 # failure rate ×1.25: restarts the trial
wait_for "modified parameters" 3
send Escape                # (keys sent one at a time: Esc then q at once reads as Alt-q)
send q
expect_clean_exit
echo "ok: built-in scenario opens and quits cleanly"

echo "== tui-smoke: pandemic-2020 stock bar, stock line and the inspector's stock and risk rows"
start tui pandemic-2020 --seed 42
wait_for "seed 42" 10
send Space                 # pause
wait_for "paused" 3
# A tick may land between the first frame and the pause: count from the
# step on screen (`t –/` before step 0).
capture
at=$(grep -oE 't ([0-9]+|–)/' "$tmp/screen" | head -n 1 | sed -E 's/^t ([0-9]+|–)\/$/\1/')
[ "$at" = "–" ] && at=-1
for _ in $(seq 1 20); do send n; done   # into the border closure: the buffer drains
wait_for "t $((at + 20))/" 5
capture
# The stocked chain's distributor ends its label with a one-cell stock bar;
# the chart's legend names the dotted stock line.
grep -qE "National( d)?…[▁▂▃▄▅▆▇█·]" "$tmp/screen" || fail "no stock bar beside the stocked distributor"
grep -qF "•stock" "$tmp/screen" || fail "the φ(t) chart does not show the stock line"
send /                     # find the stocked distributor by name and inspect it
for c in s a f e t y; do send "$c"; done
send Enter
wait_for "/1400" 3
capture
grep -qF "stock " "$tmp/screen" || fail "the inspector shows no stock row"
# The risk row is computed by a worker when the inspector opens.
wait_for "TTS " 20
send Escape
send q
expect_clean_exit
echo "ok: stock bar, stock line, inspector stock and risk rows; clean exit"

# Assembly lines (issue 26, section 2): the program's flows are read back,
# so the 80x24 list shows x/cap and the inspector the flow now against the
# baseline, never `–`.
echo "== tui-smoke: manufacturing flows and bottleneck at 80x24"
COLS=80 ROWS=24 start tui manufacturing --seed 7
wait_for "seed 7" 10
send Space                 # pause (before the battery fire at step 20)
wait_for "paused" 3
send n
capture
grep -qF -- "–/" "$tmp/screen" && fail "the node list shows an unknown flow (–/…)"
grep -qF "100/100" "$tmp/screen" || fail "the chain's list does not show 100/100"
send Enter                 # inspect the chain's battery maker
wait_for "flow now 100 (100%) · at baseline 100" 3
grep -qF "a bottleneck" "$tmp/screen" || fail "the inspector does not name the bottleneck"
send k                     # knock the battery maker out (the inspector stays open)
wait_for "flow now 0 (0%)" 3
wait_for "φ is waiting for it" 3
capture
grep -qF " 0/100" "$tmp/screen" || fail "the chain's list does not show 0/100"
send Escape
send q
expect_clean_exit
echo "ok: manufacturing list x/cap, flow now/baseline and bottleneck; clean exit"

# The picker (no scenario named), switching scenario, the inspector, the
# search, the flow view: at 80x24 and 160x48, in English and Chinese.
cp "$FIXTURE" "$tmp/farm.toml"
BUILTIN_COUNT=7   # scenario::builtin::BUILTINS
for size in 80x24 160x48; do
  for lang in en zh-TW; do
    COLS=${size%x*} ROWS=${size#*x}
    if [ "$lang" = en ]; then
      picker="open a scenario"; farm="Farm to table"; inspect="flow now"; flow="flow view"
    else
      picker="開啟情境"; farm="從農場"; inspect="目前流量"; flow="流量檢視"
    fi
    echo "== tui-smoke: picker, inspector, flow view at $size, --lang $lang"
    COLS=$COLS ROWS=$ROWS start tui --lang "$lang"
    wait_for "$picker" 10
    # The built-ins come first, then the *.toml of the folder: farm.toml.
    for _ in $(seq 1 "$BUILTIN_COUNT"); do send Down; done
    send Enter
    wait_for "$farm" 5
    send Space                 # pause
    send Enter                 # inspect the selected node
    wait_for "$inspect" 3
    send Escape
    send /                     # find the wholesaler by name
    for c in W h o l; do send "$c"; done
    send Enter
    wait_for "$inspect" 3
    capture
    grep -qF "wholesaler" "$tmp/screen" || fail "the search did not inspect the wholesaler"
    send Escape
    send f                     # the flow view
    wait_for "$flow" 3
    send o                     # the picker again, closed with Esc
    wait_for "$picker" 3
    send Escape
    wait_for "$farm" 3
    cp "$tmp/screen" "$tmp/screen-$size-$lang"
    send q
    expect_clean_exit
    echo "ok: picker → farm.toml, inspector, search, flow view, clean exit ($size, $lang)"
  done
done

if [ -n "${TUI_SMOKE_SHOW:-}" ]; then
  cat "$tmp/main-screen"
  for f in "$tmp"/screen-*; do echo "---- $f"; cat "$f"; done
fi
