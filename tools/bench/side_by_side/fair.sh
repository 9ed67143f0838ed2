#!/usr/bin/env bash
# The fair side-by-side and the `check` figures beside it (docs/BENCHMARKS.md), in
# one run on one trace; prints the whole table (docs/BENCHMARKS.md "A fair side-by-side").
#
#   bash tools/bench/side_by_side/fair.sh [--trace FILE | --events 100000 --seed 7] [--runs 5]
#                                         [--warmup 2] [--min-ms 1000] [--keep DIR] [--no-build]
#                                         [--corpus DIR]
#
# 1. The trace: FILE, or recorded by tools/recorder/generate.mjs from the real Lodestar
#    (testnet-like traffic, targetPeers 200, maxPeers 210); `peer-replay check` must pass it.
# 2. Full trace, same statistic on both sides: --warmup runs, then the median of --runs runs, wall
#    and CPU time. Lodestar: ts_replay_bench.mjs (the recorded events through the real
#    PeerManager, inputs pre-built, no recorder work timed; its harness floor beside). Engine:
#    trace_bench, streamed from the file in batches of 64 events as `check` reads it, and with
#    every event parsed first. Both replay the trace's own Math.random draws.
# 3. prioritizePeers and PeerRpcScoreStore.update (ts_bench.mjs, engine_bench): the same draws on
#    both sides, update() with spread lastUpdates; the older figures beside them.
# 4. `check` on the same trace (check_bench: reader only, check with one thread and with the
#    parse-ahead thread of -j 2, the stage split), `peer-replay check -j 1 / -j 2` on it, and the
#    corpus gate (`peer-replay check traces/`, -j 1 and the default -j).
# Load average at the start and the end: the build machine is shared, so CPU time is printed
# beside every wall time.
set -euo pipefail
cd "$(dirname "$0")/../../.."

trace=""
events=100000
seed=7
runs=5
warmup=2
min_ms=1000
keep=""
build=1
corpus=traces
while [[ $# -gt 0 ]]; do
  case "$1" in
    --trace) trace=$2; shift 2 ;;
    --events) events=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --min-ms) min_ms=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --corpus) corpus=$2; shift 2 ;;
    *) echo "fair.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
for v in runs warmup events min_ms; do
  if ! [[ ${!v} =~ ^[1-9][0-9]*$ ]]; then
    echo "fair.sh: --${v//_/-} wants a positive integer, not '${!v}'" >&2
    exit 2
  fi
done
if [[ -n $trace && ! -f $trace ]]; then
  echo "fair.sh: --trace $trace: no such file" >&2
  exit 2
fi

bin=build/release
if [[ $build -eq 1 ]]; then
  bash tools/recorder/setup.sh >/dev/null
  [[ -f $bin/CMakeCache.txt ]] || cmake --preset release >/dev/null
  cmake --build --preset release --target peer-replay trace_bench check_bench engine_bench >/dev/null
fi
for b in bin/peer-replay tools/bench/trace_bench tools/bench/check_bench tools/bench/engine_bench; do
  if [[ ! -x $bin/$b ]]; then
    echo "fair.sh: $bin/$b is missing: build it (or drop --no-build)" >&2
    exit 2
  fi
done
if [[ -n $keep ]]; then
  out=$keep
  mkdir -p "$out"
else
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
load() { cut -d' ' -f1-3 /proc/loadavg; }
# wall s, CPU s (user + system), peak RSS kB of a command, into $out/$1.time; its output into $out/$1.txt.
timed() {
  local name=$1
  shift
  /usr/bin/time -f '%e %U %S %M' -o "$out/$name.time" "$@" >"$out/$name.txt" 2>&1 || {
    tail -20 "$out/$name.txt"
    echo "fair.sh: failed: $*" >&2
    exit 1
  }
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "== load average at the start: $(load)" | tee "$out/load-start.txt"

if [[ -z $trace ]]; then
  trace=$out/trace.jsonl.zst
  node tools/recorder/generate.mjs --seed "$seed" --events "$events" --out "$trace" >/dev/null
fi
timed check-j1 $bin/bin/peer-replay check -j 1 "$trace"
timed check-j2 $bin/bin/peer-replay check -j 2 "$trace"

echo "== full trace: Lodestar (median of $runs runs after $warmup warm-up)"
node tools/bench/side_by_side/ts_replay_bench.mjs "$trace" --runs "$runs" --warmup "$warmup" --floor --json "$out/ts.json"
echo "== full trace: engine, streamed and pre-parsed (median of $runs runs after $warmup warm-up)"
$bin/tools/bench/trace_bench "$trace" --warmup "$warmup" --repeat "$runs" --batch 64 --json "$out/engine-streamed.json"
$bin/tools/bench/trace_bench "$trace" --warmup "$warmup" --repeat "$runs" --batch 0 --json "$out/engine-parsed.json"

echo "== prioritizePeers and PeerRpcScoreStore.update"
node tools/bench/side_by_side/ts_bench.mjs "$out" --min-ms "$min_ms" >/dev/null
$bin/tools/bench/engine_bench "$out" --min-ms "$min_ms" --json "$out/micro.json" >/dev/null

echo "== check on the same trace"
$bin/tools/bench/check_bench --trace "$trace" --repeat 3 | tee "$out/check_bench.txt"
timed corpus-j1 $bin/bin/peer-replay check -j 1 "$corpus"
timed corpus-jn $bin/bin/peer-replay check "$corpus"
echo "== load average at the end: $(load)" | tee "$out/load-end.txt"
echo
node tools/bench/side_by_side/fair_summary.mjs "$out" --trace "$trace" --corpus "$corpus"
