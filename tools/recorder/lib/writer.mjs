// Writes JSON Lines, zstd-compressed through the Debian `zstd` CLI (Node 20 has no zstd).
//
// Determinism: the same lines give the same bytes. Lines are buffered and compressed in chunks of
// whole lines (`chunkBytes`), each chunk one zstd frame (FORMAT.md §1 allows concatenated frames),
// by `zstd -<level> --single-thread -q -c` reading stdin: no file name, no timestamp, no content
// size in the frame; the frame checksum is kept (it is a function of the content). A `.jsonl` path
// is written uncompressed.
import {spawnSync} from "node:child_process";
import fs from "node:fs";

export const ZSTD = process.env.PEER_REPLAY_ZSTD || "/usr/bin/zstd";

export function assertZstd() {
  if (!fs.existsSync(ZSTD)) {
    throw new Error(
      `zstd not found at ${ZSTD}: install the Debian package 'zstd' (apt-get install zstd; the project's bootstrap ` +
        "script does it) or set PEER_REPLAY_ZSTD to the binary"
    );
  }
}

export function zstdCompress(buf, level) {
  const r = spawnSync(ZSTD, [`-${level}`, "--single-thread", "-q", "-c"], {input: buf, maxBuffer: 1 << 30});
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`zstd exited with ${r.status}: ${r.stderr}`);
  return r.stdout;
}

export function zstdDecompress(buf) {
  const r = spawnSync(ZSTD, ["-d", "-q", "-c"], {input: buf, maxBuffer: 4 * 2 ** 30});
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`zstd -d exited with ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** Reads a trace file (.jsonl or .jsonl.zst, decided by content) and returns its text. */
export function readTraceText(file) {
  const buf = fs.readFileSync(file);
  const zst = buf.length >= 4 && buf[0] === 0x28 && buf[1] === 0xb5 && buf[2] === 0x2f && buf[3] === 0xfd;
  return (zst ? zstdDecompress(buf) : buf).toString("utf8");
}

// Writers not yet closed or aborted: a process that ends with one open (an uncaught error, a
// process.exit) removes its temporary file instead of leaving it beside the destination.
const openWriters = new Set();
process.on("exit", () => {
  for (const w of openWriters) w.abort();
});

export class TraceWriter {
  /**
   * @param {string} file destination; `.jsonl` = plain, anything else = zstd
   * @param {{level?: number, chunkBytes?: number}} opts
   */
  constructor(file, {level = 19, chunkBytes = 256 << 20} = {}) {
    this.file = file;
    this.compress = !file.endsWith(".jsonl");
    if (this.compress) assertZstd();
    this.level = level;
    this.chunkBytes = chunkBytes;
    this.parts = [];
    this.size = 0;
    this.lines = 0;
    this.written = 0; // characters of JSON Lines text written so far (for progress lines)
    this.tmp = `${file}.tmp-${process.pid}`;
    this.fd = fs.openSync(this.tmp, "w");
    openWriters.add(this);
  }

  write(line) {
    this.parts.push(line, "\n");
    this.size += line.length + 1;
    this.written += line.length + 1;
    this.lines++;
    if (this.size >= this.chunkBytes) this.flush();
  }

  /** Writes the buffered lines as one frame (or plain text). */
  flush() {
    if (this.parts.length === 0) return;
    const text = Buffer.from(this.parts.join(""), "utf8");
    this.parts = [];
    this.size = 0;
    fs.writeSync(this.fd, this.compress ? zstdCompress(text, this.level) : text);
  }

  /** Flushes, and renames the temporary file onto the destination (a crash never leaves a half trace there). */
  close() {
    this.flush();
    fs.closeSync(this.fd);
    fs.renameSync(this.tmp, this.file);
    openWriters.delete(this);
  }

  abort() {
    openWriters.delete(this);
    try {
      fs.closeSync(this.fd);
    } catch {}
    try {
      fs.unlinkSync(this.tmp);
    } catch {}
  }
}
