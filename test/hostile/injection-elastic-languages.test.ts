import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backendFor } from "../../src/backends/registry.js";
import type { BackendContext } from "../../src/backends/types.js";
import type { Expr, Pattern } from "../../src/ir.js";
import { loadSigmaFile } from "../../src/sigma/load.js";
import type { SigmaRule } from "../../src/sigma/rule.js";
import { resolveMapping } from "../../src/pipelines/resolve.js";
import { loadTarget } from "../../src/targets/load.js";
import { eqlInterpreter, parseEql, type EqlNode } from "../../src/verify/eql/index.js";
import { esqlInterpreter, parseEsql, type EsqlExpr } from "../../src/verify/esql/index.js";
import { elasticDocument } from "../../src/verify/views/elastic.js";

/**
 * Values are data, never structure, in EQL and ES|QL too: a hostile value compiled through the
 * Elastic backend and read back by the language's own grammar is exactly one comparison, on the
 * intended field, beside the logsource scope; and the query finds exactly that value (not the
 * value with a character more or less around it). A value a language cannot say is refused with
 * a coded error at the value's position. Seeded; fast-check prints seed and counterexample.
 */

const RUNS = 150;
const SEED = 13_013;

const TOKENS = [
  "a",
  "Z",
  "k",
  "0",
  " ",
  "'",
  '"',
  '"""',
  "`",
  "``",
  "\\",
  "\\\\",
  "\\*",
  "\\?",
  "(",
  ")",
  ":",
  "|",
  "\n",
  "\r\n",
  "\t",
  "\u0000",
  "\u0001",
  "\u202e",
  "\u2028",
  "é",
  "İ",
  "and",
  "or",
  "not",
  "AND",
  "NOT",
  "in~",
  "like~",
  " or ",
  " | WHERE true",
  "*",
  "?",
  "[a]",
  "{",
  "}",
  "<",
  ">",
  "==",
  "!=",
  ",",
  "#",
  "@",
  "&",
  "~",
  ".",
  "-",
  "%",
  "//",
  "/*",
  "*/",
  "\\u{41}",
  "null",
  "true",
] as const;

const hostile = fc
  .array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 8 })
  .map((parts) => parts.join(""));

const RULE_TEXT =
  "title: t\nlogsource:\n    product: kubernetes\n    service: audit\n" +
  "detection:\n    selection:\n        objectRef.name: x\n    condition: selection\n";
const RULE = loadSigmaFile({ path: "injection.yml", text: RULE_TEXT }).documents[0] as SigmaRule;
const ORIGIN = { offset: 0, length: 0, line: 7, col: 25 };
const FIELD = "kubernetes.audit.objectRef.name";

function context(format: string): BackendContext {
  const config = loadTarget("elastic");
  return {
    rule: RULE,
    config,
    mapping: resolveMapping(RULE.logsource, "elastic"),
    options: {},
    format,
  };
}

interface Compiled {
  readonly query: string;
  /** The backend declared a deviation (a fidelity warning): the query may differ from Sigma. */
  readonly deviates: boolean;
}

function compile(format: "eql" | "esql", pattern: Pattern, cased: boolean): Compiled | undefined {
  const ctx = context(format);
  const backend = backendFor("elastic");
  const ir: Expr = {
    kind: "match",
    field: "objectRef.name",
    test: { kind: "pattern", pattern, cased },
    origin: ORIGIN,
  };
  const lowered = backend.lower(ir, ctx);
  const errors = lowered.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) {
    for (const e of errors) {
      expect(e.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(e.loc?.line).toBe(ORIGIN.line);
    }
    return undefined;
  }
  return {
    query: backend.query(lowered.effective, ctx),
    deviates: lowered.diagnostics.some((d) => d.fidelity && d.severity === "warning"),
  };
}

const exact = (s: string): Pattern => [{ kind: "text", text: s }];
const contains = (s: string): Pattern => [
  { kind: "any" },
  { kind: "text", text: s },
  { kind: "any" },
];

/** Documents holding a name, as Elastic indexes the raw event. */
const docWith = (name: string): unknown => elasticDocument({ objectRef: { name } });

// ---- EQL ----

function eqlConjuncts(n: EqlNode): EqlNode[] {
  return n.kind === "and" ? n.items.flatMap(eqlConjuncts) : [n];
}

function eqlFields(n: EqlNode, out: string[] = []): string[] {
  switch (n.kind) {
    case "and":
    case "or":
      n.items.forEach((i) => eqlFields(i, out));
      break;
    case "not":
      eqlFields(n.item, out);
      break;
    case "compare":
      eqlFields(n.left, out);
      eqlFields(n.right, out);
      break;
    case "predicate":
      eqlFields(n.target, out);
      n.values.forEach((v) => eqlFields(v, out));
      break;
    case "call":
      n.args.forEach((a) => eqlFields(a, out));
      break;
    case "field":
      out.push(n.name);
      break;
    default:
      break;
  }
  return out;
}

/** The query minus its scope conjunct: one comparison, and it names only the intended field. */
function eqlLeaf(query: string): EqlNode {
  const parsed = parseEql(query);
  expect(parsed.category).toBeNull();
  const rest = eqlConjuncts(parsed.where).filter(
    (c) =>
      !(c.kind === "compare" && c.left.kind === "field" && c.left.name === "data_stream.dataset"),
  );
  expect(rest).toHaveLength(1);
  const leaf = rest[0]!;
  expect(["compare", "predicate", "call"]).toContain(leaf.kind);
  expect(eqlFields(leaf)).toEqual([FIELD]);
  return leaf;
}

// ---- ES|QL ----

function esqlConjuncts(e: EsqlExpr): EsqlExpr[] {
  return e.kind === "and" ? e.items.flatMap(esqlConjuncts) : [e];
}

function esqlFields(e: EsqlExpr, out: string[] = []): string[] {
  switch (e.kind) {
    case "and":
    case "or":
      e.items.forEach((i) => esqlFields(i, out));
      break;
    case "not":
      esqlFields(e.item, out);
      break;
    case "isNull":
    case "like":
    case "rlike":
      esqlFields(e.value, out);
      break;
    case "in":
      esqlFields(e.value, out);
      e.list.forEach((i) => esqlFields(i, out));
      break;
    case "compare":
      esqlFields(e.left, out);
      esqlFields(e.right, out);
      break;
    case "call":
      e.args.forEach((a) => esqlFields(a, out));
      break;
    case "field":
      out.push(e.name);
      break;
    default:
      break;
  }
  return out;
}

function esqlLeaf(query: string): EsqlExpr {
  const parsed = parseEsql(query);
  expect(parsed.sources.map((s) => s.pattern)).toEqual(["logs-kubernetes.audit_logs-*"]);
  expect(parsed.where).toHaveLength(1);
  const rest = esqlConjuncts(parsed.where[0]!).filter(
    (c) =>
      !(c.kind === "compare" && c.left.kind === "field" && c.left.name === "data_stream.dataset"),
  );
  expect(rest).toHaveLength(1);
  const leaf = rest[0]!;
  expect(["compare", "like", "rlike", "in"]).toContain(leaf.kind);
  expect(esqlFields(leaf)).toEqual([FIELD]);
  return leaf;
}

const LANGUAGES = [
  { format: "eql" as const, leaf: eqlLeaf, interpreter: eqlInterpreter },
  { format: "esql" as const, leaf: esqlLeaf, interpreter: esqlInterpreter },
];

describe.each(LANGUAGES)("injection: hostile values keep the $format query's structure", (lang) => {
  for (const cased of [true, false]) {
    it(`exact ${cased ? "|cased" : "case-insensitive"} values: one comparison that finds exactly the value (${RUNS} cases)`, () => {
      fc.assert(
        fc.property(hostile, (s) => {
          const out = compile(lang.format, exact(s), cased);
          if (out === undefined) return;
          lang.leaf(out.query);
          // A declared deviation (Sigma lower-cases İ to two characters) keeps the structure.
          if (out.deviates) return;
          const match = lang.interpreter.compile(out.query);
          // Values Elastic's pipeline keeps: a value of whitespace only is kept, "" is not.
          expect(match(docWith(s))).toBe(true);
          expect(match(docWith(s + "a"))).toBe(false);
          expect(match(docWith("a" + s))).toBe(false);
        }),
        { numRuns: RUNS, seed: SEED + (cased ? 0 : 1) },
      );
    });
  }

  it(`contains values: one comparison that finds the value anywhere (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const out = compile(lang.format, contains(s), true);
        if (out === undefined) return;
        lang.leaf(out.query);
        expect(out.deviates).toBe(false);
        const match = lang.interpreter.compile(out.query);
        expect(match(docWith(s))).toBe(true);
        expect(match(docWith(`q${s}q`))).toBe(true);
        // A shorter value cannot contain s.
        expect(match(docWith([...s].slice(1).join("") || "q"))).toBe(s === "q");
      }),
      { numRuns: RUNS, seed: SEED + 2 },
    );
  });
});
