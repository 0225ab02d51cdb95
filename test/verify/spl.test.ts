import { expectedOf, seenOf } from "../helpers/seen.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splunkBackend } from "../../src/backends/splunk/index.js";
import { and, normalizePattern, not, or, type Expr, type Part, type Test } from "../../src/ir.js";
import { evaluate } from "../../src/sigma/evaluate.js";
import { splInterpreter } from "../../src/verify/spl/index.js";
import { ParseError } from "../../src/verify/types.js";
import { splunkView } from "../../src/verify/views/splunk.js";
import { lit, m, T } from "../helpers/ir.js";
import { backendContext } from "../helpers/rule-context.js";
import { TOKEN_REQUEST_EXCLUSIONS } from "../helpers/token-request.js";

const ctx = backendContext("splunk");

function emit(ir: Expr): { text: string; expected: (raw: unknown) => boolean } {
  const lowered = splunkBackend.lower(ir, ctx);
  expect(lowered.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return {
    text: splunkBackend.query(lowered.effective, ctx),
    expected: expectedOf("splunk", ir, lowered, ctx),
  };
}

/** interpreter(text, document(e)) and the declared meaning on seen(e) agree; returns the value. */
function agree(ir: Expr, event: unknown): boolean {
  const { text, expected } = emit(ir);
  const got = splInterpreter.compile(text)(splunkView.document(event));
  expect(got, `${text} on ${JSON.stringify(event)}`).toBe(expected(event));
  return got;
}

describe("view", () => {
  it("flattens JSON the way Splunk names fields", () => {
    expect(
      splunkView.document({
        verb: "get",
        user: { username: "u", groups: ["a", "b"] },
        sourceIPs: [],
        annotations: { "authorization.k8s.io/decision": "allow" },
        responseStatus: { code: 403 },
        x: null,
        y: true,
        e: "",
        c: [{ image: "i1" }, { image: "i2" }],
      }),
    ).toEqual({
      verb: ["get"],
      "user.username": ["u"],
      "user.groups{}": ["a", "b"],
      "annotations.authorization.k8s.io/decision": ["allow"],
      "responseStatus.code": ["403"],
      x: ["null"],
      y: ["true"],
      e: [""],
      "c{}.image": ["i1", "i2"],
      sourcetype: ["kube:apiserver-audit"],
    });
    // The backend's claim. Pass-through names a–f are scalar names: an array there (e, f) is named
    // `e{}` by Splunk and not read, so seen() hides it. sourceIPs and user.groups are array-mapped
    // (read as f{} and f). JSON null is the text "null", [] and {} make no field.
    expect(
      seenOf("splunk")({
        a: null,
        b: [],
        c: {},
        d: 5,
        e: [null, false],
        f: [null],
        sourceIPs: [null, false],
        user: { groups: [null], username: 7 },
      }),
    ).toEqual({
      a: "null",
      d: "5",
      sourceIPs: ["null", "false"],
      user: { groups: ["null"], username: "7" },
    });
    expect(seenOf("splunk")({ sourceIPs: "10.0.0.1", verb: ["get"], e: "x" })).toEqual({
      sourceIPs: "10.0.0.1",
      e: "x",
    });
  });
});

describe("interpreter: literal meaning of special characters", () => {
  const hostile = [
    '"',
    "\\",
    "*",
    "?",
    "(",
    ")",
    "|",
    ":",
    "=",
    "'",
    "\n",
    "\t",
    "AND",
    "NOT",
    "or",
    "%",
    "_",
    "$",
    "^",
    ".",
    "[",
    "]",
    "{",
    "}",
    "é",
    "😀",
    "\u2028",
  ];
  for (const s of hostile) {
    it(`value ${JSON.stringify(s)} means itself (case-insensitive and cased)`, () => {
      for (const cased of [false, true]) {
        const ir = m("userAgent", { kind: "pattern", pattern: [T(`a${s}b`)], cased });
        expect(agree(ir, { userAgent: `a${s}b` })).toBe(true);
        expect(agree(ir, { userAgent: `a${s}bb` })).toBe(false);
        expect(agree(ir, { userAgent: `ab` })).toBe(false);
        // Another character in its place must not match: catches a special character left active.
        expect(agree(ir, { userAgent: `a#b` })).toBe(false);
        expect(agree(ir, { userAgent: `a${s}${s}b` })).toBe(false);
      }
    });
  }
});

describe("interpreter semantics", () => {
  it("search is case-insensitive, where |cased is not; NOT matches a missing field", () => {
    expect(agree(m("verb", lit("create")), { verb: "CREATE" })).toBe(true);
    expect(agree(m("verb", lit("create", true)), { verb: "CREATE" })).toBe(false);
    expect(agree(not(m("verb", lit("create"))), {})).toBe(true);
    expect(agree(not(m("verb", lit("create", true))), {})).toBe(true);
  });

  it("multivalue fields match on any value", () => {
    expect(
      agree(m("user.groups", lit("system:masters", true)), {
        user: { groups: ["x", "system:masters"] },
      }),
    ).toBe(true);
    expect(
      agree(not(m("user.groups", lit("system:masters"))), { user: { groups: ["x", "y"] } }),
    ).toBe(true);
  });

  it("numbers, null and the IPv4 network", () => {
    const code = m("responseStatus.code", { kind: "number", op: "gte", value: 400 });
    expect(agree(code, { responseStatus: { code: 403 } })).toBe(true);
    expect(agree(code, { responseStatus: { code: "200" } })).toBe(false);
    expect(agree(code, { responseStatus: { code: "abc" } })).toBe(false);
    expect(agree(not(code), {})).toBe(true);
    expect(agree(m("user.username", { kind: "null" }), { user: { username: null } })).toBe(true);
    // JSON extraction gives a JSON null as the text "null": the string "null" reads as null too
    // (FIDELITY_NULL_TEXT), where Sigma says the field is present.
    expect(agree(m("user.username", { kind: "null" }), { user: { username: "null" } })).toBe(true);
    expect(evaluate(m("user.username", { kind: "null" }), { user: { username: "null" } })).toBe(
      false,
    );
    const net = m("sourceIPs", { kind: "cidr", network: "10.0.0.0", prefix: 8, version: 4 });
    expect(agree(net, { sourceIPs: ["1.2.3.4", "10.9.8.7"] })).toBe(true);
    expect(agree(net, { sourceIPs: ["::ffff:10.9.8.7"] })).toBe(false);
    const net6 = m("sourceIPs", { kind: "cidr", network: "fd00::", prefix: 8, version: 6 });
    expect(agree(net6, { sourceIPs: ["10.0.0.1", "FD12::1"] })).toBe(true);
    expect(agree(net6, { sourceIPs: ["fe80::1", "::ffff:10.0.0.1", "fd00::1%eth0"] })).toBe(false);
    expect(agree(not(net6), {})).toBe(true);
  });

  it("parses search precedence: OR binds tighter than AND", () => {
    const run = (text: string, doc: Record<string, string[]>): boolean =>
      splInterpreter.compile(text)(doc);
    expect(run('a="1" b="2" OR c="3"', { a: ["1"], c: ["3"] })).toBe(true);
    expect(run('a="1" b="2" OR c="3"', { c: ["3"] })).toBe(false);
    expect(run("* | where NOT isnull('a') AND false() OR true()", {})).toBe(true);
    expect(run("* | where NOT (isnull('a') OR true())", {})).toBe(false);
  });
});

describe("interpreter rejects text outside the subset with a position", () => {
  const cases: [string, number, number][] = [
    ["verb=create | stats count", 1, 15],
    ['foo verb="x"', 1, 1],
    ['verb!="x"', 1, 5],
    ["* | where like('verb', \"a%\")", 1, 11],
    ['* | where objectRef.resource=="x"', 1, 11],
    ["* | where isnotnull(mvfind('v', \"[[:alpha:]]\"))", 1, 35],
    // A backreference: outside the PCRE model, refused at the backslash.
    ["* | where isnotnull(mvfind('v', \"(a)\\\\1\"))", 1, 37],
    ['`kube_audit` verb="x"', 1, 1],
    ['verb="a\\*"', 1, 8],
  ];
  for (const [text, line, col] of cases) {
    it(text, () => {
      let err: unknown;
      try {
        splInterpreter.compile(text);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ParseError);
      expect([(err as ParseError).line, (err as ParseError).col]).toEqual([line, col]);
    });
  }
});

/** The fuzzer's counterexamples, each by hand: emitted text on the document vs effective on seen. */
describe("differential findings", () => {
  const lower = (ir: Expr): string[] => splunkBackend.lower(ir, ctx).diagnostics.map((d) => d.code);
  const one: Part = { kind: "one" };
  const any: Part = { kind: "any" };

  it("null / exists on [] are declared: Splunk extracts no field for it; [null] is the text null", () => {
    const groupsNull = m("user.groups", { kind: "null" });
    expect(lower(groupsNull)).toEqual(["FIDELITY_EMPTY_VALUE", "FIDELITY_NULL_TEXT"]);
    expect(agree(groupsNull, { user: { groups: [] } })).toBe(true);
    expect(evaluate(groupsNull, { user: { groups: [] } })).toBe(false);
    const ipsExist = m("sourceIPs", { kind: "exists" });
    expect(lower(ipsExist)).toEqual(["FIDELITY_EMPTY_VALUE", "FIDELITY_NULL_TEXT"]);
    expect(agree(ipsExist, { sourceIPs: [null] })).toBe(true);
    expect(evaluate(ipsExist, { sourceIPs: [null] })).toBe(true);
    expect(agree(ipsExist, { sourceIPs: ["10.0.0.1"] })).toBe(true);
  });

  it("an array-mapped field is read under both shapes: user.groups{} for an array, sourceIPs for a lone value", () => {
    const groupsOne = m("user.groups", { kind: "pattern", pattern: [one], cased: false });
    expect(lower(groupsOne)).toEqual([]);
    expect(agree(groupsOne, { user: { groups: ["0"] } })).toBe(true);
    expect(agree(groupsOne, { user: { groups: "0" } })).toBe(true);
    const ipsNull = m("sourceIPs", { kind: "null" });
    expect(lower(ipsNull)).toEqual(["FIDELITY_EMPTY_VALUE", "FIDELITY_NULL_TEXT"]);
    expect(agree(ipsNull, { sourceIPs: 0 })).toBe(false);
    expect(agree(ipsNull, {})).toBe(true);
  });

  it("a scalar-mapped field is read under its one name; an array there is declared, not seen", () => {
    const verbOne = m("verb", { kind: "pattern", pattern: [one], cased: false });
    expect(lower(verbOne)).toEqual(["FIDELITY_SCALAR_NAME"]);
    expect(emit(verbOne).text).not.toContain("verb{}");
    expect(agree(verbOne, { verb: "0" })).toBe(true);
    // Splunk names the array verb{}, which the query does not read: Sigma itself would match it,
    // which is what the note declares; on the view (array hidden) the two agree.
    expect(agree(verbOne, { verb: ["0"] })).toBe(false);
    expect(evaluate(verbOne, { verb: ["0"] })).toBe(true);
    const verbNull = m("verb", { kind: "null" });
    expect(lower(verbNull)).toEqual([
      "FIDELITY_SCALAR_NAME",
      "FIDELITY_EMPTY_VALUE",
      "FIDELITY_NULL_TEXT",
    ]);
    expect(agree(verbNull, { verb: ["get"] })).toBe(true);
    expect(agree(verbNull, { verb: "get" })).toBe(false);
  });

  it("a leaf behind a nested array is invisible in the view (objectRef{}.resource)", () => {
    expect(seenOf("splunk")({ objectRef: [{ resource: "pods" }], verb: [["a"]] })).toEqual({});
    expect(agree(m("objectRef.resource", lit("pods")), { objectRef: [{ resource: "pods" }] })).toBe(
      false,
    );
  });

  it("case-insensitive '?' counts İ as Sigma does (two characters once lower-cased)", () => {
    // user.username is scalar-mapped: its one data note comes first in every list below.
    const q = m("user.username", { kind: "pattern", pattern: [one], cased: false });
    expect(lower(q)).toEqual(["FIDELITY_SCALAR_NAME"]);
    expect(agree(q, { user: { username: "İ" } })).toBe(false);
    expect(evaluate(q, { user: { username: "İ" } })).toBe(false);
    expect(agree(q, { user: { username: "é" } })).toBe(true);
    // ?? would need to take İ in halves: declared, and exact on the declared meaning.
    const qq = m("user.username", { kind: "pattern", pattern: [one, one], cased: false });
    expect(lower(qq)).toEqual(["FIDELITY_SCALAR_NAME", "FIDELITY_CASE_FOLD"]);
    expect(agree(qq, { user: { username: "İ" } })).toBe(false);
    // "i*" accepts İ (the * takes its dot), exactly.
    const iStar = m("user.username", { kind: "pattern", pattern: [T("i"), any], cased: false });
    expect(lower(iStar)).toEqual(["FIDELITY_SCALAR_NAME"]);
    expect(agree(iStar, { user: { username: "İx" } })).toBe(true);
  });

  it("'s' does not match 'ſ' (folding would), 'k' matches the Kelvin sign (lower-casing does)", () => {
    const s = m("verb", lit("s"));
    expect(lower(s)).toEqual(["FIDELITY_SCALAR_NAME"]);
    expect(agree(s, { verb: "ſ" })).toBe(false);
    expect(agree(s, { verb: "S" })).toBe(true);
    const k = m("verb", lit("k"));
    expect(agree(k, { verb: "\u212a" })).toBe(true);
  });

  it("a regex that can match true/false is declared: booleans are text in Splunk", () => {
    const re = (source: string, i: boolean): Expr =>
      m("objectRef.resource", { kind: "regex", source, flags: { i, m: false, s: false } });
    expect(lower(re("A", true))).toEqual(["FIDELITY_SCALAR_NAME", "FIDELITY_BOOLEAN_AS_TEXT"]);
    expect(agree(re("A", true), { objectRef: { resource: false } })).toBe(true);
    expect(evaluate(re("A", true), { objectRef: { resource: false } })).toBe(false);
    expect(lower(re("A", false))).toEqual(["FIDELITY_SCALAR_NAME"]);
    expect(lower(re("^\\d+$", false))).toEqual(["FIDELITY_SCALAR_NAME"]);
  });
});

describe("the TokenRequest rule", () => {
  const pattern = (s: string): readonly Part[] =>
    normalizePattern(
      s
        .split(/(\*)/)
        .filter((x) => x !== "")
        .map((x) => (x === "*" ? { kind: "any" } : T(x))),
    );
  const ir = and([
    m("verb", lit("create")),
    m("objectRef.resource", lit("serviceaccounts")),
    m("objectRef.subresource", lit("token")),
    m("user.username", { kind: "exists" }),
    not(
      or(
        TOKEN_REQUEST_EXCLUSIONS.map((e) =>
          m("user.username", { kind: "pattern", pattern: pattern(e), cased: true }),
        ),
      ),
    ),
    not(m("user.username", lit("", true))),
  ]);

  it("declares the scalar-name notes once per field, the empty-value note on exists, and reads as expected", () => {
    const diagnostics = splunkBackend.lower(ir, ctx).diagnostics;
    expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ["FIDELITY_SCALAR_NAME", "info"],
      ["FIDELITY_SCALAR_NAME", "info"],
      ["FIDELITY_SCALAR_NAME", "info"],
      ["FIDELITY_SCALAR_NAME", "info"],
      ["FIDELITY_EMPTY_VALUE", "info"],
      ["FIDELITY_NULL_TEXT", "info"],
    ]);
    // In predicate order; user.username's later predicates (the exclusions) add none.
    expect(
      diagnostics.slice(0, 4).map((d) => d.message.match(/an array at (\S+) is/)?.[1]),
    ).toEqual(["verb", "objectRef.resource", "objectRef.subresource", "user.username"]);
    const { text } = emit(ir);
    // Every field of the rule is scalar-mapped: each is read under its one name.
    expect(text).not.toContain("{}");
    expect(
      text.startsWith(
        // serviceaccounts has an s (folding also takes ſ): a search prefilter, classes in where.
        'sourcetype="kube:apiserver-audit" AND verb="create" AND objectRef.subresource="token" AND objectRef.resource="serviceaccounts" | where isnotnull(mvfind(\'objectRef.resource\', "\\\\A[Ss][Ee][Rr][Vv][Ii][Cc][Ee]',
      ),
    ).toBe(true);
  });

  it("agrees on hand-picked events", () => {
    const ev = (username: unknown, verb = "create"): unknown => ({
      verb,
      objectRef: { resource: "serviceaccounts", subresource: "token" },
      user: { username },
    });
    expect(agree(ir, ev("alice"))).toBe(true);
    expect(agree(ir, ev("alice", "CREATE"))).toBe(true);
    expect(agree(ir, ev("system:node:n1"))).toBe(false);
    expect(agree(ir, ev("System:Node:n1"))).toBe(true);
    expect(agree(ir, ev(""))).toBe(false);
    expect(agree(ir, ev(undefined))).toBe(false);
    expect(agree(ir, ev(null))).toBe(false);
    // A JSON null is extracted as the text "null", so exists excludes that text: a username
    // that is the string "null" reads as missing (declared, FIDELITY_NULL_TEXT).
    expect(agree(ir, ev("null"))).toBe(false);
    expect(evaluate(ir, ev("null"))).toBe(true);
    expect(agree(ir, ev("eks:x"))).toBe(false);
  });
});

describe("property: interpreter(query(lower(ir)), document(e)) === evaluate(effective, seen(e))", () => {
  const atoms = [
    "a",
    "B",
    "é",
    "É",
    "😀",
    '"',
    "\\",
    "(",
    ")",
    ":",
    "|",
    "*",
    "?",
    "\n",
    " ",
    "and",
    "OR",
    "not",
    "NOT",
    "IN",
    "'",
    "=",
    "<",
    "&",
    "%",
    "_",
    "$",
    ".",
    "x",
  ];
  const text = fc
    .array(fc.constantFrom(...atoms), { minLength: 0, maxLength: 4 })
    .map((a) => a.join(""));
  const part: fc.Arbitrary<Part> = fc.oneof(
    { weight: 4, arbitrary: text.map(T) },
    { weight: 1, arbitrary: fc.constant<Part>({ kind: "any" }) },
    { weight: 1, arbitrary: fc.constant<Part>({ kind: "one" }) },
  );
  const fields = ["verb", "userAgent", "user.groups", "responseStatus.code"] as const;
  const test: fc.Arbitrary<Test> = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant("pattern" as const),
        pattern: fc.array(part, { maxLength: 4 }).map(normalizePattern),
        cased: fc.boolean(),
      }),
    },
    { weight: 1, arbitrary: fc.constant<Test>({ kind: "exists" }) },
    { weight: 1, arbitrary: fc.constant<Test>({ kind: "null" }) },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant("bool" as const), value: fc.boolean() }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("number" as const),
        op: fc.constantFrom("eq", "lt", "lte", "gt", "gte" as const),
        value: fc.integer({ min: -5, max: 500 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("regex" as const),
        source: fc.constantFrom("^a.b$", "a|b", "\\s", "[()*]", "é$", "^$", "\\d{2,}"),
        flags: fc.record({ i: fc.boolean(), m: fc.boolean(), s: fc.boolean() }),
      }),
    },
  );
  const leaf: fc.Arbitrary<Expr> = fc
    .record({ field: fc.constantFrom(...fields), test })
    .map(({ field, test }) => m(field, test));
  const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
    expr: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.array(tie("expr"), { minLength: 1, maxLength: 3 }).map(and),
      fc.array(tie("expr"), { minLength: 1, maxLength: 3 }).map(or),
      tie("expr").map(not),
    ),
  }));
  const scalar = fc.oneof(
    text,
    fc.constantFrom<unknown>(
      null,
      true,
      false,
      "TRUE",
      0,
      403,
      "404",
      "4e2",
      "-3.5",
      "",
      "1.2.3.4",
    ),
  );
  // Splunk names an array field `f{}`: fields mapped without `{}` hold scalars in real audit data.
  // verb may still hold an array: the query does not read verb{}, and seen() hides it (declared).
  const list = fc.array(scalar, { maxLength: 3 });
  const event = fc.record(
    {
      verb: fc.oneof({ weight: 3, arbitrary: scalar }, { weight: 1, arbitrary: list }),
      userAgent: scalar,
      user: fc.record({ groups: list }, { requiredKeys: [] }),
      responseStatus: fc.record({ code: scalar }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  );

  it("holds for random rules and events", () => {
    fc.assert(
      fc.property(expr, fc.array(event, { minLength: 1, maxLength: 5 }), (ir, events) => {
        const lowered = splunkBackend.lower(ir, ctx);
        if (lowered.diagnostics.some((d) => d.severity === "error")) return;
        const run = splInterpreter.compile(splunkBackend.query(lowered.effective, ctx));
        const expected = expectedOf("splunk", ir, lowered, ctx);
        for (const e of events) expect(run(splunkView.document(e))).toBe(expected(e));
      }),
      { numRuns: 600, seed: 20261128 },
    );
  });
});
