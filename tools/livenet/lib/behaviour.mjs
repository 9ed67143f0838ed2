// How a livenet node answers the req/resp requests it receives. Each node has one behaviour, drawn by
// the network script; answers come from the node's own PRNG (never Math.random, whose draws inside the
// PeerManager's code the live hook records as the prune shuffle's).
export const BEHAVIOURS = ["good", "slow", "flaky", "nometa", "wrongfork", "spam"];

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

export class Behaviour {
  constructor(name, rand) {
    if (!BEHAVIOURS.includes(name)) throw new Error(`unknown behaviour ${name} (one of ${BEHAVIOURS.join(", ")})`);
    this.name = name;
    this.rand = rand;
  }

  /** a method this node does not serve at all (the requester's protocol negotiation fails) */
  unsupported(method) {
    return this.name === "nometa" && method === "metadata";
  }

  /** {kind: "answer"|"mute"|"stall"|"error", delayMs} for one request received */
  answer(method) {
    const r = this.rand();
    const jitter = Math.floor(this.rand() * 50);
    switch (this.name) {
      case "slow":
        // a third of the answers come after the requester's 5 s TTFB timeout
        return {kind: "answer", delayMs: 200 + Math.floor(r * 7_500)};
      case "flaky":
        if (r < 0.6) return {kind: "answer", delayMs: jitter};
        if (r < 0.75) return {kind: "answer", delayMs: 5_000 + Math.floor(this.rand() * 3_000)};
        if (r < 0.85) return {kind: "mute", delayMs: 0};
        if (r < 0.95) return {kind: "stall", delayMs: jitter};
        return {kind: "error", delayMs: jitter};
      default:
        return {kind: "answer", delayMs: jitter};
    }
  }
}
