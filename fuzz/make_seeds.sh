#!/usr/bin/env bash
# Writes the hand-made seed traces of the reader fuzzer into fuzz/seeds/trace_reader/
# (committed; rerun after a format change). fuzz/run.sh also seeds from
# traces/ (the recorded corpus) and conformance/bad/ (the malformed catalog).
# Needs the zstd CLI.
set -euo pipefail
cd "$(dirname "$0")/seeds/trace_reader"

H='{"type":"header","format":"peer-replay-trace","format_version":1,"producer":{"name":"peer-replay-recorder","version":"0.1.0","mode":"scripted","packages":{"@lodestar/beacon-node":"1.44.0"},"node":"v20.20.2"},"scenario":"seed","seed":"7","config":{"targetPeers":4,"maxPeers":6,"targetGroupPeers":6,"gossipDecayIntervalMs":12000,"disablePeerScoring":false,"genesisTime":1600000000,"discovery":true,"chain":{"SLOTS_PER_EPOCH":32,"SLOT_DURATION_MS":12000,"CUSTODY_REQUIREMENT":4,"SAMPLES_PER_SLOT":8,"NUMBER_OF_CUSTODY_GROUPS":128,"NUMBER_OF_COLUMNS":128,"DATA_COLUMN_SIDECAR_SUBNET_COUNT":128,"ALTAIR_FORK_EPOCH":0,"BELLATRIX_FORK_EPOCH":0,"CAPELLA_FORK_EPOCH":0,"DENEB_FORK_EPOCH":0,"ELECTRA_FORK_EPOCH":0,"FULU_FORK_EPOCH":0,"GLOAS_FORK_EPOCH":null}},"local":{"nodeId":"0000000000000000000000000000000000000000000000000000000000000000","custodyGroupCount":4,"sampleGroups":[1,2,3,4],"sampledSubnets":[1,2,3,4],"status":{"forkDigest":"aabbccdd","finalizedRoot":"0101010101010101010101010101010101010101010101010101010101010101","finalizedEpoch":30,"headRoot":"0202020202020202020202020202020202020202020202020202020202020202","headSlot":1000,"earliestAvailableSlot":0}}}'
S='{"forkDigest":"aabbccdd","finalizedRoot":"0101010101010101010101010101010101010101010101010101010101010101","finalizedEpoch":30,"headRoot":"0202020202020202020202020202020202020202020202020202020202020202","headSlot":1000}'
N='9a0c000000000000000000000000000000000000000000000000000000000001'
P='16Uiu2HAmSeedPeerA'
Q='16Uiu2HAmSeedPeerB'
E='{"peer":"'$P'","lodestar":-14.406093444266025,"gossip":0,"ignore_negative":false,"score":-14.406093444266025,"last_update_ms":1600012660000}'

# Every event kind, every action kind, every timer, once at least.
all_kinds() {
  cat <<EOF
$H
{"type":"event","seq":1,"t_ms":1600012000000,"kind":"init","connections":[{"peer":"$Q","conn":"c0","direction":"inbound","node_id":"$N"}],"rand":[0.5,0.25],"active_attnets":[{"subnet":5,"toSlot":1100}],"active_syncnets":[]}
{"type":"expect","seq":1,"actions":[{"kind":"discover_peers","peers_to_connect":3,"custody_group_queries":[[1,2]],"subnet_queries":[{"subnet":5,"type":"attnets","max_peers_to_discover":2,"to_unix_ms":1600013200000}]}],"scores":[],"scores_full":true}
{"type":"event","seq":2,"t_ms":1600012000000,"kind":"timer","timer":"startup_ping_status"}
{"type":"expect","seq":2,"actions":[{"kind":"send_ping","peer":"$Q","req":1},{"kind":"send_status","peer":"$Q","req":2,"status":$S}]}
{"type":"event","seq":3,"t_ms":1600012001000,"kind":"connection_open","peer":"$P","conn":"c1","direction":"outbound","node_id":"$N"}
{"type":"expect","seq":3,"actions":[{"kind":"send_metadata","peer":"$P","req":3},{"kind":"identify","peer":"$P","req":4},{"kind":"tag_relevant","peer":"$P"}],"scores":[$E],"scores_removed":[],"scores_full":false}
{"type":"event","seq":4,"t_ms":1600012001500,"kind":"response","req":3,"ok":{"seqNumber":"3","attnets":"0000000000000000","syncnets":"00","custodyGroupCount":"4"}}
{"type":"expect","seq":4,"actions":[{"kind":"peer_connected","peer":"$P","client":"Lighthouse","custody_columns":[1,2,3],"status":$S}]}
{"type":"event","seq":5,"t_ms":1600012002000,"kind":"response","req":4,"error":"timeout"}
{"type":"expect","seq":5,"actions":[]}
{"type":"event","seq":6,"t_ms":1600012003000,"kind":"request","peer":"$P","method":"ping","body":"4"}
{"type":"expect","seq":6,"actions":[]}
{"type":"event","seq":7,"t_ms":1600012003000,"kind":"request","peer":"$P","method":"status","body":$S}
{"type":"expect","seq":7,"actions":[]}
{"type":"event","seq":8,"t_ms":1600012003001,"kind":"request","peer":"$P","method":"metadata"}
{"type":"expect","seq":8,"actions":[]}
{"type":"event","seq":9,"t_ms":1600012004000,"kind":"report_peer","peer":"$P","action":"LowToleranceError","action_name":"test"}
{"type":"expect","seq":9,"actions":[],"scores":[$E]}
{"type":"event","seq":10,"t_ms":1600012010000,"kind":"timer","timer":"ping_status"}
{"type":"expect","seq":10,"actions":[]}
{"type":"event","seq":11,"t_ms":1600012012000,"kind":"timer","timer":"gossip_scores","gossip_scores":[["$P",-12.5]]}
{"type":"expect","seq":11,"actions":[]}
{"type":"event","seq":12,"t_ms":1600012030000,"kind":"timer","timer":"heartbeat","rand":[0.125]}
{"type":"expect","seq":12,"actions":[{"kind":"send_goodbye","peer":"$Q","req":5,"reason":"129"}],"scores":[$E],"scores_full":true}
{"type":"event","seq":13,"t_ms":1600012031000,"kind":"timer","timer":"goodbye_timeout","req":5}
{"type":"expect","seq":13,"actions":[{"kind":"disconnect","peer":"$Q","req":6}]}
{"type":"event","seq":14,"t_ms":1600012031000,"kind":"connection_close","peer":"$Q","conn":"c0"}
{"type":"expect","seq":14,"actions":[{"kind":"untag_relevant","peer":"$Q"},{"kind":"peer_disconnected","peer":"$Q"}],"scores_removed":["$Q"]}
{"type":"event","seq":15,"t_ms":1600012031000,"kind":"response","req":6,"ok":null}
{"type":"expect","seq":15,"actions":[]}
{"type":"event","seq":16,"t_ms":1600012032000,"kind":"committee_subscriptions","active_attnets":[{"subnet":7,"toSlot":1200}]}
{"type":"expect","seq":16,"actions":[],"scores":[$E],"scores_full":true}
{"type":"event","seq":17,"t_ms":1600012033000,"kind":"restatus_peers","peers":["$P"]}
{"type":"expect","seq":17,"actions":[{"kind":"send_status","peer":"$P","req":7,"status":$S}]}
{"type":"event","seq":18,"t_ms":1600012034000,"kind":"local_status","status":$S}
{"type":"expect","seq":18,"actions":[]}
{"type":"event","seq":19,"t_ms":1600012035000,"kind":"request","peer":"$P","method":"goodbye","body":"1"}
{"type":"expect","seq":19,"actions":[]}
{"type":"event","seq":20,"t_ms":1600012036000,"kind":"goodbye_all"}
{"type":"expect","seq":20,"actions":[{"kind":"send_goodbye","peer":"$P","req":8,"reason":"1"}]}
{"type":"end","events":20}
EOF
}

all_kinds > all_kinds.jsonl
zstd -q -f -19 all_kinds.jsonl -o all_kinds.jsonl.zst
# Two frames, the cut inside a line, and a skippable frame between.
head -c 1000 all_kinds.jsonl | zstd -q -c > two_frames.jsonl.zst
printf '\x50\x2a\x4d\x18\x04\x00\x00\x00skip' >> two_frames.jsonl.zst
tail -c +1001 all_kinds.jsonl | zstd -q -c >> two_frames.jsonl.zst
sed 's/$/\r/' all_kinds.jsonl > crlf.jsonl
{ printf '\xef\xbb\xbf'; cat all_kinds.jsonl; } > bom.jsonl
printf '%s\n' "$H" > header_only.jsonl
head -n 3 all_kinds.jsonl | head -c -1 > no_final_newline.jsonl  # a live capture cut off
