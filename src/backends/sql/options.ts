import { DiagnosticError } from "../../diagnostics.js";
import type { BackendContext } from "../types.js";
import { DIALECT_NAMES, DIALECTS, isDialectName, type Dialect } from "./dialect.js";

/**
 * The SQL target's options: `--option dialect=duckdb|spark|trino` (default: targets/sql.yml
 * settings.dialect) and `--option table=NAME` (a dotted name such as lake.security.k8s_audit; default:
 * the logsource's `table`, else product_category_service of the rule's logsource).
 */

function invalid(ctx: BackendContext, message: string): never {
  throw new DiagnosticError({
    severity: "error",
    code: "INVALID_OPTION",
    message,
    file: ctx.rule.source.path,
    target: "sql",
  });
}

export function dialectOf(ctx: BackendContext): Dialect {
  const raw = ctx.options.targetOptions?.["dialect"] ?? ctx.config.settings["dialect"] ?? "duckdb";
  if (typeof raw !== "string" || !isDialectName(raw))
    return invalid(
      ctx,
      `unknown SQL dialect ${JSON.stringify(raw)} (dialects: ${DIALECT_NAMES.join(", ")})`,
    );
  return DIALECTS[raw];
}

/** The default table of a logsource that names none: its keys joined, as one identifier. */
export function defaultTableName(ctx: BackendContext): string {
  const set = ctx.mapping?.settings["table"];
  if (typeof set === "string" && set !== "") return set;
  const ls = ctx.rule.logsource;
  const parts = [ls.product, ls.category, ls.service].filter((p): p is string => !!p);
  const name = parts.map((p) => p.toLowerCase().replace(/[^a-z0-9]+/g, "_")).join("_");
  return name === "" ? "events" : name;
}

/** The table name's parts (split at dots): each is quoted as one identifier when printed. */
export function tableParts(ctx: BackendContext): readonly string[] {
  const name = ctx.options.targetOptions?.["table"] ?? defaultTableName(ctx);
  const parts = name.split(".");
  if (parts.some((p) => p === "" || /[\x00-\x1f\x7f]/.test(p)))
    return invalid(
      ctx,
      `table name ${JSON.stringify(name)}: every dotted part must be a non-empty name without control characters`,
    );
  return parts;
}
