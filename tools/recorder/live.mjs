// Live capture: node --import /path/to/tools/recorder/live.mjs <beacon node command line>
//
// Wraps the modules of every PeerManager the process (or worker thread) constructs and writes a trace
// (format v1, producer.mode "live") of what reached it and what it did. Environment:
//   PEER_REPLAY_LIVE_OUT   output directory or file (default: current directory,
//                          peer-replay-live-<pid>-<thread>-<unix ms>.jsonl.zst)
//   PEER_REPLAY_LIVE_FLUSH_MS  how often buffered records are written as a zstd frame (default 10000)
//   PEER_REPLAY_LIVE_ROTATE_BYTES, PEER_REPLAY_LIVE_ROTATE_MS  segment size / age (default 256 MiB / 1 h)
//   PEER_REPLAY_LIVE_MAX_BYTES  the cap: the trace ends once this much is written (default 16 GiB)
//   PEER_REPLAY_LIVE_PSEUDONYMIZE  1 (random key) or a hex key: peer ids and addresses become pseudonyms
//   PEER_REPLAY_SCENARIO   the header's scenario name (default "live")
//   PEER_REPLAY_LIVE_SHADOW  1: shadow mode, the engine beside the peer manager (lib/live-shadow.mjs)
//   PEER_REPLAY_LIVE_SHADOW_THREAD  1 (default): shadow mode's replayer on a worker thread; 0: on this one
//   PEER_REPLAY_LIVE_SHADOW_QUEUE_BYTES  the lines queued for that worker at most (default 16 MiB)
// See tools/recorder/README.md.
import {register} from "node:module";
import {installLivePatch} from "./lib/live-recorder.mjs";

register("./lib/live-hooks.mjs", import.meta.url);
installLivePatch();
