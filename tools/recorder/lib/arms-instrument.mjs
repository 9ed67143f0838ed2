// One istanbul instrumenter configuration, shared by the load-time hook (arms-hooks.mjs) and the
// report (arms.mjs, which instruments the never-loaded files statically so that every file of
// network/peers counts): the same options give the same branch map for the same file.
import crypto from "node:crypto";
import fs from "node:fs";
import {createRequire} from "node:module";
import os from "node:os";
import path from "node:path";
import {createInstrumenter} from "istanbul-lib-instrument";

// Matches the shipped JS of network/peers, both as a file: URL and as a path.
export const PEERS_URL_RE = /@lodestar\/beacon-node\/lib\/network\/peers\/.*\.js$/;

const OPTIONS = {esModules: true, compact: false, produceSourceMap: false, coverageVariable: "__coverage__"};
const VERSION = createRequire(import.meta.url)("istanbul-lib-instrument/package.json").version;

let instrumenter;
export function instrumentSource(code, filename) {
  instrumenter ??= createInstrumenter(OPTIONS);
  const out = instrumenter.instrumentSync(code, filename);
  return {code: out, fileCoverage: instrumenter.lastFileCoverage()};
}

// instrumentSource(code, filename).code, cached on disk by content: record.mjs --all starts a
// process per scenario, and instrumenting the 19 files costs each of them seconds of CPU.
const CACHE_DIR = path.join(os.tmpdir(), "peer-replay-arms-cache");
export function instrumentedCode(code, filename) {
  const key = crypto.createHash("sha256").update(`${VERSION}\0${JSON.stringify(OPTIONS)}\0${filename}\0${code}`).digest("hex");
  const file = path.join(CACHE_DIR, `${key}.js`);
  try {
    return fs.readFileSync(file, "utf8");
  } catch {}
  const out = instrumentSource(code, filename).code;
  fs.mkdirSync(CACHE_DIR, {recursive: true});
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, out);
  fs.renameSync(tmp, file);
  return out;
}
