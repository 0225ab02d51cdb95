import type { Expr, MatchExpr } from "../../../ir.js";
import { targetFields } from "../../../pipelines/fields.js";
import type { BackendContext } from "../../types.js";
import { declaredFields } from "../facts.js";
import { fieldType } from "../fields.js";
import type { LanguageBackend } from "../language-backend.js";
import { eqlCategory, scopeOf } from "../scope.js";
import { elasticSeen } from "../seen.js";
import { EQL_CAPABILITIES } from "./capabilities.js";
import { lowerForEql } from "./lower.js";
import { printEql, type EqlFieldOf } from "./print.js";

function fieldResolver(ctx: BackendContext): EqlFieldOf {
  const declared = declaredFields(ctx);
  return (m: MatchExpr) =>
    targetFields(ctx.mapping, m.field ?? "", "elastic", ctx.rule.source.path, m.origin).map(
      (name) => ({
        name,
        type: fieldType(ctx, name),
        optional: ctx.mapping === undefined || !declared.has(name),
      }),
    );
}

export const eqlLanguage: LanguageBackend = {
  language: "eql",
  capabilities: EQL_CAPABILITIES,
  lower: lowerForEql,
  // Term-level queries read every indexed value: EQL sees what KQL sees.
  seen: elasticSeen,
  query(effective: Expr, ctx: BackendContext): string {
    return printEql(effective, fieldResolver(ctx), eqlCategory(ctx), scopeOf(ctx));
  },
};
