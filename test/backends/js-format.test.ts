import fc from "fast-check";
import { check, format } from "prettier";
import { describe, expect, it } from "vitest";
import { jsBackend } from "../../src/backends/js/index.js";
import { quote } from "../../src/backends/js/js-doc.js";
import { MODULE_FORMAT_OPTIONS } from "../../src/backends/js/module.js";
import { HELPER_NAMES, runtimeSource } from "../../src/backends/js/runtime.js";
import type { BackendContext } from "../../src/backends/types.js";
import { compileRuleIR } from "../../src/compile.js";
import { hasErrors } from "../../src/diagnostics.js";
import type { Expr, Test } from "../../src/ir.js";
import { loadRuleSet } from "../../src/rule-set.js";
import { walkRuleFiles } from "../../src/sigma/walk.js";
import type { SigmaRule } from "../../src/sigma/rule.js";
import { loadModule } from "../../src/verify/js/interpret.js";
import { CORPUS, HAVE_CORPUS, corpusTitle } from "../helpers/shared-data.js";
import { normalizedPattern, rawExprTree } from "../helpers/arbitraries.js";
import { ANY, m, ONE, pat, T } from "../helpers/ir.js";
import { backendContext, testRule } from "../helpers/rule-context.js";

/**
 * The js module is printed without running prettier (js-doc.ts builds prettier's docs, the runtime
 * is stored formatted). These tests hold the output to prettier: `prettier.check` with the module
 * options must accept every module, for hostile strings, every Test kind, odd nesting and the corpus.
 */

/** The module is printed without a logsource mapping: fields keep their Sigma names. */
const rule = (over: Partial<SigmaRule> = {}): SigmaRule =>
  testRule({ title: "Format rule", ...over });
const unmapped = (r: SigmaRule): BackendContext => backendContext("js", r, { unmapped: true });

async function emit(ir: Expr, r: SigmaRule = rule()): Promise<string> {
  const ctx = unmapped(r);
  return await jsBackend.artifact("module", jsBackend.query(ir, ctx), ir, ctx);
}

async function expectPrettierClean(text: string): Promise<void> {
  if (!(await check(text, MODULE_FORMAT_OPTIONS)))
    expect(text).toBe(await format(text, MODULE_FORMAT_OPTIONS));
}

const HOSTILE = [
  `"`,
  `'`,
  `"'"`,
  `'"'`,
  "\\",
  '\\"',
  "\\'",
  "*/",
  "${x}",
  "`",
  "\n",
  "\u2028",
  "\0",
  "\ud800",
  "😀",
  "İ",
  "漢字漢字",
  "x".repeat(120),
  '"); process.exit(1); ("',
];

describe("string quoting (prettier's choice of quotes)", () => {
  it("prefers double quotes and switches only when the text has more double quotes", () => {
    expect(quote("a'b")).toBe(`"a'b"`);
    expect(quote('a"b')).toBe(`'a"b'`);
    expect(quote(`'"`)).toBe(`"'\\""`);
    expect(quote(`"'"`)).toBe(`'"\\'"'`);
    expect(quote('\\"')).toBe(`'\\\\"'`);
    expect(quote("\n\u2028")).toBe('"\\n\u2028"');
  });
});

describe("the runtime is stored as prettier prints it", () => {
  const names = HELPER_NAMES;

  it("each helper alone and all together", async () => {
    expect(names.length).toBe(21);
    for (const n of names) await expectPrettierClean(`${runtimeSource([n])}\n`);
    await expectPrettierClean(`${runtimeSource(names)}\n`);
  });
});

describe("modules are prettier-clean", () => {
  it("for hostile metadata and values in every Test kind", async () => {
    const ir: Expr = {
      kind: "or",
      items: HOSTILE.flatMap((h, i): Expr[] => [
        m(`f${i}`, pat([T(h)], true)),
        m(`g${i}`, pat([ANY, T(h), ONE])),
        m(`h.${h}`, { kind: "exists" }),
        m(`n.${h}`, { kind: "null" }),
        m(`r${i}`, {
          kind: "regex",
          source: h.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&"),
          flags: { i: true, m: false, s: false },
        }),
        m(h, { kind: "fieldref", other: `${h}.x`, position: "contains", cased: false }),
      ]),
    };
    const r = rule({
      title: HOSTILE.join(" "),
      id: "`${id}`",
      name: '"',
      description: `'${"long ".repeat(30)}"`,
      tags: HOSTILE,
      references: [HOSTILE.join("")],
      falsepositives: ["x".repeat(95)],
      logsource: { product: '"\'"', definition: "d".repeat(200) },
    });
    const text = await emit(ir, r);
    await expectPrettierClean(text);
    expect(loadModule(text).rule).toMatchObject({ title: HOSTILE.join(" "), tags: HOSTILE });
  });

  it("for numbers, booleans, networks, time parts and odd nesting", async () => {
    const num = (op: "eq" | "lt" | "gte", value: number): Test => ({ kind: "number", op, value });
    const leaf = (i: number): Expr => m(`field.number.${i}`, pat([ANY, T(`value ${i}`), ANY]));
    const ir: Expr = {
      kind: "and",
      items: [
        { kind: "and", items: [leaf(1), { kind: "or", items: [leaf(2), leaf(3)] }] },
        { kind: "and", items: [leaf(4), leaf(5)] },
        { kind: "or", items: [{ kind: "and", items: [leaf(6)] }] },
        { kind: "not", item: { kind: "or", items: [leaf(7), { kind: "not", item: leaf(8) }] } },
        { kind: "not", item: { kind: "not", item: m("a", { kind: "null" }) } },
        m("n", num("eq", 1e21)),
        m("n", num("lt", -5)),
        m("n", num("gte", NaN)),
        m("n", num("eq", -Infinity)),
        m("n", num("eq", 1.5e-7)),
        m("b", { kind: "bool", value: false }),
        m("c", {
          kind: "cidr",
          network: "2001:db8:1234:5678:9abc:def0:1234:0",
          prefix: 112,
          version: 6,
        }),
        m("t", { kind: "timepart", part: "week", value: 53 }),
        m(null, pat([T("keyword")])),
        { kind: "const", value: true },
      ],
    };
    await expectPrettierClean(await emit(ir));
    await expectPrettierClean(await emit({ kind: "const", value: false }));
    await expectPrettierClean(await emit(m("x", pat([]))));
  });

  it("for random rules (property)", async () => {
    const text = fc.oneof(
      fc.constantFrom(...HOSTILE),
      fc.string({ maxLength: 40 }),
      fc.constantFrom("a", "Ab", "y".repeat(70)),
    );
    const pattern = normalizedPattern(text, 3);
    const test: fc.Arbitrary<Test> = fc.oneof(
      fc.record({ kind: fc.constant("pattern" as const), pattern, cased: fc.boolean() }),
      fc.record({
        kind: fc.constant("regex" as const),
        source: fc.constantFrom("^a", "b$", "\\d+", "\"'", "z".repeat(90)),
        flags: fc.record({ i: fc.boolean(), m: fc.boolean(), s: fc.boolean() }),
      }),
      fc.constantFrom<Test>(
        { kind: "cidr", network: "10.0.0.0", prefix: 8, version: 4 },
        { kind: "number", op: "gte", value: -10 },
        { kind: "bool", value: true },
        { kind: "null" },
        { kind: "exists" },
        { kind: "timepart", part: "hour", value: 23 },
        { kind: "fieldref", other: "other.field", position: "startswith", cased: true },
      ),
    );
    const field = fc.oneof(
      fc.constantFrom("a", "b.c", "a.very.long.field.name.that.goes.on"),
      text,
    );
    const expr = rawExprTree(
      fc
        .record({ field: fc.option(field, { freq: 6 }), test })
        .map(({ field: f, test: t }) => m(f, t)),
      { minLength: 1, maxLength: 4 },
    );
    const meta = fc.record({
      title: text,
      description: fc.option(text, { nil: undefined }),
      tags: fc.array(text, { maxLength: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(expr, meta, async (ir, md) => {
        const r = rule({ title: md.title, tags: md.tags, description: md.description });
        await expectPrettierClean(await emit(ir, r));
      }),
      { numRuns: 150 },
    );
  });
});

describe.skipIf(!HAVE_CORPUS)(corpusTitle("corpus modules are prettier-clean"), () => {
  it("a sample of at least 300 SigmaHQ rules", async () => {
    // Every 8th rule file, spread over the corpus' folders (the walk is in path order); only
    // those are loaded.
    const files = walkRuleFiles([CORPUS]).files.filter((_, i) => i % 8 === 0);
    const set = loadRuleSet(files);
    let checked = 0;
    for (const r of set.rules) {
      const ruleIR = compileRuleIR(r);
      if (hasErrors(ruleIR.diagnostics)) continue;
      const ctx = unmapped(r);
      const lowered = jsBackend.lower(ruleIR.ir, ctx);
      if (hasErrors(lowered.diagnostics)) continue;
      const text = await jsBackend.artifact(
        "module",
        jsBackend.query(lowered.effective, ctx),
        lowered.effective,
        ctx,
      );
      await expectPrettierClean(text);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(300);
  });
});
