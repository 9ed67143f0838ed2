#!/usr/bin/env node
// node tools/recorder/manifest.mjs --write [DIR]   rewrite DIR/MANIFEST (default traces/)
// node tools/recorder/manifest.mjs --check [DIR]   exit 1 and list the problems if DIR and its MANIFEST disagree
import path from "node:path";
import {fileURLToPath} from "node:url";
import {checkManifest, writeManifest} from "./lib/manifest.mjs";

const [mode, dirArg] = process.argv.slice(2);
const dir = path.resolve(dirArg ?? path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "traces"));
if (mode === "--write") {
  console.log(`${writeManifest(dir).length} traces in ${path.join(dir, "MANIFEST")}`);
} else if (mode === "--check") {
  const p = checkManifest(dir);
  for (const m of p) console.error(m);
  process.exit(p.length ? 1 : 0);
} else {
  console.error("usage: manifest.mjs --write|--check [DIR]");
  process.exit(2);
}
