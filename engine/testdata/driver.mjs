// Shared helpers for the fixture generators in engine/testdata (gen_*.mjs).
//
// The generators run the REAL Lodestar code (npm @lodestar/beacon-node at the
// version tools/recorder/package.json pins, with the overrides of
// lodestar-peers-1.44.md section 1.2). By default
// they use the recorder's pinned install (package-lock.json):
//   tools/recorder/setup.sh
//   node engine/testdata/gen_<name>.mjs
// or any other install of that recipe: LODESTAR_DRIVER=/some/dir node ...
// Each generator rewrites its JSON fixture next to itself; a re-run gives the
// same bytes. The C++ tests only read the committed JSON; they never need Node
// or the driver.
import {existsSync, readFileSync, writeFileSync} from "node:fs";
import {dirname, join} from "node:path";
import {fileURLToPath, pathToFileURL} from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
export const DRIVER = process.env.LODESTAR_DRIVER ?? join(HERE, "../../tools/recorder");
const NM = join(DRIVER, "node_modules");
if (!existsSync(join(NM, "@lodestar/beacon-node/package.json"))) {
  console.error(`${DRIVER} has no node_modules/@lodestar/beacon-node: install it first (see the header of ${HERE}/driver.mjs)`);
  process.exit(2);
}
{
  const {version} = JSON.parse(readFileSync(join(NM, "@lodestar/beacon-node/package.json"), "utf8"));
  const {LODESTAR_VERSION} = await import(pathToFileURL(join(HERE, "../../tools/recorder/lib/constants.mjs")).href);
  if (version !== LODESTAR_VERSION) {
    console.error(`${DRIVER}: @lodestar/beacon-node is ${version}, the port targets ${LODESTAR_VERSION}`);
    process.exit(2);
  }
}

/** import a file of the driver's node_modules by path (deep paths are not in package "exports") */
export async function fromModules(relPath) {
  return import(pathToFileURL(join(NM, relPath)).href);
}

/** import a module of @lodestar/beacon-node lib/ */
export async function lodestar(relPath) {
  return fromModules(join("@lodestar/beacon-node/lib", relPath));
}

/** versions of what produced a fixture, recorded in its header */
export function versions() {
  const v = (p) => JSON.parse(readFileSync(join(NM, p, "package.json"), "utf8")).version;
  return {"@lodestar/beacon-node": v("@lodestar/beacon-node"), "@lodestar/utils": v("@lodestar/utils"), node: process.version};
}

/** mulberry32: a small seeded PRNG, used for scenario generation and as Math.random */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** write <name> beside this file, one case per line so diffs stay readable */
export function writeFixture(name, header, cases) {
  const path = join(HERE, name);
  const lines = cases.map((c) => "  " + JSON.stringify(c));
  const text = `{"generator":${JSON.stringify(header)},\n "cases":[\n${lines.join(",\n")}\n]}\n`;
  writeFileSync(path, text);
  console.log(`wrote ${path}: ${cases.length} cases, ${text.length} bytes`);
}
