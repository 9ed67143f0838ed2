// The command line of the recorder's tools (record.mjs, generate.mjs), one way for both:
// node:util parseArgs with --help and --quiet, a user's mistake (bad flag, bad value, unknown
// scenario) as one line "<tool>: <what was expected>" on stderr and exit 2 (no stack trace; a
// stack trace is for our bugs), and a progress line on stderr that only a terminal sees.
import path from "node:path";
import {parseArgs} from "node:util";

export const EXIT_USAGE = 2;

/** A mistake of the user's: reported as one line, exit 2. */
export class UsageError extends Error {}

function tool() {
  return path.basename(process.argv[1] ?? "node");
}

/**
 * Parses argv (without node and the script). `options` as node:util parseArgs takes them; --help
 * (-h) and --quiet (-q) are added. Prints `help` and exits 0 on --help.
 */
export function parseCommandLine(argv, {options, allowPositionals = false, help}) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {...options, help: {type: "boolean", short: "h"}, quiet: {type: "boolean", short: "q"}},
      allowPositionals,
      strict: true,
    });
  } catch (e) {
    // Node's messages name the option in quotes and go on about "--"; one short line instead.
    const name = /'([^']+)'/.exec(e.message)?.[1];
    if (e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") throw new UsageError(`unknown option ${name} (see --help)`);
    if (e.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") throw new UsageError(`${name ?? "an option"} needs a value (see --help)`);
    if (e.code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") throw new UsageError(`unexpected argument ${name} (see --help)`);
    throw new UsageError(`${e.message} (see --help)`);
  }
  if (parsed.values.help) {
    process.stdout.write(help.endsWith("\n") ? help : help + "\n");
    process.exit(0);
  }
  return parsed;
}

/** An integer option within [min, max], or UsageError naming it. */
export function integerOption(name, text, {min = 0, max = Number.MAX_SAFE_INTEGER} = {}) {
  const n = Number(text);
  if (!/^[0-9]+$/.test(String(text)) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${name} expects an integer from ${min} to ${max}, got "${text}"`);
  }
  return n;
}

/** Runs the tool's main: a UsageError is one line on stderr and exit 2. */
export async function runTool(main) {
  try {
    await main();
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${tool()}: ${e.message}\n`);
    process.exit(EXIT_USAGE);
  }
}

function duration(seconds) {
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, "0")}m` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

function mib(bytes) {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * The progress line: "<label>  N of M <unit> (P%)  R <unit>/s  [bytes]  ETA 1m05s", redrawn in place
 * at most 8 times a second, only when stderr is a terminal and not --quiet. clear() before printing
 * a result.
 */
export class Progress {
  constructor({quiet = false, total = 0, unit = "events", label = ""} = {}) {
    this.enabled = Boolean(process.stderr.isTTY) && !quiet;
    this.total = total;
    this.unit = unit;
    this.label = label;
    this.start = performance.now();
    this.last = -Infinity;
    this.drawn = false;
  }

  update(done, {bytes} = {}) {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.last < 125) return;
    this.last = now;
    const elapsed = (now - this.start) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    let s = this.label ? `${this.label}  ` : "";
    s += this.total ? `${done} of ${this.total} ${this.unit} (${Math.floor((100 * done) / this.total)}%)` : `${done} ${this.unit}`;
    s += `  ${rate.toFixed(rate < 10 ? 1 : 0)} ${this.unit}/s`;
    if (bytes !== undefined) s += `  ${mib(bytes)} written`;
    if (this.total && done > 0 && done < this.total) s += `  ETA ${duration((elapsed * (this.total - done)) / done)}`;
    process.stderr.write(`\r\x1b[K${s}`);
    this.drawn = true;
  }

  clear() {
    if (!this.drawn) return;
    process.stderr.write("\r\x1b[K");
    this.drawn = false;
  }
}
