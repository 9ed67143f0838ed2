#!/usr/bin/env bash
# CLI tests of `check -j N`, `check --shard I/N` and `merge-shards`: -j output
# identical to -j 1 (input order), shard selection complete, disjoint and
# independent of the order inputs are given in, bad shard arguments one line
# and exit 2, and the merge of shard summaries into one verdict and one JUnit
# file. Registered with ctest by cli/CMakeLists.txt.
#
#   bash cli/check_parallel_test.sh path/to/peer-replay path/to/traces
set -u
BIN=${1:?usage: check_parallel_test.sh path/to/peer-replay path/to/traces}
TRACES=${2:?usage: check_parallel_test.sh path/to/peer-replay path/to/traces}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/peer_replay_check_parallel.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
FAILS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
# Wall times printed per trace differ from run to run: blank them.
no_times() { sed -E 's/[0-9]+(\.[0-9]+)? ?(ms|s)\b/<t>/g; s/ time="[^"]*"//g' "$1"; }

# A corpus with one failing trace (a score changed by one ULP) and one
# unreadable one, so that order, verdicts and merge cover every status.
mkdir -p "$WORK/corpus"
cp "$TRACES"/*.jsonl* "$WORK/corpus/"
ONE=$(ls "$TRACES"/*.jsonl.zst | head -1)
zstd -dc "$ONE" | sed '0,/"gossip":0,/s/"gossip":0,/"gossip":5e-324,/' >"$WORK/corpus/zz-one-ulp-off.jsonl"
echo '{"type":"header"}' >"$WORK/corpus/zz-bad-header.jsonl"
TOTAL=$(ls "$WORK/corpus" | wc -l)

# -j: the same bytes as -j 1, whatever order the threads finish in.
"$BIN" check "$WORK/corpus" -j 1 --junit "$WORK/j1.xml" >"$WORK/j1.out" 2>"$WORK/j1.err"
RC1=$?
"$BIN" check "$WORK/corpus" -j 3 --junit "$WORK/j3.xml" >"$WORK/j3.out" 2>"$WORK/j3.err"
RC3=$?
[ "$RC1" -eq 2 ] || fail "-j 1 on a corpus with a bad trace: exit $RC1, expected 2"
[ "$RC3" -eq "$RC1" ] || fail "-j 3 exit $RC3, -j 1 exit $RC1"
diff <(no_times "$WORK/j1.out") <(no_times "$WORK/j3.out") >/dev/null || fail "-j 3 stdout differs from -j 1"
diff "$WORK/j1.err" "$WORK/j3.err" >/dev/null || fail "-j 3 stderr differs from -j 1"
diff <(no_times "$WORK/j1.xml") <(no_times "$WORK/j3.xml") >/dev/null || fail "-j 3 JUnit differs from -j 1"
grep -q '^FAIL.*zz-one-ulp-off' "$WORK/j1.out" || fail "the one-ULP trace did not fail"

# One trace with -j 2 (under the read-ahead size: trace/read_ahead_test.cc and
# replayer_test.cc cover the read-ahead itself): same verdict and report.
"$BIN" check "$WORK/corpus/zz-one-ulp-off.jsonl" -j 1 >"$WORK/r1.out" 2>&1
"$BIN" check "$WORK/corpus/zz-one-ulp-off.jsonl" -j 2 >"$WORK/r2.out" 2>&1
diff <(no_times "$WORK/r1.out") <(no_times "$WORK/r2.out") >/dev/null || fail "read-ahead report differs"
grep -q 'distance 1 ulp' "$WORK/r1.out" || fail "the report shows no ULP distance"

# --shard: every trace in exactly one of N shards, by name, whatever the input order.
for N in 1 3 4; do
  : >"$WORK/seen"
  for I in $(seq 1 "$N"); do
    "$BIN" check "$WORK/corpus" --shard "$I/$N" -j 2 --shard-summary "$WORK/s$N-$I.json" >/dev/null 2>&1
    grep -o '"path": "[^"]*"' "$WORK/s$N-$I.json" | sort >>"$WORK/seen"
    # The same shard from the files listed in reverse order.
    "$BIN" check $(ls -r "$WORK"/corpus/*) --shard "$I/$N" -j 1 --shard-summary "$WORK/r$N-$I.json" >/dev/null 2>&1
    diff <(grep -o '"path": "[^"]*"' "$WORK/s$N-$I.json" | sed 's|//*|/|g; s|.*/||' | sort) \
         <(grep -o '"path": "[^"]*"' "$WORK/r$N-$I.json" | sed 's|//*|/|g; s|.*/||' | sort) >/dev/null ||
      fail "shard $I/$N depends on the input order"
  done
  [ "$(wc -l <"$WORK/seen")" -eq "$TOTAL" ] || fail "$N shards hold $(wc -l <"$WORK/seen") traces, expected $TOTAL"
  [ "$(sort -u "$WORK/seen" | wc -l)" -eq "$TOTAL" ] || fail "$N shards: a trace in two shards"
done

# merge-shards: the verdict of the whole corpus, one JUnit file.
"$BIN" merge-shards "$WORK"/s3-*.json --junit "$WORK/merged.xml" >"$WORK/m.out" 2>"$WORK/m.err"
RC=$?
[ "$RC" -eq 2 ] || fail "merge with a bad trace: exit $RC, expected 2"
WANT=$(grep '^check: ' "$WORK/j1.out")
grep -qxF "$WANT" "$WORK/m.out" || fail "merge says '$(grep '^check: ' "$WORK/m.out")', check said '$WANT'"
[ "$(grep -c '<testcase ' "$WORK/merged.xml")" -eq "$TOTAL" ] || fail "merged JUnit: not $TOTAL testcases"
grep -q '<failure message=' "$WORK/merged.xml" || fail "merged JUnit lost the failure"
# Without the bad and failing traces: exit 0.
mkdir -p "$WORK/good"
cp "$TRACES"/*.jsonl* "$WORK/good/"
for I in 1 2; do "$BIN" check "$WORK/good" --shard "$I/2" --shard-summary "$WORK/g-$I.json" >/dev/null 2>&1; done
"$BIN" merge-shards "$WORK/g-2.json" "$WORK/g-1.json" >"$WORK/g.out" 2>&1 || fail "merge of a passing corpus: exit $?"

# Bad merges and bad shard arguments: exit 2, one line on stderr, nothing else.
one_line_2() {  # one_line_2 <name> command...
  local name=$1
  shift
  "$@" >"$WORK/o" 2>"$WORK/e"
  local rc=$?
  [ "$rc" -eq 2 ] || fail "$name: exit $rc, expected 2"
  [ "$(wc -l <"$WORK/e")" -eq 1 ] || { fail "$name: stderr is not one line"; sed 's/^/  | /' "$WORK/e"; }
  [ ! -s "$WORK/o" ] || fail "$name: wrote to stdout"
}
one_line_2 "merge with a shard missing" "$BIN" merge-shards "$WORK/s3-1.json" "$WORK/s3-3.json"
one_line_2 "merge with a shard twice" "$BIN" merge-shards "$WORK/s3-1.json" "$WORK/s3-2.json" "$WORK/s3-2.json" "$WORK/s3-3.json"
one_line_2 "merge of two splits" "$BIN" merge-shards "$WORK/s3-1.json" "$WORK/s4-2.json"
one_line_2 "merge of a non-summary" "$BIN" merge-shards "$WORK/merged.xml"
for ARG in 0/4 5/4 1/0 a/b 3 /4 2/ -1/4 "1/4/2" 1/99999999; do
  one_line_2 "--shard $ARG" "$BIN" check "$TRACES" --shard "$ARG"
  grep -q -- "--shard" "$WORK/e" || fail "--shard $ARG: the error does not name --shard"
done

[ "$FAILS" -eq 0 ] && echo "check -j / --shard / merge-shards: all passed"
exit $((FAILS > 0))
