import { expectedOf } from "../helpers/seen.js";
import fc from "fast-check";
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { falcoBackend } from "../../src/backends/falco/index.js";
import { hasErrors } from "../../src/diagnostics.js";
import { and, normalizePattern, not, or, type Expr, type Part, type Test } from "../../src/ir.js";
import { evaluate } from "../../src/sigma/evaluate.js";
import { falcoInterpreter } from "../../src/verify/falco/index.js";
import { falcoView } from "../../src/verify/views/falco.js";
import { HAVE_REFERENCE, REFERENCE, referenceTitle } from "../helpers/shared-data.js";
import { context, tokenRequestIR } from "../backends/falco-helpers.js";

/**
 * Translation is exact: for random IR over a few fields with hostile strings and random events,
 * interpreting the emitted text (query and whole rules file) on Falco's document equals the
 * reference evaluator on the effective IR and the event Falco sees.
 */
const PIECES = [
  '"',
  "'",
  "\\",
  "(",
  ")",
  ":",
  "|",
  "*",
  "?",
  "[",
  "]",
  ",",
  "=",
  " ",
  "\n",
  "\t",
  "and",
  "or",
  "not",
  "AND",
  "OR",
  "NOT",
  "IN",
  "in",
  "null",
  "true",
  "a",
  "B",
  "k",
  "K",
  "i",
  "I",
  "\u212A",
  "\u0130",
  "\u0307",
  "é",
  "É",
  "😀",
  "x",
  "-",
  "/",
];
/** A small alphabet too, so that patterns and values collide often (folding, escapes). */
const SMALL = ["k", "K", "\u212A", "i", "I", "\u0130", "\u0307", "a", "*", "\\", '"', "?"];
const hostile = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { maxLength: 4 }).map((a) => a.join("")),
  fc.array(fc.constantFrom(...SMALL), { maxLength: 3 }).map((a) => a.join("")),
);

const SCALARS = [
  "verb",
  "user.username",
  "objectRef.name",
  "responseStatus.code",
  "objectRef.apiGroup",
  "requestObject.spec.hostNetwork",
];
const FIELDS = [...SCALARS, "user.groups"];

const part: fc.Arbitrary<Part> = fc.oneof(
  { weight: 3, arbitrary: hostile.map((text) => ({ kind: "text" as const, text })) },
  { weight: 1, arbitrary: fc.constant({ kind: "any" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "one" as const }) },
);

const test: fc.Arbitrary<Test> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("pattern" as const),
      pattern: fc.array(part, { maxLength: 4 }).map(normalizePattern),
      cased: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "exists" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "null" as const }) },
  { weight: 1, arbitrary: fc.boolean().map((value) => ({ kind: "bool" as const, value })) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: -2, max: 500 })
      .map((value) => ({ kind: "number" as const, op: "eq" as const, value })),
  },
);

const origin = { offset: 0, length: 1, line: 1, col: 1 };
const match: fc.Arbitrary<Expr> = fc
  .record({ field: fc.constantFrom(...FIELDS), test })
  .map(({ field, test }) => ({ kind: "match" as const, field, test, origin }));

const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    match,
    fc.array(tie("expr"), { minLength: 2, maxLength: 3 }).map(and),
    fc.array(tie("expr"), { minLength: 2, maxLength: 3 }).map(or),
    tie("expr").map(not),
  ),
}));

const jsonLeaf = fc.oneof(
  hostile,
  fc.constant(null),
  fc.integer({ min: -2, max: 500 }),
  fc.boolean(),
);
const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.option(a, { nil: undefined });

const event = fc
  .record({
    auditID: maybe(fc.constant("id-1")),
    verb: maybe(jsonLeaf),
    user: maybe(
      fc.record({
        username: maybe(jsonLeaf),
        groups: maybe(
          fc.oneof(fc.array(fc.oneof(hostile, fc.constant(null)), { maxLength: 3 }), jsonLeaf),
        ),
      }),
    ),
    objectRef: maybe(fc.record({ name: maybe(jsonLeaf), apiGroup: maybe(jsonLeaf) })),
    responseStatus: maybe(
      fc.record({ code: maybe(fc.oneof(jsonLeaf, fc.constantFrom("201", "201.0", "0201"))) }),
    ),
    requestObject: maybe(fc.record({ spec: fc.record({ hostNetwork: maybe(jsonLeaf) }) })),
  })
  .map((e) => {
    // JSON round trip: undefined keys vanish, as in a parsed audit line.
    const raw = JSON.parse(JSON.stringify(e)) as Record<string, unknown>;
    return { kind: "Event", stageTimestamp: "2024-05-06T07:08:09.000001Z", ...raw };
  });

describe("Falco parity: list values that end in a backslash", () => {
  // libsinsp cannot close a quoted string after a backslash, so such a value is written bare in
  // an intersects list when it has no list syntax in it, and refused when it has.
  it("a bare value matches exactly the groups the evaluator matches", () => {
    const ctx = context();
    const ir: Expr = {
      kind: "match",
      field: "user.groups",
      test: { kind: "pattern", pattern: [{ kind: "text", text: "dom\\" }], cased: true },
      origin,
    };
    const lowered = falcoBackend.lower(ir, ctx);
    expect(lowered.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const run = falcoInterpreter.compile(falcoBackend.query(lowered.effective, ctx));
    const expected = expectedOf("falco", ir, lowered, ctx);
    for (const groups of [["dom\\"], ["x", "dom\\"], ["dom"], ["dom\\\\"], []]) {
      const e = {
        kind: "Event",
        auditID: "1",
        stageTimestamp: "2024-05-06T07:08:09Z",
        user: { groups },
      };
      expect([groups, run(falcoView.document(e))]).toEqual([groups, expected(e)]);
    }
    expect(
      expected({
        kind: "Event",
        auditID: "1",
        stageTimestamp: "2024-05-06T07:08:09Z",
        user: { groups: ["dom\\"] },
      }),
    ).toBe(true);
  });

  it.each(["a b\\", "a(\\", 'a"\\', "a'\\", "a=\\", "a,\\", "a\t\\"])(
    "%j cannot be written and is refused at its value",
    (text) => {
      const ir: Expr = {
        kind: "match",
        field: "user.groups",
        test: { kind: "pattern", pattern: [{ kind: "text", text }], cased: true },
        origin,
      };
      const errors = falcoBackend
        .lower(ir, context())
        .diagnostics.filter((d) => d.severity === "error");
      expect(errors.map((d) => [d.code, d.loc])).toEqual([
        ["UNSUPPORTED_TRAILING_BACKSLASH", origin],
      ]);
    },
  );
});

describe("Falco parity (property)", () => {
  it("interpret(query) and interpret(rules file) equal evaluate(effective, seen) on every event", () => {
    const ctx = context();
    fc.assert(
      fc.property(expr, fc.array(event, { minLength: 1, maxLength: 4 }), (ir, events) => {
        const lowered = falcoBackend.lower(ir, ctx);
        if (hasErrors(lowered.diagnostics)) {
          // The only refusals these inputs can meet: wildcards or unwritable values on a list field.
          for (const d of lowered.diagnostics.filter((x) => x.severity === "error"))
            expect(["UNSUPPORTED_LIST_FIELD_WILDCARD", "UNSUPPORTED_TRAILING_BACKSLASH"]).toContain(
              d.code,
            );
          return;
        }
        const query = falcoBackend.query(lowered.effective, ctx);
        const rules = falcoBackend.artifact("rules", query, lowered.effective, ctx);
        const viaQuery = falcoInterpreter.compile(query);
        const viaRules = falcoInterpreter.compile(rules);
        for (const e of events) {
          const expected = expectedOf("falco", ir, lowered, ctx)(e);
          const doc = falcoView.document(e);
          expect(viaQuery(doc), `${query}\n${JSON.stringify(e)}`).toBe(expected);
          expect(viaRules(doc), `${rules}\n${JSON.stringify(e)}`).toBe(expected);
        }
      }),
      { numRuns: 600, seed: 20240506 },
    );
  });

  it("folds exactly: one case-insensitive pattern against values over a small alphabet", () => {
    const ctx = context();
    const small = fc.array(fc.constantFrom(...SMALL, "x"), { maxLength: 4 }).map((a) => a.join(""));
    const smallPart: fc.Arbitrary<Part> = fc.oneof(
      { weight: 3, arbitrary: small.map((text) => ({ kind: "text" as const, text })) },
      { weight: 1, arbitrary: fc.constant({ kind: "any" as const }) },
    );
    fc.assert(
      fc.property(
        fc.array(smallPart, { maxLength: 3 }).map(normalizePattern),
        fc.array(small, { maxLength: 6 }),
        (p, values) => {
          const ir: Expr = {
            kind: "match",
            field: "verb",
            test: { kind: "pattern", pattern: p, cased: false },
            origin,
          };
          const lowered = falcoBackend.lower(ir, ctx);
          const run = falcoInterpreter.compile(falcoBackend.query(lowered.effective, ctx));
          for (const verb of values) {
            const e = { kind: "Event", auditID: "1", stageTimestamp: "2024-05-06T07:08:09Z", verb };
            expect(run(falcoView.document(e))).toBe(expectedOf("falco", ir, lowered, ctx)(e));
            // Folding is exact whenever no deviation was declared.
            if (lowered.diagnostics.length === 0)
              expect(evaluate(lowered.effective, e)).toBe(evaluate(ir, e));
          }
        },
      ),
      { numRuns: 6000, seed: 99 },
    );
  });

  it("writes rules files that prettier accepts, whatever the values", async () => {
    const ctx = context();
    const samples = fc.sample(expr, { numRuns: 40, seed: 7 });
    for (const ir of samples) {
      const lowered = falcoBackend.lower(ir, ctx);
      if (hasErrors(lowered.diagnostics)) continue;
      const text = falcoBackend.artifact("rules", "", lowered.effective, ctx);
      expect(await prettier.check(text, { parser: "yaml", printWidth: 100 }), text).toBe(true);
    }
  });

  it.skipIf(!HAVE_REFERENCE)(
    referenceTitle("the TokenRequest rule agrees on the reference captures"),
    async () => {
      const { readFileSync, readdirSync } = await import("node:fs");
      const dirs = [`${REFERENCE}community-captures`, `${REFERENCE}falco-k8s_audit`];
      const events: unknown[] = [];
      for (const dir of dirs)
        for (const f of readdirSync(dir)) {
          const text = readFileSync(`${dir}/${f}`, "utf8");
          if (f.endsWith(".ndjson"))
            for (const line of text.split("\n")) if (line.trim()) events.push(JSON.parse(line));
          if (f.endsWith(".json"))
            for (const line of text.split("\n")) if (line.trim()) events.push(JSON.parse(line));
        }
      const ctx = context();
      const ir = tokenRequestIR();
      const lowered = falcoBackend.lower(ir, ctx);
      const query = falcoBackend.query(lowered.effective, ctx);
      const viaRules = falcoInterpreter.compile(
        falcoBackend.artifact("rules", query, lowered.effective, ctx),
      );
      // The captured TokenRequests come from kubelets (system:node:*, excluded); the same requests
      // made by another user must fire.
      const tokenRequests = events.filter(
        (e) => (e as { objectRef?: { subresource?: string } }).objectRef?.subresource === "token",
      );
      expect(tokenRequests.length).toBeGreaterThan(0);
      events.push(...tokenRequests.map((e) => ({ ...(e as object), user: { username: "alice" } })));
      let fired = 0;
      for (const e of events) {
        const expected = expectedOf("falco", ir, lowered, ctx)(e);
        const doc = falcoView.document(e);
        if (doc === null) {
          // Dropped by the k8saudit event source (e.g. no stageTimestamp): no rule can fire.
          expect(viaRules(doc)).toBe(false);
          continue;
        }
        expect(viaRules(doc)).toBe(expected);
        // Exact: the effective IR on what Falco sees equals the rule on the raw event.
        expect(expected).toBe(evaluate(tokenRequestIR(), e));
        if (expected) fired++;
      }
      expect(events.length).toBeGreaterThan(40);
      expect(fired).toBe(tokenRequests.filter((e) => falcoView.document(e) !== null).length);
      expect(fired).toBeGreaterThan(0);
    },
  );
});
