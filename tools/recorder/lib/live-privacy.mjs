// Pseudonyms for a live capture that is to be shared (PEER_REPLAY_LIVE_PSEUDONYMIZE): every peer id
// becomes "peer-" + 26 base32 characters of HMAC-SHA256(key, peer id), and every network address
// in free text (multiaddrs, IPv4 and IPv6 literals, ports with them) becomes "addr-" + the same kind
// of digest. Keyed and deterministic: within a capture (one key) a peer always gets the same
// pseudonym, so the trace replays exactly as the original would (the engine treats peer ids as
// opaque strings); without the key nobody can test a guess.
//
// What stays: node ids (the engine computes custody columns from them, so they are inputs the
// replay needs; they are hashes of the peers' public keys, so whoever can look a node id up in
// discv5 can still link it to its peer), connection ids (libp2p's random per-process counters),
// chain data (statuses, metadata), agent versions, scores and times.
import crypto from "node:crypto";

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

function base32(buf, chars) {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const b of buf) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

// A multiaddr's address part (/ip4/1.2.3.4/tcp/9000, /dns4/host/udp/9000/quic-v1, /p2p/<id>
// is handled as a peer id), then bare IPv4 (with an optional :port) and bracketed or bare IPv6.
const ADDRESS = new RegExp(
  [
    String.raw`/(?:ip4|ip6|dns|dns4|dns6|dnsaddr)/[^/\s"']+(?:/(?:tcp|udp)/\d+)?(?:/(?:quic-v1|quic|ws|wss|tls|noise))*`,
    String.raw`\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b`,
    String.raw`\[?\b(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{0,4}\]?(?::\d{1,5})?`,
  ].join("|"),
  "g"
);
// libp2p peer ids as text: base58btc multihashes (secp256k1 "16Uiu2...", Ed25519 "12D3Koo...", RSA "Qm...").
const PEER_ID = /\b(?:16Uiu2[1-9A-HJ-NP-Za-km-z]{47}|12D3Koo[1-9A-HJ-NP-Za-km-z]{45}|Qm[1-9A-HJ-NP-Za-km-z]{44})\b/g;

export class Pseudonymizer {
  /** @param {Buffer} key the capture's secret (never written to the trace) */
  constructor(key) {
    this.key = key;
    this.cache = new Map();
  }

  /** From PEER_REPLAY_LIVE_PSEUDONYMIZE: "1" = a random key for this capture, else a hex key (stable across captures). */
  static fromEnv(value) {
    if (value === undefined || value === "" || value === "0") return null;
    if (value === "1") return new Pseudonymizer(crypto.randomBytes(32));
    if (!/^(?:[0-9a-fA-F]{2}){16,}$/.test(value)) {
      throw new Error("PEER_REPLAY_LIVE_PSEUDONYMIZE: expected 1 (a random key per capture) or a key of at least 32 hex digits");
    }
    return new Pseudonymizer(Buffer.from(value, "hex"));
  }

  name(prefix, text) {
    const k = `${prefix}\0${text}`;
    let v = this.cache.get(k);
    if (v === undefined) {
      v = `${prefix}-${base32(crypto.createHmac("sha256", this.key).update(k).digest(), 26)}`;
      if (this.cache.size < 1_000_000) this.cache.set(k, v);
    }
    return v;
  }

  peer(id) {
    return this.name("peer", id);
  }

  /** Free text (error messages): peer ids and addresses inside it. */
  text(s) {
    return s.replace(PEER_ID, (m) => this.peer(m)).replace(ADDRESS, (m) => this.name("addr", m));
  }

  /** Rewrites one record (event or expect) in place: every member FORMAT.md gives a peer id, and error text. */
  record(rec) {
    const p = (x) => this.peer(x);
    if (typeof rec.peer === "string") rec.peer = p(rec.peer);
    if (Array.isArray(rec.peers)) rec.peers = rec.peers.map(p);
    if (Array.isArray(rec.connections)) for (const c of rec.connections) c.peer = p(c.peer);
    if (Array.isArray(rec.gossip_scores)) rec.gossip_scores = rec.gossip_scores.map(([id, v]) => [p(id), v]);
    if (typeof rec.error === "string") rec.error = this.text(rec.error);
    if (typeof rec.action_name === "string") rec.action_name = this.text(rec.action_name);
    if (Array.isArray(rec.actions)) for (const a of rec.actions) if (typeof a.peer === "string") a.peer = p(a.peer);
    if (Array.isArray(rec.scores)) rec.scores = rec.scores.map((e) => ({...e, peer: p(e.peer)})); // entries are shared with the delta's memory
    if (Array.isArray(rec.scores_removed)) rec.scores_removed = rec.scores_removed.map(p);
    return rec;
  }
}
