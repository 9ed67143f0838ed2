#!/usr/bin/env bash
# Side-by-side benchmark, one command, one run: the real Lodestar 1.44.0
# (Node) and the engine (C++) on the same inputs; prints the ratios and fails
# if the engine's output differs from Lodestar's.
#
#   bash tools/bench/side_by_side/run.sh [--min-ms 1000] [--events 100000] [--seed 7]
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
# Default run: about 3 minutes after the build on the 2-core build machine. The 1M-event run:
# --events 1000000 (about 15 minutes, mostly the TS side).
set -euo pipefail
cd "$(dirname "$0")/../../.."

min_ms=1000
events=100000
seed=7
hb_peers="50 200 1000 5000"
keep=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --min-ms) min_ms=$2; shift 2 ;;
    --events) events=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --heartbeat-peers) hb_peers=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

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
echo "== 1. prioritizePeers and PeerRpcScoreStore.update (best of ~10 ms batches, wall time)"
node tools/bench/side_by_side/ts_bench.mjs "$out" --min-ms "$min_ms"
$bin/tools/bench/engine_bench "$out" --min-ms "$min_ms"

echo
echo "== 2. testnet-like trace: $events events, seed $seed"
node tools/bench/side_by_side/ts_trace_bench.mjs generate --seed "$seed" --events "$events" \
  --out "$out/trace.jsonl.zst" --json "$out/trace.ts.json"
$bin/tools/bench/trace_bench "$out/trace.jsonl.zst" --json "$out/trace.engine.json"
/usr/bin/time -v $bin/replay/peer-replay check "$out/trace.jsonl.zst" >"$out/check.txt" 2>&1 || {
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
  $bin/replay/peer-replay check "$out/hb$n.jsonl.zst" >"$out/hb$n.check.txt" 2>&1 || {
    tail -20 "$out/hb$n.check.txt"
    echo "run.sh: the engine does not conform on the heartbeat trace at $n peers" >&2
    exit 1
  }
  $bin/tools/bench/trace_bench "$out/hb$n.jsonl.zst" --repeat 1 --json "$out/hb$n.engine.json" >/dev/null
done

echo
node - "$out" "$events" "$rss_kb" "$check_s" "$hb_peers" <<'EOF'
const fs = require("fs");
const [dir, events, rssKb, checkS, hbPeers] = process.argv.slice(2);
const j = (f) => JSON.parse(fs.readFileSync(`${dir}/${f}`, "utf8"));
const ts = j("trace.ts.json");
const en = j("trace.engine.json");
const pad = (s, n) => String(s).padStart(n);
console.log("== summary (same run; ratio = Lodestar time / engine time)");
console.log(`full trace, ${events} events: Lodestar ${Math.round(ts.events_per_s)} events/s (peer code only), ` +
  `engine ${Math.round(en.events_per_s)} events/s: ${(en.events_per_s / ts.events_per_s).toFixed(1)}x`);
console.log(`  per event kind (median us, Lodestar vs engine):`);
for (const [k, v] of Object.entries(ts.by_kind)) {
  const e = en.by_kind[k];
  if (!e) continue;
  console.log(`    ${k.padEnd(28)} ${pad(v.events, 8)}  ${pad(v.median_us.toFixed(1), 9)} ${pad(e.median_us.toFixed(2), 9)}` +
    `  ${pad((v.median_us / e.median_us).toFixed(0), 5)}x`);
}
console.log(`peer-replay check on it: ${checkS} wall, peak RSS ${(rssKb / 1024).toFixed(1)} MiB`);
console.log("heartbeat at N connected peers (median of 20, us):");
for (const n of hbPeers.split(/\s+/).filter(Boolean)) {
  const t = j(`hb${n}.ts.json`).heartbeat_us;
  const e = j(`hb${n}.engine.json`).by_kind.committee_subscriptions.median_us;
  console.log(`  ${pad(n, 5)} peers: Lodestar ${pad(t.toFixed(0), 8)}  engine ${pad(e.toFixed(1), 8)}  ${pad((t / e).toFixed(0), 5)}x`);
}
EOF
