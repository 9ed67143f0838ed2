// The two validators of trace format v1 give the same verdict on every file of the corpus
// (traces/) and of the malformed catalog (conformance/bad/): the C++ reader
// (`peer-replay stats --strict`, exit 0 accepts, 2 rejects) and lib/validate.mjs
// (validateTraceFile). A file one accepts and the other rejects is a rule FORMAT.md states once
// and one of them implements differently.
//
//   PEER_REPLAY_BIN=build/release/bin/peer-replay node --test tools/recorder/test/validators-agree.test.mjs
import assert from "node:assert/strict";
import {spawnSync} from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import {fileURLToPath} from "node:url";
import {validateTraceFile} from "../lib/validate.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const bin = process.env.PEER_REPLAY_BIN;

function files() {
  const out = [];
  for (const f of fs.readdirSync(path.join(root, "traces")).sort()) if (f.endsWith(".jsonl.zst")) out.push(path.join(root, "traces", f));
  const bad = path.join(root, "conformance", "bad");
  for (const f of fs.readdirSync(bad).sort()) {
    if (/\.expected/.test(f) || f.endsWith(".sh") || f.endsWith(".md")) continue;
    out.push(path.join(bad, f));
  }
  return out;
}

function cppVerdict(file) {
  const r = spawnSync(bin, ["stats", "--strict", file], {encoding: "utf8"});
  if (r.status === 0) return {accepts: true, why: ""};
  if (r.status === 2) return {accepts: false, why: r.stderr.trim()};
  throw new Error(`${bin} stats --strict ${file}: exit ${r.status} (${r.error ?? r.stderr})`);
}

function jsVerdict(file) {
  try {
    validateTraceFile(file, {requireExpects: false});
    return {accepts: true, why: ""};
  } catch (e) {
    return {accepts: false, why: e.message};
  }
}

test("the C++ reader and validate.mjs accept and reject the same files", () => {
  assert.ok(bin && fs.existsSync(bin), `PEER_REPLAY_BIN must name the peer-replay binary (got ${bin})`);
  const list = files();
  assert.ok(list.length >= 90, `only ${list.length} files`);
  const disagree = [];
  let rejected = 0;
  for (const file of list) {
    const c = cppVerdict(file);
    const j = jsVerdict(file);
    if (!c.accepts) rejected++;
    if (c.accepts !== j.accepts)
      disagree.push(`${path.relative(root, file)}: C++ ${c.accepts ? "accepts" : `rejects (${c.why})`}, JS ${j.accepts ? "accepts" : `rejects (${j.why})`}`);
  }
  assert.deepEqual(disagree, []);
  assert.ok(rejected >= 40, `the catalog should be rejected: only ${rejected} files were`);
});
