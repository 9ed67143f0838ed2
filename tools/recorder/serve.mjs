#!/usr/bin/env node
// The real Lodestar as an implementation under test: speaks the conformance protocol
// (docs/PROTOCOL.md) on stdin/stdout with Lodestar's PeerManager behind it, driven event by
// event through lib/trace-session.mjs (the recorder's Session, the same mocks and fake clock).
//
//   peer-replay check --impl "node tools/recorder/serve.mjs" traces/
//
// One trace per process (the fake clock and Math.random are per process). A refused event is
// answered with an error record naming why; a protocol violation by the harness ends the process
// with status 2 and one line on stderr.
import {createInterface} from "node:readline";
import {lodestarPackages} from "./lib/env.mjs";
import {TraceSession} from "./lib/trace-session.mjs";

const PROTOCOL = "peer-replay-impl";
const PROTOCOL_VERSION = 1;

const answer = (obj) => process.stdout.write(typeof obj === "string" ? `${obj}\n` : `${JSON.stringify(obj)}\n`);

function fail(line, message) {
  process.stderr.write(`<stdin>:${line}: ${message}\n`);
  process.exit(2);
}

const rl = createInterface({input: process.stdin, crlfDelay: Infinity});
let lineNo = 0;
let session = null;
for await (const line of rl) {
  lineNo++;
  let rec;
  try {
    rec = JSON.parse(line);
  } catch (e) {
    fail(lineNo, `not JSON: ${e.message}`);
  }
  if (lineNo === 1) {
    const offered = rec?.type === "hello" && rec.protocol === PROTOCOL && Array.isArray(rec.versions) && rec.versions.includes(PROTOCOL_VERSION);
    if (!offered) {
      answer({type: "error", message: `expected a hello offering ${PROTOCOL} version ${PROTOCOL_VERSION}`});
      fail(lineNo, `expected a ${PROTOCOL} hello offering version ${PROTOCOL_VERSION}`);
    }
    answer({type: "hello", protocol: PROTOCOL, protocol_version: PROTOCOL_VERSION, implementation: {name: "lodestar", version: lodestarPackages()["@lodestar/beacon-node"]}});
    continue;
  }
  if (lineNo === 2) {
    if (rec?.type !== "header") fail(lineNo, "expected the trace header");
    try {
      session = new TraceSession(rec).start();
    } catch (e) {
      answer({type: "error", message: `cannot run this trace: ${e.message}`});
      process.exit(0);
    }
    answer({type: "ready"});
    continue;
  }
  if (rec?.type === "end") process.exit(0);
  if (rec?.type !== "event") fail(lineNo, `expected an event or end record, got type ${JSON.stringify(rec?.type)}`);
  try {
    answer(await session.step(rec));
  } catch (e) {
    answer({type: "error", seq: rec.seq, message: e.message});
    // Lodestar's state is unknown after a refusal: the harness stops at the first one anyway.
  }
}
process.exit(0);
