// One line per test case with its result in every mode run.sh ran (vitest's
// JSON reports), tab-separated: file, test name, then a result per mode.
import {readFileSync} from "node:fs";
import path from "node:path";

const [dir, ...modes] = process.argv.slice(2);
const results = new Map();  // "file\tname" -> {mode: status}
for (const mode of modes) {
  let report;
  try {
    report = JSON.parse(readFileSync(path.join(dir, `${mode}.json`), "utf8"));
  } catch {
    console.error(`summarize: no report for ${mode}`);
    process.exitCode = 1;
    continue;
  }
  for (const file of report.testResults) {
    const short = file.name.replace(/.*\/network\/peers\//, "");
    if (file.assertionResults.length === 0) {
      const key = `${short}\t(the file)`;
      if (!results.has(key)) results.set(key, {});
      results.get(key)[mode] = `FAIL to load: ${file.message.split("\n")[0].slice(0, 160)}`;
    }
    for (const t of file.assertionResults) {
      const key = `${short}\t${t.fullName}`;
      if (!results.has(key)) results.set(key, {});
      results.get(key)[mode] = t.status === "passed" ? "pass" : `FAIL: ${(t.failureMessages[0] ?? "").split("\n")[0].slice(0, 160)}`;
    }
  }
}
console.log(["file", "test", ...modes].join("\t"));
for (const [key, byMode] of results) console.log([key, ...modes.map((m) => byMode[m] ?? "-")].join("\t"));
