// Types of the peer-replay Node addon (bindings/node/index.js). Records are the
// trace format's (traces/FORMAT.md); numbers that can exceed 2^53 are strings.

export type PeerId = string;

export interface Status {
  forkDigest: string;
  finalizedRoot: string;
  finalizedEpoch: number;
  headRoot: string;
  headSlot: number;
  earliestAvailableSlot?: number;
}

// The names below are the engine's tables (engine/enum_names.h, printed by peer-replay-vocabulary);
// tools/recorder/test/vocabulary.test.mjs fails when a union here lists a different set.
export type ProducerMode = "scripted" | "live" | "engine";

/** FORMAT.md §2.1: the first line of a trace. */
export interface HeaderRecord {
  type: "header";
  format: "peer-replay-trace";
  format_version: 1;
  producer: {name: string; version: string; mode: ProducerMode; [k: string]: unknown};
  scenario: string;
  seed: string;
  config: {
    targetPeers: number;
    maxPeers: number;
    targetGroupPeers: number;
    gossipDecayIntervalMs: number;
    disablePeerScoring: boolean;
    genesisTime: number;
    discovery: boolean;
    chain: Record<string, number | null>;
  };
  local: {nodeId: string; custodyGroupCount: number; sampleGroups: number[]; sampledSubnets: number[]; status: Status};
}

export type EventKind =
  | "init"
  | "connection_open"
  | "connection_close"
  | "request"
  | "response"
  | "timer"
  | "report_peer"
  | "committee_subscriptions"
  | "restatus_peers"
  | "local_status"
  | "goodbye_all"
  | "connection_status"
  | "local_custody";

export type TimerKind = "startup_ping_status" | "ping_status" | "heartbeat" | "gossip_scores" | "goodbye_timeout";

/** `report_peer` action: the PeerAction names. */
export type PeerAction = "Fatal" | "LowToleranceError" | "MidToleranceError" | "HighToleranceError";

/** `request` method: the ReqRespMethod values. */
export type ReqRespMethod =
  | "status"
  | "goodbye"
  | "ping"
  | "metadata"
  | "beacon_blocks_by_range"
  | "beacon_blocks_by_root"
  | "beacon_blocks_by_head"
  | "blob_sidecars_by_range"
  | "blob_sidecars_by_root"
  | "data_column_sidecars_by_range"
  | "data_column_sidecars_by_root"
  | "execution_payload_envelopes_by_root"
  | "execution_payload_envelopes_by_range"
  | "light_client_bootstrap"
  | "light_client_updates_by_range"
  | "light_client_finality_update"
  | "light_client_optimistic_update";

/** `connection_open` status and direction. */
export type ConnectionStatus = "open" | "closing" | "closed";
export type Direction = "inbound" | "outbound";

/** FORMAT.md §2.2 and §3.1: members beyond these depend on the kind. */
export interface EventRecord {
  type: "event";
  seq: number;
  t_ms: number;
  kind: EventKind;
  rand?: number[];
  [member: string]: unknown;
}

export type ActionKind =
  | "send_ping"
  | "send_status"
  | "send_metadata"
  | "send_goodbye"
  | "disconnect"
  | "identify"
  | "tag_relevant"
  | "untag_relevant"
  | "peer_connected"
  | "peer_disconnected"
  | "discover_peers";

export type SubnetType = "attnets" | "syncnets";

/** FORMAT.md §3.2. */
export interface Action {
  kind: ActionKind;
  peer?: PeerId;
  req?: number;
  status?: Status;
  reason?: string;
  client?: string;
  custody_columns?: number[];
  peers_to_connect?: number;
  custody_group_queries?: [number, number][];
  subnet_queries?: {subnet: number; type: SubnetType; max_peers_to_discover: number; to_unix_ms: number}[];
}

/** FORMAT.md §4: a double, or the spelling of one JSON cannot carry. */
export type SpelledNumber = number | "+Inf" | "-Inf" | "NaN";

/** FORMAT.md §3.4. */
export interface ScoreEntry {
  peer: PeerId;
  lodestar: SpelledNumber;
  gossip: SpelledNumber;
  ignore_negative: boolean;
  score: SpelledNumber;
  last_update_ms: number;
}

export class PeerManager {
  /** Throws an Error naming the member when the header is not a valid FORMAT.md header. */
  constructor(header: HeaderRecord | string);
  /** Runs one event; seq must count up and t_ms never go back. Throws on a bad event. */
  step(event: EventRecord | string): Action[];
  dumpPeerScoreStats(): ScoreEntry[];
  /** What the score store wrote since the last call (the first call starts the notes): all = update() ran, dump instead. */
  scoreChanges(): {all: true; entries: []} | {all: false; entries: ScoreEntry[]};
  stateDigest(): string;
  /**
   * A scrape of the peer-manager metrics (traces/FORMAT.md §8) in the Prometheus text exposition format 0.0.4.
   * Like a scrape of Lodestar's registry it runs runPeerCountMetrics, which observes
   * lodestar_peer_column_group_count again: each call counts.
   */
  metrics(): string;
  /** The armed timers in the order Lodestar fires them (by due time, then fake-timers' tie order). */
  timers(): TimerDue[];
  /** The timer that fires next, or null. step() refuses an event that comes after a timer due before it. */
  nextTimer(): TimerDue | null;
  /**
   * Fires every timer due at or before tMs in Lodestar's order as timer events (seq continuing the
   * last event's); `inputs(timer)` gives each event's further members (`rand`, active subnets,
   * `gossip_scores`: FORMAT.md §3.1). Returns the events and their actions in firing order.
   */
  advance(tMs: number, inputs?: (timer: TimerDue) => Record<string, unknown>): {event: EventRecord; actions: Action[]}[];
}

/** A divergence as shadow mode logs it: the first differing member, both sides as JSON text. */
export interface LineDivergence {
  seq: number;
  /** the event's kind, "timer <timer>" for a timer */
  event: string;
  /** "actions[0].reason", "scores[2].score", "metric <series>", "event" */
  member: string;
  expected: string;
  actual: string;
  /** what `peer-replay check` says of it */
  headline: string;
}

/**
 * Shadow mode's comparer (shadow.js): the replayer of `peer-replay check` fed a trace's lines one at a
 * time, in order, after the header.
 */
export class ShadowReplayer {
  /** perturbWhat: "" or, test only, "action" / "score" (PEER_REPLAY_SHADOW_PERTURB); eventsOnly: fed events alone */
  constructor(headerLine: string, perturbWhat: "" | "action" | "score", perturbN: number, eventsOnly: boolean);
  /** undefined, or the divergence of the event this record closes (its expect, or its metrics record) */
  feed(line: string): LineDivergence | undefined;
  /** the engine's expect record for the last event, JSON text, as `peer-replay serve` answers; null once taken */
  answer(): string | null;
  readonly compared: number;
  /** null, or why nothing after a refused event is compared */
  readonly stopped: string | null;
}

export interface TimerDue {
  timer: TimerKind;
  /** goodbye_timeout only: the goodbye's req. */
  req?: number;
  t_ms: number;
}

// ---------------------------------------------------------------------------
// The Lodestar-shaped API (lodestar.js): the names, argument types and return
// shapes of @lodestar/beacon-node 1.44.0 network/peers. Lodestar's own types
// (PeerId from @libp2p/interface, BitArray from @chainsafe/ssz, Status from
// @lodestar/types) are given structurally, so this package needs none of them.
// Differences: `opts.now` injects the clock; wrong types throw a TypeError
// naming the argument and change nothing.

/** A libp2p PeerId: only its toString() is read. */
export interface LodestarPeerId {
  toString(): string;
}
export type PeerIdStr = string;
/** @chainsafe/ssz BitArray: bit i is uint8Array[i >> 3] >> (i & 7) & 1. */
export interface BitArray {
  uint8Array: Uint8Array;
  bitLen: number;
}
/** @lodestar/types Status (phase0..fulu). */
export interface LodestarStatus {
  forkDigest: Uint8Array;
  finalizedRoot: Uint8Array;
  finalizedEpoch: number;
  headRoot: Uint8Array;
  headSlot: number;
  earliestAvailableSlot?: number;
}
export type ForkName = "phase0" | "altair" | "bellatrix" | "capella" | "deneb" | "electra" | "fulu" | "gloas";
export type CustodyIndex = number;
export type SubnetID = number;
export type MessageStreamDirection = "inbound" | "outbound";

export declare const PeerAction: {
  readonly Fatal: "Fatal";
  readonly LowToleranceError: "LowToleranceError";
  readonly MidToleranceError: "MidToleranceError";
  readonly HighToleranceError: "HighToleranceError";
};
export declare const ScoreState: {readonly Healthy: "Healthy"; readonly Disconnected: "Disconnected"; readonly Banned: "Banned"};
export type ScoreStateValue = (typeof ScoreState)[keyof typeof ScoreState];
/** A TS numeric enum: GoodByeReasonCode.BANNED === 251 and GoodByeReasonCode[251] === "BANNED". */
export declare const GoodByeReasonCode: {
  readonly INBOUND_DISCONNECT: -1;
  readonly CLIENT_SHUTDOWN: 1;
  readonly IRRELEVANT_NETWORK: 2;
  readonly ERROR: 3;
  readonly TOO_MANY_PEERS: 129;
  readonly SCORE_TOO_LOW: 250;
  readonly BANNED: 251;
  readonly [code: number]: string;
};
export declare const ExcessPeerDisconnectReason: {
  readonly LOW_SCORE: "low_score";
  readonly NO_LONG_LIVED_SUBNET: "no_long_lived_subnet";
  readonly TOO_GROUPED_SUBNET: "too_grouped_subnet";
  readonly FIND_BETTER_PEERS: "find_better_peers";
};
export type ExcessPeerDisconnectReasonValue = (typeof ExcessPeerDisconnectReason)[keyof typeof ExcessPeerDisconnectReason];
export declare const IrrelevantPeerCode: {
  readonly INCOMPATIBLE_FORKS: "IRRELEVANT_PEER_INCOMPATIBLE_FORKS";
  readonly DIFFERENT_CLOCKS: "IRRELEVANT_PEER_DIFFERENT_CLOCKS";
  readonly DIFFERENT_FINALIZED: "IRRELEVANT_PEER_DIFFERENT_FINALIZED";
  readonly NO_EARLIEST_AVAILABLE_SLOT: "NO_EARLIEST_AVAILABLE_SLOT";
};

/** The injected clock: ms since the epoch (default `() => Date.now()`, read at every call). */
export type Clock = () => number;

// score/interface.ts
export type PeerRpcScoreOpts = {disablePeerScoring?: boolean; now?: Clock};
export type PeerScoreStat = {
  lodestarScore: number;
  gossipScore: number;
  ignoreNegativeGossipScore: boolean;
  score: number;
  lastUpdate: number;
};
export type PeerScoreStats = ({peerId: PeerIdStr} & PeerScoreStat)[];

export declare class PeerRpcScoreStore {
  constructor(opts?: PeerRpcScoreOpts, metrics?: unknown, logger?: unknown);
  getScore(peer: LodestarPeerId | PeerIdStr): number;
  getGossipScore(peer: LodestarPeerId | PeerIdStr): number;
  getScoreState(peer: LodestarPeerId | PeerIdStr): ScoreStateValue;
  isCoolingDown(peerIdStr: PeerIdStr): boolean;
  dumpPeerScoreStats(): PeerScoreStats;
  applyAction(peer: LodestarPeerId | PeerIdStr, action: keyof typeof PeerAction, actionName: string): void;
  /** Returns the cool-down in minutes, or -1 (NO_COOL_DOWN_APPLIED). */
  applyReconnectionCoolDown(peer: PeerIdStr, reason: number): number;
  update(): void;
  updateGossipsubScore(peerId: PeerIdStr, newScore: number, ignore: boolean): void;
}

export declare class RealScore {
  constructor(opts?: {now?: Clock});
  isCoolingDown(): boolean;
  getScore(): number;
  getGossipScore(): number;
  add(scoreDelta: number): number;
  applyReconnectionCoolDown(reason: number): number;
  update(): number;
  updateGossipsubScore(newScore: number, ignore: boolean): void;
  getStat(): PeerScoreStat;
}

// score/utils.ts
export declare function scoreToState(score: number): ScoreStateValue;
export declare function updateGossipsubScores(
  peerRpcScores: PeerRpcScoreStore,
  gossipsubScores: Map<PeerIdStr, number>,
  toIgnoreNegativePeers: number
): void;

// utils/subnetMap.ts and utils/prioritizePeers.ts
export type RequestedSubnet = {subnet: SubnetID; toSlot: number};
export type SubnetDiscvQuery = {subnet: SubnetID; toSlot: number; maxPeersToDiscover: number};
export type CustodyGroupQueries = Map<CustodyIndex, number>;
export type PrioritizePeersOpts = {
  targetPeers: number;
  maxPeers: number;
  targetGroupPeers: number;
  status: LodestarStatus;
  starved: boolean;
  starvationPruneRatio: number;
  starvationThresholdSlots: number;
  outboundPeersRatio?: number;
  targetSubnetPeers?: number;
};
/**
 * Draws Math.random() exactly as Lodestar's shuffle does (n-1 times when there are more
 * peers than targetPeers). Of `config` only NUMBER_OF_CUSTODY_GROUPS is read; `metrics` is not used.
 */
export declare function prioritizePeers<Id extends LodestarPeerId>(
  connectedPeersInfo: {
    id: Id;
    direction: MessageStreamDirection | null;
    status: LodestarStatus | null;
    attnets: BitArray | null;
    syncnets: BitArray | null;
    samplingGroups: CustodyIndex[] | null;
    score: number;
  }[],
  activeAttnets: RequestedSubnet[],
  activeSyncnets: RequestedSubnet[],
  samplingGroups: CustodyIndex[] | undefined,
  opts: PrioritizePeersOpts,
  config: {NUMBER_OF_CUSTODY_GROUPS: number},
  metrics?: unknown
): {
  peersToConnect: number;
  peersToDisconnect: Map<ExcessPeerDisconnectReasonValue, Id[]>;
  attnetQueries: SubnetDiscvQuery[];
  syncnetQueries: SubnetDiscvQuery[];
  custodyGroupQueries: CustodyGroupQueries;
};

// utils/assertPeerRelevance.ts
export type IrrelevantPeerType =
  | {code: "IRRELEVANT_PEER_INCOMPATIBLE_FORKS"; ours: Uint8Array; theirs: Uint8Array}
  | {code: "IRRELEVANT_PEER_DIFFERENT_CLOCKS"; slotDiff: number}
  | {code: "NO_EARLIEST_AVAILABLE_SLOT"}
  | {code: "IRRELEVANT_PEER_DIFFERENT_FINALIZED"; expectedRoot: Uint8Array; remoteRoot: Uint8Array};
export declare function assertPeerRelevance(
  forkName: ForkName,
  remote: LodestarStatus,
  local: LodestarStatus,
  currentSlot: number
): IrrelevantPeerType | null;

// ---------------------------------------------------------------------------
// NativePeerManager (native_peer_manager.js): Lodestar 1.44.0's PeerManager
// (network/peers/peerManager.ts) built from the same modules and options, the
// engine deciding. Modules are typed by what the peer manager calls on them.

/** A libp2p Connection, as the peer manager reads it. */
export interface LodestarConnection {
  id: string;
  remotePeer: LodestarPeerId & {type?: string; publicKey?: unknown};
  direction: MessageStreamDirection;
  status: "open" | "closing" | "closed";
}
export interface LodestarMetadata {
  seqNumber: bigint;
  attnets: BitArray;
  syncnets?: BitArray;
  custodyGroupCount?: number;
}
export interface PeerManagerModules {
  libp2p: {
    services: {
      components: {
        events: {
          addEventListener(type: "connection:open" | "connection:close", listener: (evt: {detail: LodestarConnection}) => void): void;
          removeEventListener(type: "connection:open" | "connection:close", listener: (evt: {detail: LodestarConnection}) => void): void;
        };
        connectionManager: {getConnectionsMap(): {map: Map<PeerIdStr, {key: LodestarPeerId; value: LodestarConnection[]}>}};
      };
      identify: {identify(connection: LodestarConnection): Promise<{agentVersion?: string}>};
    };
    peerStore: {merge(peer: LodestarPeerId, data: {tags: Record<string, {ttl?: number; value: number} | undefined>}): Promise<unknown>};
    hangUp(peer: LodestarPeerId): Promise<void>;
  };
  reqResp: {
    sendPing(peer: LodestarPeerId): Promise<bigint>;
    sendStatus(peer: LodestarPeerId, status: LodestarStatus): Promise<LodestarStatus>;
    sendMetadata(peer: LodestarPeerId): Promise<LodestarMetadata>;
    sendGoodbye(peer: LodestarPeerId, reason: bigint): Promise<void>;
  };
  gossip: {getScore(peerIdStr: PeerIdStr): number; scoreParams: {decayInterval?: number}};
  attnetsService: {getActiveSubnets(): RequestedSubnet[]};
  syncnetsService: {getActiveSubnets(): RequestedSubnet[]};
  statusCache: {get(): LodestarStatus};
  clock: {genesisTime: number};
  /** NetworkEventBus: peer-manager.peer-connected / peer-disconnected are emitted, req-resp.request is listened to. */
  events: {emit(event: string, data: unknown): unknown; on(event: string, listener: (data: any) => void): unknown; off(event: string, listener: (data: any) => void): unknown};
  networkConfig: {
    nodeId: Uint8Array;
    config: Record<string, unknown> & {SLOT_DURATION_MS: number};
    custodyConfig: {targetCustodyGroupCount: number; sampleGroups: CustodyIndex[]; sampledSubnets: number[]};
  };
  /** Accepted for Lodestar's signature; the engine keeps its own store, peers data and metrics. */
  peerRpcScores?: unknown;
  peersData?: unknown;
  metrics?: unknown;
  logger?: {verbose?(...args: unknown[]): void};
}
export interface PeerManagerOpts {
  targetPeers: number;
  maxPeers: number;
  targetGroupPeers: number;
  /** NetworkOptions.disablePeerScoring (the PeerRpcScoreStore option). */
  disablePeerScoring?: boolean;
  discv5?: unknown;
}
export interface PeerDiscoveryLike {
  discoverPeers(
    peersToConnect: number,
    custodyGroupQueries: CustodyGroupQueries,
    subnetQueries: {subnet: SubnetID; type: "attnets" | "syncnets"; maxPeersToDiscover: number; toUnixMs: number}[]
  ): void;
  stop?(): Promise<void>;
}
export interface NativePeerManagerOpts {
  /** computeNodeId(peerId) of @lodestar/beacon-node (keccak256 of the secp256k1 key); init() defaults to @chainsafe/enr's. */
  computeNodeId?: (peerId: LodestarPeerId) => Uint8Array;
  /** The clock in ms (default Date.now(), read at each input: fake timers work). */
  now?: Clock;
  /** The preset's SLOTS_PER_EPOCH and NUMBER_OF_COLUMNS (@lodestar/params); default mainnet. */
  params?: {SLOTS_PER_EPOCH: number; NUMBER_OF_COLUMNS: number};
  disablePeerScoring?: boolean;
  /** init() only: the PeerDiscovery to use (Lodestar's init builds discv5's itself). */
  discovery?: PeerDiscoveryLike | null;
}
export declare class NativePeerManager {
  constructor(modules: PeerManagerModules, opts: PeerManagerOpts, discovery?: PeerDiscoveryLike | null, nativeOpts?: NativePeerManagerOpts);
  static init(modules: PeerManagerModules, opts: PeerManagerOpts, nativeOpts?: NativePeerManagerOpts): Promise<NativePeerManager>;
  close(): Promise<void>;
  getConnectedPeerIds(): LodestarPeerId[];
  hasSomeConnectedPeer(): boolean;
  goodbyeAndDisconnectAllPeers(): Promise<void>;
  onCommitteeSubscriptions(): void;
  reportPeer(peer: LodestarPeerId, action: (typeof PeerAction)[keyof typeof PeerAction], actionName: string): void;
  reStatusPeers(peers: PeerIdStr[]): void;
  dumpPeerScoreStats(): PeerScoreStats;
  /** The engine's peer-manager metrics, Prometheus text format 0.0.4. */
  metrics(): string;
}
