// Module resolution hook (registered by lib/resolve.mjs): a bare specifier that tools/livenet cannot
// resolve (Lodestar, libp2p and their dependencies) is resolved from tools/recorder instead, so both
// tools load the same installed files and the same module instances (one @chainsafe/ssz, one
// @lodestar/types) as the recorder and the live hook.
const RECORDER = new URL("../../recorder/package.json", import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (e) {
    const bare = !specifier.startsWith(".") && !specifier.startsWith("/") && !specifier.includes(":");
    if (!bare || e?.code !== "ERR_MODULE_NOT_FOUND") throw e;
    return nextResolve(specifier, {...context, parentURL: RECORDER});
  }
}
