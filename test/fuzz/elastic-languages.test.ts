import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizePattern, type Expr, type Part } from "../../src/ir.js";
import { event as anyEvent, expr } from "./arbitraries.js";
import { checkCase, describeFinding } from "./differential.js";

/**
 * Case folding is where Elastic's languages differ most from Sigma: EQL's `:` folds ASCII only,
 * ES|QL's TO_LOWER is Java's lower-casing, Sigma lower-cases with JavaScript. This property
 * drives KQL, EQL and ES|QL with values and events drawn from the characters where those
 * differ (k and the Kelvin sign, s and ſ, i and İ with its combining dot, ß, σ/ς/Σ, é/É) and
 * with the wildcards around them: every language must translate exactly (interpreter on the
 * text = reference on the effective IR), and a language that declares nothing must agree with
 * Sigma.
 */

const ORIGIN = { offset: 0, length: 0, line: 1, col: 1 };
const FIELDS = ["verb", "user.username", "objectRef.resource"] as const;
type Field = (typeof FIELDS)[number];

/** Pattern characters: mostly ASCII (what `:` may say), and the non-ASCII ones next to them. */
const PATTERN_CHARS = [
  "k",
  "K",
  "s",
  "S",
  "i",
  "I",
  "e",
  "a",
  "x",
  "é",
  "ß",
  "σ",
  "Σ",
  "İ",
  "\u0307",
  "\u212a",
];
/** For each character, the characters an event may hold in its place. */
const VARIANTS: Readonly<Record<string, readonly string[]>> = {
  k: ["k", "K", "\u212a"],
  s: ["s", "S", "ſ"],
  i: ["i", "I", "İ", "ı", "i\u0307"],
  e: ["e", "E", "é", "É"],
  é: ["é", "É", "e"],
  ß: ["ß", "ẞ", "ss", "SS"],
  σ: ["σ", "ς", "Σ"],
  İ: ["İ", "i\u0307", "i", "I"],
};
const variants = (c: string): readonly string[] =>
  VARIANTS[c.toLowerCase()] ?? VARIANTS[c] ?? [c, c.toUpperCase(), c.toLowerCase()];

const text = fc
  .array(fc.constantFrom(...PATTERN_CHARS), { minLength: 1, maxLength: 3 })
  .map((xs) => xs.join(""));

const part: fc.Arbitrary<Part> = fc.oneof(
  { weight: 4, arbitrary: text.map((t): Part => ({ kind: "text", text: t })) },
  { weight: 1, arbitrary: fc.constant<Part>({ kind: "any" }) },
  { weight: 1, arbitrary: fc.constant<Part>({ kind: "one" }) },
);

interface Leaf {
  readonly field: Field;
  readonly parts: readonly Part[];
  readonly cased: boolean;
}

const leaf: fc.Arbitrary<Leaf> = fc.record({
  field: fc.constantFrom(...FIELDS),
  parts: fc.array(part, { minLength: 1, maxLength: 3 }).map(normalizePattern),
  cased: fc.boolean(),
});

const toExpr = (l: Leaf): Expr => ({
  kind: "match",
  field: l.field,
  test: { kind: "pattern", pattern: l.parts, cased: l.cased },
  origin: ORIGIN,
});

/** A value near a pattern: each character replaced by one of its variants, wildcards filled. */
function nearValue(parts: readonly Part[]): fc.Arbitrary<string> {
  return fc
    .tuple(
      ...parts.map((p): fc.Arbitrary<string> => {
        switch (p.kind) {
          case "text":
            return fc
              .tuple(...[...p.text].map((c) => fc.constantFrom(...variants(c))))
              .map((xs) => xs.join(""));
          case "one":
            return fc.constantFrom("a", "K", "\u212a", "İ", "ſ", "é");
          case "any":
            return fc.constantFrom("", "x", "İ", "\u0307", "Kk");
        }
      }),
    )
    .map((xs) => xs.join(""));
}

const sample = fc.array(leaf, { minLength: 1, maxLength: 3 }).chain((leaves) => {
  const ir: fc.Arbitrary<Expr> = fc.oneof(
    fc.constant<Expr>(
      leaves.length === 1 ? toExpr(leaves[0]!) : { kind: "or", items: leaves.map(toExpr) },
    ),
    fc.constant<Expr>({ kind: "not", item: toExpr(leaves[0]!) }),
    fc.constant<Expr>({ kind: "and", items: leaves.map(toExpr) }),
  );
  const value = (f: Field): fc.Arbitrary<string> => {
    const mine = leaves.filter((l) => l.field === f);
    return mine.length === 0 ? text : fc.oneof(...mine.map((l) => nearValue(l.parts)), text);
  };
  const event = fc
    .record({
      verb: value("verb"),
      username: value("user.username"),
      resource: value("objectRef.resource"),
    })
    .map((e) => ({
      kind: "Event",
      verb: e.verb,
      user: { username: e.username },
      objectRef: { resource: e.resource },
    }));
  return fc.tuple(ir, fc.array(event, { minLength: 8, maxLength: 8 }));
});

describe("case folding in Elastic's languages", () => {
  it("EQL and ES|QL translate case-insensitive values exactly (150 trees × 8 events)", async () => {
    let compiled = 0;
    await fc.assert(
      fc.asyncProperty(sample, async ([ir, events]) => {
        const result = await checkCase(ir, events, ["elastic"], {}, [
          "elastic/eql",
          "elastic/esql",
        ]);
        compiled += result.compiled.length;
        if (result.findings.length > 0)
          throw new Error(
            `IR: ${JSON.stringify(ir)}\n` +
              result.findings.slice(0, 3).map(describeFinding).join("\n"),
          );
      }),
      { seed: 4_242, numRuns: 150 },
    );
    // Nearly every tree compiles for EQL and ES|QL: case is never a reason to refuse.
    expect(compiled).toBeGreaterThan(270);
  }, 300_000);
});

describe("ES|QL on multi-valued fields (elastic-version 9.2: MV_CONTAINS)", () => {
  it("translates exactly on random trees and events (120 trees × 6 events)", async () => {
    let compiled = 0;
    await fc.assert(
      fc.asyncProperty(
        expr,
        fc.array(anyEvent, { minLength: 6, maxLength: 6 }),
        async (ir, events) => {
          const result = await checkCase(ir, events, ["elastic"], { "elastic-version": "9.2" }, [
            "elastic/esql",
          ]);
          if (result.compiled.includes("elastic/esql")) compiled++;
          if (result.findings.length > 0)
            throw new Error(
              `IR: ${JSON.stringify(ir)}\n` +
                result.findings.slice(0, 3).map(describeFinding).join("\n"),
            );
        },
      ),
      { seed: 9_202, numRuns: 120 },
    );
    expect(compiled).toBeGreaterThan(30);
  }, 300_000);
});
