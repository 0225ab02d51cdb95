import { describe, expect, it } from "vitest";
import { backendFor } from "../../src/backends/registry.js";
import type { BackendContext } from "../../src/backends/types.js";
import { DIALECT_NAMES, type DialectName } from "../../src/backends/sql/dialect.js";
import { compileRuleIR } from "../../src/compile.js";
import { DiagnosticError, hasErrors } from "../../src/diagnostics.js";
import { loadRuleSet } from "../../src/rule-set.js";
import { resolveMapping } from "../../src/pipelines/resolve.js";
import { loadTarget } from "../../src/targets/load.js";
import { CORPUS, HAVE_CORPUS, SKIP_REASON } from "../helpers/shared-data.js";
import { CHECKED_DIALECTS, syntaxErrors, type CheckedDialect } from "../helpers/sql-syntax.js";

interface DialectOutput {
  readonly rules: number;
  readonly queries: readonly { readonly sql: string; readonly path: string }[];
  readonly codes: Readonly<Record<string, number>>;
}

/** Every corpus rule the front end accepts, through the SQL backend in one dialect. */
function convertCorpus(): Record<DialectName, DialectOutput> {
  const set = loadRuleSet([CORPUS]);
  const rules = set.rules
    .map((rule) => ({ rule, r: compileRuleIR(rule) }))
    .filter((x) => !hasErrors(x.r.diagnostics));
  const config = loadTarget("sql");
  const backend = backendFor("sql");
  const out = {} as Record<DialectName, DialectOutput>;
  for (const dialect of DIALECT_NAMES) {
    const queries: { sql: string; path: string }[] = [];
    const codes: Record<string, number> = {};
    for (const { rule, r } of rules) {
      const ctx: BackendContext = {
        rule,
        config,
        mapping: resolveMapping(rule.logsource, "sql"),
        options: { targetOptions: { dialect } },
      };
      let code: string | undefined;
      try {
        const lowered = backend.lower(r.ir, ctx);
        code = lowered.diagnostics.find((d) => d.severity === "error")?.code;
        if (code === undefined)
          queries.push({ sql: backend.query(lowered.effective, ctx), path: rule.source.path });
      } catch (e) {
        if (!(e instanceof DiagnosticError)) throw new Error(`${rule.source.path}: ${String(e)}`);
        code = e.diagnostic.code;
      }
      if (code !== undefined) codes[code] = (codes[code] ?? 0) + 1;
    }
    out[dialect] = { rules: rules.length, queries, codes };
  }
  return out;
}

/** Literals and quoted identifiers out: what is left is the query's vocabulary of operators. */
const LITERAL: Readonly<Record<CheckedDialect, RegExp>> = {
  spark: /'(?:[^'\\]|\\[\s\S])*'|`(?:[^`]|``)*`/g,
  trino: /'(?:[^']|'')*'|"(?:[^"]|"")*"/g,
};

function vocabulary(dialect: CheckedDialect, sql: string): string {
  const words = sql.replace(LITERAL[dialect], " ").match(/[A-Za-z_]+|->|[^\sA-Za-z_0-9]/g) ?? [];
  return [...new Set(words.map((w) => w.toUpperCase()))].sort().join(" ");
}

/**
 * The SigmaHQ corpus in each SQL dialect: at least 95% of the rules the front end accepts become
 * a query, and every other one has a coded error (counted by code in the log). Spark and Trino
 * output, which no engine here runs, is read by each dialect's own grammar (sql-syntax.ts).
 */
describe.skipIf(!HAVE_CORPUS)("the SigmaHQ corpus in every SQL dialect", () => {
  if (!HAVE_CORPUS) console.warn(SKIP_REASON);
  let converted: Record<DialectName, DialectOutput> | undefined;
  const output = (): Record<DialectName, DialectOutput> => (converted ??= convertCorpus());

  it("converts at least 95% of the rules per dialect; the rest have coded errors", () => {
    for (const dialect of DIALECT_NAMES) {
      const { rules, queries, codes } = output()[dialect];
      for (const q of queries) expect(q.sql.startsWith("SELECT * FROM ")).toBe(true);
      for (const code of Object.keys(codes)) expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      const share = queries.length / rules;
      console.log(
        `[corpus sql/${dialect}] ${queries.length}/${rules} rules convert (${(share * 100).toFixed(1)}%); errors: ${JSON.stringify(codes)}`,
      );
      expect(share).toBeGreaterThanOrEqual(0.95);
    }
  }, 300_000);

  // Parsing all 3,600 queries per dialect takes a minute on a busy machine, so per dialect the
  // shortest query of every distinct vocabulary (keywords, functions, operators) is parsed:
  // every construct the corpus makes the backend write, in its smallest context.
  it("Spark's and Trino's grammars parse every construct the corpus produces", () => {
    for (const dialect of CHECKED_DIALECTS) {
      const shortest = new Map<string, { sql: string; path: string }>();
      for (const q of output()[dialect].queries) {
        const key = vocabulary(dialect, q.sql);
        const seen = shortest.get(key);
        if (seen === undefined || q.sql.length < seen.sql.length) shortest.set(key, q);
      }
      const failures = [...shortest.values()]
        .map((q) => ({ ...q, errors: syntaxErrors(dialect, q.sql) }))
        .filter((f) => f.errors.length > 0);
      console.log(
        `[corpus sql/${dialect} syntax] ${output()[dialect].queries.length} queries, ${shortest.size} vocabularies parsed, ${failures.length} with syntax errors`,
      );
      expect(failures.slice(0, 3)).toEqual([]);
      expect(shortest.size).toBeGreaterThan(20);
    }
  }, 300_000);
});
