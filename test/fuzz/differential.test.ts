import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TARGET_NAMES } from "../../src/targets/types.js";
import { event, expr } from "./arbitraries.js";
import { checkCase, describeFinding } from "./differential.js";

/**
 * Differential fuzzing: random detection trees × random raw events, every target against the
 * reference evaluator (see differential.ts for the two properties). Seeded: FUZZ_SEED and
 * FUZZ_RUNS override the defaults (`npm run fuzz -- --runs N --seed S` sets them, see
 * run-differential.ts); fast-check prints the seed and the shrunk counterexample on failure.
 * Events are mostly well-typed (as kube-apiserver writes them) and sometimes of any JSON type.
 */

const EVENTS_PER_TREE = 6;
const DEFAULT_RUNS = 500; // 500 trees × 6 events = 3,000 cases, each checked in every target
const runs = Number(process.env.FUZZ_RUNS ?? DEFAULT_RUNS);
const seed = Number(process.env.FUZZ_SEED ?? 20261128);

describe("differential fuzz: every target agrees with the reference evaluator", () => {
  it(`holds for ${runs} random trees × ${EVENTS_PER_TREE} events (seed ${seed})`, async () => {
    let cases = 0;
    const compiledPerTarget = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        expr,
        fc.array(event, { minLength: EVENTS_PER_TREE, maxLength: EVENTS_PER_TREE }),
        async (ir, events) => {
          const result = await checkCase(ir, events, TARGET_NAMES);
          cases += events.length;
          for (const t of result.compiled)
            compiledPerTarget.set(t, (compiledPerTarget.get(t) ?? 0) + 1);
          if (result.findings.length > 0)
            throw new Error(
              `IR: ${JSON.stringify(ir)}\n` +
                result.findings.slice(0, 3).map(describeFinding).join("\n"),
            );
        },
      ),
      { seed, numRuns: runs },
    );
    console.log(
      `[fuzz] seed ${seed}: ${cases} tree×event cases (incl. shrinking); trees compiled per target: ` +
        JSON.stringify(Object.fromEntries(compiledPerTarget)),
    );
    expect(cases).toBeGreaterThanOrEqual(runs * EVENTS_PER_TREE);
  }, 600_000);
});
