import { backendFor } from "../backends/registry.js";
import type { BackendContext } from "../backends/types.js";
import { sqlCondition } from "../backends/sql/query.js";
import { schemaOf, type ColumnType } from "../backends/sql/schema.js";
import { compileRuleIR } from "../compile.js";
import { DiagnosticError, hasErrors, type Diagnostic } from "../diagnostics.js";
import type { SigmaFilter, SigmaRule } from "../sigma/rule.js";
import { resolveMapping } from "../pipelines/resolve.js";
import type { Pipeline } from "../pipelines/types.js";
import { loadTarget } from "../targets/load.js";

/**
 * What `sigprism hunt` runs: every rule compiled to its DuckDB WHERE condition, grouped by the
 * table shape of its logsource, so that one pass over the files answers every rule of a shape.
 */

export interface HuntRule {
  readonly id: string;
  readonly title: string;
  readonly level: string;
  readonly condition: string;
  /** `{"id":…,"title":…,"level":…}`, written before each matching event. */
  readonly json: string;
}

export interface HuntGroup {
  /** json_transform's structure for the table shape (every column, as text, lists or JSON). */
  readonly structure: string;
  readonly rules: readonly HuntRule[];
}

export interface HuntPlan {
  readonly groups: readonly HuntGroup[];
  readonly diagnostics: readonly Diagnostic[];
}

/** The json_transform structure of a table shape. */
export function transformStructure(t: ColumnType): unknown {
  switch (t.kind) {
    case "varchar":
      return "VARCHAR";
    case "list":
      return ["VARCHAR"];
    case "json":
      return "JSON";
    case "struct":
      return Object.fromEntries([...t.fields].map(([k, v]) => [k, transformStructure(v)]));
  }
}

/** `pipelines`: the user's -p list, applied after the SQL target's defaults (as for convert). */
export function planHunt(
  rules: readonly SigmaRule[],
  filters: readonly SigmaFilter[],
  pipelines: readonly Pipeline[] = [],
): HuntPlan {
  const config = loadTarget("sql");
  const backend = backendFor("sql");
  const diagnostics: Diagnostic[] = [];
  const groups = new Map<string, HuntRule[]>();
  for (const rule of rules) {
    const r = compileRuleIR(rule, { filters, pipelines });
    diagnostics.push(...r.diagnostics);
    if (hasErrors(r.diagnostics)) continue;
    const mapping = resolveMapping(rule.logsource, "sql", pipelines);
    const schema = schemaOf(mapping);
    if (schema === null) {
      diagnostics.push({
        severity: "error",
        code: "HUNT_NO_TABLE_SHAPE",
        message: `no table shape for logsource ${JSON.stringify(rule.logsource)} in targets/sql.yml; the rule is not hunted`,
        file: rule.source.path,
        target: "sql",
      });
      continue;
    }
    const ctx: BackendContext = {
      rule,
      config,
      mapping,
      options: { targetOptions: { dialect: "duckdb" } },
    };
    try {
      const lowered = backend.lower(r.ir, ctx);
      diagnostics.push(...lowered.diagnostics);
      if (hasErrors(lowered.diagnostics)) continue;
      const key = JSON.stringify(transformStructure(schema));
      const list = groups.get(key) ?? [];
      const id = rule.id ?? rule.title;
      list.push({
        id,
        title: rule.title,
        level: rule.level ?? "",
        condition: sqlCondition(lowered.effective, ctx),
        json: JSON.stringify({ id: rule.id ?? null, title: rule.title, level: rule.level ?? null }),
      });
      groups.set(key, list);
    } catch (e) {
      if (!(e instanceof DiagnosticError)) throw e;
      diagnostics.push(e.diagnostic);
    }
  }
  return {
    groups: [...groups].map(([structure, rules]) => ({ structure, rules })),
    diagnostics,
  };
}
