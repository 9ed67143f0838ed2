#!/usr/bin/env node
// Shadow mode's engine glue (shadow.js: the addon's ShadowReplayer, which is
// `peer-replay check`'s replayer fed line by line, with the test-only
// PEER_REPLAY_SHADOW_PERTURB) as an implementation under test of the
// conformance protocol (docs/PROTOCOL.md):
//
//   peer-replay check --impl "node bindings/node/shadow-serve.js" <repro>
//
// replays a shadow repro through exactly the code that reported it, so a bug in
// the glue reproduces as well as one in the engine (plain `peer-replay check`
// replays the C++ engine alone: it passes when the glue is at fault). Each
// event line goes in as it came; the answer is the engine's expect record as
// the replayer holds it (ShadowReplayer.answer(), perturbation applied).
// One trace per process, as the protocol runs it.
"use strict";

const readline = require("node:readline");
const {makeReplayer, parsePerturbation} = require("./shadow.js");

const kProtocol = "peer-replay-impl";
const kProtocolVersion = 1;

const answer = (obj) => process.stdout.write(`${typeof obj === "string" ? obj : JSON.stringify(obj)}\n`);

function fail(line, message) {
  process.stderr.write(`<stdin>:${line}: ${message}\n`);
  process.exit(2);
}

async function main() {
  const perturb = parsePerturbation(process.env.PEER_REPLAY_SHADOW_PERTURB);
  const rl = readline.createInterface({input: process.stdin, crlfDelay: Infinity});
  let lineNo = 0;
  let engine = null;
  for await (const line of rl) {
    lineNo++;
    let rec;
    try {
      rec = JSON.parse(line);
    } catch (e) {
      fail(lineNo, `not JSON: ${e.message}`);
    }
    if (lineNo === 1) {
      if (!(rec?.type === "hello" && rec.protocol === kProtocol && rec.versions?.includes?.(kProtocolVersion))) {
        answer({type: "error", message: `expected a hello offering ${kProtocol} version ${kProtocolVersion}`});
        fail(lineNo, `expected a ${kProtocol} hello offering version ${kProtocolVersion}`);
      }
      answer({type: "hello", protocol: kProtocol, protocol_version: kProtocolVersion, implementation: {name: "peer-replay shadow glue", version: "0.2.0"}});
    } else if (lineNo === 2) {
      if (rec?.type !== "header") fail(lineNo, "expected the trace header");
      try {
        engine = makeReplayer(line, perturb, true);
      } catch (e) {
        answer({type: "error", message: `cannot run this trace: ${e.message}`});
        process.exit(0);
      }
      answer({type: "ready"});
    } else if (rec?.type === "end") {
      process.exit(0);
    } else if (rec?.type !== "event") {
      fail(lineNo, `expected an event or end record, got type ${JSON.stringify(rec?.type)}`);
    } else {
      try {
        engine.feed(line);
        const expect = engine.answer();
        answer(expect ?? {type: "error", seq: rec.seq, message: engine.stopped ?? "the engine gave no answer"});
      } catch (e) {
        answer({type: "error", seq: rec.seq, message: e.message});
      }
    }
  }
  process.exit(0);
}

main();
