import { and, type Expr, type MatchExpr } from "../../ir.js";
import { targetFields } from "../../pipelines/fields.js";
import type { BackendContext } from "../types.js";
import { SPL } from "./dialect.js";
import { printSearch, searchable } from "./print-search.js";
import { prefilterOf } from "./prefilter.js";
import { printWhere } from "./print-where.js";

/**
 * The SPL text: `<scope> AND <search items> AND <terms> | where <the rest>`. A top-level AND is
 * split: items that search says exactly stay in the search command; the others, and any item that
 * mixes both kinds, go to one `where` clause, and their search terms (prefilter.ts: implied by
 * them, never narrower) go in front so that Splunk reads only the events that hold them.
 */

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
  const implied = inWhere.length > 0 ? prefilterOf(and(inWhere)) : undefined;
  const terms = implied?.kind === "terms" ? implied.expr : undefined;
  const extra = terms === undefined ? [] : terms.kind === "and" ? terms.items : [terms];
  for (const e of [...inSearch, ...extra])
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
