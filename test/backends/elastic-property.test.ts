import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { elasticBackend } from "../../src/backends/elastic/index.js";
import { normalizePattern, type Expr, type Part, type Test } from "../../src/ir.js";
import { evaluate } from "../../src/sigma/evaluate.js";
import { replaceDeclared } from "../../src/parity/replace.js";
import { kqlInterpreter } from "../../src/verify/kql/interpret.js";
import { elasticView } from "../../src/verify/views/elastic.js";
import { context, loc, tokenRequestIR } from "./elastic-helpers.js";

/**
 * Exactness: for random IR and random events,
 *   interpret(query(lower(ir)), document(e)) === evaluate(ir with the declared deviations, seen(e)).
 */

const PIECES = [
  '"',
  "\\",
  "(",
  ")",
  ":",
  "|",
  "*",
  "?",
  "\n",
  "\t",
  " ",
  "\u00a0",
  "{",
  "}",
  "<",
  ">",
  "or",
  "and",
  "not",
  "AND",
  "OR",
  "NOT",
  "IN",
  "null",
  "true",
  "a",
  "A",
  "b",
  "é",
  "É",
  "İ",
  "😀",
  "\\u0041",
  "\\n",
  "system:",
];

const str = fc.array(fc.constantFrom(...PIECES), { maxLength: 4 }).map((a) => a.join(""));
const part: fc.Arbitrary<Part> = fc.oneof(
  { weight: 3, arbitrary: str.map((text) => ({ kind: "text", text }) as const) },
  { weight: 1, arbitrary: fc.constant({ kind: "any" } as const) },
  { weight: 1, arbitrary: fc.constant({ kind: "one" } as const) },
);
const pattern = fc.array(part, { maxLength: 3 }).map(normalizePattern);

const STRING_FIELDS = ["user.username", "verb", "objectRef.resource", "user.groups"] as const;
const IPS = ["10.0.0.1", "10.1.2.3", "192.168.1.5", "::1", "2001:db8::5"];
const NETWORKS: Test[] = [
  { kind: "cidr", network: "10.0.0.0", prefix: 8, version: 4 },
  { kind: "cidr", network: "192.168.1.5", prefix: 32, version: 4 },
  { kind: "cidr", network: "2001:db8::", prefix: 32, version: 6 },
];

let line = 1;
const match = (field: string, test: Test): Expr => ({
  kind: "match",
  field,
  test,
  origin: loc(line++),
});

const stringMatch = fc
  .tuple(
    fc.constantFrom(...STRING_FIELDS),
    fc.oneof(
      {
        weight: 6,
        arbitrary: fc
          .tuple(pattern, fc.boolean())
          .map(([p, cased]): Test => ({ kind: "pattern", pattern: p, cased })),
      },
      { weight: 1, arbitrary: fc.constant<Test>({ kind: "exists" }) },
      { weight: 1, arbitrary: fc.constant<Test>({ kind: "null" }) },
    ),
  )
  .map(([f, t]) => match(f, t));

const codeMatch = fc
  .tuple(
    fc.constantFrom("eq", "lt", "lte", "gt", "gte" as const),
    fc.integer({ min: 199, max: 501 }),
  )
  .map(([op, value]) => match("responseStatus.code", { kind: "number", op, value }));

const ipMatch = fc.oneof(
  fc.constantFrom(...NETWORKS).map((t) => match("sourceIPs", t)),
  fc
    .constantFrom(...IPS)
    .map((ip) =>
      match("sourceIPs", { kind: "pattern", pattern: [{ kind: "text", text: ip }], cased: false }),
    ),
);

const leaf = fc.oneof(
  { weight: 5, arbitrary: stringMatch },
  { weight: 1, arbitrary: codeMatch },
  { weight: 1, arbitrary: ipMatch },
);

const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc
      .array(tie("expr"), { minLength: 2, maxLength: 3 })
      .map((items): Expr => ({ kind: "and", items })),
    fc
      .array(tie("expr"), { minLength: 2, maxLength: 3 })
      .map((items): Expr => ({ kind: "or", items })),
    tie("expr").map((item): Expr => ({ kind: "not", item })),
  ),
}));

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const username = fc.oneof(str, fc.constant(""), fc.constant(null), fc.constant("x".repeat(1025)));
const event = fc
  .record({
    verb: maybe(fc.oneof(str, fc.constant("create"))),
    user: maybe(
      fc.record({ username: maybe(username), groups: maybe(fc.array(str, { maxLength: 3 })) }),
    ),
    objectRef: maybe(fc.record({ resource: maybe(str) })),
    sourceIPs: maybe(
      fc.oneof(
        fc.array(fc.constantFrom(...IPS), { maxLength: 3 }),
        fc.constant(["10.0.0.1", "not-an-ip"]),
      ),
    ),
    responseStatus: maybe(fc.record({ code: maybe(fc.integer({ min: 199, max: 501 })) })),
  })
  .map((e) => JSON.parse(JSON.stringify(e)) as unknown);

function check(ir: Expr, events: readonly unknown[]): void {
  const ctx = context();
  const lowered = elasticBackend.lower(ir, ctx);
  if (lowered.diagnostics.some((d) => d.severity === "error")) return;
  const text = elasticBackend.query(lowered.effective, ctx);
  const run = kqlInterpreter.compile(text);
  for (const e of events) {
    const got = run(elasticView.document(e));
    const want = evaluate(replaceDeclared(ir, lowered.deviations), elasticBackend.seen(ctx)(e));
    if (got !== want) expect({ text, event: e, got }).toEqual({ text, event: e, got: want });
  }
}

describe("elastic exactness (property)", () => {
  it("interpreter(query) on document === evaluate(effective) on seen", () => {
    fc.assert(
      fc.property(expr, fc.array(event, { minLength: 1, maxLength: 8 }), (ir, events) =>
        check(ir, events),
      ),
      { numRuns: 1500, seed: 1486 },
    );
  });

  it("holds for the TokenRequest rule on random users", () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 20 }), (events) =>
        check(tokenRequestIR(), events),
      ),
      { numRuns: 500, seed: 1486 },
    );
  });
});
