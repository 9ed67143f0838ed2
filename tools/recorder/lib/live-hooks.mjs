// Module customization hook (registered by live.mjs): when Lodestar's peerManager.js loads, append a
// call that hands the PeerManager class (and two values the header needs) to the live recorder.
// Nothing else is changed; the source is otherwise byte-for-byte Lodestar's.
const TARGET = /\/beacon-node\/lib\/network\/peers\/peerManager\.js$/;

export async function load(url, context, nextLoad) {
  const r = await nextLoad(url, context);
  if (!TARGET.test(url)) return r;
  const src = typeof r.source === "string" ? r.source : Buffer.from(r.source).toString("utf8");
  if (!/^export class PeerManager\b/m.test(src)) return r; // not the file we know: leave it alone
  return {
    ...r,
    source:
      src +
      "\nimport * as __peerReplayParams from \"@lodestar/params\";\n" +
      "globalThis.__peerReplayLivePatch?.(PeerManager, {params: __peerReplayParams, computeNodeId, url: import.meta.url});\n",
  };
}
