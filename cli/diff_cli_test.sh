#!/usr/bin/env bash
# CLI tests of `peer-replay diff`: argument parsing, exit codes,
# formats, colours, directories, compressed input. Registered with ctest by
# cli/CMakeLists.txt; the report contents themselves are asserted line by
# line in diff/trace_diff_test.cc.
#
#   bash cli/diff_cli_test.sh path/to/peer-replay
set -u
BIN=${1:?usage: diff_cli_test.sh path/to/peer-replay}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/peer_replay_diff_cli.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
FAILS=0

fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
# expect_code <code> <name> -- command...: runs it, stdout in $WORK/out, stderr in $WORK/err.
expect_code() {
  local want=$1 name=$2
  shift 3
  "$@" >"$WORK/out" 2>"$WORK/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then
    fail "$name: exit $got, expected $want"
    sed 's/^/  out: /' "$WORK/out" | head -20
    sed 's/^/  err: /' "$WORK/err" | head -20
  fi
}
has_line() {  # has_line <file> <exact line> <name>
  grep -qxF -- "$2" "$1" || { fail "$3: no line '$2' in $1"; sed 's/^/  | /' "$1" | head -30; }
}

HEADER='{"type":"header","format":"peer-replay-trace","format_version":1,"producer":{"name":"test","version":"0","mode":"scripted"},"scenario":"t","seed":"1","config":{"targetPeers":4,"maxPeers":6,"targetGroupPeers":6,"gossipDecayIntervalMs":12000,"disablePeerScoring":false,"genesisTime":1600000000,"discovery":true,"chain":{"SLOTS_PER_EPOCH":32,"SLOT_DURATION_MS":12000,"CUSTODY_REQUIREMENT":4,"SAMPLES_PER_SLOT":8,"NUMBER_OF_CUSTODY_GROUPS":128,"NUMBER_OF_COLUMNS":128,"DATA_COLUMN_SIDECAR_SUBNET_COUNT":128,"ALTAIR_FORK_EPOCH":0,"BELLATRIX_FORK_EPOCH":0,"CAPELLA_FORK_EPOCH":0,"DENEB_FORK_EPOCH":0,"ELECTRA_FORK_EPOCH":0,"FULU_FORK_EPOCH":0,"GLOAS_FORK_EPOCH":null}},"local":{"nodeId":"0000000000000000000000000000000000000000000000000000000000000000","custodyGroupCount":4,"sampleGroups":[1,2],"sampledSubnets":[1,2],"status":{"forkDigest":"aabbccdd","finalizedRoot":"0101010101010101010101010101010101010101010101010101010101010101","finalizedEpoch":30,"headRoot":"0202020202020202020202020202020202020202020202020202020202020202","headSlot":1000}}}'
trace() {  # trace <file> <reason of the goodbye at seq 2> <report_peer action at seq 1>
  mkdir -p "$(dirname "$1")"
  {
    echo "$HEADER"
    echo '{"type":"event","seq":1,"t_ms":1000,"kind":"report_peer","peer":"P1","action":"'"$3"'","action_name":"t"}'
    echo '{"type":"expect","seq":1,"actions":[{"kind":"send_ping","peer":"P1","req":1}],"scores":[{"peer":"P1","lodestar":-1,"gossip":0,"ignore_negative":false,"score":-1,"last_update_ms":1000}]}'
    echo '{"type":"event","seq":2,"t_ms":2000,"kind":"timer","timer":"ping_status"}'
    echo '{"type":"expect","seq":2,"actions":[{"kind":"send_goodbye","peer":"P1","req":2,"reason":"'"$2"'"}]}'
    echo '{"type":"end","events":2}'
  } >"$1"
}

trace "$WORK/a.jsonl" 3 LowToleranceError
trace "$WORK/same.jsonl" 3 LowToleranceError
trace "$WORK/b.jsonl" 129 LowToleranceError
trace "$WORK/ev.jsonl" 3 Fatal

# Usage errors: exit 2.
expect_code 2 "no arguments" -- "$BIN" diff
expect_code 2 "one argument" -- "$BIN" diff "$WORK/a.jsonl"
expect_code 2 "bad --format" -- "$BIN" diff --format yaml "$WORK/a.jsonl" "$WORK/b.jsonl"
expect_code 2 "missing file" -- "$BIN" diff "$WORK/a.jsonl" "$WORK/nope.jsonl"
has_line "$WORK/err" "$WORK/nope.jsonl: no such file or directory" "missing file"
expect_code 2 "file vs directory" -- "$BIN" diff "$WORK/a.jsonl" "$WORK"

# Identical: exit 0.
expect_code 0 "identical" -- "$BIN" diff "$WORK/a.jsonl" "$WORK/same.jsonl"
has_line "$WORK/out" "result: identical" "identical"

# Differences: exit 1; never colours when stdout is not a terminal.
expect_code 1 "goodbye reason" -- "$BIN" diff "$WORK/a.jsonl" "$WORK/b.jsonl"
has_line "$WORK/out" '      reason: "3" (Internal fault/error) -> "129" (Client has too many peers)' "goodbye reason"
has_line "$WORK/out" "    changed 3 (Internal fault/error) -> 129 (Client has too many peers): 1" "goodbye reason"
has_line "$WORK/out" "result: outputs differ" "goodbye reason"
if grep -q $'\x1b' "$WORK/out"; then fail "colours written to a file"; fi
expect_code 1 "--no-color" -- "$BIN" diff --no-color "$WORK/a.jsonl" "$WORK/b.jsonl"

# Colours on a terminal (script(1) gives a pty), none with --no-color or NO_COLOR.
if command -v script >/dev/null 2>&1; then
  script -qec "$BIN diff $WORK/a.jsonl $WORK/b.jsonl" /dev/null >"$WORK/tty" 2>&1
  grep -q $'\x1b\[33m' "$WORK/tty" || fail "no colours on a terminal"
  script -qec "$BIN diff --no-color $WORK/a.jsonl $WORK/b.jsonl" /dev/null >"$WORK/tty" 2>&1
  if grep -q $'\x1b\[' "$WORK/tty"; then fail "colours on a terminal despite --no-color"; fi
  NO_COLOR=1 script -qec "$BIN diff $WORK/a.jsonl $WORK/b.jsonl" /dev/null >"$WORK/tty" 2>&1
  if grep -q $'\x1b\[' "$WORK/tty"; then fail "colours on a terminal despite NO_COLOR"; fi
fi

# JSON: versioned; parsed by jq when present.
expect_code 1 "json" -- "$BIN" diff --format json "$WORK/a.jsonl" "$WORK/b.jsonl"
grep -q '"diff_format_version": 1' "$WORK/out" || fail "json: no diff_format_version 1"
if command -v jq >/dev/null 2>&1; then
  [ "$(jq -r '.summary.goodbye_reasons.changed[0].b' "$WORK/out")" = "129" ] || fail "json: goodbye change not found"
  [ "$(jq -r '.differences[0].type' "$WORK/out")" = "action_changed" ] || fail "json: first difference type"
fi

# Markdown.
expect_code 1 "markdown" -- "$BIN" diff --format markdown "$WORK/a.jsonl" "$WORK/b.jsonl"
has_line "$WORK/out" "### peer-replay diff: outputs differ" "markdown"

# --limit 0: no detail, the summary still counts.
expect_code 1 "limit 0" -- "$BIN" diff --limit 0 "$WORK/a.jsonl" "$WORK/b.jsonl"
has_line "$WORK/out" "... 1 more differences not listed (--limit 0)" "limit 0"

# Inputs differ: exit 1, or 2 with --inputs-must-match.
expect_code 1 "events differ" -- "$BIN" diff "$WORK/a.jsonl" "$WORK/ev.jsonl"
has_line "$WORK/out" "inputs: DIFFER" "events differ"
expect_code 2 "--inputs-must-match" -- "$BIN" diff --inputs-must-match "$WORK/a.jsonl" "$WORK/ev.jsonl"
grep -q "^inputs differ at seq 1 " "$WORK/err" || fail "--inputs-must-match: message"

# A bad trace: "<file>:<line>: ..." and exit 2.
sed '3s/"seq":1/"seq":7/' "$WORK/a.jsonl" >"$WORK/bad.jsonl"
expect_code 2 "bad trace" -- "$BIN" diff "$WORK/a.jsonl" "$WORK/bad.jsonl"
grep -q "^$WORK/bad.jsonl:3: " "$WORK/err" || fail "bad trace: no '<file>:<line>:' message"

# --read-ahead: the same report, the same errors.
"$BIN" diff "$WORK/a.jsonl" "$WORK/b.jsonl" >"$WORK/one" 2>&1
expect_code 1 "--read-ahead" -- "$BIN" diff --read-ahead "$WORK/a.jsonl" "$WORK/b.jsonl"
cmp -s "$WORK/out" "$WORK/one" || fail "--read-ahead: another report"
expect_code 2 "--read-ahead, bad trace" -- "$BIN" diff --read-ahead "$WORK/a.jsonl" "$WORK/bad.jsonl"
grep -q "^$WORK/bad.jsonl:3: " "$WORK/err" || fail "--read-ahead, bad trace: no '<file>:<line>:' message"

# Compressed input compares with its plain text.
if command -v zstd >/dev/null 2>&1; then
  zstd -q -f "$WORK/a.jsonl" -o "$WORK/a.jsonl.zst"
  expect_code 0 "zstd vs plain" -- "$BIN" diff "$WORK/a.jsonl.zst" "$WORK/same.jsonl"
fi

# Directories: paired by relative path; an unmatched file makes exit 1.
trace "$WORK/da/x.jsonl" 3 LowToleranceError
trace "$WORK/db/x.jsonl" 3 LowToleranceError
trace "$WORK/da/sub/y.jsonl" 3 LowToleranceError
trace "$WORK/db/sub/y.jsonl" 129 LowToleranceError
trace "$WORK/da/lonely.jsonl" 3 LowToleranceError
expect_code 1 "directories" -- "$BIN" diff "$WORK/da" "$WORK/db"
has_line "$WORK/out" "only in a  lonely.jsonl" "directories"
has_line "$WORK/out" "identical  x.jsonl  2 events" "directories"
has_line "$WORK/out" "differs    sub/y.jsonl  1 differences in 1 of 2 events; inputs identical" "directories"
has_line "$WORK/out" "total: 2 pairs: 1 identical, 1 differ, 0 errors; 1 only in a, 0 only in b" "directories"
rm "$WORK/da/lonely.jsonl"
trace "$WORK/db/sub/y.jsonl" 3 LowToleranceError
expect_code 0 "identical directories" -- "$BIN" diff "$WORK/da" "$WORK/db"
# The same trace compressed on one side only still pairs.
if command -v zstd >/dev/null 2>&1; then
  zstd -q --rm "$WORK/db/x.jsonl" -o "$WORK/db/x.jsonl.zst"
  expect_code 0 "directories, .jsonl with .jsonl.zst" -- "$BIN" diff "$WORK/da" "$WORK/db"
  has_line "$WORK/out" "identical  x.jsonl (b: x.jsonl.zst)  2 events" "directories, .jsonl with .jsonl.zst"
  rm "$WORK/db/x.jsonl.zst"
fi
cp "$WORK/bad.jsonl" "$WORK/db/x.jsonl"
expect_code 2 "directory with a bad trace" -- "$BIN" diff "$WORK/da" "$WORK/db"
grep -q "^error      x.jsonl  $WORK/db/x.jsonl:3: " "$WORK/out" || fail "directory with a bad trace: error line"

if [ "$FAILS" -ne 0 ]; then
  echo "$FAILS diff CLI checks failed"
  exit 1
fi
echo "diff CLI: all checks passed"
