// `node --import tools/recorder/lib/arms-register.mjs ...`: registers the istanbul load hook for
// Lodestar's network/peers (arms-hooks.mjs). When PEER_REPLAY_ARMS_DIR is set, the process writes
// its counters (globalThis.__coverage__, istanbul's per-file JSON) to <dir>/<pid>.json on exit;
// the arms CLI and coverage.sh merge those files. Child processes inherit both through
// NODE_OPTIONS, so record.mjs --all's one-process-per-scenario children are measured too.
import fs from "node:fs";
import path from "node:path";
import {register} from "node:module";

register("./arms-hooks.mjs", import.meta.url);

const dir = process.env.PEER_REPLAY_ARMS_DIR;
if (dir) {
  process.on("exit", () => {
    const cov = globalThis.__coverage__;
    if (!cov) return;
    fs.mkdirSync(dir, {recursive: true});
    fs.writeFileSync(path.join(dir, `${process.pid}.json`), JSON.stringify(cov));
  });
}
