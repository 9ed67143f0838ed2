// The livenet's plumbing, which conformance does not need to pass: three nodes (good, flaky, slow)
// for 30 s with no churn must connect over real libp2p, complete status, ping, metadata and identify
// requests through Lodestar's PeerManager, write one readable trace each (check exits 0 or 1, never
// 2), and stop cleanly (each trace has its `end`). The codec's round trip and refusals run first.
// Run by ctest with PEER_REPLAY_BIN set (tools/livenet/CMakeLists.txt).
import {test} from "node:test";
import assert from "node:assert/strict";
import {spawnSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {decodePayload, encodePayload, EncodingError} from "../lib/ssz-snappy.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));

test("ssz_snappy: round trip over chunk boundaries, truncation, bad checksum", () => {
  for (const n of [1, 8, 84, 65536, 65537, 140_000]) {
    const ssz = Uint8Array.from({length: n}, (_, i) => (i * 31 + (i >> 7)) & 0xff);
    const enc = encodePayload(ssz);
    const dec = decodePayload(enc);
    assert.equal(dec.end, enc.length, `n=${n}`);
    assert.deepEqual(Buffer.from(dec.ssz), Buffer.from(ssz), `n=${n}`);
    assert.equal(decodePayload(enc.subarray(0, enc.length - 1)), null, `n=${n}: a truncated payload needs more bytes`);
  }
  const enc = encodePayload(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
  const bad = Uint8Array.from(enc);
  bad[1 + 10 + 4] ^= 1; // first byte of the chunk's checksum (varint, identifier chunk, chunk header)
  assert.throws(() => decodePayload(bad), EncodingError);
});

test("three nodes connect and answer status, ping, metadata over libp2p", {timeout: 600_000}, () => {
  const bin = process.env.PEER_REPLAY_BIN;
  assert.ok(bin && fs.existsSync(bin), "PEER_REPLAY_BIN must name the built peer-replay");
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "livenet-test-"));
  try {
    const r = spawnSync(process.execPath, [path.join(HERE, "..", "run.mjs"), "--seconds", "30", "--nodes", "3", "--no-churn", "--peer-replay", bin, "--out", out], {encoding: "utf8"});
    assert.ok(r.status === 0 || r.status === 1, `run.mjs exited ${r.status}: ${r.stderr}\n${r.stdout}`);
    const summary = JSON.parse(fs.readFileSync(path.join(out, "summary.json"), "utf8"));
    assert.equal(summary.processes, 3);
    const ok = {};
    for (const t of summary.traces) {
      assert.equal(t.ended, "stopped", `${t.node} ended ${t.ended}`);
      assert.ok(t.verdict === "PASS" || t.verdict === "FAIL", `${t.node}: check ${t.verdict}: ${t.output}`);
      assert.ok(t.complete, `${t.node}: the trace has no end record`);
      const text = spawnSync("zstd", ["-d", "-q", "-c", path.join(out, t.trace)], {maxBuffer: 1 << 28}).stdout.toString();
      const kindOf = new Map();
      let connected = 0;
      for (const line of text.split("\n").filter(Boolean)) {
        const rec = JSON.parse(line);
        if (rec.type === "expect") {
          for (const act of rec.actions) {
            if (act.req !== undefined) kindOf.set(act.req, act.kind);
            if (act.kind === "peer_connected") connected++;
          }
        } else if (rec.type === "event" && rec.kind === "response" && rec.ok !== undefined) {
          const k = kindOf.get(rec.req);
          ok[k] = (ok[k] ?? 0) + 1;
        }
      }
      assert.ok(connected > 0, `${t.node}: the PeerManager connected no peer`);
    }
    for (const k of ["send_status", "send_ping", "send_metadata", "identify"]) assert.ok(ok[k] > 0, `no ${k} answered (${JSON.stringify(ok)})`);
  } finally {
    fs.rmSync(out, {recursive: true, force: true});
  }
});
