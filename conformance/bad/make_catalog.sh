#!/usr/bin/env bash
# Regenerates the malformed-trace catalog: every file here is a trace
# that a reader MUST reject, and <file>.expected is the one stderr line the CLI
# MUST print for it, with {file} standing for the path as given on the command
# line; the exit code MUST be 2. <file>.expected.<subcommand>, when present,
# overrides it for that subcommand (e.g. `check` expands a directory).
# conformance/run_bad_catalog.sh checks them; ctest runs it ("conformance: bad
# traces"). Cases that need the file system at run time (no read permission, a
# missing file) live in run_bad_catalog.sh itself.
#
# The expected lines are written here by hand from traces/FORMAT.md and the
# reader's message style ("<file>:<line>: <what was expected>"), never captured
# from the reader's output: a catalog that records what the reader says checks
# nothing. When a message changes on purpose, change it here and rerun:
#
#   bash conformance/bad/make_catalog.sh
#
# Needs the zstd CLI. Binary files (.zst) are committed; this script is how
# they were made. Output is deterministic (zstd -19, no file names in frames).
set -euo pipefail
cd "$(dirname "$0")"
# Remove what the previous run wrote (data files and sidecars), keep this script.
find . -mindepth 1 -maxdepth 1 ! -name make_catalog.sh ! -name README.md -exec rm -rf {} +

ZSTD="zstd -q -19 --no-progress -c"

H='{"type":"header","format":"peer-replay-trace","format_version":1,"producer":{"name":"catalog","version":"0","mode":"scripted"},"scenario":"bad","seed":"1","config":{"targetPeers":4,"maxPeers":6,"targetGroupPeers":6,"gossipDecayIntervalMs":12000,"disablePeerScoring":false,"genesisTime":1600000000,"discovery":false,"chain":{"SLOTS_PER_EPOCH":32,"SLOT_DURATION_MS":12000,"CUSTODY_REQUIREMENT":4,"SAMPLES_PER_SLOT":8,"NUMBER_OF_CUSTODY_GROUPS":128,"NUMBER_OF_COLUMNS":128,"DATA_COLUMN_SIDECAR_SUBNET_COUNT":128,"ALTAIR_FORK_EPOCH":0,"BELLATRIX_FORK_EPOCH":0,"CAPELLA_FORK_EPOCH":0,"DENEB_FORK_EPOCH":0,"ELECTRA_FORK_EPOCH":0,"FULU_FORK_EPOCH":0,"GLOAS_FORK_EPOCH":null}},"local":{"nodeId":"0000000000000000000000000000000000000000000000000000000000000000","custodyGroupCount":4,"sampleGroups":[1,2],"sampledSubnets":[1,2],"status":{"forkDigest":"aabbccdd","finalizedRoot":"0101010101010101010101010101010101010101010101010101010101010101","finalizedEpoch":30,"headRoot":"0202020202020202020202020202020202020202020202020202020202020202","headSlot":1000}}}'
S='{"forkDigest":"aabbccdd","finalizedRoot":"0101010101010101010101010101010101010101010101010101010101010101","finalizedEpoch":30,"headRoot":"0202020202020202020202020202020202020202020202020202020202020202","headSlot":1000}'

# ev SEQ T_MS [KIND [EXTRA]]: an event line; ex SEQ [ACTIONS [EXTRA]]: an expect line.
ev() { printf '{"type":"event","seq":%s,"t_ms":%s,"kind":"%s"%s}\n' "$1" "$2" "${3:-goodbye_all}" "${4:-}"; }
ex() { printf '{"type":"expect","seq":%s,"actions":%s%s}\n' "$1" "${2:-[]}" "${3:-}"; }
hd() { printf '%s\n' "$H"; }
# The first event, as `check` accepts it: the engine replays a case up to its
# broken line, so what comes before that line must be a valid run (init with
# the subnets its heartbeat reads; no discovery, no peers: no actions).
init1() { printf '{"type":"event","seq":1,"t_ms":10,"kind":"init","active_attnets":[],"active_syncnets":[]}\n'; }
# hd_sub OLD NEW: the header with one literal substring replaced (must occur once).
hd_sub() {
  local n
  n=$(grep -o -F -- "$1" <<<"$H" | wc -l)
  [[ $n == 1 ]] || { echo "make_catalog.sh: '$1' occurs $n times in the header" >&2; exit 1; }
  printf '%s\n' "${H/"$1"/"$2"}"
}
# case NAME EXPECTED: the trace comes on stdin.
case_() {
  cat > "$1"
  printf '%s\n' "$2" > "$1.expected"
}

# ---- framing: empty, header, format, version -------------------------------
: | case_ empty.jsonl '{file}:1: empty trace: expected the header record on line 1'
{ ev 1 10; ex 1; } | case_ missing_header.jsonl \
  '{file}:1: expected the header record ("type":"header") on line 1, got "type":"event"'
hd_sub '"format":"peer-replay-trace"' '"format":"other-trace"' | case_ wrong_format.jsonl \
  '{file}:1: expected "format":"peer-replay-trace" in the header, got "format": "other-trace"'
hd_sub '"format":"peer-replay-trace",' '' | case_ no_format.jsonl \
  '{file}:1: expected "format":"peer-replay-trace" in the header, got no "format" member'
hd_sub '"format_version":1' '"format_version":3' | case_ newer_format_version.jsonl \
  '{file}:1: trace format_version 3 is newer than this reader (reads 1..2); use a newer peer-replay'
hd_sub '"format_version":1' '"format_version":0' | case_ older_format_version.jsonl \
  '{file}:1: trace format_version 0 is older than this reader supports (1..2)'
hd_sub '"format_version":1' '"format_version":"1"' | case_ format_version_string.jsonl \
  '{file}:1: expected an integer "format_version" in the header'
{ hd; hd; } | case_ second_header.jsonl '{file}:2: a second header record: the header must be line 1 only'

# ---- JSON Lines -------------------------------------------------------------
{ hd; init1; printf '{"type":"expect",\n'; ex 1; } | case_ bad_json_mid_file.jsonl \
  '{file}:3: invalid JSON at column 18: syntax error while parsing object key - unexpected end of input; expected string literal'
{ hd; init1; printf '\n'; ex 1; } | case_ empty_line.jsonl '{file}:3: empty line: expected a JSON object'
{ hd; printf '[1,2]\n'; } | case_ record_not_object.jsonl '{file}:2: expected a JSON object, got array'
{ hd; printf '{"type":5}\n'; } | case_ type_not_string.jsonl \
  '{file}:2: expected a string member "type" (header, event, expect or end)'
{ hd; printf '{"type":"note"}\n'; } | case_ unknown_record_type.jsonl \
  '{file}:2: unknown record type "note": expected event, expect, metrics or end'
# The message carries the raw byte (nlohmann quotes what it read): the line
# is not valid UTF-8 either.
{ hd; printf '{"type":"event","seq":1,"t_ms":10,"kind":"goodbye_all","x":"\xff"}\n'; } | case_ invalid_utf8.jsonl \
  '{file}:2: invalid JSON at column 61: syntax error while parsing value - invalid string: ill-formed UTF-8 byte; last read: '"'"'"'$'\xff'"'"
# A record nested 100,000 arrays deep: must be an error, not a stack overflow
# (copying or dumping such a value recursed until the reader was fixed).
{ hd; printf '{"type":"event","seq":1,"t_ms":10,"kind":"request","peer":"a","method":"ping","body":'
  head -c 100000 /dev/zero | tr '\0' '['; head -c 100000 /dev/zero | tr '\0' ']'; printf '}\n'; } | $ZSTD | case_ deep_nesting.jsonl.zst \
  '{file}:2: invalid JSON: nested deeper than 128 levels (traces/FORMAT.md §1)'

# ---- zstd framing ------------------------------------------------------------
{ hd; init1; ex 1; } | $ZSTD | head -c -2 | case_ truncated_zstd_frame.jsonl.zst \
  '{file}:4: truncated zstd frame: the file ends inside frame 1'
# `check` reads a cut trace to its last complete record and says so (TRUNCATED, exit 3; no newline).
printf '%s' 'TRUNCATED  {file}: truncated (the file ends inside zstd frame 1' > truncated_zstd_frame.jsonl.zst.truncated.check
printf '\x28\xb5\x2f\xfd' | case_ zstd_magic_only.jsonl.zst '{file}:1: truncated zstd frame: the file ends inside frame 1'
{ { hd; init1; ex 1; } | $ZSTD; printf 'GARBAGE!GARBAGE!'; } | case_ garbage_after_frame.jsonl.zst \
  '{file}:4: bytes after zstd frame 1 are not a zstd frame (near byte offset @GARBAGE_OFFSET@): Unknown frame descriptor'
# A plain trace named .zst: said so, not a JSON error about its first byte.
{ hd; init1; ex 1; } | case_ plain_named_zst.jsonl.zst \
  '{file}: not zstd-compressed: a file named .zst must start with a zstd frame (a plain trace is named .jsonl)'
# The offset in that message is where the garbage starts: the frame's size.
garbage_offset=$(( $(stat -c %s garbage_after_frame.jsonl.zst) - 16 ))
sed -i "s/@GARBAGE_OFFSET@/$garbage_offset/" garbage_after_frame.jsonl.zst.expected
# A line one byte over the 8 MiB limit (8,388,609 bytes), compressed.
{ hd; printf '{"type":"event","seq":1,"t_ms":10,"kind":"goodbye_all","pad":"'
  head -c $(( 8388609 - 56 - 2 )) /dev/zero | tr '\0' 'p'; printf '"}\n'; } | $ZSTD | case_ line_over_limit.jsonl.zst \
  '{file}:2: line longer than the limit of 8388608 bytes'
# A zip bomb: 8 KiB that expand to 256 MiB without a newline. The reader must
# stop at the line limit with bounded memory (the runner caps it at 1 GiB).
{ hd; head -c 268435456 /dev/zero; } | $ZSTD | case_ zip_bomb.jsonl.zst \
  '{file}:2: line longer than the limit of 8388608 bytes'

# ---- sequence rules ----------------------------------------------------------
{ hd; init1; ex 1; ev 3 10; } | case_ seq_gap.jsonl \
  '{file}:4: expected event seq 2, got 3 (seq counts 1, 2, 3 with no gap)'
{ hd; ev 0 10; } | case_ seq_zero.jsonl '{file}:2: expected event seq 1, got 0 (seq counts 1, 2, 3 with no gap)'
{ hd; init1; ev 2 9; } | case_ t_ms_went_back.jsonl '{file}:3: t_ms went back: 9 < 10 of the previous event'
{ hd; init1; ex 2; } | case_ expect_before_event.jsonl \
  '{file}:3: expect names seq 2, an event not read yet (last event seq 1)'
{ hd; init1; ex 1; ex 1; } | case_ expect_twice.jsonl \
  '{file}:4: expect names seq 1 again or out of order (previous expect: seq 1)'
{ hd; init1; printf '{"type":"end","events":1}\n'; ev 2 10; } | case_ record_after_end.jsonl \
  '{file}:4: expected nothing after the "end" record'
{ hd; init1; printf '{"type":"end","events":3}\n'; } | case_ end_count_wrong.jsonl \
  '{file}:3: "end" says 3 events, but 1 were read'

# ---- vocabulary ----------------------------------------------------------------
{ hd; ev 1 10 teleport; } | case_ unknown_event_kind.jsonl \
  '{file}:2: unknown event kind "teleport" (FORMAT.md §3.1 lists the known kinds)'
{ hd; init1; ex 1 '[{"kind":"dance","peer":"a"}]'; } | case_ unknown_action_kind.jsonl \
  '{file}:3: actions[0]: unknown action kind "dance" (FORMAT.md §3.2 lists the known kinds)'
{ hd; ev 1 10 timer ',"timer":"alarm"'; } | case_ unknown_timer.jsonl \
  '{file}:2: event (timer) member "timer": expected one of startup_ping_status, ping_status, heartbeat, gossip_scores, goodbye_timeout, got "alarm"'
{ hd; ev 1 10 connection_close ',"peer":"a"'; } | case_ missing_event_member.jsonl \
  '{file}:2: event (connection_close): expected member "conn" (a string)'
{ hd; ev 1 10 response ',"req":1,"ok":null,"error":"x"'; } | case_ response_ok_and_error.jsonl \
  '{file}:2: event (response): expected exactly one of "ok" or "error"'
{ hd; ev 1 10 timer ',"timer":"goodbye_timeout"'; } | case_ goodbye_timeout_without_req.jsonl \
  '{file}:2: event (timer): member "req" is required for goodbye_timeout and only there'

# ---- numbers out of range --------------------------------------------------------
{ hd; ev 1 -5; } | case_ negative_t_ms.jsonl \
  '{file}:2: event (goodbye_all) member "t_ms": expected an integer in [0, 2^53-1]'
{ hd; ev 1 9007199254740992; } | case_ t_ms_past_2_53.jsonl \
  '{file}:2: event (goodbye_all) member "t_ms": expected an integer in [0, 2^53-1]'
{ hd; ev 9007199254740993 10; } | case_ seq_past_2_53.jsonl \
  '{file}:2: event (goodbye_all) member "seq": expected an integer in [0, 2^53-1]'
{ hd; ev 1.5 10; } | case_ seq_fraction.jsonl \
  '{file}:2: event (goodbye_all) member "seq": expected an integer in [0, 2^53-1]'
{ hd; init1; ex 1 '[]' ',"scores":[{"peer":"a","lodestar":"1","gossip":0,"ignore_negative":false,"score":0,"last_update_ms":0}]'; } \
  | case_ score_is_string.jsonl '{file}:3: scores[0] member "lodestar": expected a finite number or "+Inf", "-Inf", "NaN"'
{ hd; ev 1 10 rand_placeholder; } | sed 's/"kind":"rand_placeholder"/"kind":"goodbye_all","gossip_scores":[["a","Infinity"]]/' \
  | case_ gossip_score_misspelt_infinity.jsonl \
  '{file}:2: event (goodbye_all) member "gossip_scores": expected an array of [peer, score] pairs (a score: a finite number or "+Inf", "-Inf", "NaN")'
{ hd; init1; ex 1 '[]' ',"scores":[{"peer":"a","lodestar":NaN,"gossip":0,"ignore_negative":false,"score":0,"last_update_ms":0}]'; } \
  | case_ score_nan_token.jsonl \
  '{file}:3: invalid JSON at column 72: syntax error while parsing value - invalid literal; last read: '"'"'"lodestar":N'"'"
{ hd; init1; ex 1 '[]' ',"scores":[{"peer":"a","lodestar":1e999,"gossip":0,"ignore_negative":false,"score":0,"last_update_ms":0}]'; } \
  | case_ score_overflows_double.jsonl \
  '{file}:3: invalid JSON: number overflow parsing '"'"'1e999'"'"
{ hd; ev 1 10 rand_placeholder; } | sed 's/"kind":"rand_placeholder"/"kind":"goodbye_all","rand":[0.5,1]/' | case_ rand_not_below_1.jsonl \
  '{file}:2: event (goodbye_all) member "rand": expected an array of numbers in [0, 1)'
hd_sub '"headSlot":1000}}}' '"headSlot":-1}}}' | case_ local_head_slot_negative.jsonl \
  '{file}:1: header.local member "status".headSlot: expected an integer in [0, 2^53-1]'
{ hd; ev 1 10 committee_subscriptions ',"active_attnets":[{"subnet":5,"toSlot":-1}]'; } | case_ to_slot_negative.jsonl \
  '{file}:2: event (committee_subscriptions) member "active_attnets": expected an array of {"subnet":int,"toSlot":int}'
{ hd; ev 1 10 request ',"peer":"a","method":"status","body":'"${S/'"finalizedEpoch":30'/'"finalizedEpoch":-30'}"; } \
  | case_ status_epoch_negative.jsonl \
  '{file}:2: event (request) member "body".finalizedEpoch: expected an integer in [0, 2^53-1]'
{ hd; ev 1 10 request ',"peer":"a","method":"ping","body":7'; } | case_ ping_body_not_string.jsonl \
  '{file}:2: event (request) member "body": expected a uint64 decimal string for ping'

# ---- value rules (FORMAT.md §3.3: uint64 decimals, bitvectors, names) -----------
{ hd; ev 1 10 request ',"peer":"a","method":"ping","body":"-1"'; } | case_ ping_body_negative.jsonl \
  '{file}:2: event (request) member "body": expected a uint64 decimal string for ping'
{ hd; ev 1 10 request ',"peer":"a","method":"goodbye","body":"18446744073709551616"'; } \
  | case_ goodbye_body_past_uint64.jsonl \
  '{file}:2: event (request) member "body": expected a uint64 decimal string for goodbye'
{ hd; ev 1 10 response ',"req":1,"ok":"18446744073709551616"'; } | case_ ping_seq_past_uint64.jsonl \
  '{file}:2: event (response) member "ok": expected a ping sequence number (a uint64 decimal string)'
{ hd; ev 1 10 response ',"req":1,"ok":{"seqNumber":"99999999999999999999","attnets":"0000000000000000"}'; } \
  | case_ metadata_seq_past_uint64.jsonl \
  '{file}:2: event (response) member "ok".seqNumber: expected a uint64 decimal string'
{ hd; ev 1 10 response ',"req":1,"ok":{"seqNumber":"1","attnets":"0000000000000000","syncnets":"1f"}'; } \
  | case_ syncnets_padding_bits.jsonl \
  '{file}:2: event (response) member "ok".syncnets: expected 2 lowercase hex digits, the padding bits 4..7 zero'
{ hd; ev 1 10 response ',"req":1,"ok":{"seqNumber":"1","attnets":"00000000000000FF"}'; } \
  | case_ attnets_uppercase.jsonl \
  '{file}:2: event (response) member "ok".attnets: expected 16 lowercase hex digits'
{ hd; ev 1 10 response ',"req":1,"ok":{"seqNumber":"1","attnets":"0000000000000000","custodyGroupCount":4}'; } \
  | case_ custody_group_count_number.jsonl \
  '{file}:2: event (response) member "ok".custodyGroupCount: expected a uint64 decimal string'
{ hd; ev 1 10 request ',"peer":"a","method":"teleport"'; } | case_ unknown_method.jsonl \
  '{file}:2: event (request) member "method": expected one of status, goodbye, ping, metadata, beacon_blocks_by_range, beacon_blocks_by_root, beacon_blocks_by_head, blob_sidecars_by_range, blob_sidecars_by_root, data_column_sidecars_by_range, data_column_sidecars_by_root, execution_payload_envelopes_by_root, execution_payload_envelopes_by_range, light_client_bootstrap, light_client_updates_by_range, light_client_finality_update, light_client_optimistic_update, got "teleport"'
{ hd; ev 1 10 connection_open ',"peer":"a","conn":"c1","direction":"inbound","key_type":"Ed25519","status":"half_open"'; } \
  | case_ connection_status_unknown.jsonl \
  '{file}:2: event (connection_open) member "status": expected one of open, closing, closed, got "half_open"'

# ---- header members ------------------------------------------------------------
hd_sub '"maxPeers":6,' '' | case_ config_missing_max_peers.jsonl \
  '{file}:1: header.config: expected member "maxPeers" (an integer in [0, 2^53-1])'
hd_sub '"FULU_FORK_EPOCH":0,' '' | case_ chain_missing_fork_epoch.jsonl \
  '{file}:1: header.config.chain: expected member "FULU_FORK_EPOCH" (an integer in [0, 2^53-1] or null)'
hd_sub '"gossipDecayIntervalMs":12000' '"gossipDecayIntervalMs":0' | case_ config_zero_decay_interval.jsonl \
  '{file}:1: header.config member "gossipDecayIntervalMs": expected a positive interval'
hd_sub ',"local":{"nodeId":"0000000000000000000000000000000000000000000000000000000000000000","custodyGroupCount":4,"sampleGroups":[1,2],"sampledSubnets":[1,2],"status":'"$S"'}' '' \
  | case_ header_missing_local.jsonl '{file}:1: header: expected member "local" (an object)'
hd_sub '"nodeId":"0000000000000000000000000000000000000000000000000000000000000000",' '' | case_ local_missing_node_id.jsonl \
  '{file}:1: header.local: expected member "nodeId" (64 lowercase hex digits)'
hd_sub ',"status":'"$S" '' | case_ local_missing_status.jsonl \
  '{file}:1: header.local: expected member "status" (a Status object)'
hd_sub '"nodeId":"0000000000000000000000000000000000000000000000000000000000000000"' '"nodeId":"00"' | case_ local_node_id_short.jsonl \
  '{file}:1: header.local member "nodeId": expected 64 lowercase hex digits'
hd_sub '"mode":"scripted"' '"mode":"dreamt"' | case_ producer_mode_unknown.jsonl \
  '{file}:1: header.producer member "mode": expected one of scripted, live, engine, got "dreamt"'

# ---- metrics records (FORMAT.md §8) ----------------------------------------------
# hm: the header with "metrics":true; mt SEQ SERIES [EXTRA]: a metrics record (full:false).
hm() { printf '%s\n' "${H%\}},\"metrics\":true}"; }
mt() { printf '{"type":"metrics","seq":%s,"full":false,"series":%s,"removed":[]%s}\n' "$1" "$2" "${3:-}"; }
{ hm; init1; ex 1; mt 1 '[{"name":"lodestar_no_such_metric","labels":{},"value":1}]'; } | case_ metrics_unknown_name.jsonl \
  '{file}:4: metrics series[0]: unknown metric name "lodestar_no_such_metric" (FORMAT.md §8.2 lists the peer-manager metrics)'
{ hd; init1; ex 1; mt 1 '[]'; } | case_ metrics_without_header_member.jsonl \
  '{file}:4: a metrics record, but the header lacks "metrics":true (FORMAT.md §8)'
{ hm; init1; ex 1; ev 2 20; ex 2; } | case_ metrics_record_missing.jsonl \
  '{file}:4: expected the metrics record of event 1 before the next event (the header says "metrics":true)'
{ hm; init1; ex 1; mt 1 '[{"name":"lodestar_peers_by_direction_count","labels":{},"value":1}]'; } | case_ metrics_labels_missing.jsonl \
  '{file}:4: metrics series[0].labels: lodestar_peers_by_direction_count has 1 label(s), got 0'
{ hm; init1; ex 1; mt 1 '[{"name":"lodestar_peer_connection_seconds","labels":{},"buckets":[0,1],"sum":1,"count":1}]'; } | case_ metrics_buckets_short.jsonl \
  '{file}:4: metrics series[0]: expected "buckets", an array of 9 cumulative counts (a histogram)'
{ hm; init1; ex 1; mt 1 '[{"name":"libp2p_peers","labels":{},"value":"Infinity"}]'; } | case_ metrics_value_misspelt_infinity.jsonl \
  '{file}:4: metrics series[0]: expected "value", a finite number or "+Inf", "-Inf", "NaN" (a gauge)'
{ hm; init1; ex 1; mt 1 '[{"name":"lodestar_peer_connection_seconds","labels":{},"buckets":[0,0,0,0,0,0,0,0,0],"sum":null,"count":0}]'; } | case_ metrics_sum_null.jsonl \
  '{file}:4: metrics series[0]: expected "sum", a finite number or "+Inf", "-Inf", "NaN"'
{ hm; init1; ex 1; mt 0 '[]'; } | case_ metrics_seq_not_last_event.jsonl \
  '{file}:4: metrics names seq 0: expected the last event read (seq 1), once'

# ---- not a trace file ------------------------------------------------------------
mkdir a_directory.jsonl
printf 'git keeps no empty directory; this one must be a directory\n' > a_directory.jsonl/KEEP
printf '%s\n' '{file}: is a directory, expected a trace file' > a_directory.jsonl.expected
# `check` takes directories (every trace inside): this one has none.
printf '%s\n' '{file}: no trace (*.jsonl, *.jsonl.zst) in this directory' > a_directory.jsonl.expected.check

echo "make_catalog.sh: $(ls ./*.expected | wc -l) cases in $(pwd)"
