import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backendFor } from "../../src/backends/registry.js";
import type { BackendContext } from "../../src/backends/types.js";
import type { Expr, Pattern } from "../../src/ir.js";
import { resolveMapping } from "../../src/pipelines/resolve.js";
import { loadSigmaFile } from "../../src/sigma/load.js";
import type { SigmaRule } from "../../src/sigma/rule.js";
import { loadTarget } from "../../src/targets/load.js";
import {
  CHECKED_DIALECTS,
  literalValue,
  sqlTokens,
  syntaxErrors,
  type CheckedDialect,
} from "../helpers/sql-syntax.js";

/**
 * Spark and Trino output, which no engine here runs, read back by each dialect's own grammar
 * (test/helpers/sql-syntax.ts): for any value, the query parses, its tokens are those a plain
 * value gets (the value is one literal, never structure), and the literal decodes, by the
 * dialect's own string rules, to the same text in both dialects: the value itself for a cased
 * equality. DuckDB's output has the same property checked by DuckDB's parser (injection.test.ts).
 */

const RUNS = 400;
const SEED = 7_117;

const TOKENS = [
  "a",
  "Z",
  "0",
  " ",
  "'",
  "''",
  '"',
  "`",
  "\\",
  "\\\\",
  "\\'",
  "\\u0041",
  "\\U00000041",
  "\\012",
  "\\n",
  "\\Z",
  "\\%",
  "\\_",
  "%",
  "_",
  "*",
  "?",
  "(",
  ")",
  ";",
  "--",
  "/*",
  "*/",
  "\n",
  "\t",
  "\u2028",
  "é",
  "😀",
  " OR 1=1",
  "AND",
  "x -> x",
  "$",
  "[",
  "]",
] as const;

const hostile = fc
  .array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 8 })
  .map((parts) => parts.join(""));

const RULE = loadSigmaFile({
  path: "injection.yml",
  text:
    "title: t\nlogsource:\n    product: kubernetes\n    service: audit\n" +
    "detection:\n    selection:\n        objectRef.name: x\n    condition: selection\n",
}).documents[0] as SigmaRule;
const ORIGIN = { offset: 0, length: 0, line: 7, col: 25 };

type How = "exact" | "contains" | "insensitive";
const HOWS: readonly How[] = ["exact", "contains", "insensitive"];

function ir(value: string, how: How): Expr {
  const pattern: Pattern =
    how === "contains"
      ? [{ kind: "any" }, { kind: "text", text: value }, { kind: "any" }]
      : [{ kind: "text", text: value }];
  return {
    kind: "match",
    field: "objectRef.name",
    test: { kind: "pattern", pattern, cased: how !== "insensitive" },
    origin: ORIGIN,
  };
}

/** The query in a dialect, or undefined when the backend refuses the value with a coded error. */
function query(dialect: CheckedDialect, value: string, how: How): string | undefined {
  const ctx: BackendContext = {
    rule: RULE,
    config: loadTarget("sql"),
    mapping: resolveMapping(RULE.logsource, "sql"),
    options: { targetOptions: { dialect } },
  };
  const backend = backendFor("sql");
  const lowered = backend.lower(ir(value, how), ctx);
  const errors = lowered.diagnostics.filter((d) => d.severity === "error");
  for (const e of errors) expect(e.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
  return errors.length > 0 ? undefined : backend.query(lowered.effective, ctx);
}

interface Reading {
  readonly structure: string;
  readonly literals: readonly string[];
}

function read(dialect: CheckedDialect, sql: string): Reading {
  const tokens = sqlTokens(dialect, sql);
  return {
    structure: tokens.map((t) => (t.startsWith("'") ? "'…'" : t)).join(" "),
    literals: tokens.filter((t) => t.startsWith("'")).map((t) => literalValue(dialect, t)),
  };
}

/** The token structures plain values get: with and without letters (case folding differs). */
function plainStructures(dialect: CheckedDialect, how: How): Set<string> {
  return new Set(["a", "0", "a0"].map((v) => read(dialect, query(dialect, v, how)!).structure));
}

describe("Spark and Trino output in their own grammars", () => {
  const plain = new Map(
    CHECKED_DIALECTS.flatMap((d) => HOWS.map((h) => [`${d} ${h}`, plainStructures(d, h)])),
  );

  it(`any value is one literal with the same text in both dialects (${RUNS} cases)`, () => {
    let refused = 0;
    fc.assert(
      fc.property(hostile, fc.constantFrom(...HOWS), (value, how) => {
        const readings: Partial<Record<CheckedDialect, Reading>> = {};
        for (const dialect of CHECKED_DIALECTS) {
          const sql = query(dialect, value, how);
          if (sql === undefined) {
            refused++;
            return;
          }
          expect(syntaxErrors(dialect, sql), sql).toEqual([]);
          const r = read(dialect, sql);
          expect([...plain.get(`${dialect} ${how}`)!], sql).toContain(r.structure);
          readings[dialect] = r;
        }
        expect(readings.spark!.literals).toEqual(readings.trino!.literals);
        if (how === "exact") expect(readings.spark!.literals).toEqual([value]);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect(refused).toBeLessThan(RUNS / 4);
  });

  it("catches a query written with the other dialect's string rules", () => {
    const value = "a'b\\c";
    const trinoText = query("trino", value, "exact")!;
    const sparkText = query("spark", value, "exact")!;
    expect(read("trino", trinoText).literals).toEqual([value]);
    expect(read("spark", sparkText).literals).toEqual([value]);
    // Trino's text read as Spark: `''` ends one literal and starts another; `\c` loses its backslash.
    const swapped = read("spark", trinoText.replace(/"/g, "`"));
    expect(swapped.literals).not.toEqual([value]);
    expect(plain.get("spark exact")!.has(swapped.structure)).toBe(false);
  });

  it("rejects a query that lost its closing parenthesis or quote, in both grammars", () => {
    for (const dialect of CHECKED_DIALECTS)
      for (const how of HOWS) {
        const sql = query(dialect, "a", how)!;
        expect(sql).toMatch(/[')]$/);
        expect(syntaxErrors(dialect, sql.slice(0, -1)).length, sql).toBeGreaterThan(0);
      }
  });
});
