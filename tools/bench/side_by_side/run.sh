#!/usr/bin/env bash
# Side-by-side benchmark, one command, one run: the real Lodestar (tools/recorder/package.json)
# (Node) and the engine (C++) on the same inputs; prints the ratios and fails
# if the engine's output differs from Lodestar's.
#
#   bash tools/bench/side_by_side/run.sh [--rounds 5] [--min-ms 1000] [--events 100000] [--seed 7]
#                                        [--heartbeat-peers "50 200 1000 5000"] [--keep DIR]
#
# 1. prioritizePeers at 50/200/1000/5000 peers and PeerRpcScoreStore.update
#    (ts_bench.mjs, engine_bench): identical output checked, then timed.
# 2. A testnet-like trace of --events events (tools/recorder/generate.mjs,
#    targetPeers 200, maxPeers 210) recorded from the real PeerManager while
#    timing only its peer code (ts_trace_bench.mjs), then the same events
#    through PeerManager::step (trace_bench); `peer-replay check` proves the
#    engine conforms on it, under /usr/bin/time -v for its peak RSS.
# 3. Heartbeat at N connected peers, the same way (a recorded trace of N
#    handshakes and 20 heartbeats; the median heartbeat counts).
#
# Rounds. The build machine is shared and its speed drifts by tens of percent
# over minutes, for both sides at once. A ratio of a TS figure taken at one
# time and an engine figure taken at another measures that drift too, so
# stages 1 and 2 run --rounds times, each round a fresh TS process and right
# after it a fresh engine process on the same inputs. Each round gives its
# own ratio; the headline is the median of the rounds' ratios, printed with
# the lowest and every round's. (Each round of stage 2 records the trace
# again: the recorder is deterministic, and the run fails if a round's trace
# differs from the first's by one byte.)
# Default run: about 5 minutes after the build on the 2-core build machine.
# The 1M-event run: --events 1000000 --rounds 1 (about 15 minutes, mostly the TS side).
set -euo pipefail
cd "$(dirname "$0")/../../.."

rounds=5
min_ms=1000
events=100000
seed=7
hb_peers="50 200 1000 5000"
keep=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --min-ms) min_ms=$2; shift 2 ;;
    --events) events=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --heartbeat-peers) hb_peers=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if ! [[ $rounds =~ ^[1-9][0-9]*$ ]]; then
  echo "run.sh: --rounds wants a positive integer, not '$rounds'" >&2
  exit 2
fi

bash tools/recorder/setup.sh >/dev/null
bash scripts/build.sh release >/dev/null
bin=build/release
if [[ -n $keep ]]; then
  out=$keep
  mkdir -p "$out"
else
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "== 1. prioritizePeers and PeerRpcScoreStore.update (wall time per call over ~10 ms batches), $rounds rounds"
for r in $(seq "$rounds"); do
  echo "-- round $r of $rounds"
  node tools/bench/side_by_side/ts_bench.mjs "$out" --min-ms "$min_ms" >/dev/null
  cp "$out/ts-results.json" "$out/ts-results.r$r.json"
  $bin/tools/bench/engine_bench "$out" --min-ms "$min_ms" --json "$out/engine-results.r$r.json"
done

echo
echo "== 2. testnet-like trace: $events events, seed $seed, $rounds rounds"
for r in $(seq "$rounds"); do
  node tools/bench/side_by_side/ts_trace_bench.mjs generate --seed "$seed" --events "$events" \
    --out "$out/trace.r$r.jsonl.zst" --json "$out/trace.ts.r$r.json"
  if [[ $r -eq 1 ]]; then
    mv "$out/trace.r1.jsonl.zst" "$out/trace.jsonl.zst"
  elif cmp -s "$out/trace.r$r.jsonl.zst" "$out/trace.jsonl.zst"; then
    rm "$out/trace.r$r.jsonl.zst"
  else
    echo "run.sh: round $r recorded a trace that differs from round 1's: the recorder is not deterministic" >&2
    exit 1
  fi
  $bin/tools/bench/trace_bench "$out/trace.jsonl.zst" --json "$out/trace.engine.r$r.json"
done
/usr/bin/time -v $bin/bin/peer-replay check "$out/trace.jsonl.zst" >"$out/check.txt" 2>&1 || {
  cat "$out/check.txt"
  echo "run.sh: the engine does not conform on the generated trace" >&2
  exit 1
}
grep -E "conforms|passed" "$out/check.txt" | head -2
rss_kb=$(grep 'Maximum resident' "$out/check.txt" | awk '{print $NF}')
check_s=$(grep 'Elapsed (wall clock)' "$out/check.txt" | awk '{print $NF}')

echo
echo "== 3. heartbeat at N connected peers"
for n in $hb_peers; do
  node tools/bench/side_by_side/ts_trace_bench.mjs heartbeat --peers "$n" --heartbeats 20 \
    --out "$out/hb$n.jsonl.zst" --json "$out/hb$n.ts.json" >/dev/null
  $bin/bin/peer-replay check "$out/hb$n.jsonl.zst" >"$out/hb$n.check.txt" 2>&1 || {
    tail -20 "$out/hb$n.check.txt"
    echo "run.sh: the engine does not conform on the heartbeat trace at $n peers" >&2
    exit 1
  }
  $bin/tools/bench/trace_bench "$out/hb$n.jsonl.zst" --repeat 1 --json "$out/hb$n.engine.json" >/dev/null
done

echo
node tools/bench/side_by_side/summary.mjs "$out" --events "$events" --rounds "$rounds" --rss-kb "$rss_kb" \
  --check-wall "$check_s" --heartbeat-peers "$hb_peers"
