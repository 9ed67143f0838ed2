#!/usr/bin/env bash
# The malformed-trace catalog: runs `<peer-replay> <subcommand> FILE`
# on every case of conformance/bad/ and checks that it exits with 2 and prints
# exactly the one stderr line of FILE.expected ({file} = the path given),
# within 10 s and 1 GiB of memory. Also two cases made at run time: a missing
# file and a file without read permission.
#
#   conformance/run_bad_catalog.sh build/release/bin/peer-replay stats
#   conformance/run_bad_catalog.sh build/release/bin/peer-replay check   # once check replays
#
# The subcommand is a parameter so the gate can move from `stats` (validates
# the whole trace today) to `check` without touching the catalog; a case may
# carry FILE.expected.<subcommand> where that subcommand words it differently.
# A cut trace is no bad input to `check`, which reads it to its last complete
# record (traces/FORMAT.md 8.2): such a case carries FILE.truncated.<subcommand>,
# the start of the TRUNCATED line expected on stdout with exit code 3.
# Exit status: 0 all passed (SKIPPED cases are listed, never counted as
# passed), 1 any failure, 2 usage.
set -uo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 <peer-replay binary> <subcommand> [catalog dir]" >&2
  exit 2
fi
bin=$(realpath "$1")
sub=$2
catalog=$(realpath "${3:-$(dirname "$0")/bad}")
[[ -x $bin ]] || { echo "$0: $bin is not an executable" >&2; exit 2; }

timeout_s=10
mem_kib=$((1024 * 1024))  # 1 GiB
# ASan reserves terabytes of address space, so `ulimit -v` would kill every
# run: under ASan the limit is ASan's own hard_rss_limit_mb instead.
if grep -qa __asan_init "$bin"; then
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}hard_rss_limit_mb=$((mem_kib / 1024))"
  vmem_limit=unlimited
else
  vmem_limit=$mem_kib
fi

work=$(mktemp -d)
trap 'chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT

truncated=""
passed=0
failed=0
skipped=0
fail() { echo "FAIL    $1: $2"; failed=$((failed + 1)); }

# run_case NAME PATH EXPECTED [PREFIX...]: PREFIX runs the command as another user.
run_case() {
  local name=$1 path=$2 expected=$3
  shift 3
  expected=${expected//\{file\}/$path}
  local rc
  ( ulimit -v "$vmem_limit"; exec "$@" timeout "$timeout_s" "$bin" "$sub" "$path" ) \
    > "$work/stdout" 2> "$work/stderr"
  rc=$?
  local err
  err=$(cat "$work/stderr")
  if [[ -n $truncated ]]; then
    local first
    first=$(head -n 1 "$work/stdout")
    truncated=${truncated//\{file\}/$path}
    if [[ $rc == 3 && $first == "$truncated"* && -z $err ]]; then
      echo "ok      $name (truncated)"
      passed=$((passed + 1))
    else
      fail "$name" "expected exit 3 and a line starting \"$truncated\"; got exit $rc, stdout: $first, stderr: $err"
    fi
    truncated=""
    return
  fi
  if [[ $rc == 124 ]]; then
    fail "$name" "timed out after ${timeout_s}s"
  elif [[ $rc != 2 ]]; then
    fail "$name" "exit code $rc, expected 2; stderr: $(head -c 600 "$work/stderr")"
  elif [[ $err != "$expected" ]]; then
    fail "$name" "stderr differs
      expected: $expected
      got:      $(head -c 2000 "$work/stderr")"
  elif [[ $(wc -l < "$work/stderr") != 1 ]]; then
    fail "$name" "stderr must be exactly one line"
  else
    echo "ok      $name"
    passed=$((passed + 1))
  fi
}

# ---- the committed catalog ----
shopt -s nullglob
cases=("$catalog"/*.expected)
if [[ ${#cases[@]} -eq 0 ]]; then
  echo "$0: no *.expected in $catalog" >&2
  exit 1
fi
for exp_file in "${cases[@]}"; do
  data=${exp_file%.expected}
  name=$(basename "$data")
  [[ -f $data.expected.$sub ]] && exp_file=$data.expected.$sub
  truncated=""
  [[ -f $data.truncated.$sub ]] && truncated=$(cat "$data.truncated.$sub")
  if [[ ! -e $data ]]; then
    fail "$name" "$exp_file has no trace file beside it (rerun conformance/bad/make_catalog.sh)"
    continue
  fi
  run_case "$name" "$data" "$(cat "$exp_file")"
done

# ---- made at run time ----
case $sub in
  check) missing_expected='{file}: no such file or directory' ;;
  *) missing_expected='{file}: cannot open: No such file or directory' ;;
esac
run_case "(missing file)" "$work/does_not_exist.jsonl" "$missing_expected"

# No read permission. root reads a chmod 000 file anyway, so as root the case
# runs as the unprivileged user `nobody` (setpriv, else runuser); when neither
# works it is SKIPPED, with the reason, and never counted as passed.
mkdir -p "$work/perm"
chmod 755 "$work" "$work/perm"
cp "$catalog/seq_gap.jsonl" "$work/perm/unreadable.jsonl"
chmod 000 "$work/perm/unreadable.jsonl"
prefix=()
skip_reason=""
if [[ $(id -u) == 0 ]]; then
  nobody_uid=$(id -u nobody 2>/dev/null || true)
  nobody_gid=$(id -g nobody 2>/dev/null || true)
  if [[ -z $nobody_uid ]]; then
    skip_reason="running as root and there is no user 'nobody' to drop to"
  elif command -v setpriv > /dev/null &&
       setpriv --reuid="$nobody_uid" --regid="$nobody_gid" --clear-groups true 2>/dev/null; then
    prefix=(setpriv --reuid="$nobody_uid" --regid="$nobody_gid" --clear-groups)
  elif command -v runuser > /dev/null && runuser -u nobody -- true 2>/dev/null; then
    prefix=(runuser -u nobody --)
  else
    skip_reason="running as root (chmod 000 does not stop root) and neither setpriv nor runuser can drop to 'nobody'"
  fi
  # nobody must be able to reach the binary and its libraries.
  if [[ -z $skip_reason ]] && ! "${prefix[@]}" test -x "$bin"; then
    skip_reason="user 'nobody' cannot execute $bin (a parent directory is not world-searchable)"
  fi
  # The check is only meaningful if nobody really cannot read the file.
  if [[ -z $skip_reason ]] && "${prefix[@]}" test -r "$work/perm/unreadable.jsonl"; then
    skip_reason="user 'nobody' can read a chmod 000 file here (capabilities?)"
  fi
fi
if [[ -n $skip_reason ]]; then
  echo "SKIPPED (no read permission): $skip_reason"
  skipped=$((skipped + 1))
else
  run_case "(no read permission)" "$work/perm/unreadable.jsonl" '{file}: cannot open: Permission denied' "${prefix[@]}"
fi

echo "bad traces ($sub): $passed passed, $failed failed, $skipped skipped"
[[ $failed == 0 ]]
