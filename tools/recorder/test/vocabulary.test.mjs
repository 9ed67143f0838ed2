// The engine's enum <-> name tables (engine/include/peers/enum_names.h, printed by `peer-replay-vocabulary`)
// are the one source of every name at the trace boundary. The JS validator and the fuzz
// dictionary read them from the C++ headers (lib/vocabulary.mjs); the TypeScript types of the Node
// addon list them by hand. This test fails when what any of them has differs from the compiled
// tables (in set or order).
//
//   PEER_REPLAY_VOCABULARY=build/release/bin/peer-replay-vocabulary node --test tools/recorder/test/vocabulary.test.mjs
import assert from "node:assert/strict";
import {execFileSync} from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import {fileURLToPath} from "node:url";
import {VOCABULARY} from "../lib/validate.mjs";
import {dictSections} from "../lib/vocabulary.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const bin = process.env.PEER_REPLAY_VOCABULARY;

function engineTables() {
  assert.ok(bin && fs.existsSync(bin), `PEER_REPLAY_VOCABULARY must name the peer-replay-vocabulary binary (got ${bin})`);
  return JSON.parse(execFileSync(bin, {encoding: "utf8"}));
}

// Tables the JS side never names: the engine's own (score states, prune reasons) and goodbye codes,
// which traces carry as any decimal.
const NOT_IN_TRACES = new Set(["score_states", "prune_reasons", "goodbye_codes"]);

test("validate.mjs lists every trace table as the engine does", () => {
  const tables = engineTables();
  for (const [name, names] of Object.entries(tables)) {
    if (NOT_IN_TRACES.has(name)) continue;
    assert.deepEqual(VOCABULARY[name], names, `validate.mjs VOCABULARY.${name}`);
  }
  for (const name of Object.keys(VOCABULARY)) assert.ok(name in tables, `validate.mjs lists ${name}, which the engine has no table for`);
});

// `export type X = | "a" | "b";` in index.d.ts, as a list.
function tsUnion(text, type) {
  const m = text.match(new RegExp(`export type ${type} =([^;]*);`));
  assert.ok(m, `index.d.ts has no "export type ${type} = ...;"`);
  return [...m[1].matchAll(/"([^"]*)"/g)].map((x) => x[1]);
}

test("bindings/node/index.d.ts declares the engine's names", () => {
  const tables = engineTables();
  const dts = fs.readFileSync(path.join(root, "bindings", "node", "index.d.ts"), "utf8");
  const types = {
    event_kinds: "EventKind",
    timer_kinds: "TimerKind",
    action_kinds: "ActionKind",
    peer_actions: "PeerAction",
    req_resp_methods: "ReqRespMethod",
    connection_statuses: "ConnectionStatus",
    directions: "Direction",
    subnet_types: "SubnetType",
    producer_modes: "ProducerMode",
  };
  for (const [table, type] of Object.entries(types)) assert.deepEqual(tsUnion(dts, type), tables[table], `index.d.ts ${type}`);
});

test("the fuzz dictionary's name sections are the engine's names", () => {
  const tables = engineTables();
  // fuzz/trace.dict keeps the other tokens; run.sh appends these sections to it.
  const committed = fs.readFileSync(path.join(root, "fuzz", "trace.dict"), "utf8");
  assert.ok(!/^# table: /m.test(committed), "fuzz/trace.dict lists a name table by hand: fuzz/run.sh appends them");
  const sections = {};
  let current = null;
  for (const line of `${committed}\n${dictSections()}`.split("\n")) {
    const header = line.match(/^# table: (\w+)$/);
    if (header) {
      current = sections[header[1]] = [];
      continue;
    }
    if (line === "" || line.startsWith("#")) {
      current = null;
      continue;
    }
    if (current) current.push(line.match(/^\w+="\\"(.*)\\""$/)?.[1] ?? `(not a quoted token: ${line})`);
  }
  for (const [name, names] of Object.entries(tables)) {
    if (NOT_IN_TRACES.has(name) || name === "req_action_kinds") continue;
    assert.deepEqual(sections[name], names, `the dictionary's "# table: ${name}"`);
  }
});
