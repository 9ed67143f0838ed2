// traces/MANIFEST lists exactly the traces on disk, with their hashes; every trace is valid format v1.
// Run: node --test tools/recorder/test/manifest.test.mjs   (needs /usr/bin/zstd; no npm install)
import assert from "node:assert/strict";
import path from "node:path";
import {test} from "node:test";
import {fileURLToPath} from "node:url";
import {checkManifest, readManifest, traceFiles} from "../lib/manifest.mjs";
import {validateTrace} from "../lib/validate.mjs";
import {readTraceText} from "../lib/writer.mjs";

const traces = process.env.PEER_REPLAY_TRACES ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "traces");

test("MANIFEST and traces/ agree (files, scenario, seed, version, events, bytes, sha256)", () => {
  assert.deepEqual(checkManifest(traces), []);
});

test("the corpus has at least 40 traces", () => {
  assert.ok(readManifest(traces).length >= 40, `only ${readManifest(traces).length} traces`);
});

test("every trace is valid trace format v1 with an end record and one expect per event", () => {
  for (const f of traceFiles(traces)) {
    const r = validateTrace(readTraceText(path.join(traces, f)));
    assert.ok(r.end, `${f}: no end record`);
    assert.equal(r.expects, r.events, `${f}: expects`);
  }
});
