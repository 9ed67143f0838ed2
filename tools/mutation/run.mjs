#!/usr/bin/env node
// The mutation score: applies each engine mutant of mutants.json, one at a
// time, to a scratch checkout of HEAD, rebuilds peer-replay and asks whether
// the corpus (and optionally the differential fuzzer) notices.
//
//   node tools/mutation/run.mjs [--only ID,ID] [--fuzz-seconds N] [--out docs/MUTATION.md] [--keep] [--root DIR]
//
// A mutant is killed when `peer-replay check traces/` fails on it (exit 1).
// With --fuzz-seconds N every mutant the corpus misses is then given N
// seconds of the differential fuzzer (`--fuzz-cmd`, run with PEER_REPLAY_BIN
// set to the mutated binary; exit 1 = a finding = killed). A survivor's
// `equivalent` member in mutants.json says why it cannot be killed; one
// without it is reported as unexplained.
//
// Never edits the caller's tree: the mutants are applied in a git worktree of
// HEAD (uncommitted changes are not in it; the script says so). The report is
// written to a temporary file and renamed, so an interrupted run leaves the
// old report intact. Exit: 0 done, 2 bad usage or a stale catalog (a `find`
// text not found exactly once, a mutant that does not build, a baseline that
// does not conform).
//
// --root DIR uses a checkout the caller already built (at HEAD, engine/ clean) instead of a
// fresh worktree: a fresh one is a full build from nothing (ccache misses it: -g1 hashes the
// directory), which on a loaded machine costs more than the mutants. The mutants are then
// applied to DIR's files and undone on every way out, as in the scratch tree.
import {spawnSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {fileURLToPath} from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const USAGE =
  "usage: node tools/mutation/run.mjs [--only ID,ID] [--fuzz-seconds N] [--fuzz-cmd CMD] [--out FILE] [--keep] [--root DIR]";

// The differential fuzzer (docs/FUZZING.md) against the mutated binary. A kill
// is exit 1 *and* a finding file (finding-*.txt) in $FUZZ_OUT: an exit 1 with
// no finding is a crash of the fuzzer, reported as "error", never as a kill.
const DEFAULT_FUZZ_CMD =
  'node tools/fuzz/fuzz.mjs --seed mutation --time {seconds} --engine "$PEER_REPLAY_BIN" --out "$FUZZ_OUT" --no-shrink';

function fail(message) {
  console.error(`mutation: ${message}`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = {only: null, fuzzSeconds: 0, fuzzCmd: DEFAULT_FUZZ_CMD, out: null, keep: false, root: null};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value\n${USAGE}`);
      return argv[++i];
    };
    if (a === "--only") o.only = new Set(value().split(","));
    else if (a === "--fuzz-seconds") {
      o.fuzzSeconds = Number(value());
      if (!Number.isInteger(o.fuzzSeconds) || o.fuzzSeconds < 0) fail(`--fuzz-seconds wants a whole number, got ${argv[i]}`);
    } else if (a === "--fuzz-cmd") o.fuzzCmd = value();
    else if (a === "--out") o.out = path.resolve(value());
    else if (a === "--keep") o.keep = true;
    else if (a === "--root") o.root = path.resolve(value());
    else if (a === "-h" || a === "--help") {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown argument ${a}\n${USAGE}`);
  }
  return o;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, {encoding: "utf8", maxBuffer: 1 << 28, ...opts});
  if (r.error) fail(`cannot run ${cmd}: ${r.error.message}`);
  return r;
}

// Loads the catalog and checks that every edit's text occurs exactly once.
function loadCatalog(root, only) {
  const file = path.join(repo, "tools/mutation/mutants.json");
  const mutants = JSON.parse(fs.readFileSync(file, "utf8"));
  const ids = new Set();
  for (const m of mutants) {
    if (ids.has(m.id)) fail(`${file}: mutant id ${m.id} twice`);
    ids.add(m.id);
    for (const e of m.edits) {
      const text = fs.readFileSync(path.join(root, e.file), "utf8");
      const n = text.split(e.find).length - 1;
      if (n !== 1) fail(`${file}: mutant ${m.id}: ${e.file} holds its find text ${n} times, not once (the engine changed: update the catalog)`);
    }
  }
  if (only) for (const id of only) if (!ids.has(id)) fail(`--only: no mutant ${id}`);
  return only ? mutants.filter((m) => only.has(m.id)) : mutants;
}

function apply(root, mutant) {
  const saved = [];
  for (const e of mutant.edits) {
    const file = path.join(root, e.file);
    const text = fs.readFileSync(file, "utf8");
    saved.push([file, text]);
    fs.writeFileSync(file, text.replace(e.find, e.replace));
  }
  // Restores in reverse: two edits of one file saved its text twice.
  return () => {
    for (const [file, text] of saved.reverse()) fs.writeFileSync(file, text);
  };
}

function build(root) {
  return run("cmake", ["--build", "--preset", "release", "-j", String(os.cpus().length), "--target", "peer-replay"], {cwd: root});
}

function checkCorpus(root) {
  return run(path.join(root, "build/release/bin/peer-replay"), ["check", "traces/", "--quiet", "--no-determinism"], {cwd: root});
}

// "killed", "survived" or "error" (the fuzzer failed without a finding).
function fuzz(root, opts) {
  const cmd = opts.fuzzCmd.replaceAll("{seconds}", String(opts.fuzzSeconds));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "mutation-fuzz-"));
  const r = run("bash", ["-c", cmd], {
    cwd: root,
    env: {...process.env, PEER_REPLAY_BIN: path.join(root, "build/release/bin/peer-replay"), FUZZ_OUT: out},
  });
  const found = fs.readdirSync(out).some((f) => /^finding-.*\.txt$/.test(f));
  fs.rmSync(out, {recursive: true, force: true});
  if (r.status === 1 && found) return "killed";
  if (r.status === 0) return "survived";
  console.error(`mutation: the fuzzer exited ${r.status} with no finding:\n${(r.stdout + r.stderr).slice(-2000)}`);
  return "error";
}

function report(results, opts) {
  const n = results.length;
  const killed = (r) => r.corpus.startsWith("killed");
  const byCorpus = results.filter(killed).length;
  const byAll = results.filter((r) => killed(r) || r.fuzz === "killed").length;
  const lines = [
    "# Mutation score",
    "",
    `Command: \`node tools/mutation/run.mjs${opts.fuzzSeconds ? ` --fuzz-seconds ${opts.fuzzSeconds}` : ""}\` at ${results.head}.`,
    "Each mutant of `tools/mutation/mutants.json` is applied alone; killed means `peer-replay check traces/` failed on it" +
      (opts.fuzzSeconds ? `, or the differential fuzzer found a divergence within ${opts.fuzzSeconds} s.` : "."),
    "",
    `- corpus: **${byCorpus} of ${n} killed (${((100 * byCorpus) / n).toFixed(1)}%)**`,
  ];
  if (opts.fuzzSeconds) lines.push(`- corpus + fuzzing: **${byAll} of ${n} killed (${((100 * byAll) / n).toFixed(1)}%)**`);
  lines.push("", "| mutant | what | corpus | fuzz | why it survives |", "|---|---|---|---|---|");
  for (const r of results) {
    const survived = !killed(r) && r.fuzz !== "killed";
    const why = survived ? (r.equivalent ?? "**unexplained**") : "";
    lines.push(`| \`${r.id}\` | ${r.what} | ${r.corpus} | ${r.fuzz ?? "-"} | ${why} |`);
  }
  return lines.join("\n") + "\n";
}

function writeAtomic(file, text) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const head = run("git", ["rev-parse", "--short=12", "HEAD"], {cwd: repo}).stdout.trim();
  if (run("git", ["status", "--porcelain", "--", "engine"], {cwd: repo}).stdout.trim()) {
    console.error("mutation: note: engine/ has uncommitted changes; the mutants apply to HEAD without them");
  }
  const scratch = opts.root === null;
  const root = scratch ? fs.mkdtempSync(path.join(os.tmpdir(), "peer-replay-mutation-")) : opts.root;
  if (!scratch) {
    const rootHead = run("git", ["rev-parse", "--short=12", "HEAD"], {cwd: root}).stdout.trim();
    if (rootHead !== head) fail(`--root ${root} is at ${rootHead || "no commit"}, not HEAD ${head}`);
    if (run("git", ["status", "--porcelain", "--", "engine"], {cwd: root}).stdout.trim()) fail(`--root ${root}: engine/ has uncommitted changes`);
  } else {
    fs.rmdirSync(root);
    if (run("git", ["worktree", "add", "--detach", root, "HEAD"], {cwd: repo}).status !== 0) fail("git worktree add failed");
  }
  // A checkout has no npm packages: the configure step needs tools/report's (uPlot) and the fuzz
  // stage tools/recorder's (the real Lodestar). The caller's installed ones, linked, not copied.
  for (const dir of scratch ? ["tools/report/node_modules", "tools/recorder/node_modules"] : []) {
    if (!fs.existsSync(path.join(repo, dir))) fail(`${dir} is not installed: run scripts/build.sh (or that tool's setup.sh) first`);
    fs.symlinkSync(path.join(repo, dir), path.join(root, dir), "dir");
  }
  let restore = null;
  let cleaned = false;
  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    if (restore) restore();
    if (scratch && !opts.keep) spawnSync("git", ["worktree", "remove", "--force", root], {cwd: repo});
  };
  // On every way out (fail() exits the process too): the mutant undone, the scratch tree removed.
  process.on("exit", cleanup);
  process.on("SIGINT", () => process.exit(130));
  process.on("SIGTERM", () => process.exit(143));
  try {
    const mutants = loadCatalog(root, opts.only);
    console.error(`mutation: ${mutants.length} mutants at ${head} in ${root}`);
    // Without -Werror: a mutant may leave a variable unused, which is not what it tests.
    if (run("cmake", ["--preset", "release", "-DPEER_REPLAY_WERROR=OFF"], {cwd: root}).status !== 0) {
      fail("cmake --preset release failed");
    }
    if (build(root).status !== 0) fail("the unmutated engine does not build");
    if (checkCorpus(root).status !== 0) fail("the unmutated engine does not conform: fix that first");
    const results = [];
    results.head = head;
    for (const m of mutants) {
      const t0 = Date.now();
      restore = apply(root, m);
      const b = build(root);
      const r = {id: m.id, what: m.what, equivalent: m.equivalent};
      if (b.status !== 0) {
        // A static_assert of the engine refusing the mutant kills it; any other build error is the catalog's.
        if (!/static assertion failed/.test(b.stdout + b.stderr)) {
          fail(`mutant ${m.id} does not build:\n${b.stdout.slice(-2000)}${b.stderr.slice(-2000)}`);
        }
        r.corpus = "killed (static_assert)";
      } else {
        const c = checkCorpus(root);
        r.corpus = c.status === 0 ? "survived" : "killed";
      }
      if (r.corpus === "survived" && opts.fuzzSeconds > 0) r.fuzz = fuzz(root, opts);
      restore();
      restore = null;
      results.push(r);
      console.error(`mutation: ${m.id}: corpus ${r.corpus}${r.fuzz ? `, fuzz ${r.fuzz}` : ""} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    }
    build(root);
    const text = report(results, opts);
    if (opts.out) writeAtomic(opts.out, text);
    else process.stdout.write(text);
  } finally {
    if (restore) restore();
    restore = null;
  }
}

main();
