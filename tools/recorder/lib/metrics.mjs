// The peer manager's metrics as a trace carries them (traces/FORMAT.md §8): which of Lodestar's
// NetworkCoreMetrics are in scope, and one scrape of the real prom-client registry turned into
// series and deltas. The list and its order are the one fact the C++ reader's table
// (trace/metric_names.cc) mirrors; FORMAT.md §8 explains what is left out and why.

import {spelledNumber} from "./codec.mjs";

/** In-scope metric names, in createNetworkCoreMetrics' registration order. */
export const PEER_METRIC_NAMES = [
  "libp2p_peers",
  "lodestar_peers_by_direction_count",
  "lodestar_peers_by_client_count",
  "lodestar_peer_long_lived_attnets_count",
  "lodestar_peer_column_group_count",
  "lodestar_app_peer_score",
  "lodestar_gossip_score_by_client",
  "lodestar_peer_connection_seconds",
  "lodestar_peers_sync_count",
  "lodestar_peer_connected_total",
  "lodestar_peer_disconnected_total",
  "lodestar_peer_goodbye_received_total",
  "lodestar_peer_long_connection_disconnect_total",
  "lodestar_peer_goodbye_sent_total",
  "lodestar_peers_requested_total_to_connect",
  "lodestar_peers_requested_total_to_disconnect",
  "lodestar_peers_requested_total_subnets_to_query",
  "lodestar_peers_requested_total_subnets_peers_count",
  "lodestar_peers_report_peer_count",
  "lodestar_peer_count_per_sampling_group",
  "lodestar_peer_manager_starved_bool",
  "lodestar_peer_manager_leaked_connections_count",
];

/**
 * Runs the registry's collect callbacks the way a scrape does (PeerManager's runPeerCountMetrics
 * is registered on `libp2p_peers`; its body has no await, so it completes synchronously) and
 * returns every in-scope series, in registry order: [{key, rec}], rec as FORMAT.md §8 writes it.
 * prom-client 15's hashMap is read directly because its public getters are async and a scrape
 * must end inside the event's bracket.
 */
export function scrapePeerMetrics(register) {
  const out = [];
  for (const name of PEER_METRIC_NAMES) {
    const m = register.getSingleMetric(name);
    if (!m) throw new Error(`metric ${name} is not registered`);
    // GaugeExtra.collect runs its callbacks and returns nothing: a rejected one is
    // handled where it is made (tolerateNonFiniteObserve).
    if (m.collect) m.collect();
  }
  for (const name of PEER_METRIC_NAMES) {
    const m = register.getSingleMetric(name);
    for (const entry of Object.values(m.hashMap)) {
      const labels = {};
      for (const l of m.labelNames) {
        if (entry.labels[l] === undefined) throw new Error(`${name}: series without label ${l}`);
        labels[l] = String(entry.labels[l]);
      }
      const rec = {name, labels};
      if (m.upperBounds) {
        let acc = 0;
        rec.buckets = m.upperBounds.map((b) => (acc += entry.bucketValues[b]));
        rec.sum = spelledNumber(entry.sum);
        rec.count = entry.count;
      } else {
        rec.value = spelledNumber(entry.value);
      }
      out.push({key: `${name}${JSON.stringify(labels)}`, rec});
    }
  }
  return out;
}


/**
 * Lodestar's metrics collect callback runs `runPeerCountMetrics`, an async function, and drops its
 * promise; prom-client's histograms throw on a value that is not finite (a NaN or infinite score), so
 * the run stops at that peer and the scrape reads the registry as the throw left it. In a node the
 * rejection is an unhandled one, which would end the recorder's process: this handles exactly that
 * rejection (any other still surfaces), and changes nothing of what Lodestar computes.
 */
export function tolerateNonFiniteObserve(PeerManagerClass) {
  const run = PeerManagerClass.prototype.runPeerCountMetrics;
  if (run.peerReplayTolerant) return;
  const tolerant = function (metrics) {
    const p = run.call(this, metrics);
    p.catch((e) => {
      if (!(e instanceof TypeError && e.message.startsWith("Value is not a valid number: "))) throw e;
    });
    return p;
  };
  tolerant.peerReplayTolerant = true;
  PeerManagerClass.prototype.runPeerCountMetrics = tolerant;
}

/** Delta of a scrape against the previous one: series added or changed (scrape order), series gone. */
export function metricsDelta(prev, next, full, stringify) {
  const nextMap = new Map(next.map((s) => [s.key, stringify(s.rec)]));
  if (full) return {series: next.map((s) => s.rec), removed: [], map: nextMap};
  const series = next.filter((s) => prev.get(s.key) !== nextMap.get(s.key)).map((s) => s.rec);
  const removed = [];
  for (const k of prev.keys()) {
    if (!nextMap.has(k)) {
      const i = k.indexOf("{");
      removed.push({name: k.slice(0, i), labels: JSON.parse(k.slice(i))});
    }
  }
  return {series, removed, map: nextMap};
}
