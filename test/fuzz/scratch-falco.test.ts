import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { event, expr } from "./arbitraries.js";
import { checkCase, describeFinding } from "./differential.js";

const runs = Number(process.env.FUZZ_RUNS ?? 500);
const seeds = (process.env.FUZZ_SEEDS ?? "20261128").split(",").map(Number);

describe("scratch falco fuzz", () => {
  for (const seed of seeds)
    it(`falco seed ${seed}`, async () => {
      let cases = 0;
      await fc.assert(
        fc.asyncProperty(expr, fc.array(event, { minLength: 6, maxLength: 6 }), async (ir, events) => {
          const r = await checkCase(ir, events, ["falco"]);
          cases += events.length;
          if (r.findings.length > 0)
            throw new Error(`IR: ${JSON.stringify(ir)}\n` + r.findings.slice(0, 3).map(describeFinding).join("\n"));
        }),
        { seed, numRuns: runs },
      );
      console.log(`[falco fuzz] seed ${seed}: ${cases} cases`);
      expect(cases).toBeGreaterThan(0);
    }, 1_200_000);
});
