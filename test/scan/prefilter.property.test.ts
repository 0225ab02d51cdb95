import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizePattern, type Expr, type Part, type Test } from "../../src/ir.js";
import { BlockBuilder } from "../../src/scan/block.js";
import { compilePrefilter } from "../../src/scan/prefilter.js";
import { evaluate } from "../../src/sigma/evaluate.js";
import { prng } from "../bench/generate.js";
import { match } from "../bench/rules.js";

/**
 * Soundness on adversarial lines: random IR, random event, serialized with random escaping
 * (\u escapes of any character in upper or lower hex, `\/`, short escapes, odd number spellings,
 * spaces), plus case variants and the non-ASCII code points whose case mapping is ASCII. Whenever
 * the prefilter rejects a line, the reference evaluator must say no on the parsed line.
 */

const FIELDS = ["a", "b", "a.b", "c"] as const;
const PIECES = [
  "create",
  "CREATE",
  "Token",
  "token",
  "serviceaccounts",
  "system:node:",
  "x",
  "/",
  '"',
  "\\",
  "\u212A",
  "İ",
  "ß",
  "ﬁ",
  "403",
  "4.03e2",
  "true",
  "Infinity",
  " ",
  "\n",
  "é",
  "😀",
  "tOkEn",
  "to\u212Aen",
  "\u212Aen",
  "İ̇",
  "ſerviceaccounts",
];
const PATTERN_TEXT = [
  "create",
  "token",
  "to",
  "ken",
  "serviceaccounts",
  "system:node:",
  "403",
  "true",
  "fi",
  "ss",
  "k",
  "x/y",
  'a"b',
  "é",
  "Infinity",
  "e",
  "i̇",
  "CREATE",
];

/** Strings built from the same pieces as the patterns, in random case, so that rules do match. */
const stringArb = fc
  .tuple(fc.array(fc.constantFrom(...PIECES, ...PATTERN_TEXT), { maxLength: 3 }), fc.integer())
  .map(([pieces, seed]) => {
    const r = prng(seed);
    const flip = r() < 0.5;
    return [...pieces.join("")].map((ch) => (flip && r() < 0.3 ? ch.toUpperCase() : ch)).join("");
  });
const scalarArb = fc.oneof(
  stringArb,
  fc.constantFrom(403, 0, -1, 1e21, 4.5, 1e300),
  fc.boolean(),
  fc.constant(null),
);
const valueArb: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalarArb,
    fc.array(tie("v"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...FIELDS), tie("v"), { maxKeys: 3 }),
  ),
})).v;
const eventArb = fc.dictionary(fc.constantFrom(...FIELDS), valueArb, { maxKeys: 4 });

const partArb: fc.Arbitrary<Part> = fc.oneof(
  fc.constantFrom(...PATTERN_TEXT).map((text): Part => ({ kind: "text", text })),
  fc.constant<Part>({ kind: "any" }),
  fc.constant<Part>({ kind: "one" }),
);
const testArb: fc.Arbitrary<Test> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({ parts: fc.array(partArb, { minLength: 1, maxLength: 4 }), cased: fc.boolean() })
      .map(({ parts, cased }): Test => ({
        kind: "pattern",
        pattern: normalizePattern(parts),
        cased,
      })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Test>(
      { kind: "number", op: "eq", value: 403 },
      { kind: "null" },
      { kind: "exists" },
    ),
  },
  { weight: 1, arbitrary: fc.boolean().map((value): Test => ({ kind: "bool", value })) },
);
const matchArb = fc
  .record({ field: fc.constantFrom<string | null>(...FIELDS, null), test: testArb })
  .map(({ field, test }) => match(field, test));
const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    matchArb,
    fc
      .array(tie("e"), { minLength: 2, maxLength: 3 })
      .map((items): Expr => ({ kind: "and", items })),
    fc
      .array(tie("e"), { minLength: 2, maxLength: 3 })
      .map((items): Expr => ({ kind: "or", items })),
    tie("e").map((item): Expr => ({ kind: "not", item })),
  ),
})).e;

const SHORT: Record<number, string> = {
  0x22: '\\"',
  0x5c: "\\\\",
  0x2f: "\\/",
  8: "\\b",
  12: "\\f",
  10: "\\n",
  13: "\\r",
  9: "\\t",
};

/** JSON text of the value, every choice (escapes, number spelling, spaces) drawn from `r`. */
function serialize(value: unknown, r: () => number): string {
  const sp = (): string => (r() < 0.1 ? " " : "");
  if (value === null) return "null";
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") return spellNumber(value, r);
  if (typeof value === "string") return serializeString(value, r);
  if (Array.isArray(value))
    return "[" + sp() + value.map((v) => serialize(v, r)).join(sp() + "," + sp()) + sp() + "]";
  const entries = Object.entries(value as Record<string, unknown>);
  return (
    "{" +
    sp() +
    entries.map(([k, v]) => serializeString(k, r) + sp() + ":" + sp() + serialize(v, r)).join(",") +
    sp() +
    "}"
  );
}

function spellNumber(n: number, r: () => number): string {
  const x = r();
  if (Number.isInteger(n) && Math.abs(n) < 1e15) {
    if (x < 0.25) return `${n}.0`;
    if (x < 0.5) return `${n}e0`;
    if (x < 0.75) return `${n * 10}E-1`;
  }
  return x < 0.9 ? String(n) : n.toExponential();
}

function serializeString(s: string, r: () => number): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const must = c < 0x20 || c === 0x22 || c === 0x5c;
    const x = r();
    if (x < 0.12 || (must && SHORT[c] === undefined)) {
      const hex = c.toString(16).padStart(4, "0");
      out += "\\u" + (r() < 0.5 ? hex : hex.toUpperCase());
    } else if ((must || (c === 0x2f && x < 0.5)) && SHORT[c] !== undefined) {
      out += SHORT[c];
    } else {
      out += s[i];
    }
  }
  return out + '"';
}

/** `FUZZ_RUNS=100000 npx vitest run test/scan/prefilter.property.test.ts` for a long fuzz. */
const RUNS = Number(process.env["FUZZ_RUNS"] ?? 4000);

describe("prefilter soundness (property)", () => {
  it("a rejected line never matches, whatever the escaping", () => {
    let rejected = 0;
    let matched = 0;
    fc.assert(
      fc.property(exprArb, eventArb, fc.integer(), (expr, event, seed) => {
        const line = Buffer.from(serialize(event, prng(seed)), "utf8");
        const parsed: unknown = JSON.parse(line.toString("utf8"));
        if (evaluate(expr, parsed)) matched++;
        if (!compilePrefilter(expr).mayMatch(line)) {
          rejected++;
          expect(evaluate(expr, parsed)).toBe(false);
        }
      }),
      { numRuns: RUNS },
    );
    // Guard against a vacuous pass: the prefilter must actually reject lines.
    expect(rejected).toBeGreaterThan(RUNS / 10);
    expect(matched).toBeGreaterThan(RUNS / 10);
  });

  it("block marking equals the line test, on aligned and unaligned blocks", () => {
    fc.assert(
      fc.property(
        exprArb,
        fc.array(eventArb, { minLength: 1, maxLength: 8 }),
        fc.integer(),
        fc.boolean(),
        (expr, events, seed, crlf) => {
          const r = prng(seed);
          const lines = events.map((e) => Buffer.from(serialize(e, r), "utf8"));
          const text = Buffer.concat(lines.flatMap((l) => [l, Buffer.from(crlf ? "\r\n" : "\n")]));
          const offset = seed & 3;
          const backing = Buffer.allocUnsafeSlow(text.length + offset);
          text.copy(backing, offset);
          const raw = backing.subarray(offset);
          const prefilter = compilePrefilter(expr);
          const block = new BlockBuilder(prefilter.needsFold).build(raw, raw.length);
          expect(block.count).toBe(lines.length);
          const marks = new Uint8Array(block.count);
          prefilter.markCandidates(block, marks);
          lines.forEach((line, i) => {
            expect(marks[i] === 1).toBe(prefilter.mayMatch(line));
            if (marks[i] !== 1)
              expect(evaluate(expr, JSON.parse(line.toString("utf8")))).toBe(false);
          });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("lines built to match a pattern are never rejected (escapes, case, hazard code points)", () => {
    let matched = 0;
    fc.assert(
      fc.property(
        fc.array(partArb, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.constantFrom<string | null>(...FIELDS, null),
        fc.integer(),
        (parts, cased, field, seed) => {
          const r = prng(seed);
          const pattern = normalizePattern(parts);
          const expr = match(field, { kind: "pattern", pattern, cased });
          const value = disguise(instantiate(pattern, r), cased, r);
          const event = field === null ? { x: [value] } : { [field]: value };
          const line = Buffer.from(serialize(event, r), "utf8");
          if (evaluate(expr, JSON.parse(line.toString("utf8")))) {
            matched++;
            expect(compilePrefilter(expr).mayMatch(line)).toBe(true);
          }
        },
      ),
      { numRuns: RUNS },
    );
    expect(matched).toBeGreaterThan(RUNS / 2);
  });
});

/** A value the pattern matches: wildcards filled with random pieces. */
function instantiate(pattern: readonly Part[], r: () => number): string {
  const pick = (): string => PIECES[Math.floor(r() * PIECES.length)]!;
  return pattern
    .map((p) => (p.kind === "text" ? p.text : p.kind === "one" ? "z" : r() < 0.5 ? "" : pick()))
    .join("");
}

/** Same value for a case-insensitive test: random case, and k/K spelled as KELVIN SIGN sometimes. */
function disguise(value: string, cased: boolean, r: () => number): string {
  if (cased) return value;
  return [...value]
    .map((ch) => {
      if ((ch === "k" || ch === "K") && r() < 0.5) return "\u212A";
      return r() < 0.3 ? ch.toUpperCase() : ch;
    })
    .join("");
}
