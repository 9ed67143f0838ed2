// One livenet node: the real Lodestar 1.44.0 PeerManager on a real js-libp2p node made by Lodestar's
// own createNodeJsLibp2p (TCP on 127.0.0.1, noise, mplex, identify: the stack beacon-node 1.44.0
// builds), answering status/ping/metadata/goodbye over ssz_snappy streams (lib/reqresp.mjs).
// Started by run.mjs as
//   node --import tools/recorder/live.mjs --import tools/livenet/lib/preload.mjs tools/livenet/node.mjs \
//     --dir RUN --name n3 --key 3 --behaviour flaky --seed 1 --genesis <unix s>
// It writes RUN/peers/<name>.json (its peer id and address) for the others' discovery, and stops
// cleanly on SIGTERM (goodbye to every peer, PeerManager.close, libp2p.stop: the hook writes `end`).
import path from "node:path";
import fs from "node:fs";
import crypto from "node:crypto";
import {fileURLToPath} from "node:url";
import {parseArgs} from "node:util";
import {Behaviour, mulberry32} from "./lib/behaviour.mjs";
import {LiveReqResp} from "./lib/reqresp.mjs";

const {values: a} = parseArgs({
  options: {
    dir: {type: "string"},
    name: {type: "string"},
    key: {type: "string"},
    behaviour: {type: "string", default: "good"},
    seed: {type: "string", default: "1"},
    genesis: {type: "string"},
    "target-peers": {type: "string", default: "3"},
    "max-peers": {type: "string", default: "5"},
  },
});
for (const k of ["dir", "name", "key", "genesis"]) if (a[k] === undefined) throw new Error(`node.mjs: --${k} is required`);

const HERE = path.dirname(fileURLToPath(import.meta.url));
const LIB = path.join(HERE, "..", "recorder", "node_modules", "@lodestar", "beacon-node", "lib");
const imp = (p) => import(path.join(LIB, p));
const {PeerManager} = await imp("network/peers/peerManager.js");
const {PeersData} = await imp("network/peers/peersData.js");
const {PeerRpcScoreStore, PeerAction} = await imp("network/peers/score/index.js");
const {NetworkEventBus, NetworkEvent} = await imp("network/events.js");
const {LocalStatusCache} = await imp("network/statusCache.js");
const {Clock, ClockEvent} = await imp("util/clock.js");
const {CustodyConfig} = await imp("util/dataColumns.js");
const {computeNodeId} = await imp("network/subnets/interface.js");
const {onOutgoingReqRespError} = await imp("network/reqresp/score.js");
const {rateLimitQuotas} = await imp("network/reqresp/rateLimit.js");
const {createNodeJsLibp2p} = await imp("network/libp2p/index.js");
const {createBeaconConfig, createChainForkConfig, defaultChainConfig} = await import("@lodestar/config");
const {privateKeyFromRaw} = await import("@libp2p/crypto/keys");
const {peerIdFromPrivateKey, peerIdFromString} = await import("@libp2p/peer-id");
const {multiaddr} = await import("@multiformats/multiaddr");
const {BitArray} = await import("@chainsafe/ssz");

if (!PeerManager.__peerReplayPatched) console.error(`${a.name}: warning: the live hook is not loaded, no trace is written`);

const log = (msg) => process.stderr.write(`${new Date().toISOString()} ${a.name}: ${msg}\n`);
const seed = Number(a.seed);
const rand = mulberry32(seed * 1000 + Number(a.key) * 7 + 1);
const behaviour = new Behaviour(a.behaviour, mulberry32(seed * 1000 + Number(a.key) * 7 + 2));
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

const config = createBeaconConfig(
  createChainForkConfig({...defaultChainConfig, ALTAIR_FORK_EPOCH: 0, BELLATRIX_FORK_EPOCH: 0, CAPELLA_FORK_EPOCH: 0, DENEB_FORK_EPOCH: 0, ELECTRA_FORK_EPOCH: 0, FULU_FORK_EPOCH: 0}),
  new Uint8Array(32)
);
const genesisTime = Number(a.genesis);
// same key index, same identity: a node that rejoins meets its old score and cool-down at its peers
const privateKey = privateKeyFromRaw(crypto.createHash("sha256").update(`peer-replay livenet ${seed} ${a.key}`).digest());
const peerId = peerIdFromPrivateKey(privateKey);
const nodeId = computeNodeId(peerId);
const forkDigest = a.behaviour === "wrongfork" ? Uint8Array.of(9, 9, 9, 9) : Uint8Array.of(1, 2, 3, 4);
const ac = new AbortController();
const clock = new Clock({config, genesisTime, signal: ac.signal});
const statusAt = (slot) => ({
  forkDigest,
  finalizedRoot: new Uint8Array(32),
  finalizedEpoch: 0,
  headRoot: crypto.createHash("sha256").update(`head ${slot}`).digest(),
  headSlot: slot,
  earliestAvailableSlot: 0,
});
const statusCache = new LocalStatusCache(statusAt(clock.currentSlot));
const attnetsOf = () => BitArray.fromBoolArray(Array.from({length: 64}, () => rand() < 0.1));
const metadata = {seqNumber: 1n, attnets: attnetsOf(), syncnets: BitArray.fromBitLen(4), custodyGroupCount: config.CUSTODY_REQUIREMENT};

const targetPeers = Number(a["target-peers"]);
const maxPeers = Number(a["max-peers"]);
const libp2p = await createNodeJsLibp2p(
  privateKey,
  {localMultiaddrs: ["/ip4/127.0.0.1/tcp/0"], tcp: true, quic: false, maxPeers, bootMultiaddrs: [], mdns: false, version: `livenet-${a.behaviour}`},
  {disablePeerDiscovery: true}
);
const noop = () => {};
const logger = {error: noop, warn: noop, info: noop, verbose: noop, debug: noop, trace: noop};
const events = new NetworkEventBus();
const peersData = new PeersData();
const peerRpcScores = new PeerRpcScoreStore({}, null, logger);
const reqResp = new LiveReqResp({
  libp2p, peerRpcScores, events, peersData, statusCache, metadata, behaviour, onOutgoingReqRespError, PeerAction, NetworkEvent,
  rateLimitQuotas: rateLimitQuotas("fulu", config), log,
});
await reqResp.start();
if (libp2p.status !== "started") await libp2p.start();

// Discovery: the PeerManager's heartbeat asks for peers; dial that many from the run's peer files, in a
// later macrotask (the heartbeat's own code must not run libp2p).
const peersDir = path.join(a.dir, "peers");
const discovery = {
  discoverPeers(n) {
    setImmediate(() => {
      let known = [];
      try {
        known = fs.readdirSync(peersDir).filter((f) => f.endsWith(".json")).sort().map((f) => JSON.parse(fs.readFileSync(path.join(peersDir, f), "utf8")));
      } catch {}
      const connected = new Set(libp2p.getPeers().map(String));
      const cands = known.filter((k) => k.peerId !== peerId.toString() && !connected.has(k.peerId));
      for (let i = cands.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [cands[i], cands[j]] = [cands[j], cands[i]];
      }
      for (const c of cands.slice(0, n)) {
        libp2p.dial(multiaddr(c.addr), {signal: AbortSignal.timeout(5_000)}).catch((e) => log(`dial ${c.name}: ${e.message}`));
      }
    });
  },
  async stop() {},
};

let attnetDuties = [];
const pm = new PeerManager(
  {
    privateKey, libp2p, logger, metrics: null, reqResp,
    gossip: {getScore: () => 0, scoreParams: {decayInterval: 12_000}},
    attnetsService: {getActiveSubnets: () => attnetDuties},
    syncnetsService: {getActiveSubnets: () => []},
    clock, peerRpcScores, events,
    networkConfig: {nodeId, config, custodyConfig: new CustodyConfig({config, nodeId})},
    peersData, statusCache,
  },
  {targetPeers, maxPeers, targetGroupPeers: 6, discv5: null},
  discovery
);

fs.mkdirSync(peersDir, {recursive: true});
const addr = libp2p.getMultiaddrs().map(String).find((m) => m.includes("/tcp/"));
fs.writeFileSync(path.join(peersDir, `${a.name}.json.tmp`), JSON.stringify({name: a.name, peerId: peerId.toString(), addr, behaviour: a.behaviour, pid: process.pid}));
fs.renameSync(path.join(peersDir, `${a.name}.json.tmp`), path.join(peersDir, `${a.name}.json`));
log(`up ${addr} behaviour ${a.behaviour}`);

// ---- what a beacon node does around its peer manager
const loops = [];
const every = (ms, fn) => loops.push(setInterval(fn, ms));
// A beacon node's head moves when a block is imported, a task of its own, never inside the clock's
// currentSlot getter (which emits the slot synchronously, even from the PeerManager's heartbeat).
clock.on(ClockEvent.slot, (slot) => setImmediate(() => statusCache.update(statusAt(slot))));
every(30_000 + Math.floor(rand() * 5_000), () => {
  // new subnet duties, as the attnets service would get from validators
  attnetDuties = Array.from({length: Math.floor(rand() * 3)}, () => ({subnet: Math.floor(rand() * 64), toSlot: clock.currentSlot + 32}));
  pm.onCommitteeSubscriptions();
});
every(45_000 + Math.floor(rand() * 10_000), () => {
  metadata.seqNumber++;
  metadata.attnets = attnetsOf();
});
every(15_000 + Math.floor(rand() * 10_000), () => {
  // gossip validation and sync would report misbehaving peers
  const peers = pm.getConnectedPeerIds();
  if (peers.length === 0) return;
  const r = rand();
  const action = r < 0.6 ? PeerAction.HighToleranceError : r < 0.9 ? PeerAction.MidToleranceError : PeerAction.LowToleranceError;
  pm.reportPeer(pick(peers), action, "livenet_report");
});
every(60_000, () => {
  const peers = pm.getConnectedPeerIds();
  if (peers.length) pm.reStatusPeers([pick(peers).toString()]);
});
if (a.behaviour === "spam") {
  every(20_000, () => {
    // requests beyond the ping quota: the receivers' rate limiter reports this node (Fatal)
    for (const p of pm.getConnectedPeerIds()) for (let i = 0; i < 4; i++) reqResp.request(p, "ping", metadata.seqNumber).catch(noop);
  });
}

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping (${JSON.stringify(reqResp.stats)})`);
  setTimeout(() => {
    log("stop took over 15 s, exiting");
    process.exit(1);
  }, 15_000).unref();
  for (const l of loops) clearInterval(l);
  try {
    fs.unlinkSync(path.join(peersDir, `${a.name}.json`));
  } catch {}
  await pm.goodbyeAndDisconnectAllPeers();
  await pm.close();
  ac.abort();
  await libp2p.stop();
  log("stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
