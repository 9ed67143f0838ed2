// A stand-in for a broken engine's effect, for the fuzzer's own test: copies trace IN to OUT with
// the first non-zero expected `lodestar` score moved by one unit in the last place, as an engine
// with a 1-ULP error in a constant would make it differ.
import fs from "node:fs";

const [input, output] = process.argv.slice(2);
const lines = fs.readFileSync(input, "utf8").split("\n");
const bump = (x) => {
  const b = new Float64Array([x]);
  const i = new BigInt64Array(b.buffer);
  i[0] += 1n;
  return b[0];
};
let done = false;
for (let k = 0; k < lines.length && !done; k++) {
  if (!lines[k].startsWith('{"type":"expect"')) continue;
  lines[k] = lines[k].replace(/"lodestar":(-?[0-9.e+-]+)/g, (m, v) => {
    if (done || Number(v) === 0) return m;
    done = true;
    return `"lodestar":${bump(Number(v))}`;
  });
}
fs.writeFileSync(output, lines.join("\n"));
