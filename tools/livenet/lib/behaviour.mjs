// How a livenet node answers the req/resp requests it receives. Each node has one behaviour, drawn by
// the network script; answers come from the node's own PRNG (never Math.random, whose draws inside the
// PeerManager's code the live hook records as the prune shuffle's).
export {mulberry32} from "../../recorder/lib/codec.mjs"; // the project's one seeded PRNG

export const BEHAVIOURS = ["good", "slow", "flaky", "nometa", "wrongfork", "spam"];

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
