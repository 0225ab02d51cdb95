import type { Expr, MatchExpr } from "../../ir.js";
import type { BackendContext } from "../types.js";
import { dialectOf, tableParts } from "./options.js";
import { printCondition, type PrintContext } from "./print.js";
import { resolveField } from "./schema.js";

/** How a rule's predicates read the table, for one compile. */
export function printContext(ctx: BackendContext): PrintContext {
  const dialect = dialectOf(ctx);
  return {
    dialect,
    access: (m: MatchExpr) =>
      resolveField(ctx.mapping, m.field ?? "", ctx.rule.source.path, m.origin),
  };
}

/** The rule's WHERE condition (what `sigprism hunt` runs for many rules in one pass). */
export function sqlCondition(effective: Expr, ctx: BackendContext): string {
  return printCondition(effective, printContext(ctx));
}

/** The table the rule reads, quoted in the dialect. */
export function sqlTable(ctx: BackendContext): string {
  const d = dialectOf(ctx);
  return tableParts(ctx)
    .map((p) => d.ident(p))
    .join(".");
}

export function sqlQuery(effective: Expr, ctx: BackendContext): string {
  return `SELECT * FROM ${sqlTable(ctx)} WHERE ${sqlCondition(effective, ctx)}`;
}
