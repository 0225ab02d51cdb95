import fc from "fast-check";
import { expect, it } from "vitest";
import { event, expr } from "./arbitraries.js";
import { checkCase, describeFinding } from "./differential.js";

const runs = Number(process.env.FUZZ_RUNS ?? 500);
const seeds = (process.env.FUZZ_SEEDS ?? "1").split(",").map(Number);

it("elastic scratch fuzz", async () => {
  let cases = 0;
  let compiled = 0;
  let comparisons = 0;
  const failures: string[] = [];
  for (const seed of seeds) {
    const samples = fc.sample(
      fc.tuple(expr, fc.array(event, { minLength: 6, maxLength: 6 })),
      { seed, numRuns: runs },
    );
    for (const [ir, events] of samples) {
      const r = await checkCase(ir, events, ["elastic"]);
      cases += events.length;
      compiled += r.compiled.length;
      comparisons += r.comparisons;
      if (r.findings.length > 0 && failures.length < 8)
        failures.push(`IR: ${JSON.stringify(ir)}\n` + r.findings.slice(0, 1).map(describeFinding).join("\n"));
    }
  }
  console.log(`[scratch] ${cases} cases, ${compiled} trees compiled, ${comparisons} compared, ${failures.length} failing trees shown`);
  expect(failures.join("\n\n")).toBe("");
}, 3_600_000);
