// Node module-loader hook (module.register, loader thread): instruments the shipped JavaScript of
// Lodestar's network/peers (beacon-node lib/network/peers/**/*.js) with istanbul as it is loaded.
// Counters land in the main thread's globalThis.__coverage__; lib/arms.mjs turns them into decision
// arms on the TypeScript. Every other module loads untouched.
import {fileURLToPath} from "node:url";
import {PEERS_URL_RE, instrumentedCode} from "./arms-instrument.mjs";

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (!PEERS_URL_RE.test(url) || result.format !== "module") return result;
  const source = typeof result.source === "string" ? result.source : Buffer.from(result.source).toString("utf8");
  return {...result, source: instrumentedCode(source, fileURLToPath(url)), shortCircuit: true};
}
