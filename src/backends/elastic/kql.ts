import type { Expr } from "../../ir.js";
import { targetFields } from "../../pipelines/fields.js";
import type { BackendContext } from "../types.js";
import { ELASTIC_CAPABILITIES } from "./capabilities.js";
import { unquotedText } from "./dialect.js";
import type { LanguageBackend } from "./language-backend.js";
import { lowerForElastic } from "./lower.js";
import { printKql } from "./print.js";
import { kqlScope } from "./scope.js";
import { elasticSeen } from "./seen.js";

/** KQL (kuery), Elastic's default query language. */
export const kqlLanguage: LanguageBackend = {
  language: "kql",
  capabilities: ELASTIC_CAPABILITIES,
  lower: lowerForElastic,
  seen: elasticSeen,
  query(effective: Expr, ctx: BackendContext): string {
    const file = ctx.rule.source.path;
    return printKql(
      effective,
      (m) =>
        targetFields(ctx.mapping, m.field ?? "", "elastic", file, m.origin).map((f) =>
          unquotedText(f, true),
        ),
      kqlScope(ctx),
    );
  },
};
