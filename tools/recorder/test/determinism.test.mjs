// Recording the same scenario twice gives byte-identical files; so does the generator.
// Needs tools/recorder/setup.sh (node_modules) and /usr/bin/zstd. ~30 s.
import assert from "node:assert/strict";
import {spawnSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {test} from "node:test";
import {fileURLToPath} from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const node = (args) => {
  const r = spawnSync(process.execPath, args, {encoding: "utf8", timeout: 300_000});
  assert.equal(r.status, 0, r.stderr);
};

test("two recordings of the same scenarios are byte-identical", () => {
  const a = fs.mkdtempSync(path.join(os.tmpdir(), "pr-det-a-"));
  const b = fs.mkdtempSync(path.join(os.tmpdir(), "pr-det-b-"));
  const names = ["goodbye-timeout", "prune-too-grouped-subnet"];
  node([path.join(here, "..", "record.mjs"), ...names, "--out", a]);
  node([path.join(here, "..", "record.mjs"), ...names, "--out", b]);
  for (const n of names) {
    const f = `${n}.jsonl.zst`;
    assert.ok(fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))), `${f} differs`);
  }
  fs.rmSync(a, {recursive: true});
  fs.rmSync(b, {recursive: true});
});

test("two generator runs with the same seed are byte-identical (and dirty score tracking matches full dumps)", () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "pr-det-g-"));
  const gen = path.join(here, "..", "generate.mjs");
  node([gen, "--seed", "5", "--events", "1500", "--out", path.join(d, "a.jsonl.zst")]);
  node([gen, "--seed", "5", "--events", "1500", "--out", path.join(d, "b.jsonl.zst"), "--verify-scores"]);
  assert.ok(fs.readFileSync(path.join(d, "a.jsonl.zst")).equals(fs.readFileSync(path.join(d, "b.jsonl.zst"))));
  fs.rmSync(d, {recursive: true});
});
