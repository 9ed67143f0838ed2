// The engine's enum <-> name tables (engine/include/peers/enum_names.h), read from the C++ headers that hold
// them, so that the JS side lists no name of its own: validate.mjs checks traces against these,
// and fuzz/run.sh appends them to the fuzz dictionary (`node vocabulary.mjs --dict`).
// test/vocabulary.test.mjs compares what is read here with `peer-replay-vocabulary`, the same
// tables as the compiled engine sees them, so a table this reader misparses fails there.
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

// Table (as peer-replay-vocabulary names it) -> [header, the std::array's name].
const SOURCES = {
  event_kinds: ["engine/include/peers/event.h", "kEventKindNames"],
  timer_kinds: ["engine/include/peers/event.h", "kTimerKindNames"],
  action_kinds: ["engine/include/peers/action.h", "kActionKindNames"],
  peer_actions: ["engine/include/peers/score_interface.h", "kPeerActionNames"],
  req_resp_methods: ["engine/include/peers/event.h", "kReqRespMethodNames"],
  connection_statuses: ["engine/include/peers/event.h", "kConnectionStatusNames"],
  directions: ["engine/include/peers/types.h", "kDirectionNames"],
  subnet_types: ["engine/include/peers/action.h", "kSubnetTypeNames"],
  producer_modes: ["trace/format.h", "kProducerModeNames"],
};

function readTable(file, array) {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  const m = text.match(new RegExp(`\\b${array} = \\{([^}]*)\\};`));
  if (!m) throw new Error(`${file}: no "${array} = {...};"`);
  return [...m[1].matchAll(/"([^"\\]*)"/g)].map((x) => x[1]);
}

/** {event_kinds: ["init", ...], ...}: every table a trace names. */
export const ENGINE_NAMES = Object.fromEntries(Object.entries(SOURCES).map(([table, [file, array]]) => [table, readTable(file, array)]));

/** The libFuzzer dictionary lines of every table: one `# table: <name>` section each. */
export function dictSections() {
  const out = ["# The engine's name tables, appended by fuzz/run.sh (tools/recorder/lib/vocabulary.mjs --dict)."];
  for (const [table, names] of Object.entries(ENGINE_NAMES)) {
    out.push(`# table: ${table}`);
    for (const n of names) out.push(`${table}_${n}="\\"${n}\\""`);
    out.push("");
  }
  return out.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === "--dict") process.stdout.write(dictSections());
