// Runs one catalog scenario in this process and writes its trace.
import {Session} from "./session.mjs";
import {TraceWriter} from "./writer.mjs";
import {ShadowTraceWriter, shadowEnabled} from "./live-shadow.mjs";

export async function recordScenario(sc, file, {writer} = {}) {
  let w = writer ?? new TraceWriter(file, {level: 19});
  if (shadowEnabled(process.env)) w = new ShadowTraceWriter(w, file); // shadow mode over the fake libp2p
  const s = new Session({scenario: sc.name, seed: sc.seed, note: sc.note, config: sc.config, writer: w}).start();
  try {
    await sc.run(s);
    await s.finish();
  } catch (e) {
    w.abort?.();
    throw e;
  }
  w.close?.();
  return s.stats;
}
