import { describe, expect, it } from "vitest";
import { checkCase, runLoaderFuzz } from "./run-loader-fuzz.js";

/**
 * Random and mutated rule files never make the front end throw, and every error is a coded
 * Diagnostic inside the file. FUZZ_CASES / FUZZ_SEED make the long run and replays
 * (`npm run fuzz:loader` = FUZZ_CASES=100000).
 */

const CASES = Number(process.env.FUZZ_CASES ?? 2_000);
const SEED = Number(process.env.FUZZ_SEED ?? 1);

describe("loader fuzz", () => {
  it("the checker accepts a good rule and a rule rejected with a positioned code", () => {
    const good = "title: t\nlogsource: {product: k}\ndetection: {s: {a: b}, condition: s}\n";
    expect(checkCase("ok.yml", Buffer.from(good))).toEqual({ codes: [] });
    const bad = good.replace("a: b", "a|nope: b");
    expect(checkCase("bad.yml", Buffer.from(bad))).toEqual({
      codes: ["DETECTION_UNKNOWN_MODIFIER"],
    });
  });

  it(
    `${CASES} random and mutated rule files from seed ${SEED}`,
    { timeout: Math.max(300_000, CASES * 20) },
    () => {
      const report = runLoaderFuzz(CASES, SEED);
      expect(report.failures.slice(0, 10)).toEqual([]);
      // No case is timed (a hang is caught by the test's timeout); the long run (npm run
      // fuzz:loader) prints the slowest case for a look, never as a verdict.
      if (CASES > 2_000)
        console.log(`slowest case: ${report.slowest.name} (${report.slowest.ms.toFixed(0)} ms)`);
      // The mix reaches every stage: some mutants still load, and errors come from the input
      // check, the YAML parser, the loader, the condition grammar and the normalizer.
      expect(report.clean / CASES).toBeGreaterThan(0.05);
      expect(report.clean / CASES).toBeLessThan(0.95);
      if (CASES >= 2_000) {
        const prefixes = new Set([...report.codes.keys()].map((c) => c.split("_")[0]));
        expect([...prefixes]).toEqual(
          expect.arrayContaining(["CONDITION", "DETECTION", "INPUT", "RULE", "YAML"]),
        );
      }
    },
  );
});
