// How long a report page takes to open in headless chromium: from navigation
// to every chart drawn (window.peerReplayReport.ready), best of N loads.
// The figures in docs/BENCHMARKS.md ("HTML report") come from this.
//
//   node report/page_load_bench.mjs report.html [--repeat 5] [--chromium /usr/bin/chromium]
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const source = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const puppeteer = createRequire(path.join(source, "tools/report/package.json"))("puppeteer-core");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const file = path.resolve(process.argv[2]);
const repeat = Number(arg("--repeat", "5"));
const browser = await puppeteer.launch({
  executablePath: arg("--chromium", "/usr/bin/chromium"),
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
const times = [];
for (let i = 0; i < repeat; i++) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const t0 = performance.now();
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  await page.waitForFunction(() => window.peerReplayReport && window.peerReplayReport.ready, { timeout: 60000 });
  times.push(performance.now() - t0);
  if (errors.length) console.log(`page errors: ${errors.join("; ")}`);
  await page.close();
}
await browser.close();
times.sort((a, b) => a - b);
console.log(`${file}: open to every chart drawn, best ${times[0].toFixed(0)} ms, median ${times[Math.floor(times.length / 2)].toFixed(0)} ms (${repeat} loads)`);
