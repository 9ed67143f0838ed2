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

/** FORMAT.md §3.4. */
export interface ScoreEntry {
  peer: PeerId;
  lodestar: number;
  gossip: number;
  ignore_negative: boolean;
  score: number;
  last_update_ms: number;
}

export class PeerManager {
  /** Throws an Error naming the member when the header is not a valid FORMAT.md header. */
  constructor(header: HeaderRecord | string);
  /** Runs one event; seq must count up and t_ms never go back. Throws on a bad event. */
  step(event: EventRecord | string): Action[];
  dumpPeerScoreStats(): ScoreEntry[];
  stateDigest(): string;
}
