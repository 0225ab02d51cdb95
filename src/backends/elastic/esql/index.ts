import type { Expr, MatchExpr } from "../../../ir.js";
import { targetFields } from "../../../pipelines/fields.js";
import type { BackendContext } from "../../types.js";
import { fieldType } from "../fields.js";
import type { LanguageBackend } from "../language-backend.js";
import { scopeOf } from "../scope.js";
import { ESQL_CAPABILITIES } from "./capabilities.js";
import { multiValuedFields } from "./fields.js";
import { lowerForEsql } from "./lower.js";
import { printEsql, type EsqlFieldOf } from "./print.js";
import { esqlSeen } from "./seen.js";

function fieldResolver(ctx: BackendContext): EsqlFieldOf {
  const multi = multiValuedFields(ctx);
  return (m: MatchExpr) =>
    targetFields(ctx.mapping, m.field ?? "", "elastic", ctx.rule.source.path, m.origin).map(
      (name) => ({ name, type: fieldType(ctx, name), multiValued: multi.has(name) }),
    );
}

/** The indices FROM reads: the pipelines' data streams, else every logs index. */
function indices(ctx: BackendContext): readonly string[] {
  const names = ctx.mapping?.index ?? [];
  return names.length > 0 ? names : ["logs-*"];
}

export const esqlLanguage: LanguageBackend = {
  language: "esql",
  capabilities: ESQL_CAPABILITIES,
  lower: lowerForEsql,
  seen: esqlSeen,
  query(effective: Expr, ctx: BackendContext): string {
    return printEsql(effective, fieldResolver(ctx), indices(ctx), scopeOf(ctx));
  },
};
