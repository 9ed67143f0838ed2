// Helpers shared by scenarios.
import {AGENTS} from "../lib/constants.mjs";

const AGENT_LIST = [AGENTS.lighthouse, AGENTS.teku, AGENTS.prysm, AGENTS.nimbus, AGENTS.lodestar, AGENTS.grandine];

/**
 * Connects `n` peers named `${prefix}${i}`; spec(i) -> {dir, attnets, syncnets, cgc, status} (all optional).
 * Handshakes are answered with `latency`.
 */
export async function fill(s, n, spec = () => ({}), {prefix = "p", latency = 10, gap = 37} = {}) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const o = spec(i) ?? {};
    const h = s.peer(`${prefix}${i}`);
    h.profile.agent = AGENT_LIST[i % AGENT_LIST.length];
    s.setMetadata(h, {seq: 1 + (i % 3), attnets: o.attnets ?? [], syncnets: o.syncnets ?? [], cgc: o.cgc});
    if (o.status) h.profile.status = {...h.profile.status, ...o.status};
    if ((o.dir ?? "outbound") === "outbound") await s.dialed(h, {latency});
    else await s.accepted(h, {latency});
    if (gap) await s.wait(gap);
    out.push(h);
  }
  return out;
}
