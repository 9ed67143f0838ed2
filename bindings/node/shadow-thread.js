// Shadow mode off the node's event loop: the same synchronous Shadow (shadow.js) runs on a
// worker_threads Worker, and the thread that writes the capture only hands the lines over, in
// batches copied into a ring of shared memory: the live hook's frames whole, as its writer encoded
// them (text()), or lines one by one, batched here (record()). The verdicts come back as messages and are reported on the writing thread (the
// counter, the repro, the log line: DivergenceReports), where the registry and the capture are.
//
// The ring (one writer, one reader): the lines' UTF-8 text, each ending in "\n" (a record is one line
// of JSON, FORMAT.md §1, so "\n" never occurs inside one), in a SharedArrayBuffer of a fixed size.
// The writer keeps each line in a batch (a push) and copies the batch into the ring when it holds
// kBatchLines lines or kBatchChars, or kFlushMs after the last copy, publishing it (WRITE). No timer:
// the writer's thread may run fake timers (the scripted recorder, the live test's driver), and a
// timer of its own would be one more thing on its event loop; so a batch waits for the next line
// (the live hook's next event) or close() at the latest. The worker takes everything published at once, frees it (READ), then feeds the lines to its Shadow. It looks every
// kPollMs, or sooner when the writer rings (DOORBELL: once the ring is a quarter full, and at the
// end), so that the writer pays no cross-thread wake per batch in the usual case, let alone per line.
//
// When the worker falls behind: a batch that does not fit in the ring's free space stops the
// comparison (the engine cannot skip records: its state would no longer follow the node's). The
// writer says so in one line, counts every line it no longer hands over, and `stopped` says why;
// the worker still compares what the ring holds. The writer never blocks, except in close(), which
// waits (bounded) for the worker to finish the lines it holds: the capture is ending then.
"use strict";

const {Worker, MessageChannel, isMainThread, receiveMessageOnPort, workerData} = require("node:worker_threads");
const fs = require("node:fs");
const {DivergenceReports} = require("./shadow.js");

const kDefaultQueueBytes = 16 << 20;  // at 500 events/s of ~300-byte lines, about 50 s of lag
const kMinQueueBytes = 1 << 10;
const kMaxQueueBytes = 1 << 30;
const kBatchLines = 256;              // the writer copies its lines into the ring in batches of at most this many,
const kBatchChars = 64 << 10;         // or this many characters (or an eighth of the ring),
const kFlushMs = 100;                 // or at the first line this long after the last copy
const kPollMs = 50;                   // the worker looks at the ring this often, or when the writer rings:
                                      // once the ring is a quarter full, and at the end
const kCloseWaitMs = 30_000;          // close() waits at most this long for the worker to finish

// The control words (Int32Array over a SharedArrayBuffer).
const WRITE = 0;     // writer: the ring offset after the last published line
const READ = 1;      // worker: the ring offset after the last line it took
const DOORBELL = 2;  // writer: incremented to wake the worker early
const CLOSING = 3;   // writer: kDrain (compare what is there, then finish) or kQuit (finish now)
const DONE = 4;      // worker: 1 once it has finished and posted its last message
const COMPARED = 5;  // worker: expect records compared so far
const kControlWords = 8;
const kDrain = 1;
const kQuit = 2;

/** The ring's size from PEER_REPLAY_LIVE_SHADOW_QUEUE_BYTES (bytes; unset: kDefaultQueueBytes). */
function queueBytesOf(text) {
  if (text === undefined || text === "") return kDefaultQueueBytes;
  const n = Number(text);
  if (!Number.isInteger(n) || n < kMinQueueBytes || n > kMaxQueueBytes) {
    throw new TypeError(`PEER_REPLAY_LIVE_SHADOW_QUEUE_BYTES: expected an integer from ${kMinQueueBytes} to ${kMaxQueueBytes}, got ${JSON.stringify(text)}`);
  }
  return n;
}

/** "expect 12" for a line (its type and seq), for the lines that say where something happened. */
function whereIn(line) {
  const m = /^\{"type":"([a-z]+)"(?:,"seq":(\d+))?/.exec(line);
  return m ? `${m[1]}${m[2] === undefined ? "" : ` ${m[2]}`}` : "a line that is no record";
}

/**
 * Shadow's interface (record, divergences, compared, stopped, close) with the replayer on a worker.
 * Verdicts are reported when the worker's messages arrive (a later turn of the event loop), and all
 * of them by the time close() returns.
 */
class ShadowThread {
  /**
   * @param {string|object} header the capture's header record (or its line)
   * @param {object} [opts] Shadow's options (register, promClient, log, onDivergence, perturb), and:
   * @param {number} [opts.queueBytes] the ring's size (queueBytesOf)
   * @param {(where: string, message: string) => void} [opts.onFailure] the worker failed (the shadow's
   *   own error, not a divergence): nothing more is compared (default: throws it at the next call)
   */
  constructor(header, opts = {}) {
    const line = typeof header === "string" ? header : JSON.stringify(header);
    this.reports = new DivergenceReports(opts);
    this.log = this.reports.log;
    this.onFailure = opts.onFailure ?? ((where, message) => (this.failure = new Error(`${where}: ${message}`)));
    this.cap = opts.queueBytes ?? kDefaultQueueBytes;
    this.control = new Int32Array(new SharedArrayBuffer(kControlWords * 4));
    this.ring = Buffer.from(new SharedArrayBuffer(this.cap));
    this.batch = [];         // lines not yet in the ring: at most kBatchLines, about batchMaxChars
    this.batchChars = 0;
    this.batchMaxChars = Math.min(kBatchChars, this.cap >> 3);
    this.flushedAt = performance.now();
    this.w = 0;
    this.halted = false;    // no more lines go to the worker (it fell behind, failed, or close())
    this.behind = null;     // why the comparison stopped early on this side
    this.notHandedOver = 0; // lines not handed over after it did
    this.final = null;      // the worker's last message: {compared, stopped, stats}
    this.failure = null;
    this.failed = false;
    this.closed = false;
    const {port1, port2} = new MessageChannel();
    this.port = port1;
    this.port.on("message", (m) => this.receive(m));
    this.port.unref();
    this.worker = new Worker(__filename, {
      workerData: {peerReplayShadowThread: {header: line, perturb: opts.perturb, control: this.control, ring: this.ring.buffer, port: port2}},
      transferList: [port2],
      stdout: false,
      stderr: false,
    });
    this.worker.on("error", (e) => this.fail("in its thread", e.message));
    this.worker.unref();
  }

  get divergences() {
    return this.reports.count;
  }

  get compared() {
    return this.final?.compared ?? Atomics.load(this.control, COMPARED);
  }

  /** Null, or why nothing after some record is compared (the engine refused an event, or the worker fell behind). */
  get stopped() {
    const engine = this.final?.stopped ?? null;
    if (this.behind === null) return engine;
    const dropped = `${this.behind}; ${this.notHandedOver} lines not handed over`;
    return engine === null ? dropped : `${engine}; ${dropped}`;
  }

  /** Bytes in the ring that the worker has not taken yet, and (about) those of the batch. */
  get queued() {
    return (this.w - Atomics.load(this.control, READ) + this.cap) % this.cap + this.batchChars;
  }

  /** The worker's own time (its thread's CPU and its time spent comparing), once close() returned. */
  get workerStats() {
    return this.final?.stats ?? null;
  }

  /** The next line of the capture after the header: kept with the batch, copied into the ring with it. */
  record(line) {
    if (this.failure) throw this.failure;
    if (this.halted) {
      this.notHandedOver++;
      return;
    }
    this.batch.push(line);
    this.batchChars += line.length + 1;  // and its "\n"
    if (this.batch.length >= kBatchLines || this.batchChars >= this.batchMaxChars || performance.now() - this.flushedAt >= kFlushMs) this.flush();
  }

  /**
   * Lines already joined as UTF-8, each ending in "\n" (the live capture's frame, as its writer
   * made it: live-shadow.mjs), copied into the ring as they are: one copy of memory that is still
   * in the cache, nothing to encode. After any line record() holds.
   */
  text(utf8) {
    if (this.failure) throw this.failure;
    this.flush();
    if (this.halted) {
      this.notHandedOver += countLines(utf8);
      return;
    }
    if (utf8.length === 0) return;
    const cap = this.cap;
    const w = this.w;
    const free = (Atomics.load(this.control, READ) - w - 1 + cap) % cap;
    if (utf8.length > free) return this.fallBehind(utf8.toString("utf8", 0, Math.min(utf8.length, 200)), countLines(utf8), utf8.length, free);
    const first = Math.min(utf8.length, cap - w);
    utf8.copy(this.ring, w, 0, first);
    if (first < utf8.length) utf8.copy(this.ring, 0, first);
    this.w = (w + utf8.length) % cap;
    Atomics.store(this.control, WRITE, this.w);
    if (this.cap - 1 - free + utf8.length >= this.cap >> 2) this.ring_();
  }

  /** Copies the batch into the ring (by record(), and in close()). */
  flush() {
    this.flushedAt = performance.now();
    if (this.batch.length === 0 || this.halted) return;
    const lines = this.batch;
    this.batch = [];
    this.batchChars = 0;
    const text = lines.length === 1 ? lines[0] : lines.join("\n");
    const cap = this.cap;
    const w = this.w;
    const free = (Atomics.load(this.control, READ) - w - 1 + cap) % cap;
    let bytes = text.length * 3 + 1;  // at most 3 bytes of UTF-8 per UTF-16 unit, and the last "\n"
    if (bytes > free || w + bytes > cap) bytes = Buffer.byteLength(text) + 1;
    if (bytes > free) return this.fallBehind(lines[0], lines.length, bytes, free);
    let end;
    if (w + bytes <= cap) {
      end = w + this.ring.write(text, w, "utf8");
    } else {  // the rare batch whose text and "\n" straddle the ring's end (`bytes` is exact here)
      const utf8 = Buffer.from(text, "utf8");
      const first = cap - w;  // <= utf8.length
      utf8.copy(this.ring, w, 0, first);
      end = utf8.copy(this.ring, 0, first);
    }
    this.ring[end] = 10;
    this.w = (end + 1) % cap;
    Atomics.store(this.control, WRITE, this.w);
    if (this.cap - 1 - free + bytes >= this.cap >> 2) this.ring_();
  }

  ring_() {
    Atomics.add(this.control, DOORBELL, 1);
    Atomics.notify(this.control, DOORBELL);
  }

  /** The first line not handed over, how many were not, their bytes, the ring's free bytes. */
  fallBehind(firstLine, lineCount, bytes, free) {
    this.halted = true;
    this.notHandedOver = lineCount;
    const queued = this.cap - 1 - free;
    this.behind = `its thread fell behind at ${whereIn(firstLine)}: ${queued} bytes queued, ${bytes} more did not fit in PEER_REPLAY_LIVE_SHADOW_QUEUE_BYTES=${this.cap}`;
    this.log(`peer-replay shadow: stopped comparing: ${this.behind}`);
    Atomics.store(this.control, CLOSING, kDrain);  // what the ring holds is still compared
    this.ring_();
  }

  receive(m) {
    if (m.type === "divergence") this.reports.report(m.d);
    else if (m.type === "failed") this.fail(m.where, m.message);
    else if (m.type === "final") this.final = m;
  }

  fail(where, message) {
    if (this.failure || this.failed) return;
    this.failed = true;
    this.halted = true;
    Atomics.store(this.control, CLOSING, kQuit);
    this.ring_();
    this.onFailure(where, message);
  }

  /**
   * Hands the worker its last lines, waits until it has compared them (at most kCloseWaitMs: the
   * caller's thread is blocked meanwhile) and reports every verdict it sent; then ends the worker.
   */
  close() {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    this.halted = true;
    if (!this.failed) {
      Atomics.compareExchange(this.control, CLOSING, 0, kDrain);
      this.ring_();
      if (Atomics.wait(this.control, DONE, 0, kCloseWaitMs) === "timed-out") {
        this.fail("at the end of the capture", `its thread did not finish within ${kCloseWaitMs} ms`);
      }
    }
    for (let m; (m = receiveMessageOnPort(this.port)) !== undefined; ) this.receive(m.message);
    this.port.close();
    void this.worker.terminate();
  }
}

/** The worker: a Shadow fed the ring's lines, its verdicts posted back. */
function workerMain({header, perturb, control, ring: shared, port}) {
  const ring = Buffer.from(shared);
  const cap = ring.length;
  const stats = {cpu_ms: 0, startup_cpu_ms: 0, busy_ms: 0, batches: 0, lines: 0};
  let shadow = null;
  let line = null;  // the line being compared, for the failure's message
  try {
    const {Shadow} = require("./shadow.js");
    shadow = new Shadow(header, {perturb, reports: {count: 0, report: (d) => port.postMessage({type: "divergence", d})}});
    stats.startup_cpu_ms = threadCpuMs();  // the thread's start, the addon's load, the replayer's construction
    let r = 0;
    for (;;) {
      const doorbell = Atomics.load(control, DOORBELL);
      const closing = Atomics.load(control, CLOSING);
      if (closing === kQuit) break;
      const w = Atomics.load(control, WRITE);
      if (w === r) {
        if (closing === kDrain) break;
        Atomics.wait(control, DOORBELL, doorbell, kPollMs);
        continue;
      }
      const t0 = performance.now();
      const text = r < w ? ring.toString("utf8", r, w) : Buffer.concat([ring.subarray(r, cap), ring.subarray(0, w)]).toString("utf8");
      r = w;
      Atomics.store(control, READ, r);  // the text is copied out: the writer may reuse the space
      const lines = text.split("\n");
      lines.pop();  // after the last "\n"
      for (line of lines) shadow.record(line);
      Atomics.store(control, COMPARED, shadow.compared);
      stats.busy_ms += performance.now() - t0;
      stats.batches++;
      stats.lines += lines.length;
    }
  } catch (e) {
    port.postMessage({type: "failed", where: `at ${line === null ? "header" : whereIn(line)}`, message: e.message});
  } finally {
    stats.cpu_ms = threadCpuMs() - stats.startup_cpu_ms;  // comparing, and looking at the ring
    port.postMessage({type: "final", compared: shadow?.compared ?? 0, stopped: shadow?.stopped ?? null, stats});
    Atomics.store(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
}

/** The lines in a Buffer of "\n"-terminated lines. */
function countLines(utf8) {
  let n = 0;
  for (let i = utf8.indexOf(10); i >= 0; i = utf8.indexOf(10, i + 1)) n++;
  return n;
}

/** This thread's CPU time in ms (Linux: /proc/thread-self/schedstat; elsewhere NaN). */
function threadCpuMs() {
  try {
    return Number(fs.readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]) / 1e6;
  } catch {
    return NaN;
  }
}

if (!isMainThread && workerData?.peerReplayShadowThread) workerMain(workerData.peerReplayShadowThread);

module.exports = {ShadowThread, queueBytesOf, kDefaultQueueBytes};
