// The HTML report and the Chrome trace export, checked in a real headless
// browser (ctest "report: browser"): Debian's chromium driven by puppeteer-core
// (tools/report/package.json), started here.
//
//   node report/browser_test.mjs --bin build/release/bin/peer-replay --out build/release/report-browser
//
// It makes a trace that diverges (a corpus trace with one score changed), then
// writes the three pages (`report`, `check --report`, `diff --format html`) and
// the export, and checks: each page loads from file:// with no console error
// and no request; every chart drew its data (pixels of its series' colours on
// its canvas); the divergence is marked on every chart of the diverging pages
// (red pixels in the marked column) and the involved peers are flagged; the
// peer picker changes the score series and the pixels; bad input exits 2
// naming file and line and leaves no file. Screenshots go to --out. Exit 0
// when everything holds, 1 otherwise.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.resolve(here, "..");
const require = createRequire(path.join(source, "tools/report/package.json"));
const puppeteer = require("puppeteer-core");

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const bin = path.resolve(arg("--bin", path.join(source, "build/release/bin/peer-replay")));
const out = path.resolve(arg("--out", path.join(source, "build/release/report-browser")));
const chromium = arg("--chromium", "/usr/bin/chromium");
const corpus = path.join(source, "traces/generated-small.jsonl.zst");

let failures = 0;
function check(ok, what) {
  if (ok) {
    console.log(`ok    ${what}`);
  } else {
    console.log(`FAIL  ${what}`);
    failures++;
  }
}
function run(args, opts = {}) {
  const r = spawnSync(bin, args, { encoding: "utf8", maxBuffer: 256 << 20, ...opts });
  if (r.error) throw r.error;
  return r;
}

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
if (!fs.existsSync(chromium)) {
  console.log(`FAIL  ${chromium} not found: apt-get install chromium (scripts/bootstrap.sh lists it)`);
  process.exit(1);
}

// A trace that diverges: the first full score dump after seq 2000 with an
// entry gets that entry's score lowered by 7.5 (only that line is rewritten).
const lines = run(["cat", corpus]).stdout.split("\n").filter((l) => l.length > 0);
let changedSeq = null, changedPeer = null;
for (let i = 0; i < lines.length && changedSeq === null; i++) {
  const rec = JSON.parse(lines[i]);
  if (rec.type === "expect" && rec.seq >= 2000 && rec.scores_full && rec.scores.length > 0) {
    rec.scores[0].score -= 7.5;
    changedSeq = rec.seq;
    changedPeer = rec.scores[0].peer;
    lines[i] = JSON.stringify(rec);
  }
}
check(changedSeq !== null, "found a full score dump to change");
const diverging = path.join(out, "diverging.jsonl");
fs.writeFileSync(diverging, lines.join("\n") + "\n");

// The four outputs.
const pages = { report: path.join(out, "report.html"), check: path.join(out, "check-report.html"), diff: path.join(out, "diff.html") };
let r = run(["report", corpus, "-o", pages.report]);
check(r.status === 0, `report exits 0 (${r.status}: ${r.stderr.trim()})`);
r = run(["check", diverging, "--report", pages.check]);
check(r.status === 1, `check --report on the diverging trace exits 1 (${r.status}: ${r.stderr.trim()})`);
r = run(["diff", corpus, diverging, "--format", "html"]);
check(r.status === 1, `diff --format html exits 1 (differs) (${r.status}: ${r.stderr.trim()})`);
fs.writeFileSync(pages.diff, r.stdout);
const exported = path.join(out, "trace.json");
r = run(["export", "--format", "chrome-trace", corpus, "-o", exported]);
check(r.status === 0, `export exits 0 (${r.status}: ${r.stderr.trim()})`);

// Bad input: exit 2, "<file>:<line>:", and no file (not even a temp file) left.
const bad = path.join(source, "conformance/bad/bad_json_mid_file.jsonl");
for (const [cmd, file] of [["report", "bad.html"], ["export", "bad.json"]]) {
  r = run([cmd, bad, "-o", path.join(out, file)]);
  check(r.status === 2 && r.stderr.startsWith(`${bad}:3: `), `${cmd} of a bad trace exits 2 naming file and line`);
  check(!fs.readdirSync(out).some((f) => f.startsWith(file)), `${cmd} of a bad trace leaves no ${file}*`);
}

// The export: the Trace Event Format's required fields on every event.
// (Perfetto's trace_processor is not packaged by Debian, so it is not run.)
{
  const doc = JSON.parse(fs.readFileSync(exported, "utf8"));
  const events = doc.traceEvents;
  const phases = new Set(["M", "b", "e", "i", "C"]);
  const open = new Map();
  let bad = 0;
  for (const e of events) {
    if (typeof e.name !== "string" || !phases.has(e.ph) || !Number.isInteger(e.pid) || !Number.isInteger(e.tid)) bad++;
    if (e.ph !== "M" && !(typeof e.ts === "number" && e.ts >= 0)) bad++;
    if (e.ph === "b" || e.ph === "e") {
      if (typeof e.cat !== "string" || typeof e.id !== "string") bad++;
      const k = e.cat + "/" + e.id;
      open.set(k, (open.get(k) || 0) + (e.ph === "b" ? 1 : -1));
    }
    if (e.ph === "C" && !Object.values(e.args || {}).every((v) => typeof v === "number")) bad++;
  }
  check(Array.isArray(events) && events.length > 1000, `export: ${events.length} trace events`);
  check(bad === 0, `export: every event has name, ph, pid, tid (and ts, cat/id, numeric counter args) (${bad} bad)`);
  check([...open.values()].every((n) => n === 0), "export: every async span begins and ends");
  check(events.some((e) => e.ph === "M" && e.name === "thread_name" && e.args.name === changedPeer), "export: a track per peer");
}

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});

// Pixels of the given colours (within a tolerance: antialiasing) on a chart's canvas.
async function colouredPixels(page, chart, colours, column) {
  return page.evaluate((chart, colours, column) => {
    const u = window.peerReplayReport.charts[chart];
    const c = u.ctx.canvas;
    const x0 = column === null ? 0 : Math.max(0, column - 1);
    const w = column === null ? c.width : 3;
    const img = u.ctx.getImageData(x0, 0, w, c.height).data;
    const rgb = colours.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
    let n = 0;
    for (let i = 0; i < img.length; i += 4) {
      if (img[i + 3] < 128) continue;
      for (const [r, g, b] of rgb) {
        if (Math.abs(img[i] - r) + Math.abs(img[i + 1] - g) + Math.abs(img[i + 2] - b) < 60) { n++; break; }
      }
    }
    return n;
  }, chart, colours, column);
}

async function openPage(file) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (q) => { if (!q.url().startsWith("file://") && !q.url().startsWith("data:")) problems.push(`request: ${q.url()}`); });
  const t0 = Date.now();
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  try {
    await page.waitForFunction(() => window.peerReplayReport && window.peerReplayReport.ready, { timeout: 15000 });
  } catch (e) {
    console.log(`FAIL  ${file} never got ready: ${e.message}; ${problems.join("; ")}`);
    process.exit(1);
  }
  return { page, problems, ms: Date.now() - t0 };
}

const CHARTS = ["connected", "requested", "score", "actions"];
for (const [name, file] of Object.entries(pages)) {
  const { page, problems, ms } = await openPage(file);
  check(problems.length === 0, `${name}: loads from file:// in ${ms} ms with no console error or request ${problems.join("; ")}`);
  const drawn = await page.evaluate(() => Object.keys(window.peerReplayReport.charts));
  check(CHARTS.every((c) => drawn.includes(c)), `${name}: every chart exists (${drawn.join(", ")})`);
  for (const chart of CHARTS) {
    const colours = await page.evaluate((chart) => {
      const u = window.peerReplayReport.charts[chart];
      return u.series.slice(1).map((s, i) => s.stroke(u, i + 1)).filter((c) => /^#[0-9a-f]{6}$/.test(c));
    }, chart);
    const n = await colouredPixels(page, chart, colours, null);
    check(n > 100, `${name}: chart ${chart} drew its series (${n} pixels of its colours)`);
  }
  const marks = await page.evaluate(() => window.peerReplayReport.markersDrawn);
  const diverges = name !== "report";
  if (diverges) {
    check(CHARTS.every((c) => marks[c] >= 1), `${name}: the divergence is marked on every chart ${JSON.stringify(marks)}`);
    for (const chart of CHARTS) {
      const column = await page.evaluate((chart) => {
        const u = window.peerReplayReport.charts[chart];
        const m = JSON.parse(document.getElementById("report-data").textContent).marks[0];
        return Math.round(u.valToPos(m.t_ms / 1000, "x", true));
      }, chart);
      const red = await colouredPixels(page, chart, ["#d0312d"], column);
      check(red > 50, `${name}: chart ${chart} has the red marker at x=${column} (${red} pixels)`);
    }
    const box = await page.$eval("#divergence", (e) => e.textContent);
    check(box.includes(String(changedSeq)) && box.includes(changedPeer), `${name}: the divergence box names seq ${changedSeq} and the peer`);
    // Both know every differing entry's peer (check --report by diffing the
    // trace against the engine's outputs).
    const starred = await page.$$eval("#peer-picker option", (os) => os.filter((o) => o.textContent.startsWith("★")).map((o) => o.textContent));
    const involved = await page.evaluate(() => JSON.parse(document.getElementById("report-data").textContent).involved_peers);
    const listed = await page.evaluate(() => JSON.parse(document.getElementById("report-data").textContent).scores.peers.map((p) => p.peer));
    check(involved.filter((p) => listed.includes(p)).every((p) => starred.some((t) => t.includes(p))),
      `${name}: every involved peer with a score is flagged in the picker (${involved.length} involved)`);
    check(starred.some((t) => t.includes(changedPeer)), `${name}: the changed score's peer is flagged in the picker`);
    const rows = await page.$$eval("#divergence table tr", (trs) => trs.map((tr) => tr.textContent));
    check(rows.some((r) => r.includes(changedPeer) && r.includes("score") && r.includes("7.5")),
      `${name}: expected against actual member by member (the score row with its delta)`);
  } else {
    check(Object.values(marks).every((n) => n === 0), `${name}: a conforming trace has no marker`);
  }
  // The picker changes the score series (data and pixels).
  const before = await page.evaluate(() => {
    const u = window.peerReplayReport.charts.score;
    return { peer: window.peerReplayReport.selectedPeer, data: JSON.stringify(u.data[1]), pixels: u.ctx.canvas.toDataURL() };
  });
  const options = await page.$$eval("#peer-picker option", (os) => os.map((o) => o.value));
  const current = await page.$eval("#peer-picker", (s) => s.value);
  const other = options.find((v) => v !== current);
  await page.select("#peer-picker", other);
  const after = await page.evaluate(() => {
    const u = window.peerReplayReport.charts.score;
    return { peer: window.peerReplayReport.selectedPeer, data: JSON.stringify(u.data[1]), pixels: u.ctx.canvas.toDataURL() };
  });
  check(options.length > 1 && after.peer !== before.peer && after.data !== before.data && after.pixels !== before.pixels,
    `${name}: the peer picker changes the score series (${before.peer} -> ${after.peer})`);
  await page.select("#peer-picker", current);
  await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });
  await page.setViewport({ width: 1100, height: 1700 });
  await page.screenshot({ path: path.join(out, `${name}-top.png`) });  // README's size (docs/report-screenshot.png)
  await page.close();
}
await browser.close();

console.log(failures === 0 ? "browser test: all checks passed" : `browser test: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
