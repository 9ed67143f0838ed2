#!/usr/bin/env bash
# ctest for the differential fuzzer (tools/fuzz/fuzz.mjs), against the real Lodestar:
#   1. bad usage: exit 2 and one line;
#   2. the real engine on a fixed seed: no finding, and a second run gives the same run digest;
#   3. a deliberately broken engine (one expected score one ULP off): the fuzzer must report a
#      finding, write it whole, shrink it, and the repro command must reproduce it.
# Usage: fuzz_test.sh <peer-replay binary>
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fuzz="$here/../fuzz.mjs"
engine="$1"
bash "$here/../../recorder/setup.sh" >/dev/null
rc=$?
if [[ $rc == 3 ]]; then bash "$here/../../recorder/registry-unreachable.sh" "the differential fuzzer test"; exit $?; fi
[[ $rc == 0 ]] || exit "$rc"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# 1. bad input
for args in "--seed" "--seed a/b" "--cases 0" "--workers x" "--bogus" "--time 5 --cases 3" "--engine /nonexistent" "--guide lines"; do
  # shellcheck disable=SC2086
  node "$fuzz" $args >"$tmp/out" 2>"$tmp/err"; rc=$?
  [[ $rc == 2 ]] || fail "'$args' exited $rc, not 2"
  [[ $(wc -l <"$tmp/err") == 1 ]] || fail "'$args' printed $(wc -l <"$tmp/err") lines, not one: $(cat "$tmp/err")"
done
echo "ok: bad usage exits 2 with one line"

# 2. the real engine: passes, reproducible
for run in a b; do
  node "$fuzz" --seed ctest --cases 5 --workers 2 --engine "$engine" --out "$tmp/$run" --quiet >"$tmp/$run.txt" 2>&1; rc=$?
  [[ $rc == 0 ]] || { cat "$tmp/$run.txt"; fail "the real engine: exit $rc"; }
done
da="$(grep 'run digest' "$tmp/a.txt")"; db="$(grep 'run digest' "$tmp/b.txt")"
[[ -n "$da" && "$da" == "$db" ]] || fail "two runs of the same seed differ: '$da' vs '$db'"
cat "$tmp/a.txt"
echo "ok: 5 cases pass, the same seed gives the same run ($da)"

# 3. a broken engine is caught
PEER_REPLAY_REAL="$engine" node "$fuzz" --seed ctest --cases 24 --findings 1 --workers 2 --engine "$here/broken-engine.sh" \
  --out "$tmp/broken" --shrink-time 20 --quiet >"$tmp/broken.txt" 2>&1; rc=$?
cat "$tmp/broken.txt"
[[ $rc == 1 ]] || fail "the broken engine: exit $rc, not 1"
finding="$(ls "$tmp/broken"/finding-*.spec.json | grep -v '\.min\.' | head -1)"
[[ -n "$finding" ]] || fail "no finding written"
base="${finding%.spec.json}"
for f in "$base.jsonl" "$base.txt"; do [[ -s "$f" ]] || fail "missing $f"; done
ls "$tmp/broken" | grep -q '\.tmp-' && fail "a temporary file was left behind"
grep -q '^FINDING diverges at .*lodestar' "$base.txt" || fail "the finding is not the score divergence: $(head -1 "$base.txt")"
[[ -s "$base.min.jsonl" ]] || fail "the shrinker wrote no minimal trace"
grep -q '^shrunk: ' "$base.min.txt" || fail "no size before/after in $base.min.txt"
PEER_REPLAY_REAL="$engine" "$here/broken-engine.sh" check "$base.min.jsonl" >/dev/null; rc=$?
[[ $rc == 1 ]] || fail "the minimal trace does not diverge on the broken engine (exit $rc)"
"$engine" check -q "$base.min.jsonl" >/dev/null || fail "the minimal trace fails on the real engine: it is not Lodestar's"
PEER_REPLAY_REAL="$engine" node "$fuzz" --replay "$base.min.spec.json" --engine "$here/broken-engine.sh" >/dev/null; rc=$?
[[ $rc == 1 ]] || fail "--replay of the minimal spec: exit $rc, not 1"
echo "ok: the broken engine is caught ($(grep '^shrunk' "$base.min.txt"))"

# 4. the regressions: minimal cases of past findings (tools/fuzz/regressions/), re-recorded through
#    Lodestar and replayed by the engine, so what the fuzzer once caught stays caught
for spec in "$here"/../regressions/*.spec.json; do
  node "$fuzz" --replay "$spec" --engine "$engine" >"$tmp/reg.txt" 2>&1 || { cat "$tmp/reg.txt"; fail "regression $(basename "$spec")"; }
  echo "ok: regression $(basename "$spec"): $(head -1 "$tmp/reg.txt")"
done

# 5. faults of the Node oracle are oracle failures (exit 3, with its stderr), never findings
PEER_REPLAY_FUZZ_FAULT=crash:1 node "$fuzz" --seed ctest --cases 3 --workers 2 --engine "$engine" --out "$tmp/crash" --quiet >/dev/null 2>&1; rc=$?
[[ $rc == 3 ]] || fail "an oracle crash: exit $rc, not 3"
grep -q "injected crash at case 1" "$tmp/crash/oracle-ctest-1.txt" || fail "the oracle failure report lacks the oracle's stderr"
ls "$tmp/crash" | grep -q '^finding-' && fail "an oracle crash was reported as a finding"
PEER_REPLAY_FUZZ_FAULT=hang:0 node "$fuzz" --seed ctest --cases 2 --workers 2 --case-timeout 5 --engine "$engine" --out "$tmp/hang" --quiet >/dev/null 2>&1; rc=$?
[[ $rc == 3 ]] || fail "an oracle hang: exit $rc, not 3"
grep -q "hung" "$tmp/hang/oracle-ctest-0.txt" || fail "the hang is not reported as one"
echo "ok: an oracle crash and an oracle hang are oracle failures (exit 3), not findings"

# 6. an interrupt leaves every finding already written whole
PEER_REPLAY_REAL="$engine" node "$fuzz" --seed ctest --time 600 --findings 100 --workers 2 --engine "$here/broken-engine.sh" \
  --out "$tmp/int" --shrink-time 600 --quiet >/dev/null 2>&1 &
pid=$!
for _ in $(seq 600); do compgen -G "$tmp/int/finding-*.txt" >/dev/null && break; sleep 0.2; done
compgen -G "$tmp/int/finding-*.txt" >/dev/null || fail "no finding within 120 s to interrupt after"
kill -INT "$pid"; wait "$pid"; rc=$?
[[ $rc == 130 ]] || fail "interrupted: exit $rc, not 130"
ls "$tmp/int" | grep -q '\.tmp-' && fail "a temporary file was left behind"
for f in "$tmp/int"/finding-*.jsonl; do "$engine" check -q "$f" >/dev/null || fail "$f is not a whole trace after the interrupt"; done
echo "ok: after an interrupt every finding is whole ($(ls "$tmp/int"/finding-*.jsonl | wc -l) traces)"
