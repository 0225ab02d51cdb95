import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { prefilterOf } from "../../src/backends/splunk/prefilter.js";
import { printSearch } from "../../src/backends/splunk/print-search.js";
import type { Expr, Part } from "../../src/ir.js";
import { evaluate } from "../../src/sigma/evaluate.js";
import { splInterpreter } from "../../src/verify/spl/index.js";
import { HOSTILE_FRAGMENTS } from "../fuzz/arbitraries.js";
import { ANY, m, ONE, pat, T } from "../helpers/ir.js";

/**
 * The Splunk search terms put in front of `| where` must be implied by the rule: every value the
 * reference evaluator accepts satisfies them, as the SPL interpreter reads the printed search. A
 * term that is too narrow would silently drop matches before `where` ever sees them.
 */

const termsText = (e: Expr): string | undefined => {
  const p = prefilterOf(e);
  return p.kind === "terms" ? printSearch(p.expr, () => ["f"]) : undefined;
};

/** A value made to match the pattern: wildcards filled, letters in random case. */
function instantiate(parts: readonly Part[], fill: readonly string[], upper: boolean[]): string {
  let k = 0;
  return parts
    .map((p) => {
      const pick = fill[k++ % fill.length] ?? "";
      if (p.kind === "any") return pick;
      if (p.kind === "one") return [...pick][0] ?? "x";
      return [...p.text].map((c, i) => (upper[i % upper.length] ? c.toUpperCase() : c)).join("");
    })
    .join("");
}

const part = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...HOSTILE_FRAGMENTS).map(T) },
  { weight: 1, arbitrary: fc.constant(ANY) },
  { weight: 1, arbitrary: fc.constant(ONE) },
);

describe("Splunk search terms", () => {
  it("are implied by every pattern, for every value the pattern accepts", () => {
    let checked = 0;
    fc.assert(
      fc.property(
        fc.array(part, { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        fc.array(fc.constantFrom(...HOSTILE_FRAGMENTS, "", "zz"), { minLength: 1, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
        (parts, cased, fill, upper) => {
          const rule = m("f", pat(parts, cased));
          const text = termsText(rule);
          if (text === undefined) return;
          const search = splInterpreter.compile(text);
          for (const value of [instantiate(parts, fill, upper), instantiate(parts, fill, [false])])
            if (evaluate(rule, { f: value })) {
              checked++;
              expect(search({ f: [value] }), `${text} on ${JSON.stringify(value)}`).toBe(true);
            }
        },
      ),
      { numRuns: 3000, seed: 20261203 },
    );
    // Not vacuous: most generated values match their pattern and have terms to check.
    expect(checked).toBeGreaterThan(2000);
  });

  it("use the text around ?, inner * and characters search cannot hold", () => {
    expect(termsText(m("f", pat([T("C:\\Win"), ONE, T("ows\\cmd.exe")])))).toBe(
      'f="C:\\\\Win*" AND f="*ows\\\\cmd.exe"',
    );
    expect(termsText(m("f", pat([ANY, T("a<b>c"), ANY])))).toBe('f="*a*" AND f="*b*" AND f="*c*"');
    // A run ending in i before more text is cut (İ lower-cases to i + U+0307).
    expect(termsText(m("f", pat([ANY, T("\\wmi"), ANY])))).toBe('f="*\\\\wm*"');
  });

  it("exist for an OR only when every branch has one, and never for NOT, numbers or regexes", () => {
    const a = m("f", pat([T("alpha")]));
    const re = m("f", { kind: "regex", source: "alpha", flags: { i: false, m: false, s: false } });
    expect(termsText({ kind: "or", items: [a, m("f", pat([T("beta")]))] })).toBe(
      'f="alpha" OR f="beta"',
    );
    expect(prefilterOf({ kind: "or", items: [a, re] })).toMatchObject({ kind: "none" });
    expect(prefilterOf({ kind: "not", item: a })).toMatchObject({ kind: "none" });
    expect(prefilterOf(m("f", { kind: "number", op: "eq", value: 4624 }))).toMatchObject({
      kind: "none",
    });
    expect(termsText({ kind: "and", items: [re, a] })).toBe('f="alpha"');
  });
});
