// Shadow mode in the recorders (PEER_REPLAY_LIVE_SHADOW=1): every line the live hook writes (or the
// scripted recorder, record.mjs, over its fake libp2p) is also handed, as it is written, to the engine
// through the addon (bindings/node/shadow.js: `peer-replay check`'s replayer fed line by line), which
// compares each expect (and metrics record) with what the engine did. By default that replayer runs on a
// worker thread (bindings/node/shadow-thread.js): the writing thread copies the line into a bounded ring
// and gets the verdicts back a little later. This file owns the recorders' side: which records go to
// the shadow, the divergence counter's registry, and the repro file.
//
// The repro: trace format v2 has no snapshot of the peer manager's state, and the engine cannot
// start from the middle of a capture (connections, scores, pending requests and timers all come from
// earlier events), so the repro is the whole capture from its header up to and including the
// diverging event's expect, plus an end record. It is read back from the capture's own frames (the
// writer's frame index), so the shadow holds no copy of the records; written as tmp + rename.
import fs from "node:fs";
import {createRequire} from "node:module";
import path from "node:path";
import zstd from "zstd-napi";
import {segmentPath} from "./live-writer.mjs";

const require = createRequire(import.meta.url);
const kReproFrameBytes = 8 << 20; // the repro is written as zstd frames of at most this much JSON

/** Whether PEER_REPLAY_LIVE_SHADOW turns shadow mode on ("1"/"true"; "0"/"false"/unset: off). */
export function shadowEnabled(env) {
  const v = env.PEER_REPLAY_LIVE_SHADOW;
  if (v === undefined || v === "" || v === "0" || v === "false") return false;
  if (v === "1" || v === "true") return true;
  throw new TypeError(`PEER_REPLAY_LIVE_SHADOW: expected 1 or 0, got ${JSON.stringify(v)}`);
}

/**
 * Whether the shadow runs on a worker thread (PEER_REPLAY_LIVE_SHADOW_THREAD, default "1": the writing
 * thread only copies each line into a bounded ring, bindings/node/shadow-thread.js) or on the writing
 * thread itself ("0": each line compared as it is written, as `Shadow` does).
 */
export function shadowThreaded(env) {
  const v = env.PEER_REPLAY_LIVE_SHADOW_THREAD;
  if (v === undefined || v === "" || v === "1" || v === "true") return true;
  if (v === "0" || v === "false") return false;
  throw new TypeError(`PEER_REPLAY_LIVE_SHADOW_THREAD: expected 1 or 0, got ${JSON.stringify(v)}`);
}

/** The recorder-independent part: records in, verdicts and repro out. Subclasses say where the records are. */
class ShadowTap {
  /**
   * @param {string} file the trace being written (the repro is named after it)
   * @param {() => object | undefined} register the prom-client registry for the counter, read at the header
   */
  constructor(file, register, env) {
    this.file = file;
    this.register = register;
    this.env = env;
    this.reproDir = env.PEER_REPLAY_LIVE_SHADOW_REPRO_DIR ? path.resolve(env.PEER_REPLAY_LIVE_SHADOW_REPRO_DIR) : path.dirname(file);
    this.shadow = null;
    this.off = false;
    this.repros = 0;
  }

  /**
   * Every record the recorder writes, as it writes it (the object and its JSON line). A failure of the
   * shadow itself (no addon, a bug here) turns it off with one line; it never reaches the node.
   */
  record(rec, line) {
    if (this.off) return;
    try {
      if (rec.type === "header") this.start(line);
      else this.shadow?.record(line);  // the line alone crosses into the addon
    } catch (e) {
      this.turnOff(`at ${rec.type}${rec.seq === undefined ? "" : ` ${rec.seq}`}`, e.message);
    }
  }

  /** The shadow's own failure (here, or reported by its thread): one line, and nothing more is compared. */
  turnOff(where, message) {
    if (this.off) return;
    this.off = true;
    process.stderr.write(`peer-replay shadow: off after an error of its own ${where}: ${message}\n`);
  }

  start(headerLine) {
    const opts = {
      register: this.register(),
      perturb: this.env.PEER_REPLAY_SHADOW_PERTURB,
      onDivergence: (d) => this.writeRepro(d.seq),
    };
    if (shadowThreaded(this.env)) {
      const {ShadowThread, queueBytesOf} = require("../../../bindings/node/shadow-thread.js");
      const queueBytes = queueBytesOf(this.env.PEER_REPLAY_LIVE_SHADOW_QUEUE_BYTES);
      this.shadow = new ShadowThread(headerLine, {...opts, queueBytes, onFailure: (where, message) => this.turnOff(where, message)});
    } else {
      const {Shadow} = require("../../../bindings/node/shadow.js");
      this.shadow = new Shadow(headerLine, opts);
    }
  }

  /** Divergences so far (also the prom-client counter peer_replay_shadow_divergences_total). */
  get divergences() {
    return this.shadow?.divergences ?? 0;
  }

  /** The summary line at the end of the capture, once every verdict is in (the thread's: close() waits for them). */
  close() {
    if (!this.shadow) return;
    try {
      this.shadow.close();
    } catch (e) {
      this.turnOff("at the end of the capture", e.message);
    }
    const stopped = this.shadow.stopped ? `; stopped: ${this.shadow.stopped}` : "";
    process.stderr.write(`peer-replay shadow: ${this.shadow.compared} events compared, ${this.shadow.divergences} divergences${stopped}\n`);
  }

  /**
   * The capture up to and including event `seq`'s expect, with an end record, as
   * <capture>-shadow-seq<seq>.jsonl.zst beside the capture (or in PEER_REPLAY_LIVE_SHADOW_REPRO_DIR).
   * Only the first divergence gets one: what follows it may be its consequence.
   */
  writeRepro(seq) {
    if (this.repros > 0) return null;
    this.repros++;
    const base = path.basename(this.file).replace(/\.jsonl(\.zst)?$/, "");
    const file = path.join(this.reproDir, `${base}-shadow-seq${seq}.jsonl.zst`);
    fs.mkdirSync(this.reproDir, {recursive: true});
    const tmp = `${file}.tmp`;
    const fd = fs.openSync(tmp, "w");
    try {
      const out = new FrameOut(fd);
      const cut = new Cut(seq);
      this.linesUntil((line) => cut.take(line, (l) => out.line(l)));
      if (!cut.done) throw new Error(`the trace ${this.file} has no expect for event ${seq}`);
      out.line(JSON.stringify({type: "end", events: seq}));
      out.close();
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    return file;
  }
}

/**
 * The live hook's tap: the repro is read back from the capture's own frames (the writer's index).
 * With the shadow on its thread, the lines go over as the writer flushes them: each frame's text,
 * which the writer has just joined and encoded for zstd anyway, is copied into the ring whole, so the
 * node's thread pays one copy of memory still in its cache per flush, and nothing per record. The
 * verdicts then come a flush later (PEER_REPLAY_LIVE_FLUSH_MS), and only for records already written.
 */
export class LiveShadow extends ShadowTap {
  /** @param {object} recorder the LiveRecorder (its writer, file and PeerManager) */
  constructor(recorder, env = process.env) {
    super(recorder.file, () => recorder.pm.metrics?.register, env);
    this.writer = recorder.writer;
    this.byFrame = shadowThreaded(env);
    this.headerInFrame = true;  // the first frame begins with the header, which start() already handed over
  }

  record(rec, line) {
    if (this.byFrame && rec.type !== "header") return;  // it comes with the writer's next frame
    super.record(rec, line);
  }

  start(headerLine) {
    super.start(headerLine);
    if (this.byFrame) this.writer.onFlush = (text) => this.frame(text);
  }

  /** A frame the writer wrote: its lines to the shadow's thread. */
  frame(text) {
    if (this.off || this.shadow === null) return;
    try {
      if (this.headerInFrame) {
        this.headerInFrame = false;
        text = text.subarray(text.indexOf(10) + 1);
      }
      this.shadow.text(text);
    } catch (e) {
      this.turnOff("at a frame of the capture", e.message);
    }
  }

  /** Hands each line of the capture so far to `take` until it returns false. */
  linesUntil(take) {
    this.writer.flush();
    readFrames(this.writer, take);
  }
}

/**
 * The scripted recorder's tap (record.mjs with PEER_REPLAY_LIVE_SHADOW=1): a TraceWriter wrapper that
 * shows every line to the shadow. A scripted run is short, so the repro comes from the lines kept here.
 */
export class ShadowTraceWriter extends ShadowTap {
  constructor(inner, file, env = process.env) {
    super(file, () => undefined, env);
    this.inner = inner;
    this.lines = [];
  }
  write(line) {
    this.inner.write(line);
    this.lines.push(line);
    this.record(JSON.parse(line), line);
  }
  linesUntil(take) {
    for (const line of this.lines) if (!take(line)) return;
  }
  flush() {
    this.inner.flush?.();
  }
  abort() {
    this.inner.abort?.();
  }
  close() {
    this.inner.close?.();
    super.close();
  }
}

/** Cuts a trace after event `seq`'s expect (and its metrics record, if any). */
class Cut {
  constructor(seq) {
    this.seq = seq;
    this.done = false;
  }
  /** Passes `line` on while it belongs to the cut; false once past it. */
  take(line, emit) {
    const {type, seq} = JSON.parse(line);
    if (this.done && !(type === "metrics" && seq === this.seq)) return false;
    emit(line);
    if (type === "expect" && seq === this.seq) this.done = true;
    return true;
  }
}

/** Buffered lines written as complete zstd frames. */
class FrameOut {
  constructor(fd) {
    this.fd = fd;
    this.parts = [];
    this.size = 0;
  }
  line(text) {
    this.parts.push(text, "\n");
    this.size += text.length + 1;
    if (this.size >= kReproFrameBytes) this.flush();
  }
  flush() {
    if (this.parts.length === 0) return;
    fs.writeSync(this.fd, zstd.compress(Buffer.from(this.parts.join(""), "utf8"), {compressionLevel: 3, checksumFlag: true}));
    this.parts = [];
    this.size = 0;
  }
  close() {
    this.flush();
  }
}

/** Reads the capture back frame by frame (the writer's index) and hands each line to `take` until it returns false. */
function readFrames(writer, take) {
  let carry = "";
  let fd = null;
  let open = 0;
  try {
    for (const f of writer.frames) {
      if (open !== f.segment) {
        if (fd !== null) fs.closeSync(fd);
        fd = fs.openSync(segmentPath(writer.file, f.segment), "r");
        open = f.segment;
      }
      const raw = Buffer.alloc(f.bytes);
      fs.readSync(fd, raw, 0, f.bytes, f.offset);
      const lines = (carry + (writer.compress ? zstd.decompress(raw) : raw).toString("utf8")).split("\n");
      carry = lines.pop();
      for (const line of lines) if (!take(line)) return;
    }
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}
