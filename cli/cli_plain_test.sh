#!/usr/bin/env bash
# The command line speaks plainly, checked through the binary:
#   1. a progress line on a terminal only (a pty from `script`), never with
#      --quiet or into a pipe; a time on check's verdict lines;
#   2. one error path: one line on stderr, exit 2, no library text, nothing
#      on stdout; an empty input set is exit 2 for check and diff alike;
#   3. times from the trace start (--raw-times: t_ms), goodbye codes with
#      their Lodestar names;
#   4. exit codes in --help, --quiet and --format json on every subcommand,
#      "-" for standard input, "did you mean", --context rejects negatives,
#      NO_COLOR and colour in check's verdicts.
#
#   cli/cli_plain_test.sh build/release/bin/peer-replay <repo root>
set -u  # no pipefail: `cmd | grep -q` may close the pipe early
bin=$(realpath "$1")
root=$(realpath "$2")
command -v script > /dev/null || { echo "FAIL: script(1) (util-linux) is needed for the terminal tests" >&2; exit 1; }
command -v jq > /dev/null || { echo "FAIL: jq is needed to check --format json" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset NO_COLOR
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
ok() { echo "ok:   $*"; }

big=$root/traces/metrics-long-connection.jsonl.zst      # 40k lines: progress is drawn
goodbye=$root/traces/irrelevant-status-unknown-peer.jsonl.zst  # sends goodbye "2"
small=$root/traces/inbound-cooldown-overwrite.jsonl.zst

# on_tty CMD...: runs CMD with stdin, stdout and stderr on a pty; prints what the terminal got.
on_tty() { script -qec "$(printf '%q ' "$@")" /dev/null < /dev/null; }

# expect_error NAME EXPECTED-SUBSTRING CMD...: exit 2, empty stdout, one stderr
# line holding the substring and no library text.
expect_error() {
  local name=$1 want=$2
  shift 2
  "$@" > "$work/out" 2> "$work/err"
  local rc=$?
  if [[ $rc != 2 ]]; then fail "$name: exit $rc, expected 2 ($(head -c 300 "$work/err"))"
  elif [[ -s $work/out ]]; then fail "$name: stdout must be empty, got: $(head -c 300 "$work/out")"
  elif [[ $(wc -l < "$work/err") != 1 ]]; then fail "$name: stderr must be one line, got: $(cat "$work/err")"
  elif ! grep -qF -- "$want" "$work/err"; then fail "$name: stderr lacks \"$want\": $(cat "$work/err")"
  elif grep -qE 'json\.exception|terminate called|what\(\)|Run with --help' "$work/err"; then
    fail "$name: library text leaked: $(cat "$work/err")"
  else ok "$name"; fi
}

# ---- 1. progress ---------------------------------------------------------
cp "$big" "$work/a.jsonl.zst"
cp "$big" "$work/b.jsonl.zst"
for cmd in "stats $big" "check --no-determinism $big" "run $big -o $work/run.jsonl.zst" \
           "diff $work/a.jsonl.zst $work/b.jsonl.zst"; do
  # shellcheck disable=SC2086
  tty=$(on_tty "$bin" $cmd)
  if [[ $tty == *$'\r\e[K'*"events/s"* && $tty == *" of "*"iB ("*"%)"* ]]; then
    ok "progress on a terminal: ${cmd%% *}"
  else
    fail "progress on a terminal: ${cmd%% *}: no progress line in: $(printf '%q' "${tty:0:300}")"
  fi
  # shellcheck disable=SC2086
  tty=$(on_tty "$bin" $cmd --quiet)
  [[ $tty != *"events/s"* ]] && ok "no progress with --quiet: ${cmd%% *}" || fail "progress drawn with --quiet: ${cmd%% *}"
  # shellcheck disable=SC2086
  "$bin" $cmd > "$work/out" 2> "$work/err"
  if grep -q "events/s" "$work/err" "$work/out"; then fail "progress drawn into a pipe: ${cmd%% *}"
  else ok "no progress into a pipe: ${cmd%% *}"; fi
done
"$bin" check "$small" > "$work/out" 2>&1
grep -qE "^PASS +$small: conforms: .* \([0-9]+\.[0-9]{2} s\)$" "$work/out" \
  && ok "check's verdict line says how long the trace took" || fail "no time on the verdict line: $(cat "$work/out")"

# ---- 2. one error path ---------------------------------------------------
printf '{"type":"header"}\n' | "$bin" cat --no-check - > /dev/null  # "-" reads
{ zstd -dc "$small"; } > "$work/plain.jsonl"
cp "$work/plain.jsonl" "$work/plain_named.jsonl.zst"
expect_error "a plain file named .zst says so (stats)" "$work/plain_named.jsonl.zst: not zstd-compressed" \
  "$bin" stats "$work/plain_named.jsonl.zst"
expect_error "a plain file named .zst says so (check)" "not zstd-compressed" "$bin" check "$work/plain_named.jsonl.zst"
printf 'hello\n' > "$work/hello.jsonl"
expect_error "not JSON: the column, no library framing" "$work/hello.jsonl:1: invalid JSON at column 1" \
  "$bin" check "$work/hello.jsonl"
mkdir -p "$work/empty1" "$work/empty2"
expect_error "check on an empty directory" "$work/empty1: no trace (*.jsonl, *.jsonl.zst) in this directory" \
  "$bin" check "$work/empty1"
expect_error "diff of two empty directories agrees with check" \
  "$work/empty1: no trace (*.jsonl, *.jsonl.zst) in this directory" "$bin" diff "$work/empty1" "$work/empty2"
# A good and a bad trace: results on stdout, errors on stderr only.
"$bin" check "$small" "$work/hello.jsonl" > "$work/out" 2> "$work/err"
rc=$?
if [[ $rc == 2 ]] && grep -q "^check: 1 passed, 0 failed$" "$work/out" && ! grep -q "hello" "$work/out" &&
   grep -q "hello.jsonl:1: invalid JSON" "$work/err" && grep -q "1 of 2 traces could not be read" "$work/err"; then
  ok "check with a bad trace among good ones: results on stdout, errors on stderr"
else
  fail "check good+bad (exit $rc): stdout: $(cat "$work/out") stderr: $(cat "$work/err")"
fi

# ---- 3. words, not numbers ----------------------------------------------
"$bin" stats "$goodbye" > "$work/out" 2>&1
grep -qE "^time +\+[0-9]+(m[0-9]{2})?\.[0-9]{3}s from the first event" "$work/out" \
  && ok "stats: the span as +..s from the first event" || fail "stats time: $(grep time "$work/out")"
grep -qE "^  2 \(Irrelevant network\) +[0-9]+$" "$work/out" \
  && ok "stats: goodbye code with its Lodestar name" || fail "stats goodbye names: $(cat "$work/out")"
"$bin" stats --raw-times "$goodbye" | grep -qE "^time +[0-9]+ \.\. [0-9]+ ms" \
  && ok "stats --raw-times: t_ms" || fail "stats --raw-times"
# A trace whose expected goodbye reason was changed: check names both codes
# and says when the event happened.
zstd -dc "$goodbye" | sed '0,/"reason":"2"/s//"reason":"250"/' > "$work/goodbye_changed.jsonl"
"$bin" check --no-determinism "$work/goodbye_changed.jsonl" > "$work/out" 2>&1
rc=$?
if [[ $rc == 1 ]] && grep -qF 'expected "250" (Peer score too low)' "$work/out" &&
   grep -qF 'actual   "2" (Irrelevant network)' "$work/out" &&
   grep -qE "^DIVERGENCE .*\(event seq [0-9]+, \+[0-9.ms]+s\)$" "$work/out"; then
  ok "check: goodbye codes by name, the divergence's time from the start"
else
  fail "check goodbye names (exit $rc): $(head -c 1500 "$work/out")"
fi
# A long actions array with one differing member: the member is shown, the
# whole array is not printed again; a short one is shown whole for context.
zstd -dc "$root/traces/full-node-at-max-peers.jsonl.zst" > "$work/full.jsonl"
n=$(grep -n '"type":"expect"' "$work/full.jsonl" | awk -F: 'length($0) > 1500 && /send_goodbye/ {print $1; exit}')
awk -v n="$n" 'NR == n {exit} {print}' "$work/full.jsonl" > "$work/long.jsonl"
sed -n "${n}p" "$work/full.jsonl" | jq -c '.actions[-1].reason = "250"' >> "$work/long.jsonl"
"$bin" check --no-determinism "$work/long.jsonl" > "$work/out" 2>&1
if grep -qE '^  actions\[[0-9]+\]\.reason:$' "$work/out" && ! grep -q "^expected actions:" "$work/out" &&
   grep -q "^expected actions: " <("$bin" check --no-determinism "$work/goodbye_changed.jsonl"); then
  ok "check: a long array is not printed again beside its differing member"
else
  fail "check long arrays: $(head -c 3000 "$work/out")"
fi
"$bin" check --no-determinism --raw-times "$work/goodbye_changed.jsonl" | grep -qE "^DIVERGENCE .*\(event seq [0-9]+, t_ms [0-9]+\)$" \
  && ok "check --raw-times: t_ms" || fail "check --raw-times"
"$bin" diff "$goodbye" "$work/goodbye_changed.jsonl" > "$work/out" 2>&1
grep -qE "^seq [0-9]+ \(\+[0-9.ms]+s, " "$work/out" && grep -qF "2 (Irrelevant network) -> 250 (Peer score too low)" "$work/out" \
  && ok "diff: times from the start, goodbye names" || fail "diff words: $(head -c 1500 "$work/out")"
"$bin" diff --raw-times "$goodbye" "$work/goodbye_changed.jsonl" | grep -qE "^seq [0-9]+ \(t_ms [0-9]+, " \
  && ok "diff --raw-times: t_ms" || fail "diff --raw-times"

# ---- 4. conventions ------------------------------------------------------
for sub in "" check run stats cat diff; do
  # shellcheck disable=SC2086
  "$bin" $sub --help > "$work/out" 2>&1
  grep -q "Exit codes: 0 conforms / identical / ok, 1 diverges / differs, 2 bad input or usage" "$work/out" \
    && ok "exit codes in --help: ${sub:-peer-replay}" || fail "no exit codes in ${sub:-peer-replay} --help"
done
check_json() {  # NAME JQ-FILTER CMD...: stdout is one JSON document the filter holds true on
  local name=$1 filter=$2
  shift 2
  "$@" > "$work/out" 2> "$work/err"
  if jq -e "$filter" "$work/out" > /dev/null 2>&1; then ok "--format json: $name"
  else fail "--format json: $name: $(head -c 400 "$work/out") $(head -c 200 "$work/err")"; fi
}
check_json check '.summary.passed == 1 and .traces[0].status == "PASS" and (.traces[0].seconds >= 0) and .exit_code == 0' \
  "$bin" check --format json --quiet "$small"
check_json "check (divergence)" '.summary.failed == 1 and (.traces[0].report | test("DIVERGENCE")) and .exit_code == 1' \
  "$bin" check --format json --no-determinism "$work/goodbye_changed.jsonl"
check_json run '.written[0].events > 0 and .exit_code == 0' "$bin" run --format json --quiet "$small" -o "$work/r.jsonl"
check_json stats '.events > 0' "$bin" stats --format json --quiet "$small"
check_json cat '.[0].type == "header" and (.[-1].type == "end")' "$bin" cat --format json --quiet "$small"
check_json diff '.a.events > 0 and .b.events == .a.events' "$bin" diff --format json --quiet "$small" "$small"
# report and export write a file: --quiet leaves stdout empty, the file written.
[[ -z $("$bin" report --quiet --no-replay "$small" -o "$work/q.html") && -s $work/q.html ]] && ok "report --quiet" \
  || fail "report --quiet printed or wrote nothing"
[[ -z $("$bin" export --quiet "$small" -o "$work/q.json") && -s $work/q.json ]] && ok "export --quiet" \
  || fail "export --quiet printed or wrote nothing"
# Standard input.
"$bin" check - < "$small" | grep -qE "^PASS +-: conforms" && ok "check - reads standard input" || fail "check -"
"$bin" stats - < "$small" | grep -qE "^trace +-$" && ok "stats - reads standard input" || fail "stats -"
[[ $("$bin" cat - < "$small" | wc -l) == $(zstd -dc "$small" | wc -l) ]] && ok "cat - reads standard input" || fail "cat -"
"$bin" diff - "$small" < "$small" | grep -q "^result: identical$" && ok "diff - reads standard input" || fail "diff -"
expect_error "check without a trace" "required" "$bin" check
expect_error "a mistyped subcommand" 'unknown command "chek"; did you mean "check"?' "$bin" chek "$small"
expect_error "an unknown subcommand" 'unknown command "replay"; expected one of check, run, stats, cat, diff' "$bin" replay
expect_error "--context rejects negatives" "--context" "$bin" check --context -3 "$small"
expect_error "--limit rejects negatives" "--limit" "$bin" diff --limit -1 "$small" "$small"
# Colour: on a terminal unless NO_COLOR or --no-color; never into a pipe.
tty=$(on_tty "$bin" check --quiet --no-determinism "$small" "$small")
[[ $tty == *$'\e[32mPASS\e[0m'* ]] || tty=$(on_tty "$bin" check --no-determinism "$small")
[[ $tty == *$'\e[32mPASS\e[0m'* ]] && ok "check colours its verdicts on a terminal" || fail "check: no colour on a terminal: $(printf '%q' "${tty:0:200}")"
tty=$(NO_COLOR=1 on_tty "$bin" check --no-determinism "$small")
[[ $tty != *$'\e[32m'* && $tty == *PASS* ]] && ok "check: NO_COLOR respected" || fail "check: colour despite NO_COLOR"
tty=$(on_tty "$bin" check --no-color --no-determinism "$small")
[[ $tty != *$'\e[32m'* && $tty == *PASS* ]] && ok "check: --no-color respected" || fail "check: colour despite --no-color"
"$bin" check --no-determinism "$small" | grep -q $'\e' && fail "check: colour into a pipe" || ok "check: no colour into a pipe"
tty=$(on_tty "$bin" diff "$goodbye" "$work/goodbye_changed.jsonl")
[[ $tty == *$'\e['* ]] && ok "diff colours on a terminal" || fail "diff: no colour on a terminal"
tty=$(NO_COLOR=1 on_tty "$bin" diff "$goodbye" "$work/goodbye_changed.jsonl")
[[ $tty != *$'\e['* ]] && ok "diff: NO_COLOR respected" || fail "diff: colour despite NO_COLOR"

echo "cli speaks plainly: $failed failed"
[[ $failed == 0 ]]
