import type { Expr, MatchExpr } from "../../ir.js";
import { targetFields } from "../../pipelines/fields.js";
import type { BackendContext } from "../types.js";
import { SPL } from "./dialect.js";
import { patternSearchable, printSearch, searchable } from "./print-search.js";
import { foldCovers } from "./casefold.js";
import { printWhere } from "./print-where.js";

/**
 * The SPL text: `<scope> AND <search items> | where <the rest>`. A top-level AND is split: items
 * that search says exactly stay in the search command (fast, index-assisted); the others, and
 * any item that mixes both kinds, go to one `where` clause.
 */

/**
 * A pattern that goes to `where` (|cased, or case-insensitive where folding is not exact) also
 * implies its folding twin, which search can say: adding the twin to the search command changes
 * no result (it accepts a superset) but lets Splunk use its index instead of piping every event
 * of the scope into `where`.
 */
function impliedSearchTerm(e: Expr): Expr[] {
  if (e.kind !== "match" || e.test.kind !== "pattern" || !patternSearchable(e.test.pattern))
    return [];
  // Case folding accepts every value equal with its case; for a case-insensitive pattern it
  // accepts a superset of Sigma's lower-case matches only when foldCovers says so.
  if (!e.test.cased && !foldCovers(e.test.pattern)) return [];
  return [{ ...e, test: { ...e.test, cased: false } }];
}

/** The scope clause: ctx.options.targetOptions.scope overrides the logsource's. */
export function splunkScope(ctx: BackendContext): string | undefined {
  const override = ctx.options.targetOptions?.["scope"];
  if (override !== undefined) return override === "" ? undefined : override;
  return ctx.mapping?.scope;
}

export function splunkQuery(effective: Expr, ctx: BackendContext): string {
  const field = (m: MatchExpr): readonly string[] =>
    targetFields(ctx.mapping, m.field ?? "", "splunk", ctx.rule.source.path, m.origin);
  const items = effective.kind === "and" ? effective.items : [effective];
  const inSearch = items.filter(searchable);
  const inWhere = items.filter((e) => !searchable(e));

  const head: string[] = [];
  const scope = splunkScope(ctx);
  if (scope !== undefined) head.push(/\s/.test(scope) ? `(${scope})` : scope);
  for (const e of [...inSearch, ...inWhere.flatMap(impliedSearchTerm)])
    head.push(
      e.kind === "or" || e.kind === "and" ? `(${printSearch(e, field)})` : printSearch(e, field),
    );
  let text = head.length > 0 ? head.join(SPL.search.and) : SPL.search.everything;
  if (inWhere.length > 0) {
    const rest: Expr = inWhere.length === 1 ? inWhere[0]! : { kind: "and", items: inWhere };
    text += SPL.where.command + printWhere(rest, field);
  }
  return text;
}
