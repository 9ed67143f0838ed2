#!/usr/bin/env bash
# `check --impl` against implementations whose verdict is known in advance
# (docs/PROTOCOL.md): the engine via `peer-replay serve` passes the corpus;
# a deliberately wrong one (TOO_MANY_PEERS goodbyes sent as 128) is caught
# with a first-divergence report naming the goodbye; each process fault
# (crash, hang with a short --timeout, garbage, early close, wrong protocol
# version) gives its BROKEN verdict naming the seq, exit 2, and leaves no
# process behind; a cut trace (a zstd frame cut short, a partial last line, no
# end record) is TRUNCATED, exit 3, as `check` says of it, and a cut trace that
# diverges before its cut still fails.
# Usage: impl_check_test.sh <peer-replay binary> <traces dir> <case>
set -uo pipefail
bin="$1"
traces="$2"
case_name="$3"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
trace="$traces/outbound-connect.jsonl.zst"

fail() {
  echo "FAIL: $*" >&2
  echo "--- output:" >&2
  cat "$tmp/out" >&2
  exit 1
}
expect_rc() {
  [[ $rc == "$1" ]] || fail "exit status $rc, expected $1"
}
expect_text() {
  grep -qF -- "$1" "$tmp/out" || fail "output lacks: $1"
}
# No process of the implementation outlives the check (killed and reaped).
# The pattern names this case's fault: the other cases may run in parallel.
expect_no_leftover() {
  local pattern="$bin serve --test-fault $case_name"
  sleep 0.2
  if pgrep -f -- "$pattern" >/dev/null; then
    pgrep -af -- "$pattern" >&2
    fail "a process of the implementation is still running after check returned"
  fi
}
run() {
  "$bin" check "$@" >"$tmp/out" 2>&1
  rc=$?
}

ntraces=$(find "$traces" -name '*.jsonl*' | wc -l)
case "$case_name" in
  engine)
    run --impl "$bin serve" "$traces" -q --require-coverage --junit "$tmp/junit.xml" --report "$tmp/report.json"
    expect_rc 0
    expect_text "check: $ntraces passed, 0 failed"
    grep -q "\"passed\": $ntraces" "$tmp/report.json" || fail "report.json does not say $ntraces passed"
    grep -q '"conforms": true' "$tmp/report.json" || fail "report.json does not say conforms"
    grep -q '"message": "'"$ntraces/$ntraces"' traces"' "$tmp/report.json" || fail "report.json has no badge"
    [[ $(grep -c '<testcase' "$tmp/junit.xml") == "$ntraces" ]] || fail "junit has not $ntraces testcases"
    "$bin" check --impl "$bin serve" "$trace" --report "$tmp/report.md" >"$tmp/out" 2>&1 || fail "markdown run failed"
    grep -q '^| outbound-connect.jsonl.zst | pass | 29 |' "$tmp/report.md" || fail "report.md lacks the trace row"
    ;;
  broken-goodbye)
    run --impl "$bin serve --test-fault goodbye" "$traces" -q --report "$tmp/report.md"
    expect_rc 1
    expect_text "DIVERGENCE"
    expect_text "actions differ"
    expect_text 'expected "129"'
    expect_text 'actual   "128"'
    expect_text "reproduce: peer-replay check --impl '$bin serve --test-fault goodbye'"
    grep -qE '^\| prune-[a-z-]+\.jsonl\.zst \| fail \|' "$tmp/report.md" || fail "report.md names no failing prune trace"
    # The traces without such a goodbye still pass.
    grep -qE "^check: [1-9][0-9]* passed, [1-9][0-9]* failed" "$tmp/out" || fail "expected some passes and some failures"
    ;;
  crash)
    run --impl "$bin serve --test-fault crash --test-fault-at-seq 3" "$trace"
    expect_rc 2
    expect_text "BROKEN"
    expect_text "(crash): crashed: was killed by signal 6 (SIGABRT) before answering event seq 3"
    expect_no_leftover
    ;;
  hang)
    # Through a shell that forks: the process group kill must reach the grandchild too.
    start=$(date +%s)
    run --impl "sh -c '$bin serve --test-fault hang --test-fault-at-seq 3; true'" "$trace" --timeout 300
    expect_rc 2
    expect_text "(hang): hung: no answer to event seq 3 within 300 ms (--timeout)"
    (( $(date +%s) - start < 30 )) || fail "--timeout 300 did not bound the run"
    expect_no_leftover
    ;;
  garbage)
    run --impl "$bin serve --test-fault garbage --test-fault-at-seq 3" "$trace"
    expect_rc 2
    expect_text "(garbage): garbage in the answer to event seq 3: not JSON: this is not an answer"
    expect_no_leftover
    ;;
  close)
    run --impl "$bin serve --test-fault close --test-fault-at-seq 3" "$trace"
    expect_rc 2
    expect_text "(closed early): closed its stdout early"
    expect_text "before answering event seq 3"
    expect_no_leftover
    ;;
  version)
    run --impl "$bin serve --test-fault version" "$trace"
    expect_rc 2
    expect_text "(handshake): handshake: the implementation speaks protocol_version 2, this harness 1"
    expect_no_leftover
    ;;
  truncated)
    big="$traces/generated-small.jsonl.zst"
    head -c 200000 "$big" >"$tmp/cut-frame.jsonl.zst"
    zstd -dcq "$big" | head -c 300000 >"$tmp/cut-line.jsonl"
    zstd -dcq "$trace" | grep -v '"type":"end"' >"$tmp/no-end.jsonl"
    for f in cut-frame.jsonl.zst cut-line.jsonl no-end.jsonl; do
      "$bin" check "$tmp/$f" >"$tmp/engine-$f.out" 2>&1
      [[ $? == 3 ]] || { cp "$tmp/engine-$f.out" "$tmp/out"; fail "check without --impl does not call $f truncated"; }
    done
    run --impl "$bin serve" "$tmp/cut-frame.jsonl.zst" "$tmp/cut-line.jsonl" "$tmp/no-end.jsonl" --junit "$tmp/junit.xml"
    expect_rc 3
    expect_text "check: 0 passed, 0 failed"
    expect_text "truncated (cut traces, conforming up to the cut): 3"
    expect_text "cut-frame.jsonl.zst: truncated (the file ends inside zstd frame 1, in the middle of line"
    expect_text "cut-line.jsonl: truncated (the file ends in the middle of line"
    expect_text "no-end.jsonl: truncated (no end record): 29 events up to the last complete record conform, 29 expects compared"
    # The same counts as check without --impl gives.
    for f in cut-frame.jsonl.zst cut-line.jsonl; do
      want=$(grep -o 'conform, [0-9]* expects compared' "$tmp/engine-$f.out")
      grep -qF -- "$f: truncated" "$tmp/out" && grep -F -- "$f: truncated" "$tmp/out" | grep -qF -- "$want" ||
        fail "$f: --impl does not give check's count ($want)"
    done
    grep -q 'failures="3"' "$tmp/junit.xml" || fail "junit does not count the three cut traces as failures"
    [[ $(grep -c '<failure message="truncated (' "$tmp/junit.xml") == 3 ]] || fail "junit does not say truncated"
    # Cut, but diverging before the cut (the wrong goodbye at seq 39 of this one): a failure, exit 1.
    zstd -dcq "$traces/discovery-disabled-via-init.jsonl.zst" | grep -v '"type":"end"' >"$tmp/diverges-no-end.jsonl"
    run --impl "$bin serve --test-fault goodbye" "$tmp/diverges-no-end.jsonl"
    expect_rc 1
    expect_text "DIVERGENCE"
    expect_text "check: 0 passed, 1 failed"
    ;;
  missing)
    run --impl "/nonexistent/implementation" "$trace"
    expect_rc 2
    expect_text "(crash): crashed: exited with status 127 before answering the hello"
    ;;
  *)
    echo "unknown case $case_name" >&2
    exit 2
    ;;
esac
echo "ok: $case_name"
