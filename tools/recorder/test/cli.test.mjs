// The recorder's tools speak plainly: --help, a user's mistake as one line on stderr
// with exit 2 and no stack trace, and the generator's progress line on a terminal only (a pty
// from script(1)), never with --quiet or into a pipe.
import assert from "node:assert/strict";
import {spawnSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import {fileURLToPath} from "node:url";

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const record = path.join(here, "record.mjs");
const generate = path.join(here, "generate.mjs");

function run(script, args) {
  return spawnSync(process.execPath, [script, ...args], {encoding: "utf8", timeout: 120_000});
}

function assertUsageError(r, want) {
  assert.equal(r.status, 2, `exit ${r.status}, stderr: ${r.stderr}`);
  assert.equal(r.stdout, "");
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line expected, got:\n${r.stderr}`);
  assert.match(lines[0], want);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
}

test("--help says how to use each tool and its exit codes", () => {
  for (const script of [record, generate]) {
    const r = run(script, ["--help"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /usage:/);
    assert.match(r.stdout, /Exit codes: 0 ok/);
  }
});

test("record.mjs: a bad flag, a bad value, an unknown scenario: one line, exit 2", () => {
  assertUsageError(run(record, ["--bogus"]), /^record\.mjs: unknown option --bogus \(see --help\)$/);
  assertUsageError(run(record, ["--all", "-j", "zero"]), /^record\.mjs: --jobs expects an integer from 1 to 64, got "zero"$/);
  assertUsageError(run(record, ["no-such-scenario"]), /^record\.mjs: no scenario named "no-such-scenario" \(see --list\)$/);
  assertUsageError(run(record, []), /^record\.mjs: name a scenario, or pass --all or --list/);
});

test("generate.mjs: a bad flag or value: one line, exit 2", () => {
  assertUsageError(run(generate, ["--bogus"]), /^generate\.mjs: unknown option --bogus \(see --help\)$/);
  assertUsageError(run(generate, ["--events", "many", "--out", "x.jsonl"]), /^generate\.mjs: --events expects an integer from 1 to/);
  assertUsageError(run(generate, ["--events", "10"]), /^generate\.mjs: --out FILE is required/);
  assertUsageError(run(generate, ["--events", "10", "--out", "x.jsonl", "--level", "99"]), /--level expects an integer from 1 to 19/);
});

test("generate.mjs: a progress line on a terminal only, and not with --quiet", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "generate-cli-"));
  try {
    const args = ["--seed", "3", "--events", "400"];
    const onTty = (extra) => {
      const cmd = [process.execPath, generate, ...args, "--out", path.join(dir, "t.jsonl"), ...extra].map((a) => `'${a}'`).join(" ");
      const r = spawnSync("script", ["-qec", cmd, "/dev/null"], {encoding: "utf8", timeout: 120_000});
      assert.equal(r.status, 0, r.stdout + r.stderr);
      return r.stdout;
    };
    const tty = onTty([]);
    assert.match(tty, /\r\x1b\[Kgenerate {2}\d+ of 400 events \(\d+%\)\s+[\d.]+ events\/s\s+[\d.]+ MiB written/);
    assert.match(tty, /: 400 events, /);
    assert.doesNotMatch(onTty(["--quiet"]), /events\/s/);
    const piped = run(generate, [...args, "--out", path.join(dir, "p.jsonl")]);
    assert.equal(piped.status, 0, piped.stderr);
    assert.doesNotMatch(piped.stdout + piped.stderr, /events\/s|\x1b/);
  } finally {
    fs.rmSync(dir, {recursive: true, force: true});
  }
});
