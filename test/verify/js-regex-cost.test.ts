import { describe, expect, it } from "vitest";
import {
  MATCH_STEP_BUDGET,
  MatchNotCheckedError,
  loadModule,
} from "../../src/verify/js/interpret.js";
import { regexCostModel } from "../../src/verify/js/regex-cost.js";

/**
 * verify bounds a generated module's `match()` by counting, not by a clock: regex-cost.ts counts
 * an upper bound on V8's backtracking steps before a search runs, and a match() over the budget is
 * an unchecked case. These tests pin the count on closed forms and growth rates, and show that
 * every way a module can start a search is costed before V8 runs it.
 */

const steps = (source: string, text: string, flags = "u"): number =>
  regexCostModel(source, flags)!.steps(text, Number.MAX_SAFE_INTEGER);

describe("the step count", () => {
  it("is exact on closed forms", () => {
    // One character test per start position (n + 1 of them, the end included).
    expect(steps("x", "y".repeat(1000))).toBe(1001);
    // `.*` from start p visits its head, its character test and the end once per position p..n:
    // 3 (n - p + 1), summed over the n + 1 start positions.
    const n = 500;
    expect(steps(".*", "y".repeat(n))).toBe((3 * (n + 1) * (n + 2)) / 2);
    // `^` (without the m flag) lets only the attempt at position 0 go on: n + 1 anchor tests
    // and one character test. With the m flag it is counted as holding everywhere.
    expect(steps("^x", "y".repeat(1000))).toBe(1002);
    expect(steps("^x", "y".repeat(1000), "mu")).toBe(1001);
  });

  it("grows with the degree of the pattern's backtracking", () => {
    const ratio = (source: string, text: (n: number) => string, n: number): number =>
      steps(source, text(2 * n)) / steps(source, text(n));
    const a = (n: number): string => "a".repeat(n);
    // Linear: a literal; quadratic: `a+b` (V8 retries the run from every start); cubic: `.*a.*b`.
    expect(ratio("abc", a, 2000)).toBeCloseTo(2, 1);
    expect(ratio("a+b", a, 2000)).toBeCloseTo(4, 1);
    expect(ratio(".*a.*b", a, 400)).toBeCloseTo(8, 0);
    // An exponential shape doubles with every character.
    expect(steps("(a+)+$", a(21)) / steps("(a+)+$", a(20))).toBeGreaterThan(1.9);
  });

  it("counts a lookaround's body and a backreference as work", () => {
    const text = "a".repeat(300);
    expect(steps("(?=.*b)x", text)).toBeGreaterThan(steps("x", text) * 100);
    expect(steps("(a)\\1x", text)).toBeGreaterThan(steps("(a)ax", text) * 100);
  });

  it("stops counting at the cap", () => {
    const model = regexCostModel(".*a.*b", "u")!;
    expect(model.steps("a".repeat(1_000_000), 1000)).toBe(1000);
  });

  it("leaves a pattern too large to model unmodelled", () => {
    expect(regexCostModel("(?:a{1,400}){1,400}".repeat(20), "u")).toBeUndefined();
    expect(regexCostModel("(".repeat(300) + ")".repeat(300), "u")).toBeUndefined();
    // Syntax the shape reader would misread: left to the wall-clock guard.
    expect(regexCostModel("[^]*x", "u")).toBeUndefined();
    expect(regexCostModel("[\\p{L}--[a-z]]+", "v")).toBeUndefined();
  });
});

/** A module in the shape the JS backend emits: a regex constant and a match() that searches. */
function moduleWith(source: string, search: string): string {
  return [
    `export const rule = Object.freeze({ title: "t" });`,
    `const RE = new RegExp(${JSON.stringify(source)}, "u");`,
    `export function match(event) {`,
    `  const v = event.v;`,
    `  return typeof v === "string" && ${search};`,
    `}`,
  ].join("\n");
}

function notChecked(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (e instanceof MatchNotCheckedError) return e.code;
    throw e;
  }
  return "ran";
}

describe("match() in verify", () => {
  // Without the count each of these runs for hours in V8; the wall-clock guard would then end it
  // with VERIFY_JS_GUARD after a minute, so the code below proves the count decided, up front.
  const hostile = { v: "a".repeat(100_000) };

  for (const search of [
    "RE.test(v)",
    "RE.exec(v) !== null",
    "v.match(RE) !== null",
    "v.search(RE) >= 0",
    "v.replace(RE, '') !== v",
    "v.split(RE).length > 1",
  ]) {
    it(`costs every search before it runs: ${search}`, () => {
      const { match } = loadModule(moduleWith(".*a.*b", search));
      expect(match({ v: "xaxb" })).toBe(true);
      expect(match({ v: "xaxa" })).toBe(false);
      expect(notChecked(() => match(hostile))).toBe("VERIFY_JS_STEP_BUDGET");
    });
  }

  it("refuses an exponential shape on a short value before V8 starts it", () => {
    // (a+)+$ on 40 a's and a b: about 2^40 steps in V8.
    const { match } = loadModule(moduleWith("(a+)+$", "RE.test(v)"));
    expect(match({ v: "aaab" })).toBe(false);
    expect(notChecked(() => match({ v: "a".repeat(40) + "b" }))).toBe("VERIFY_JS_STEP_BUDGET");
  });

  it("charges all searches of one call against one budget, and starts afresh on the next", () => {
    // Each search of `.*a.*b` on this value costs a little over a third of the budget.
    let n = 1;
    while (steps(".*a.*b", "a".repeat(n)) * 3 < MATCH_STEP_BUDGET) n++;
    const value = "a".repeat(n - 1);
    expect(steps(".*a.*b", value) * 3).toBeLessThan(MATCH_STEP_BUDGET);
    expect(steps(".*a.*b", value) * 4).toBeGreaterThan(MATCH_STEP_BUDGET);
    const { match } = loadModule(moduleWith(".*a.*b", "RE.test(v) || RE.test(v) || RE.test(v)"));
    expect(match({ v: value })).toBe(false);
    const four = loadModule(
      moduleWith(".*a.*b", "RE.test(v) || RE.test(v) || RE.test(v) || RE.test(v)"),
    );
    expect(notChecked(() => four.match({ v: value }))).toBe("VERIFY_JS_STEP_BUDGET");
    expect(four.match({ v: "ab" })).toBe(true);
  });

  it("runs the runtime's own anchored helper patterns on long values", () => {
    const { match } = loadModule(
      moduleWith("x", "/^-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?$/.test(v)"),
    );
    expect(match({ v: "1".repeat(10_000) })).toBe(true);
  });
});
