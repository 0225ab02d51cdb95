import { seenOf } from "../helpers/seen.js";
import fc from "fast-check";
import { check } from "prettier";
import { describe, expect, it } from "vitest";
import { CONSTRUCT_NAMES } from "../../src/backends/constructs.js";
import { jsBackend } from "../../src/backends/js/index.js";
import { MODULE_FORMAT_OPTIONS } from "../../src/backends/js/module.js";
import type { BackendContext } from "../../src/backends/types.js";
import { DiagnosticError } from "../../src/diagnostics.js";
import type { Expr, Test } from "../../src/ir.js";
import { evaluate } from "../../src/sigma/evaluate.js";
import type { SigmaRule } from "../../src/sigma/rule.js";
import { resolveMapping } from "../../src/pipelines/resolve.js";
import { compileModuleToFunction, loadModule } from "../../src/verify/js/interpret.js";
import { jsView } from "../../src/verify/views/js.js";
import { ParseError } from "../../src/verify/types.js";
import { normalizedPattern, rawExprTree } from "../helpers/arbitraries.js";
import { ANY, m, ONE, pat, T } from "../helpers/ir.js";
import { backendContext, testRule } from "../helpers/rule-context.js";

function context(r: SigmaRule = testRule(), mapped = true): BackendContext {
  return backendContext("js", r, { unmapped: !mapped });
}

async function emit(ir: Expr, ctx: BackendContext = context(testRule(), false)): Promise<string> {
  const { effective, diagnostics } = jsBackend.lower(ir, ctx);
  expect(diagnostics).toEqual([]);
  return jsBackend.artifact("module", jsBackend.query(effective, ctx), effective, ctx);
}

describe("capabilities and target file", () => {
  it("rates every construct, all exact", () => {
    expect(jsBackend.capabilities.map((c) => c.construct).sort()).toEqual(
      [...CONSTRUCT_NAMES].sort(),
    );
    expect(jsBackend.capabilities.every((c) => c.capability === "exact")).toBe(true);
  });

  it("reads kubernetes audit fields by their own names (js-kubernetes renames nothing)", () => {
    const mapping = resolveMapping(testRule().logsource, "js");
    expect(mapping?.pipelines).toEqual(["js-kubernetes"]);
    expect(mapping?.unmapped).toBe("passthrough");
    expect(mapping?.targetsOf).toEqual({});
  });

  it("has an identity view", () => {
    const e = { a: 1 };
    expect(seenOf("js")(e)).toBe(e);
    expect(jsView.document(e)).toBe(e);
  });
});

describe("query text", () => {
  const ctx = context();

  it("prints a case-insensitive equality", () => {
    expect(jsBackend.query(m("verb", pat([T("Create")])), ctx)).toBe(
      `$some(event, "verb", (v) => $lower(v) === "create")`,
    );
  });

  it("prints cased prefixes, null tests and negation", () => {
    const ir: Expr = {
      kind: "and",
      items: [
        m("user.username", pat([T("system:node:"), ANY], true)),
        { kind: "not", item: m("objectRef.subresource", { kind: "null" }) },
      ],
    };
    expect(jsBackend.query(ir, ctx)).toBe(
      `$some(event, "user.username", (v) => $startsWith($text(v), "system:node:")) && !!$present(event, "objectRef.subresource")`,
    );
  });

  it("parenthesizes or inside and, and prints numbers and field references", () => {
    const ir: Expr = {
      kind: "and",
      items: [
        {
          kind: "or",
          items: [
            m("responseStatus.code", { kind: "number", op: "gte", value: 400 }),
            m("verb", pat([ANY, T("\"'\\"), ANY], true)),
          ],
        },
        m("user.username", {
          kind: "fieldref",
          other: "objectRef.name",
          position: "endswith",
          cased: false,
        }),
      ],
    };
    expect(jsBackend.query(ir, ctx)).toBe(
      `($some(event, "responseStatus.code", (v) => $num(v) >= 400) || $some(event, "verb", (v) => $includes($text(v), "\\"'\\\\"))) && ` +
        `$some(event, "user.username", (v) => $some(event, "objectRef.name", (w) => $ref(v, w, "endswith", false)))`,
    );
  });

  it("shares one lookup among the value tests of a field inside an OR", () => {
    const ir: Expr = {
      kind: "or",
      items: [
        m("verb", pat([T("get")])),
        m("objectRef.namespace", { kind: "null" }),
        m("verb", pat([T("LIST")])),
      ],
    };
    expect(jsBackend.query(ir, ctx)).toBe(
      `$some(event, "verb", (v) => $lower(v) === "get" || $lower(v) === "list") || !$present(event, "objectRef.namespace")`,
    );
  });

  it("refuses a field a strict pipeline does not map, at the predicate's position", () => {
    const strict: BackendContext = { ...ctx, mapping: { ...ctx.mapping!, unmapped: "strict" } };
    try {
      jsBackend.query(m("no.such.field", pat([T("x")])), strict);
      expect.unreachable();
    } catch (e) {
      const d = (e as DiagnosticError).diagnostic;
      expect([d.code, d.loc?.line, d.loc?.col, d.target]).toEqual(["UNMAPPED_FIELD", 3, 7, "js"]);
    }
  });
});

describe("lowering", () => {
  it("is the identity with no diagnostics", () => {
    const ir = m("verb", pat([T("a"), ONE]));
    expect(jsBackend.lower(ir, context())).toEqual({
      effective: ir,
      deviations: [],
      diagnostics: [],
    });
  });

  it("reports a regex JavaScript cannot compile, at its position", () => {
    const ir = m("verb", { kind: "regex", source: "a(", flags: { i: false, m: false, s: false } });
    const { diagnostics } = jsBackend.lower(ir, context());
    expect(diagnostics.map((d) => [d.code, d.severity, d.loc?.line, d.loc?.col, d.file])).toEqual([
      ["REGEX_INVALID", "error", 3, 7, "rules/test.yml"],
    ]);
  });

  it("knows only the module format", () => {
    expect(() =>
      jsBackend.artifact("ndjson", "true", { kind: "const", value: true }, context()),
    ).toThrow(DiagnosticError);
  });
});

const HOSTILE = [
  `"`,
  `'`,
  "\\",
  "*/",
  "/*",
  "${x}",
  "`",
  "\n",
  "\r\n",
  "\u2028",
  "\u2029",
  "</script>",
  "\0",
  "\ud800",
  "😀",
  "İ",
  '"); process.exit(1); ("',
];

describe("generated module", () => {
  const hostileIr: Expr = {
    kind: "or",
    items: HOSTILE.flatMap((h, i): Expr[] => [
      m(`f${i}`, pat([T(h)], true)),
      m(`g${i}`, pat([ANY, T(h), ONE], false)),
      m(`h.${h}`, { kind: "exists" }),
      m(`r${i}`, {
        kind: "regex",
        source: h.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&"),
        flags: { i: true, m: false, s: false },
      }),
    ]),
  };
  const hostileRule = testRule({
    title: HOSTILE.join(" "),
    id: "`${id}`",
    tags: HOSTILE,
    description: "*/ alert(1) /*",
  });

  it("imports nothing, is prettier-clean and carries rule strings only as data", async () => {
    const text = await emit(hostileIr, context(hostileRule, false));
    expect(text).not.toMatch(/^\s*import\b/m);
    expect(text).not.toMatch(/\bimport\s*\(/);
    expect(text).not.toMatch(/\brequire\s*\(/);
    expect(await check(text, MODULE_FORMAT_OPTIONS)).toBe(true);
    const loaded = loadModule(text);
    expect(loaded.rule).toMatchObject({
      title: HOSTILE.join(" "),
      id: "`${id}`",
      tags: HOSTILE,
      description: "*/ alert(1) /*",
      logsource: { product: "kubernetes", service: "audit" },
    });
  });

  it("agrees with the reference evaluator on hostile values", async () => {
    const match = compileModuleToFunction(await emit(hostileIr, context(hostileRule, false)));
    const events: unknown[] = [{}, { f0: null }];
    HOSTILE.forEach((h, i) => {
      events.push(
        { [`f${i}`]: h },
        { [`f${i}`]: h.toUpperCase() },
        { [`g${i}`]: `a${h.toUpperCase()}b` },
      );
      events.push(
        { [`g${i}`]: `${h}x` },
        { h: { [h]: 0 } },
        { [`h.${h}`]: null },
        { [`r${i}`]: `x${h.toUpperCase()}` },
      );
    });
    for (const e of events) expect([e, match(e)]).toEqual([e, evaluate(hostileIr, e)]);
    expect(events.filter((e) => match(e)).length).toBeGreaterThan(HOSTILE.length * 3);
  });

  it("runs without Node globals: a module that reaches for them fails", () => {
    const probe = [
      "export const rule = {};",
      "export function match(event) {",
      '  return typeof process === "undefined" && typeof require === "undefined" && typeof console === "undefined";',
      "}",
    ].join("\n");
    expect(compileModuleToFunction(probe)({})).toBe(true);
    const evil = "export function match(event) {\n  return eval('1') === 1;\n}\n";
    expect(() => compileModuleToFunction(evil)({})).toThrow();
  });

  it("rejects module syntax outside the modelled subset with a position", () => {
    try {
      compileModuleToFunction(
        'export const rule = {};\nimport fs from "node:fs";\nexport function match() { return true; }',
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ParseError);
      expect([(e as ParseError).line, (e as ParseError).col]).toEqual([2, 1]);
    }
  });
});

describe("parity with the reference evaluator (table)", () => {
  const tests: Test[] = [
    pat([ONE]),
    pat([ONE, ONE]),
    pat([ANY, ONE]),
    pat([T("a"), ONE, T("c")]),
    pat([ANY, T("\ude00")]),
    pat([T("\ud83d"), ANY]),
    pat([T("\udbff"), ANY]),
    pat([T("\ud800"), ANY]),
    pat([ONE, T("\ude00")]),
    pat([ONE, T("a")]),
    pat([ANY, T("İ"), ANY]),
    pat([T("ss")]),
    pat([T("A"), ANY, T("b"), ANY], true),
    pat([]),
    pat([ANY]),
    { kind: "regex", source: "^.$", flags: { i: false, m: false, s: false } },
    { kind: "regex", source: "^a\\-", flags: { i: true, m: false, s: false } },
    { kind: "cidr", network: "10.0.0.0", prefix: 8, version: 4 },
    { kind: "cidr", network: "0.0.0.0", prefix: 0, version: 4 },
    { kind: "cidr", network: "::ffff:0:0", prefix: 96, version: 6 },
    { kind: "cidr", network: "2001:db8::", prefix: 33, version: 6 },
    { kind: "cidr", network: "::", prefix: 0, version: 6 },
    { kind: "cidr", network: "::ffff:10.1.2.0", prefix: 120, version: 6 },
    { kind: "cidr", network: "::ffff:10.1.2.3", prefix: 128, version: 6 },
    { kind: "number", op: "eq", value: 10 },
    { kind: "number", op: "lt", value: 0 },
    { kind: "number", op: "gte", value: 2021 },
    { kind: "bool", value: true },
    { kind: "bool", value: false },
    { kind: "null" },
    { kind: "exists" },
    ...(["minute", "hour", "day", "week", "month", "year"] as const).flatMap((part): Test[] =>
      [0, 1, 3, 12, 23, 31, 53, 2020, 2021].map((value) => ({ kind: "timepart", part, value })),
    ),
    ...(["equal", "startswith", "endswith", "contains"] as const).flatMap((position): Test[] => [
      { kind: "fieldref", other: "g", position, cased: false },
      { kind: "fieldref", other: "g", position, cased: true },
    ]),
  ];
  const values: unknown[] = [
    "a",
    "abc",
    "a😀c",
    "😀",
    "\ud83d",
    "\ude00",
    "\ud83d\ude00\ude00",
    "\udbff\udfff",
    "\ud800\udc00",
    "a\ude00",
    "\ud83da",
    "i̇",
    "İ",
    "ß",
    "SS",
    "AxbY",
    "",
    "a-b",
    "A-B",
    "10.1.2.3",
    "::ffff:10.1.2.3",
    "::ffff:a01:203",
    "2001:db8:7fff::1",
    "2001:db8:8000::1",
    "::",
    "1:2:3:4:5:6:7::",
    "1::2:3.4.5.6",
    "010.1.2.3",
    "10",
    "10.0",
    "1e1",
    "1e+1",
    "1E1",
    "-1e-1",
    "+10",
    "10 ",
    "-0.5",
    "2021",
    10,
    -1,
    2021,
    true,
    false,
    "True",
    "FALSE",
    "2021-01-03T23:59:60+00:00",
    "2020-12-31T23:00:00-01:00",
    "2021-03-31 12:01:00,5Z",
    "2021-02-29T00:00:00Z",
    // Edges of the timestamp syntax and the calendar: a fraction after '.', an offset with
    // minutes, lower-case t and z, text before or after, leap days (and a century that has none),
    // day 1, day 0, month 13.
    "2021-03-31T12:01:00.5Z",
    "2021-03-31T12:01:00+05:30",
    "2021-03-31t12:01:00z",
    "x2021-03-31T12:01:00Z",
    "2021-03-31T12:01:00Zx",
    "2020-02-29T00:00:00Z",
    "2000-02-29T00:00:00Z",
    "1900-02-29T00:00:00Z",
    "2021-03-01T00:00:00Z",
    "2021-03-00T00:00:00Z",
    "2021-13-01T00:00:00Z",
    // The 30-day months end on the 30th.
    "2021-04-31T00:00:00Z",
    "2021-06-31T00:00:00Z",
    "2021-09-31T00:00:00Z",
    "2021-11-31T00:00:00Z",
    null,
    [],
    [null],
    ["x", "a😀c"],
    [["10.1.2.3"]],
    {},
  ];
  const others: unknown[] = [undefined, "A", "a", "😀", "c", 10, true, ["zz", "b"]];

  it("every test on every value: the module and evaluate() agree", async () => {
    for (const t of tests) {
      const ir = m("f", t);
      const match = compileModuleToFunction(await emit(ir));
      for (const f of values)
        for (const g of others) {
          const e = g === undefined ? { f } : { f, g };
          expect([t, e, match(e)]).toEqual([t, e, evaluate(ir, e)]);
        }
    }
  });
});

describe("parity with the reference evaluator (property)", () => {
  const chars = [
    "a",
    "B",
    "*",
    "?",
    "\\",
    '"',
    "😀",
    "\ud83d",
    "\ude00",
    "İ",
    ".",
    ":",
    "1",
    "\n",
    "ß",
  ];
  const text = fc.array(fc.constantFrom(...chars), { maxLength: 4 }).map((cs) => cs.join(""));
  const pattern = normalizedPattern(text, 4);
  const field = fc.constantFrom("a", "b", "a.b", "c.d.e");
  const test: fc.Arbitrary<Test> = fc.oneof(
    fc.record({ kind: fc.constant("pattern" as const), pattern, cased: fc.boolean() }),
    fc.record({
      kind: fc.constant("regex" as const),
      source: fc.constantFrom("^a", "b$", "\\d+", "a.b", "^.$", "😀"),
      flags: fc.record({ i: fc.boolean(), m: fc.boolean(), s: fc.boolean() }),
    }),
    fc.constantFrom<Test>(
      { kind: "cidr", network: "10.0.0.0", prefix: 8, version: 4 },
      { kind: "cidr", network: "2001:db8::", prefix: 32, version: 6 },
      { kind: "number", op: "gte", value: 10 },
      { kind: "number", op: "eq", value: 1 },
      { kind: "bool", value: true },
      { kind: "null" },
      { kind: "exists" },
      { kind: "timepart", part: "hour", value: 23 },
      { kind: "timepart", part: "week", value: 53 },
    ),
    fc.record({
      kind: fc.constant("fieldref" as const),
      other: field,
      position: fc.constantFrom(
        "equal" as const,
        "startswith" as const,
        "endswith" as const,
        "contains" as const,
      ),
      cased: fc.boolean(),
    }),
  );
  const leaf = fc.oneof(
    text,
    fc.constantFrom(
      "10.1.2.3",
      "::ffff:10.0.0.1",
      "2001:db8::1",
      "12",
      "1e1",
      "TRUE",
      "2021-01-03T23:00:00Z",
      "",
    ),
    fc.integer({ min: -20, max: 20 }),
    fc.boolean(),
    fc.constant(null),
  );
  const value = fc.oneof(
    leaf,
    fc.array(leaf, { maxLength: 3 }),
    fc.record({ b: leaf }),
    fc.array(fc.record({ b: leaf }), { maxLength: 2 }),
  );
  const event = fc.dictionary(fc.constantFrom("a", "b", "a.b", "c", "__proto__"), value, {
    maxKeys: 4,
  });
  const expr = rawExprTree(
    fc
      .record({ field: fc.option(field, { freq: 5 }), test })
      .map(({ field: f, test: t }) => m(f, t)),
    { minLength: 2, maxLength: 3 },
  );

  it("the emitted module and evaluate() agree", async () => {
    await fc.assert(
      fc.asyncProperty(
        expr,
        fc.array(event, { minLength: 1, maxLength: 8 }),
        async (ir, events) => {
          const match = compileModuleToFunction(await emit(ir));
          for (const e of events) expect(match(e)).toBe(evaluate(ir, e));
        },
      ),
      { numRuns: 200 },
    );
  });
});
