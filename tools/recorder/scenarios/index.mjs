// The scenario catalog: every module's scenarios, in recording order. Names are unique.
import basic from "./basic.mjs";
import boundaries from "./boundaries.mjs";
import liveInputs from "./live-inputs.mjs";
import misc from "./misc.mjs";
import prune from "./prune.mjs";
import relevance from "./relevance.mjs";
import scoring from "./scoring.mjs";

export const scenarios = [...basic, ...relevance, ...scoring, ...prune, ...misc, ...boundaries, ...liveInputs];
const seen = new Set();
for (const s of scenarios) {
  if (seen.has(s.name)) throw new Error(`duplicate scenario ${s.name}`);
  seen.add(s.name);
}
