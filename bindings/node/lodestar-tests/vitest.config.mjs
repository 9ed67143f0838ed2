// Lodestar's own network/peers unit tests (from the checkout run.sh copied
// into a temporary root) with their imports of the code under test aliased.
// LODESTAR_TESTS_MODE picks what they run against:
//   addon                   the addon's Lodestar-shaped API
//   lodestar-1.44           the real Lodestar 1.44.0 (the recorder's), for comparison
//   addon+1.22-api          as `addon`, prioritizePeers and assertPeerRelevance called with 1.22's
//                           signatures (shims/adapt-1.22)
//   lodestar-1.44+1.22-api  as `lodestar-1.44`, the same adapter
import path from "node:path";
import {fileURLToPath} from "node:url";
import {defineConfig} from "vitest/config";

const here = path.dirname(fileURLToPath(import.meta.url));
const mode = process.env.LODESTAR_TESTS_MODE ?? "addon";
const impl = mode.startsWith("addon") ? "addon" : "lodestar-1.44";
const shim = (file) => path.join(here, "shims", file);
const adapted = mode.endsWith("+1.22-api");
const prioritize = adapted ? shim(`adapt-1.22/${impl}.mjs`) : shim(`${impl}/prioritizePeers.mjs`);
const relevance = adapted ? shim(`adapt-1.22/${impl}-relevance.mjs`) : shim(`${impl}/assertPeerRelevance.mjs`);

export default defineConfig({
  resolve: {
    alias: [
      {find: /^vitest$/, replacement: path.join(here, "node_modules/vitest/dist/index.js")},
      {find: /^.*\/src\/network\/peers\/score\/index\.js$/, replacement: shim(`${impl}/score.mjs`)},
      {find: /^.*\/src\/network\/peers\/utils\/prioritizePeers\.js$/, replacement: prioritize},
      {find: /^.*\/src\/network\/peers\/utils\/assertPeerRelevance\.js$/, replacement: relevance},
      {find: /^.*\/src\/network\/peers\/utils\/index\.js$/, replacement: shim("common/empty.mjs")},
      {find: /^.*\/src\/util\/peerId\.js$/, replacement: shim("common/peerId.mjs")},
      {find: /^(\.\.\/)+utils\/network\.js$/, replacement: shim("common/network.mjs")},
    ],
  },
  test: {
    include: ["test/unit/network/peers/**/*.test.ts"],
    exclude: ["**/client.test.ts", "**/datastore.test.ts", "**/discover.test.ts", "**/enrSubnets.test.ts"],
  },
});
