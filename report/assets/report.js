// The report page's script: renders the data document that report/report_data.cc
// writes (<script id="report-data">) with uPlot. No network: everything is in
// the page. window.peerReplayReport exposes what was drawn, for the browser
// test (report/browser_test.mjs) and for a person in the console.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const state = { charts: {}, markersDrawn: {}, selectedPeer: null };
  window.peerReplayReport = state;
  const app = document.getElementById("app");
  app.textContent = "";

  const COLORS = ["#2a5db0", "#d0312d", "#2e8b57", "#e08a00", "#7b3fa0", "#008b8b", "#b5651d", "#c71585",
    "#556b2f", "#4682b4", "#8b0000", "#708090", "#daa520"];
  const MARK_COLOR = "#d0312d";

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else e.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : String(c));
    }
    return e;
  }
  const fmt = (v) => (typeof v === "string" ? v : JSON.stringify(v));
  function kvTable(obj) {
    const t = el("table");
    for (const [k, v] of Object.entries(obj || {})) t.append(el("tr", {}, el("th", {}, k), el("td", {}, el("code", {}, fmt(v)))));
    return t;
  }
  function countTable(title, obj) {
    const t = el("table", {}, el("tr", {}, el("th", {}, title), el("th", {}, "count")));
    for (const [k, v] of Object.entries(obj || {})) t.append(el("tr", {}, el("td", {}, k), el("td", { class: "n" }, v)));
    return t;
  }
  function chartWidth() { return Math.max(480, Math.min(1200, document.documentElement.clientWidth - 64)); }
  const seconds = (xs) => xs.map((t) => t / 1000);
  function sampledNote(series) {
    if (series.exact) return `${series.samples} samples, every one drawn`;
    return `${series.samples} samples downsampled into ${(series.bucket_ms / 1000).toFixed(3)} s buckets`;
  }

  // Every chart gets the divergence marks (vertical lines) drawn over it.
  function markPlugin(name) {
    return {
      hooks: {
        draw: [(u) => {
          const marks = data.marks || [];
          const ctx = u.ctx;
          let drawn = 0;
          ctx.save();
          for (let i = 0; i < marks.length; i++) {
            const x = Math.round(u.valToPos(marks[i].t_ms / 1000, "x", true));
            if (x < u.bbox.left - 1 || x > u.bbox.left + u.bbox.width + 1) continue;
            ctx.strokeStyle = MARK_COLOR;
            ctx.lineWidth = i === 0 ? 2 * devicePixelRatio : devicePixelRatio;
            ctx.setLineDash(i === 0 ? [] : [4 * devicePixelRatio, 4 * devicePixelRatio]);
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            drawn++;
          }
          ctx.restore();
          state.markersDrawn[name] = drawn;
        }],
      },
    };
  }

  // Every chart spans the whole trace, so a mark sits at the same x on each.
  const spanS = Math.max(0.001, (data.counts.last_t_ms - data.counts.first_t_ms) / 1000);
  const xScale = { time: false, range: () => [0, spanS] };

  function makeChart(name, container, title, series, xs, ys, extra) {
    const opts = Object.assign({
      title, width: chartWidth(), height: 240,
      scales: { x: xScale },
      axes: [{ label: "seconds since the first event" }, {}],
      series: [{ label: "t (s)" }, ...series],
      plugins: [markPlugin(name)],
    }, extra || {});
    const u = new uPlot(opts, [xs, ...ys], container);
    u.root.dataset.chart = name;
    state.charts[name] = u;
    return u;
  }

  function header() {
    const h = data.header || {};
    app.append(el("h1", {}, data.title || "peer-replay report"));
    const prod = h.producer || {};
    const pkgs = prod.packages || {};
    app.append(el("p", { class: "sub" }, `scenario ${fmt(h.scenario)} · seed ${fmt(h.seed)} · producer ${prod.name || "?"} ${prod.version || ""} (${prod.mode || "?"})`,
      pkgs["@lodestar/beacon-node"] ? ` · @lodestar/beacon-node ${pkgs["@lodestar/beacon-node"]}` : ""));
    const c = data.counts;
    app.append(el("p", { class: "sub" }, `${c.events} events, ${c.expects} expects, ${c.actions} actions, ${c.peers} peers, `,
      `${c.heartbeats} heartbeats, ${((c.last_t_ms - c.first_t_ms) / 1000).toFixed(3)} s; ${c.file_bytes} bytes on disk`));
  }

  function divergence() {
    const d = data.divergence;
    if (!d) return;
    const box = el("section", { class: "divergence", id: "divergence" });
    box.append(el("h2", {}, `First divergence: seq ${d.seq} (line ${d.line})`));
    box.append(el("p", {}, d.message));
    box.append(involvedLine(data.diff ? "the divergent event's, its expected actions' and every differing entry's peers"
      : "the divergent event's and its expected actions' peers; a score entry's peer is named in the report below"));
    box.append(el("p", { class: "note" }, "Marked by a red line on every chart. Expected (Lodestar) against actual (the engine), member by member:"));
    box.append(el("pre", { class: "divergence-report" }, d.report));
    const more = el("details", {}, el("summary", {}, "the event and the expected record as read"));
    more.append(el("pre", {}, JSON.stringify(data.mark_event, null, 1)), el("pre", {}, JSON.stringify(data.mark_expect, null, 1)));
    box.append(more);
    app.append(box);
  }

  function involvedLine(what) {
    const peers = data.involved_peers || [];
    return el("p", {}, `Peers involved (${what}, ★ in the score picker): `,
      ...(peers.length ? peers.map((p) => el("code", { class: "involved" }, p + " ")) : ["none"]));
  }

  function diffSection() {
    const d = data.diff;
    if (!d) return;
    const box = el("section", { class: "divergence", id: "divergence" });
    if (data.diff_role === "engine") {
      box.append(el("h2", {}, "Expected (Lodestar, the trace) against actual (the engine), every difference"));
      box.append(el("p", {}, `a: the trace's expect records · b: the engine's outputs for the same events (peer-replay run). `,
        `${d.outputs.differences} differences in ${d.outputs.expects_differing} expects; after the first, the engine's state has parted from Lodestar's.`));
    } else {
      box.append(el("h2", {}, `Diff: ${d.result}`));
      box.append(el("p", {}, `a: ${d.a.path} · b: ${d.b.path} (the charts show b). ${d.outputs.differences} differences in ${d.outputs.expects_differing} expects; `,
        `the first ${(data.marks || []).length} divergent ranges are marked on every chart.`));
    }
    box.append(involvedLine("every differing action's and score entry's peer"));
    const t = el("table", {}, el("tr", {}, ...["seq", "difference", "kind", "peer", "member", "a (before)", "b (after)", "delta", "ulp"].map((h) => el("th", {}, h))));
    for (const it of d.differences || []) {
      const fields = it.fields && it.fields.length ? it.fields : [{ path: "", a: it.a, b: it.b }];
      for (const f of fields) {
        t.append(el("tr", {}, el("td", { class: "n" }, it.seq), el("td", {}, it.type), el("td", {}, it.kind || ""),
          el("td", {}, el("code", {}, it.peer || "")), el("td", {}, el("code", {}, f.path)),
          el("td", { class: "diff-a" }, el("code", {}, f.a === undefined ? "(absent)" : fmt(f.a))),
          el("td", { class: "diff-b" }, el("code", {}, f.b === undefined ? "(absent)" : fmt(f.b))),
          el("td", { class: "n" }, f.delta === undefined ? "" : f.delta), el("td", { class: "n" }, f.ulp === undefined ? "" : f.ulp)));
      }
    }
    box.append(t);
    if (d.differences_listed < d.outputs.differences) box.append(el("p", { class: "note" }, `${d.differences_listed} of ${d.outputs.differences} listed (diff --limit).`));
    app.append(box);
  }

  function configSection() {
    app.append(el("h2", {}, "Configuration and counts"));
    const h = data.header || {};
    const cfg = Object.assign({}, h.config || {});
    const chain = cfg.chain; delete cfg.chain;
    const grid = el("div", { class: "grid" });
    grid.append(el("div", {}, el("h3", {}, "config"), kvTable(cfg)));
    grid.append(el("div", {}, el("h3", {}, "events by kind"), countTable("kind", data.counts.events_by_kind),
      el("h3", {}, "timers"), countTable("timer", data.counts.timers)));
    grid.append(el("div", {}, el("h3", {}, "actions by kind"), countTable("kind", data.counts.actions_by_kind)));
    app.append(grid);
    const more = el("details", {}, el("summary", {}, "chain config and local node"));
    more.append(kvTable(chain), kvTable(h.local));
    app.append(more);
  }

  function connectedChart() {
    app.append(el("h2", {}, "Connected peers"));
    const c = data.connected;
    const box = el("div", { class: "chart" });
    app.append(box);
    const total = c.y.inbound.map((v, i) => v + c.y.outbound[i]);
    makeChart("connected", box, "peers with an open connection (libp2p), by their first connection's direction", [
      { label: "inbound", stroke: COLORS[0], width: 1.5 },
      { label: "outbound", stroke: COLORS[2], width: 1.5 },
      { label: "total", stroke: "#333", width: 1, dash: [4, 3] },
    ], seconds(c.x), [c.y.inbound, c.y.outbound, total]);
    app.append(el("p", { class: "note" }, sampledNote(c) + (c.exact ? "" : " (min and max of each bucket)")));

    const h = data.per_heartbeat;
    const box2 = el("div", { class: "chart" });
    app.append(box2);
    makeChart("requested", box2, "per heartbeat: peers requested to connect (discoverPeers) and to disconnect (hangUp calls)", [
      { label: "peers to connect", stroke: COLORS[0], width: 1.5, paths: uPlot.paths.stepped({ align: 1 }) },
      { label: "disconnect calls", stroke: COLORS[3], width: 1.5, paths: uPlot.paths.stepped({ align: 1 }) },
    ], seconds(h.x), [h.y.peers_to_connect, h.y.disconnect_calls]);
    app.append(el("p", { class: "note" }, heartbeatNote(h)));
  }

  function heartbeatNote(h) {
    if (h.exact) return `${h.samples} heartbeat intervals (from each heartbeat to the next), every one drawn`;
    return `${h.samples} heartbeat intervals averaged over ${(h.bucket_ms / 1000).toFixed(3)} s buckets`;
  }

  function scoreChart() {
    app.append(el("h2", {}, "Peer scores"));
    const s = data.scores;
    const peers = s.peers;
    const thresholds = data.thresholds;
    const select = el("select", { id: "peer-picker" });
    for (let i = 0; i < peers.length; i++) {
      const p = peers[i];
      select.append(el("option", { value: String(i) }, `${p.involved ? "★ " : ""}${p.peer} (min ${p.min.toFixed(3)}, last ${p.last.toFixed(3)})`));
    }
    app.append(el("p", {}, "Peer: ", select, " ",
      el("span", { class: "note" }, `${peers.length} listed of ${s.peers_with_scores} peers with a score: the worst by minimum score first` +
        ((data.involved_peers || []).length ? ", ★ = involved in the divergence" : ""))));
    const box = el("div", { class: "chart" });
    app.append(box);
    const note = el("p", { class: "note" });
    app.append(note);
    function seriesFor(i) {
      const p = peers[i];
      const xs = seconds(p.x);
      return [xs, p.y.score, ...thresholds.map((t) => xs.map(() => t.value))];
    }
    let first = peers.findIndex((p) => p.involved);
    if (first < 0) first = 0;
    const initial = peers.length ? seriesFor(first) : [[], [], ...thresholds.map(() => [])];
    const u = makeChart("score", box, "score (Lodestar's peer score) with the thresholds of score/constants.ts", [
      { label: "score", stroke: COLORS[0], width: 2, points: { show: true, size: 4 } },
      ...thresholds.map((t, i) => ({ label: t.name + " (" + t.value + ")", stroke: i === 0 ? COLORS[3] : COLORS[1], dash: [6, 4], width: 1, points: { show: false } })),
    ], initial[0], initial.slice(1), { scales: { x: xScale, y: { range: (u, min, max) => [Math.min(min, thresholds[thresholds.length - 1].value - 5), Math.max(max, 5)] } } });
    function pick(i) {
      const p = peers[i];
      state.selectedPeer = p.peer;
      u.setData(seriesFor(i));
      note.textContent = `${p.peer}: ` + sampledNote(p) + (p.exact ? "" : " (min and max of each bucket)");
      note.className = p.involved ? "note involved" : "note";
    }
    select.value = String(first);
    select.addEventListener("change", () => pick(Number(select.value)));
    if (peers.length) pick(first);
  }

  function actionsChart() {
    app.append(el("h2", {}, "Actions per heartbeat, by kind (stacked)"));
    const h = data.per_heartbeat;
    const kinds = data.action_kinds.filter((k) => (data.counts.actions_by_kind[k] || 0) > 0);
    // Stacked: series k is the sum of kinds 0..k, drawn largest first so each
    // band shows; the legend shows each kind's own value.
    const cum = [];
    let acc = h.x.map(() => 0);
    for (const k of kinds) { acc = acc.map((v, i) => v + h.y[k][i]); cum.push(acc); }
    const order = kinds.map((_, i) => kinds.length - 1 - i);
    const series = order.map((ki) => ({
      label: kinds[ki], stroke: COLORS[ki % COLORS.length], fill: COLORS[ki % COLORS.length] + "cc", width: 1,
      paths: uPlot.paths.stepped({ align: 1 }),
      value: (u, v, si, idx) => (idx == null ? "--" : String(+h.y[kinds[ki]][idx].toFixed(2))),
    }));
    const box = el("div", { class: "chart" });
    app.append(box);
    makeChart("actions", box, "actions caused from each heartbeat to the next", series, seconds(h.x), order.map((ki) => cum[ki]));
    app.append(el("p", { class: "note" }, heartbeatNote(h)));
  }

  function reasons() {
    app.append(el("h2", {}, "Goodbye and prune reasons"));
    const grid = el("div", { class: "grid" });
    const gb = (title, rows) => {
      const t = el("table", {}, el("tr", {}, el("th", {}, "code"), el("th", {}, "GOODBYE_KNOWN_CODES name"), el("th", {}, "count")));
      for (const r of rows) t.append(el("tr", {}, el("td", { class: "n" }, r.code), el("td", {}, r.name), el("td", { class: "n" }, r.count)));
      if (!rows.length) t.append(el("tr", {}, el("td", { colspan: "3" }, "none")));
      return el("div", {}, el("h3", {}, title), t);
    };
    grid.append(gb("goodbyes sent (send_goodbye)", data.goodbye_sent));
    grid.append(gb("goodbyes received (goodbye requests)", data.goodbye_received));
    const pr = el("div", {}, el("h3", {}, "prune reasons (ExcessPeerDisconnectReason)"));
    if (data.prune_reasons) {
      const t = el("table", {}, el("tr", {}, el("th", {}, "reason"), el("th", {}, "peers")));
      for (const r of data.prune_reasons) t.append(el("tr", {}, el("td", {}, r.name), el("td", { class: "n" }, r.count)));
      if (!data.prune_reasons.length) t.append(el("tr", {}, el("td", { colspan: "2" }, "none")));
      pr.append(t, el("p", { class: "note" }, "From the engine's prioritizePeers while replaying this trace" + (data.divergence ? ", up to the divergence." : ".")));
    } else {
      pr.append(el("p", { class: "note" }, "Not replayed: prune reasons are the engine's (peer-replay report without --no-replay)."));
    }
    grid.append(pr);
    app.append(grid);
  }

  header();
  divergence();
  diffSection();
  connectedChart();
  scoreChart();
  actionsChart();
  reasons();
  configSection();
  window.addEventListener("resize", () => {
    for (const u of Object.values(state.charts)) u.setSize({ width: chartWidth(), height: 240 });
  });
  state.ready = true;
})();
