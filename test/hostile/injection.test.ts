import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backendFor } from "../../src/backends/registry.js";
import type { BackendContext } from "../../src/backends/types.js";
import type { Expr, Pattern } from "../../src/ir.js";
import { loadSigmaFile } from "../../src/sigma/load.js";
import type { SigmaRule } from "../../src/sigma/rule.js";
import { resolveMapping } from "../../src/pipelines/resolve.js";
import { loadTarget } from "../../src/targets/load.js";
import type { TargetName } from "../../src/targets/types.js";
import { parseCondition as parseFalco, type FNode } from "../../src/verify/falco/ast.js";
import { compileFnmatch } from "../../src/verify/falco/fnmatch.js";
import { loadModule } from "../../src/verify/js/interpret.js";
import { parseKql, type KqlNode } from "../../src/verify/kql/index.js";
import type { EvalNode, Pipeline, SearchNode } from "../../src/verify/spl/ast.js";
import { buildPipeline } from "../../src/verify/spl/build.js";
import { duckdb } from "../../src/verify/sql/engine.js";
import { sqlInterpreter } from "../../src/verify/sql/index.js";
import { queryShape } from "../../src/verify/sql/shape.js";

/**
 * Values are data, never structure (issue 7): a hostile string compiled through a real backend
 * and read back by that target's own grammar is exactly one comparison, on the intended field,
 * with the intended value, beside the logsource scope the benign value also gets. A target that
 * cannot say a value must refuse it with a coded error, never emit something else.
 * 2,500 seeded cases per target on average (10,000 per run); fast-check prints seed and counterexample.
 */

const RUNS = 2_500;
/** Each JS case runs a module in a fresh vm context (~5 ms), so JS gets fewer and SPL/Falco more. */
const JS_RUNS = 1_000;
const MORE_RUNS = RUNS + (RUNS - JS_RUNS) / 2;
const SEED = 7_007;
/** Each SQL case loads a three-row table into DuckDB and runs the query there. */
const SQL_RUNS = 600;

const TOKENS = [
  "a",
  "Z",
  "0",
  " ",
  "  ",
  "'",
  '"',
  "`",
  "\\",
  "\\\\",
  "\\*",
  "\\?",
  "(",
  ")",
  ":",
  "|",
  "$",
  "${x}",
  "\n",
  "\r\n",
  "\t",
  "\u0000",
  "\u202e",
  "\u200b",
  "\ufeff",
  "\u2028",
  "é",
  "and",
  "or",
  "not",
  "AND",
  "OR",
  "NOT",
  "IN",
  "in",
  " not ",
  " or ",
  "*",
  "?",
  "[a, b]",
  "(x, y)",
  "| delete",
  "{",
  "}",
  "<",
  ">",
  "=",
  "!=",
  ",",
  "#",
  "-",
  "%",
  "//",
  "/*",
  "*/",
  "\\u0041",
  "\\x41",
  "\\n",
  "exists",
  "true",
  "null",
  "__proto__",
  "constructor",
] as const;

const hostile = fc
  .array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 10 })
  .map((parts) => parts.join(""));

const RULE_TEXT =
  "title: t\nlogsource:\n    product: kubernetes\n    service: audit\n" +
  "detection:\n    selection:\n        objectRef.name: x\n    condition: selection\n";
const RULE = loadSigmaFile({ path: "injection.yml", text: RULE_TEXT }).documents[0] as SigmaRule;
const ORIGIN = { offset: 0, length: 0, line: 7, col: 25 };

function context(target: TargetName): BackendContext {
  const config = loadTarget(target);
  return { rule: RULE, config, mapping: resolveMapping(RULE.logsource, target), options: {} };
}

/** DuckDB's parse tree of the WHERE condition of a SQL query (shape-checked). */
async function sqlWhere(query: string): Promise<Record<string, unknown>> {
  const c = await duckdb();
  const r = await c.runAndReadAll(`SELECT json_serialize_sql('${query.replace(/'/g, "''")}')`);
  return queryShape(String(r.getRows()[0]![0])).where as Record<string, unknown>;
}

/** The column names and constants anywhere below a DuckDB expression node. */
function sqlLeaves(n: unknown, out: { columns: string[][]; constants: unknown[] }): typeof out {
  if (Array.isArray(n)) n.forEach((x) => sqlLeaves(x, out));
  else if (typeof n === "object" && n !== null) {
    const o = n as Record<string, unknown>;
    if (o.class === "COLUMN_REF") out.columns.push(o.column_names as string[]);
    else if (o.class === "CONSTANT") out.constants.push((o.value as { value: unknown }).value);
    else for (const v of Object.values(o)) sqlLeaves(v, out);
  }
  return out;
}

function matchOf(pattern: Pattern): Expr {
  return {
    kind: "match",
    field: "objectRef.name",
    test: { kind: "pattern", pattern, cased: true },
    origin: ORIGIN,
  };
}

type Compiled =
  | { readonly kind: "text"; readonly query: string; readonly artifact: string }
  | { readonly kind: "refused" };

async function compile(target: TargetName, pattern: Pattern): Promise<Compiled> {
  const ctx = context(target);
  const backend = backendFor(target);
  const lowered = backend.lower(matchOf(pattern), ctx);
  const errors = lowered.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) {
    for (const e of errors) {
      expect(e.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(e.loc?.line).toBe(ORIGIN.line);
    }
    return { kind: "refused" };
  }
  const query = backend.query(lowered.effective, ctx);
  const artifact =
    target === "js" ? await backend.artifact("module", query, lowered.effective, ctx) : "";
  return { kind: "text", query, artifact };
}

const exact = (s: string): Pattern => [{ kind: "text", text: s }];
const contains = (s: string): Pattern => [
  { kind: "any" },
  { kind: "text", text: s },
  { kind: "any" },
];

// ---- KQL ----

function kqlLeaves(node: KqlNode, out: KqlNode[] = []): KqlNode[] {
  switch (node.kind) {
    case "and":
      node.items.forEach((i) => kqlLeaves(i, out));
      return out;
    case "or":
    case "not":
    case "all":
    case "is":
    case "range":
      out.push(node);
      return out;
  }
}

const KQL_FIELD = "kubernetes.audit.objectRef.name";

function kqlTarget(query: string): KqlNode[] {
  return kqlLeaves(parseKql(query)).filter(
    (l) =>
      !(l.kind === "is" && l.field?.kind === "string" && l.field.text === "data_stream.dataset"),
  );
}

// ---- SPL ----

/**
 * The comparisons of a pipeline, through AND and OR (Splunk reads a field under both of its
 * names, `f OR f{}`); every one of them must then be the intended comparison.
 */
function splLeaves(p: Pipeline): (SearchNode | EvalNode)[] {
  const out: (SearchNode | EvalNode)[] = [];
  const search = (n: SearchNode): void => {
    if (n.kind === "and" || n.kind === "or") n.items.forEach(search);
    else out.push(n);
  };
  const where = (n: EvalNode): void => {
    if (n.kind === "and" || n.kind === "or") {
      where(n.left);
      where(n.right);
    } else out.push(n);
  };
  for (const c of p.commands) {
    if (c.kind === "search") search(c.expr);
    else where(c.expr);
  }
  return out;
}

// ---- Falco ----

function falcoLeaves(n: FNode, out: FNode[] = []): FNode[] {
  if (n.kind === "and") n.items.forEach((i) => falcoLeaves(i, out));
  else out.push(n);
  return out;
}

describe("injection: hostile values keep the query's structure", () => {
  it(`elastic: exact values read back as one quoted comparison (${RUNS / 2} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (s) => {
        const out = await compile("elastic", exact(s));
        if (out.kind === "refused") return;
        const leaves = kqlTarget(out.query);
        expect(leaves).toHaveLength(1);
        const leaf = leaves[0]!;
        expect(leaf.kind).toBe("is");
        if (leaf.kind !== "is") return;
        expect(leaf.field).toMatchObject({ kind: "string", text: KQL_FIELD });
        expect(leaf.value).toMatchObject({ kind: "string", text: s });
      }),
      { numRuns: RUNS / 2, seed: SEED },
    );
  });

  it(`elastic: contains values read back as one wildcard *s* (${RUNS / 2} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (s) => {
        const out = await compile("elastic", contains(s));
        if (out.kind === "refused") return;
        const leaves = kqlTarget(out.query);
        expect(leaves).toHaveLength(1);
        const leaf = leaves[0]!;
        if (leaf.kind !== "is") throw new Error(`expected one comparison, got ${leaf.kind}`);
        expect(leaf.field).toMatchObject({ kind: "string", text: KQL_FIELD });
        expect(leaf.value.kind).toBe("wildcard");
        if (leaf.value.kind !== "wildcard") return;
        // Kibana trims an unquoted value, so a backend must not leave edge whitespace unescaped.
        expect(leaf.value.parts).toEqual([
          { kind: "any" },
          { kind: "text", text: s },
          { kind: "any" },
        ]);
      }),
      { numRuns: RUNS / 2, seed: SEED + 1 },
    );
  });

  it(`splunk: one search and/or regex test on the field, matching exactly the value (${MORE_RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (s) => {
        const out = await compile("splunk", exact(s));
        if (out.kind === "refused") return;
        const leaves = splLeaves(buildPipeline(out.query)).filter(
          (l) =>
            !(
              l.kind === "cmp" &&
              "field" in l &&
              typeof l.field === "string" &&
              l.field === "sourcetype"
            ),
        );
        expect(leaves.length).toBeGreaterThan(0);
        for (const leaf of leaves) {
          if (leaf.kind === "cmp" && "value" in leaf && typeof leaf.field === "string") {
            // A search term: the same field (Splunk names a scalar `f` and an array `f{}`, so both
            // are read), the value or, where search cannot hold a character of it, the text
            // around that character with `*` at its ends: a glob that accepts the value itself.
            expect(["objectRef.name", "objectRef.name{}"]).toContain(leaf.field);
            if (leaf.value.kind !== "glob") throw new Error("expected a glob");
            const parts = leaf.value.parts;
            const texts = parts.filter((p): p is string => typeof p === "string");
            expect(texts).toHaveLength(1);
            expect(s).toContain(texts[0]);
            if (parts.length === 1) expect(texts[0]).toBe(s);
            else {
              if (typeof parts[0] === "string") expect(s.startsWith(parts[0])).toBe(true);
              const last = parts[parts.length - 1];
              if (typeof last === "string") expect(s.endsWith(last)).toBe(true);
            }
          } else if (
            leaf.kind === "call" &&
            (leaf.fn.name === "mvfind" || leaf.fn.name === "match")
          ) {
            const fn = leaf.fn;
            expect(fn.arg).toMatchObject({ kind: "field" });
            expect(["objectRef.name", "objectRef.name{}"]).toContain(
              (fn.arg as { name: string }).name,
            );
            expect(fn.regex.test(s)).toBe(true);
            expect(fn.regex.test(s + "a")).toBe(false);
            expect(fn.regex.test("a" + s)).toBe(false);
          } else if (
            leaf.kind === "call" &&
            leaf.fn.name === "isnotnull" &&
            leaf.fn.arg.kind === "call"
          ) {
            const inner = leaf.fn.arg.fn;
            if (inner.name !== "mvfind" && inner.name !== "match")
              throw new Error(`unexpected ${inner.name}`);
            expect(inner.arg).toMatchObject({ kind: "field" });
            expect(["objectRef.name", "objectRef.name{}"]).toContain(
              (inner.arg as { name: string }).name,
            );
            expect(inner.regex.test(s)).toBe(true);
            expect(inner.regex.test(s + "a")).toBe(false);
            expect(inner.regex.test("a" + s)).toBe(false);
          } else throw new Error(`unexpected SPL node ${JSON.stringify(leaf)}`);
        }
      }),
      { numRuns: MORE_RUNS, seed: SEED + 2 },
    );
  });

  it(`falco: one = comparison on ka.target.name with the value (${MORE_RUNS} cases)`, async () => {
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(hostile, async (s) => {
        const out = await compile("falco", exact(s));
        if (out.kind === "refused") {
          refused++;
          return;
        }
        const leaves = falcoLeaves(parseFalco(out.query));
        expect(leaves).toHaveLength(1);
        const leaf = leaves[0]!;
        expect(leaf).toMatchObject({ kind: "str", field: { name: "ka.target.name" } });
        if (leaf.kind !== "str") return;
        if (leaf.op === "glob") {
          // A quoted Falco string cannot end in a backslash, so such values become a glob that
          // brackets the special characters; it must still match exactly the value.
          const glob = compileFnmatch(leaf.value, false);
          expect(glob(s)).toBe(true);
          expect(glob(s + "a")).toBe(false);
          expect(glob("a" + s)).toBe(false);
        } else expect(leaf).toMatchObject({ op: "=", value: s });
      }),
      { numRuns: MORE_RUNS, seed: SEED + 3 },
    );
    // Only values Falco cannot hold (NUL…) may be refused; most must compile.
    expect(refused).toBeLessThan(MORE_RUNS / 2);
  });

  it(`js: the module matches exactly the value, which appears only as a JSON literal (${JS_RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (s) => {
        const out = await compile("js", exact(s));
        if (out.kind === "refused") throw new Error("the JS target can say every string");
        expect(out.query).toContain(JSON.stringify(s));
        const { match } = loadModule(out.artifact);
        expect(match({ objectRef: { name: s } })).toBe(true);
        expect(match({ objectRef: { name: s + "a" } })).toBe(false);
        expect(match({ objectRef: { name: [s.slice(1)] } })).toBe(s.length === 0);
        expect(match({})).toBe(false);
      }),
      { numRuns: JS_RUNS, seed: SEED + 4 },
    );
  });

  it(`sql: one comparison on objectRef.name in DuckDB's own parse, matching exactly the value (${SQL_RUNS} cases)`, async () => {
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        hostile,
        fc.constantFrom("exact", "contains", "insensitive"),
        async (s, how) => {
          const pattern = how === "contains" ? contains(s) : exact(s);
          const ctx = context("sql");
          const backend = backendFor("sql");
          const m = matchOf(pattern);
          const ir: Expr =
            how === "insensitive" && m.kind === "match"
              ? { ...m, test: { kind: "pattern", pattern, cased: false } }
              : m;
          const lowered = backend.lower(ir, ctx);
          const errors = lowered.diagnostics.filter((d) => d.severity === "error");
          if (errors.length > 0) {
            for (const e of errors) expect(e.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
            refused++;
            return;
          }
          const query = backend.query(lowered.effective, ctx);
          const where = await sqlWhere(query);
          // One predicate: a comparison or a function call, never AND/OR/NOT built from the value.
          expect(["COMPARISON", "FUNCTION"]).toContain(where.class);
          const leaves = sqlLeaves(where, { columns: [], constants: [] });
          expect(leaves.columns).toEqual([["objectRef", "name"]]);
          if (how === "exact") expect(leaves.constants).toEqual([s]);
          const [same, longer, earlier] = await sqlInterpreter.run(query, [
            { objectRef: { name: s } },
            { objectRef: { name: s + "a" } },
            { objectRef: { name: "a" + s } },
          ]);
          expect(same).toBe(true);
          expect(longer).toBe(how === "contains");
          expect(earlier).toBe(how === "contains");
        },
      ),
      { numRuns: SQL_RUNS, seed: SEED + 5 },
    );
    // Only values no SQL string can hold (NUL, unpaired surrogates) may be refused.
    expect(refused).toBeLessThan(SQL_RUNS / 2);
  }, 300_000);
});
