import { describe, expect, it } from "vitest";
import { DiagnosticError } from "../../src/diagnostics.js";
import type { Expr, Part, Test } from "../../src/ir.js";
import { compilePredicate, evaluate } from "../../src/sigma/evaluate.js";

const origin = { offset: 40, length: 3, line: 4, col: 9 };
const m = (field: string | null, test: Test): Expr => ({ kind: "match", field, test, origin });
const T = (text: string): Part => ({ kind: "text", text });
const ANY: Part = { kind: "any" };
const ONE: Part = { kind: "one" };
const pat = (parts: Part[], cased = false): Test => ({ kind: "pattern", pattern: parts, cased });
const eq = (text: string, cased = false): Test => pat([T(text)], cased);
const not = (item: Expr): Expr => ({ kind: "not", item });
const NULL: Test = { kind: "null" };
const EXISTS: Test = { kind: "exists" };
const json = (text: string): unknown => JSON.parse(text);

describe("field lookup", () => {
  it("follows dotted paths into nested objects", () => {
    expect(evaluate(m("objectRef.resource", eq("pods")), { objectRef: { resource: "pods" } })).toBe(
      true,
    );
    expect(evaluate(m("objectRef.resource", eq("pods")), { objectRef: { name: "pods" } })).toBe(
      false,
    );
  });

  it("lets a literal dotted key win, longest prefix first, without falling back", () => {
    const f = m("a.b.c", eq("x"));
    expect(evaluate(f, { "a.b": { c: "x" } })).toBe(true);
    expect(evaluate(f, { "a.b.c": "x", a: { b: { c: "y" } } })).toBe(true);
    expect(evaluate(f, { "a.b": { c: "y" }, a: { b: { c: "x" } } })).toBe(false);
    // "a.b" wins even though only the nested path holds c.
    expect(evaluate(m("a.b.c", NULL), { "a.b": {}, a: { b: { c: "x" } } })).toBe(true);
    expect(evaluate(f, { a: { "b.c": "x" } })).toBe(true);
  });

  it("reads annotation keys that contain dots", () => {
    const e = { annotations: { "authorization.k8s.io/decision": "allow" } };
    expect(evaluate(m("annotations.authorization.k8s.io/decision", eq("allow")), e)).toBe(true);
  });

  it("reads only own properties: prototype names are ordinary keys", () => {
    expect(evaluate(m("constructor", NULL), {})).toBe(true);
    expect(evaluate(m("toString", EXISTS), {})).toBe(false);
    expect(evaluate(m("a.constructor.name", pat([ANY])), { a: {} })).toBe(false);
    expect(evaluate(m("__proto__", eq("x")), json('{"__proto__": "x"}'))).toBe(true);
    expect(evaluate(m("__proto__.polluted", eq("1")), json('{"__proto__": {"polluted": 1}}'))).toBe(
      true,
    );
    expect(evaluate(m("__proto__", EXISTS), {})).toBe(false);
    expect(evaluate(m("hasOwnProperty", EXISTS), json('{"hasOwnProperty": "own"}'))).toBe(true);
  });

  it("traverses arrays along the path and at the leaf: any value may match", () => {
    const e = { items: [{ name: "a" }, { other: 1 }, { name: ["b", ["c"]] }] };
    expect(evaluate(m("items.name", eq("c")), e)).toBe(true);
    expect(evaluate(m("items.name", eq("a")), e)).toBe(true);
    expect(evaluate(m("items.name", eq("d")), e)).toBe(false);
    expect(
      evaluate(m("user.groups", eq("system:masters")), {
        user: { groups: ["x", "system:masters"] },
      }),
    ).toBe(true);
    expect(evaluate(m("list", eq("x")), { list: [null, "x"] })).toBe(true);
  });
});

describe("null, missing and exists", () => {
  const cases: [string, unknown, boolean][] = [
    ["missing", {}, false],
    ["null", { f: null }, false],
    ["empty string", { f: "" }, true],
    ["empty array", { f: [] }, true],
    ["array of null", { f: [null] }, true],
    ["zero", { f: 0 }, true],
    ["false", { f: false }, true],
    ["object", { f: {} }, true],
  ];
  for (const [name, event, present] of cases) {
    it(`${name}: exists is ${present}, null is ${!present}`, () => {
      expect(evaluate(m("f", EXISTS), event)).toBe(present);
      expect(evaluate(m("f", NULL), event)).toBe(!present);
    });
  }

  it("makes every value test false on a missing or null field, so `not` is true", () => {
    const tests: Test[] = [
      eq(""),
      pat([ANY]),
      { kind: "regex", source: "", flags: { i: false, m: false, s: false } },
      { kind: "cidr", network: "0.0.0.0", prefix: 0, version: 4 },
      { kind: "number", op: "gte", value: -Infinity },
      { kind: "bool", value: false },
      { kind: "fieldref", other: "g", position: "contains", cased: false },
      { kind: "timepart", part: "year", value: 2024 },
    ];
    for (const t of tests) {
      for (const e of [{ g: "" }, { f: null, g: "" }, { f: [null], g: "" }]) {
        expect(evaluate(m("f", t), e)).toBe(false);
        expect(evaluate(not(m("f", t)), e)).toBe(true);
      }
    }
  });

  it("null over an array path: null when no element holds a non-null value", () => {
    expect(evaluate(m("a.b", NULL), { a: [{ b: null }, {}] })).toBe(true);
    expect(evaluate(m("a.b", NULL), { a: [{ b: null }, { b: "x" }] })).toBe(false);
    expect(evaluate(m("a.b", NULL), { a: [] })).toBe(true);
  });
});

describe("pattern", () => {
  it("compares case-insensitively unless cased", () => {
    expect(evaluate(m("f", eq("Create")), { f: "cREATE" })).toBe(true);
    expect(evaluate(m("f", eq("Create", true)), { f: "cREATE" })).toBe(false);
    expect(evaluate(m("f", eq("Create", true)), { f: "Create" })).toBe(true);
    expect(evaluate(m("f", eq("system:node:x", true)), { f: "System:Node:x" })).toBe(false);
  });

  it("matches the whole value: * is any run (also empty), ? exactly one code point", () => {
    const starts = pat([T("system:node:"), ANY], true);
    expect(evaluate(m("f", starts), { f: "system:node:" })).toBe(true);
    expect(evaluate(m("f", starts), { f: "system:node:n1" })).toBe(true);
    expect(evaluate(m("f", starts), { f: "xsystem:node:n1" })).toBe(false);
    const one = pat([T("a"), ONE, T("c")]);
    expect(evaluate(m("f", one), { f: "abc" })).toBe(true);
    expect(evaluate(m("f", one), { f: "ac" })).toBe(false);
    expect(evaluate(m("f", one), { f: "abbc" })).toBe(false);
    expect(evaluate(m("f", one), { f: "a😀c" })).toBe(true);
    expect(evaluate(m("f", pat([ONE, ONE])), { f: "😀" })).toBe(false);
    expect(evaluate(m("f", pat([ANY, ONE, ONE])), { f: "😀" })).toBe(false);
    expect(evaluate(m("f", pat([ANY, T("\udE00")])), { f: "😀" })).toBe(false);
    expect(evaluate(m("f", pat([ANY, T("b"), ANY, T("b"), ONE])), { f: "abxbyb" })).toBe(false);
    expect(evaluate(m("f", pat([ANY, T("b"), ANY, T("b"), ONE])), { f: "abxbyby" })).toBe(true);
    expect(evaluate(m("f", pat([])), { f: "" })).toBe(true);
    expect(evaluate(m("f", pat([])), { f: "x" })).toBe(false);
  });

  it("treats escaped wildcard characters (already parsed into text) literally", () => {
    const literalStar = pat([T("a*b?c\\")]);
    expect(evaluate(m("f", literalStar), { f: "a*b?c\\" })).toBe(true);
    expect(evaluate(m("f", literalStar), { f: "axbyc\\" })).toBe(false);
    expect(evaluate(m("f", pat([T("C:\\Windows\\"), ANY])), { f: "c:\\windows\\x" })).toBe(true);
  });

  it("reads numbers and booleans as text, never objects", () => {
    expect(evaluate(m("code", eq("403")), { code: 403 })).toBe(true);
    expect(evaluate(m("code", pat([T("4"), ANY])), { code: 403 })).toBe(true);
    expect(evaluate(m("flag", eq("TRUE")), { flag: true })).toBe(true);
    expect(evaluate(m("o", pat([ANY])), { o: {} })).toBe(false);
    expect(evaluate(m("o", pat([ANY])), { o: [{}, "x"] })).toBe(true);
  });

  it("does not backtrack exponentially", () => {
    // 30 stars over 5,000 characters: a backtracking glob tries about C(5000, 30) ≈ 10^80 splits
    // and never returns before the hang guard (vitest's timeout); the linear matcher answers.
    const parts: Part[] = [];
    for (let i = 0; i < 30; i++) parts.push(ANY, T("a"));
    parts.push(T("b"));
    expect(evaluate(m("f", pat(parts)), { f: "a".repeat(5000) })).toBe(false);
  });
});

describe("regex", () => {
  const re = (source: string, flags: Partial<Record<"i" | "m" | "s", boolean>> = {}): Test => ({
    kind: "regex",
    source,
    flags: { i: false, m: false, s: false, ...flags },
  });

  it("searches anywhere, case-sensitively unless i", () => {
    expect(evaluate(m("f", re("b+c")), { f: "abbbcd" })).toBe(true);
    expect(evaluate(m("f", re("^b")), { f: "abc" })).toBe(false);
    expect(evaluate(m("f", re("B")), { f: "abc" })).toBe(false);
    expect(evaluate(m("f", re("B", { i: true })), { f: "abc" })).toBe(true);
  });

  it("honours m and s, and runs in Unicode mode when the source allows it", () => {
    expect(evaluate(m("f", re("^b$")), { f: "a\nb" })).toBe(false);
    expect(evaluate(m("f", re("^b$", { m: true })), { f: "a\nb" })).toBe(true);
    expect(evaluate(m("f", re("a.b")), { f: "a\nb" })).toBe(false);
    expect(evaluate(m("f", re("a.b", { s: true })), { f: "a\nb" })).toBe(true);
    expect(evaluate(m("f", re("^.$")), { f: "😀" })).toBe(true);
    // `\-` is refused in Unicode mode; it still runs without it.
    expect(evaluate(m("f", re("a\\-b")), { f: "a-b" })).toBe(true);
  });

  it("reads numbers as text but not booleans", () => {
    expect(evaluate(m("f", re("^40\\d$")), { f: 403 })).toBe(true);
    expect(evaluate(m("f", re("true")), { f: true })).toBe(false);
  });

  it("reports a regex that cannot compile with a code and the rule position", () => {
    try {
      compilePredicate(m("f", re("(")));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DiagnosticError);
      const d = (e as DiagnosticError).diagnostic;
      expect([d.code, d.loc?.line, d.loc?.col]).toEqual(["REGEX_INVALID", 4, 9]);
    }
  });
});

describe("cidr", () => {
  const cidr = (network: string, prefix: number, version: 4 | 6): Test => ({
    kind: "cidr",
    network,
    prefix,
    version,
  });
  const inNet = (t: Test, ip: unknown): boolean => evaluate(m("ip", t), { ip });

  it("matches IPv4 addresses inside the network", () => {
    const t = cidr("10.0.0.0", 8, 4);
    expect(inNet(t, "10.255.1.2")).toBe(true);
    expect(inNet(t, "11.0.0.1")).toBe(false);
    expect(inNet(cidr("192.168.1.0", 23, 4), "192.168.0.7")).toBe(true);
    expect(inNet(cidr("192.168.2.0", 23, 4), "192.168.1.7")).toBe(false);
    expect(inNet(cidr("1.2.3.4", 32, 4), "1.2.3.4")).toBe(true);
  });

  it("refuses text that is not exactly an address", () => {
    const t = cidr("0.0.0.0", 0, 4);
    for (const bad of ["010.0.0.1", "1.2.3", "1.2.3.256", " 1.2.3.4", "1.2.3.4 ", "x", ""])
      expect(inNet(t, bad)).toBe(false);
    expect(inNet(t, 167772161)).toBe(false);
    expect(inNet(t, ["x", "8.8.8.8"])).toBe(true);
  });

  it("matches IPv6, with :: and a dotted tail", () => {
    const t = cidr("2001:db8::", 32, 6);
    expect(inNet(t, "2001:DB8:0:0:1::1")).toBe(true);
    expect(inNet(t, "2001:db9::1")).toBe(false);
    expect(inNet(cidr("::1", 128, 6), "0:0:0:0:0:0:0:1")).toBe(true);
    expect(inNet(cidr("fe80::", 10, 6), "fe80::1%eth0")).toBe(false);
    expect(inNet(cidr("64:ff9b::", 96, 6), "64:ff9b::192.0.2.33")).toBe(true);
    expect(inNet(t, "2001:db8::1::2")).toBe(false);
    expect(inNet(t, "2001:db8:1:2:3:4:5:6:7")).toBe(false);
  });

  it("compares IPv4 as IPv4-mapped IPv6, both ways", () => {
    expect(inNet(cidr("10.0.0.0", 8, 4), "::ffff:10.1.2.3")).toBe(true);
    expect(inNet(cidr("10.0.0.0", 8, 4), "::ffff:a01:203")).toBe(true);
    expect(inNet(cidr("::ffff:0:0", 96, 6), "10.1.2.3")).toBe(true);
    expect(inNet(cidr("::", 0, 6), "10.1.2.3")).toBe(true);
    expect(inNet(cidr("0.0.0.0", 0, 4), "2001:db8::1")).toBe(false);
  });
});

describe("number and bool", () => {
  const num = (op: "eq" | "lt" | "lte" | "gt" | "gte", value: number): Test => ({
    kind: "number",
    op,
    value,
  });
  it("compares JSON numbers and exact numeric strings", () => {
    expect(evaluate(m("c", num("eq", 403)), { c: 403 })).toBe(true);
    expect(evaluate(m("c", num("eq", 403)), { c: "403" })).toBe(true);
    expect(evaluate(m("c", num("eq", 1000)), { c: "1e3" })).toBe(true);
    expect(evaluate(m("c", num("gte", 400)), { c: "400.0" })).toBe(true);
    expect(evaluate(m("c", num("lt", 0)), { c: "-0.5" })).toBe(true);
    expect(evaluate(m("c", num("gt", 400)), { c: 400 })).toBe(false);
    expect(evaluate(m("c", num("lte", 400)), { c: 400 })).toBe(true);
    for (const bad of [" 5", "5 ", "+5", "0x5", "5.", ".5", "Infinity", "", true, null])
      expect(evaluate(m("c", num("lte", 10)), { c: bad })).toBe(false);
  });

  it("reads JSON booleans and true/false strings in any case", () => {
    const t: Test = { kind: "bool", value: true };
    expect(evaluate(m("b", t), { b: true })).toBe(true);
    expect(evaluate(m("b", t), { b: "TRUE" })).toBe(true);
    expect(evaluate(m("b", t), { b: "yes" })).toBe(false);
    expect(evaluate(m("b", t), { b: 1 })).toBe(false);
    expect(evaluate(m("b", { kind: "bool", value: false }), { b: "False" })).toBe(true);
  });
});

describe("fieldref", () => {
  const ref = (
    position: "equal" | "startswith" | "endswith" | "contains",
    cased = false,
  ): Test => ({
    kind: "fieldref",
    other: "b",
    position,
    cased,
  });
  it("compares with the other field's value, cased or not", () => {
    expect(evaluate(m("a", ref("equal")), { a: "X", b: "x" })).toBe(true);
    expect(evaluate(m("a", ref("equal", true)), { a: "X", b: "x" })).toBe(false);
    expect(evaluate(m("a", ref("startswith")), { a: "system:node:x", b: "SYSTEM:" })).toBe(true);
    expect(evaluate(m("a", ref("endswith")), { a: "abc", b: "bc" })).toBe(true);
    expect(evaluate(m("a", ref("contains")), { a: "abc", b: "d" })).toBe(false);
    expect(evaluate(m("a", ref("equal")), { a: 5, b: "5" })).toBe(true);
  });
  it("holds for any pair of values, and never against a missing field", () => {
    expect(evaluate(m("a", ref("equal")), { a: ["p", "q"], b: ["r", "q"] })).toBe(true);
    expect(evaluate(m("a", ref("equal")), { a: ["p"], b: ["r"] })).toBe(false);
    expect(evaluate(m("a", ref("contains")), { a: "abc" })).toBe(false);
    expect(evaluate(m("a", ref("contains")), { a: "abc", b: null })).toBe(false);
  });
});

describe("timepart", () => {
  const tp = (
    part: "minute" | "hour" | "day" | "week" | "month" | "year",
    value: number,
    t: unknown,
  ): boolean => evaluate(m("t", { kind: "timepart", part, value }), { t });
  it("takes UTC parts of RFC 3339 date-times", () => {
    const t = "2021-01-01T00:30:15.123+01:00"; // 2020-12-31T23:30:15Z
    expect([
      tp("year", 2020, t),
      tp("month", 12, t),
      tp("day", 31, t),
      tp("hour", 23, t),
      tp("minute", 30, t),
    ]).toEqual([true, true, true, true, true]);
    expect(tp("hour", 0, "2024-05-01 00:00:00z")).toBe(true);
  });
  it("uses ISO weeks", () => {
    expect(tp("week", 53, "2021-01-03T12:00:00Z")).toBe(true);
    expect(tp("week", 1, "2021-01-04T00:00:00Z")).toBe(true);
    expect(tp("week", 1, "2024-12-30T00:00:00Z")).toBe(true);
    expect(tp("week", 52, "2023-12-31T23:59:59Z")).toBe(true);
  });
  it("refuses values that are not date-times with an offset", () => {
    for (const bad of [
      "2024-01-01T00:00:00",
      "2024-02-30T00:00:00Z",
      "2024-13-01T00:00:00Z",
      "2024-01-01",
      1704067200,
    ])
      expect(tp("year", 2024, bad)).toBe(false);
    expect(tp("year", 2024, "2024-02-29T00:00:00Z")).toBe(true);
    expect(tp("minute", 59, "2016-12-31T23:59:60Z")).toBe(true);
    expect(tp("year", 99, "0099-06-01T00:00:00Z")).toBe(true);
  });
});

describe("keywords", () => {
  const kw = (text: string): Expr => m(null, pat([ANY, T(text), ANY]));
  it("searches every string and number leaf, not keys or booleans", () => {
    const e = { a: { b: ["x", { c: "needle in hay" }] }, n: 4031, flag: true, secret: null };
    expect(evaluate(kw("NEEDLE"), e)).toBe(true);
    expect(evaluate(kw("403"), e)).toBe(true);
    expect(evaluate(kw("flag"), e)).toBe(false);
    expect(evaluate(kw("true"), e)).toBe(false);
  });
});

describe("boolean structure", () => {
  it("combines with and / or / not / const", () => {
    const a = m("a", eq("1"));
    const b = m("b", eq("1"));
    const e = { a: "1", b: "0" };
    expect(evaluate({ kind: "and", items: [a, b] }, e)).toBe(false);
    expect(evaluate({ kind: "or", items: [a, b] }, e)).toBe(true);
    expect(evaluate({ kind: "and", items: [a, not(b)] }, e)).toBe(true);
    expect(evaluate({ kind: "const", value: true }, e)).toBe(true);
    expect(evaluate({ kind: "const", value: false }, e)).toBe(false);
    const f = compilePredicate({ kind: "or", items: [not(a), b] });
    expect([f(e), f({ a: "2" }), f({})]).toEqual([false, true, true]);
  });
});

describe("phrase (Elasticsearch's match_phrase on a text field)", () => {
  const phrase = (...tokens: string[]): Test => ({ kind: "phrase", tokens });

  it("holds when one value's analysed words hold the tokens in a row", () => {
    const f = m("groups", phrase("system:masters"));
    expect(evaluate(f, { groups: ["x", "System:Masters-readonly"] })).toBe(true);
    expect(evaluate(f, { groups: "system:mastersx" })).toBe(false);
    expect(evaluate(m("g", phrase("a", "b")), { g: ["x a", "b"] })).toBe(false);
    expect(evaluate(m("g", phrase("a", "b")), { g: "A-b" })).toBe(true);
    expect(evaluate(m("g", phrase("403")), { g: 403 })).toBe(true);
    expect(evaluate(m("g", phrase()), { g: "" })).toBe(false);
    expect(evaluate(m("g", phrase("a")), {})).toBe(false);
  });

  it("a value outside the analyzer model is an error at the predicate, not a guess", () => {
    let error: unknown;
    try {
      evaluate(m("g", phrase("a")), { g: "日本" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DiagnosticError);
    expect((error as DiagnosticError).diagnostic).toMatchObject({
      code: "PHRASE_UNMODELLED",
      loc: origin,
    });
  });
});
