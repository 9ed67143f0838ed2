// The live capture's trace file: JSON Lines compressed in-process by zstd-napi (libzstd through
// Node-API; no child process on the beacon node's network thread), written as complete zstd frames,
// rotated into segments, capped in size. Owned by the live recorder (one writer per PeerManager).
//
// Crash safety (FORMAT.md §1.1, §2.4): records are buffered and written as one complete zstd frame
// on every flush (the recorder flushes every PEER_REPLAY_LIVE_FLUSH_MS), straight into the file
// under its final name: a node killed with kill -9 leaves every frame flushed before, which
// `peer-replay check` reads to the last complete record and reports as TRUNCATED (no end record,
// or a frame cut by the kill).
//
// Segments: once a segment holds `rotateBytes` of compressed data or is `rotateMs` old, the next
// frame goes to a new file: `X.jsonl.zst`, then `X.jsonl.zst.000002`, `.000003` ... Each closed
// segment ends at a frame boundary; their concatenation is the trace, and the reader chains them
// (trace/segments.h). Cap: once `maxBytes` have been written in all, write() returns false and
// the recorder ends the trace (a capture cannot fill the disk).
import fs from "node:fs";
import zstd from "zstd-napi";

const SEGMENT_DIGITS = 6;

export function segmentPath(file, index) {
  return index <= 1 ? file : `${file}.${String(index).padStart(SEGMENT_DIGITS, "0")}`;
}

export class LiveTraceWriter {
  /**
   * @param {string} file first segment; `.jsonl` = plain text, anything else = zstd frames
   * @param {{level?: number, chunkBytes?: number, rotateBytes?: number, rotateMs?: number, maxBytes?: number, now?: () => number}} opts
   */
  constructor(file, {level = 3, chunkBytes = 8 << 20, rotateBytes = 256 << 20, rotateMs = 3_600_000, maxBytes = 16 * 2 ** 30, now = Date.now} = {}) {
    this.file = file;
    this.compress = !file.endsWith(".jsonl");
    this.level = level;
    this.chunkBytes = chunkBytes;
    this.rotateBytes = rotateBytes;
    this.rotateMs = rotateMs;
    this.maxBytes = maxBytes;
    this.now = now;
    this.parts = [];
    this.size = 0;
    this.segment = 0;
    this.totalBytes = 0;
    this.full = false;
    this.compressTimeMs = 0; // time spent in zstd, for the overhead measurement (docs/LIVE_CAPTURE.md)
    this.frames = []; // {segment, offset, bytes} of every frame written: shadow mode's repro reads them back
    // Called with each frame's text (a Buffer of whole lines, each ending in "\n") once it is written:
    // shadow mode's hand-off to its thread (live-shadow.mjs). The callee owns the Buffer.
    this.onFlush = null;
    this.openSegment();
  }

  openSegment() {
    this.segment++;
    this.segmentBytes = 0;
    this.segmentStart = this.now();
    this.fd = fs.openSync(segmentPath(this.file, this.segment), "w");
  }

  /** Buffers one record line; false once the cap is reached (the line is still buffered). */
  write(line) {
    this.parts.push(line, "\n");
    this.size += line.length + 1;
    if (this.size >= this.chunkBytes) this.flush();
    return !this.full;
  }

  /** Writes the buffered lines as one complete frame, then rotates when the segment is due. */
  flush() {
    if (this.parts.length === 0) return;
    const text = Buffer.from(this.parts.join(""), "utf8");
    this.parts = [];
    this.size = 0;
    let out = text;
    if (this.compress) {
      const t0 = performance.now();
      out = zstd.compress(text, {compressionLevel: this.level, checksumFlag: true});
      this.compressTimeMs += performance.now() - t0;
    }
    fs.writeSync(this.fd, out);
    this.frames.push({segment: this.segment, offset: this.segmentBytes, bytes: out.length});
    this.onFlush?.(text);
    this.segmentBytes += out.length;
    this.totalBytes += out.length;
    if (this.totalBytes >= this.maxBytes) this.full = true;
    if (!this.full && (this.segmentBytes >= this.rotateBytes || this.now() - this.segmentStart >= this.rotateMs)) {
      fs.closeSync(this.fd);
      this.openSegment();
    }
  }

  close() {
    this.flush();
    fs.closeSync(this.fd);
    this.fd = null;
  }
}
