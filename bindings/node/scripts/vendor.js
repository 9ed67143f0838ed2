// prepack: copies the engine's sources the addon compiles into native/, so
// that the tarball `npm pack` makes builds on install without the rest of the
// repository (CMakeLists.txt prefers native/ when it is there). Only sources:
// no tests, no test data. native/ is not in git (bindings/node/.gitignore).
"use strict";

const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..", "..", "..");
const out = path.join(__dirname, "..", "native");

// Trees copied whole (less tests), and single files beside them.
const trees = ["engine"];
const files = [
  "trace/format.h", "trace/json_tape.h", "trace/json_tape.cc", "trace/trace_schema.h", "trace/trace_schema.cc",
  "trace/metrics_schema.h", "trace/metrics_schema.cc", "trace/trace_reader.h", "replay/trace_event.h", "replay/trace_event.cc", "replay/metrics_record.h",
  "replay/metrics_record.cc", "trace/trace_reader.cc", "trace/json_compare.h", "trace/json_compare.cc",
  "trace/display_text.h", "trace/display_text.cc", "trace/atomic_file.h", "trace/atomic_file.cc", "trace/trace_writer.h",
  "trace/trace_writer.cc", "trace/segments.h", "trace/segments.cc", "replay/replayer.h", "replay/replayer.cc",
  "replay/report_text.h", "replay/report_text.cc", "replay/expect_match.h", "replay/expect_match.cc",
  "replay/expect_record.h", "replay/expect_record.cc", "replay/parse_ahead.h", "replay/parse_ahead.cc",
  "replay/score_delta.h", "replay/lodestar_version.h", "replay/lodestar_version.cc", "tools/recorder/package.json", "LICENSE",
];
const skip = (rel) => /_test\.cc$/.test(rel) || /(^|\/)(testdata|testing)(\/|$)/.test(rel) || /\.sh$/.test(rel);

if (!fs.existsSync(path.join(root, "engine", "peer_manager.cc"))) {
  // Packing from an unpacked tarball: native/ is already there.
  if (fs.existsSync(path.join(out, "engine"))) process.exit(0);
  console.error(`vendor.js: no engine sources in ${root}/engine and no native/: pack from a peer-replay checkout`);
  process.exit(2);
}
fs.rmSync(out, {recursive: true, force: true});
const copy = (rel) => {
  fs.mkdirSync(path.dirname(path.join(out, rel)), {recursive: true});
  fs.copyFileSync(path.join(root, rel), path.join(out, rel));
};
for (const tree of trees) {
  for (const rel of fs.readdirSync(path.join(root, tree), {recursive: true})) {
    const full = path.join(root, tree, rel);
    const relPath = path.join(tree, rel);
    if (fs.statSync(full).isFile() && !skip(relPath)) copy(relPath);
  }
}
for (const rel of files) if (fs.existsSync(path.join(root, rel))) copy(rel);
