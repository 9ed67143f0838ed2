// traces/MANIFEST: one row per committed trace (TSV), written by `record.mjs --all --manifest`
// or `node tools/recorder/manifest.mjs --write`, checked by test/manifest.test.mjs.
import {createHash} from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import {readTraceText} from "./writer.mjs";

export const COLUMNS = ["file", "scenario", "seed", "beacon_node", "events", "bytes", "sha256"];
const PREAMBLE =
  "# peer-replay trace corpus. Regenerate: bash tools/recorder/record-all.sh; check: node --test tools/recorder/test/\n" +
  "# One row per trace in this directory; columns are tab-separated. events = the trace's end.events.\n";

export function traceFiles(dir) {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".jsonl.zst") || f.endsWith(".jsonl"))
    .sort();
}

export function describe(dir, file) {
  const full = path.join(dir, file);
  const buf = fs.readFileSync(full);
  const text = readTraceText(full);
  const first = text.slice(0, text.indexOf("\n"));
  const header = JSON.parse(first);
  const lastLine = text.slice(text.lastIndexOf("\n", text.length - 2) + 1, text.length - 1);
  const end = JSON.parse(lastLine);
  return {
    file,
    scenario: header.scenario,
    seed: header.seed,
    beacon_node: header.producer?.packages?.["@lodestar/beacon-node"] ?? "",
    events: end.type === "end" ? String(end.events) : "",
    bytes: String(buf.length),
    sha256: createHash("sha256").update(buf).digest("hex"),
  };
}

export function writeManifest(dir) {
  const rows = traceFiles(dir).map((f) => describe(dir, f));
  const text = PREAMBLE + COLUMNS.join("\t") + "\n" + rows.map((r) => COLUMNS.map((c) => r[c]).join("\t")).join("\n") + "\n";
  fs.writeFileSync(path.join(dir, "MANIFEST"), text);
  return rows;
}

export function readManifest(dir) {
  const text = fs.readFileSync(path.join(dir, "MANIFEST"), "utf8");
  const lines = text.split("\n").filter((l) => l && !l.startsWith("#"));
  const head = lines.shift().split("\t");
  if (head.join(",") !== COLUMNS.join(",")) throw new Error(`MANIFEST columns ${head.join(",")} != ${COLUMNS.join(",")}`);
  return lines.map((l) => Object.fromEntries(l.split("\t").map((v, i) => [head[i], v])));
}

/** Every disagreement between the traces on disk and the manifest, as messages (empty = consistent). */
export function checkManifest(dir) {
  const problems = [];
  const rows = readManifest(dir);
  const byFile = new Map(rows.map((r) => [r.file, r]));
  const onDisk = new Set(traceFiles(dir));
  for (const f of onDisk) if (!byFile.has(f)) problems.push(`${f}: on disk but not in MANIFEST`);
  for (const r of rows) {
    if (!onDisk.has(r.file)) {
      problems.push(`${r.file}: in MANIFEST but not on disk`);
      continue;
    }
    const d = describe(dir, r.file);
    for (const c of COLUMNS) if (d[c] !== r[c]) problems.push(`${r.file}: ${c} is ${d[c]} on disk, ${r[c]} in MANIFEST`);
  }
  return problems;
}
