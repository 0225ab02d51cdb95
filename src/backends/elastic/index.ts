import { DiagnosticError } from "../../diagnostics.js";
import type { Expr } from "../../ir.js";
import { targetFields } from "../../pipelines/fields.js";
import type { Backend, BackendContext, Lowered } from "../types.js";
import { ELASTIC_CAPABILITIES } from "./capabilities.js";
import { unquotedText } from "./dialect.js";
import { lowerForElastic } from "./lower.js";
import { kibanaNdjson } from "./ndjson.js";
import { printKql } from "./print.js";
import { ruleMeta } from "./rule-meta.js";
import { elasticSeen } from "./seen.js";
import { ELASTIC_DATA_NOTES } from "./data-notes.js";
import { detectionRuleToml } from "./toml.js";

/** Elastic Security: KQL over the Kubernetes integration's ECS documents. */

function query(effective: Expr, ctx: BackendContext): string {
  const file = ctx.rule.source.path;
  return printKql(
    effective,
    (m) =>
      targetFields(ctx.mapping, m.field ?? "", "elastic", file, m.origin).map((f) =>
        unquotedText(f, true),
      ),
    ctx.mapping?.scope,
  );
}

export const elasticBackend: Backend = {
  name: "elastic",
  capabilities: ELASTIC_CAPABILITIES,

  lower(ir: Expr, ctx: BackendContext): Lowered {
    return lowerForElastic(ir, ctx);
  },

  dataNotes: ELASTIC_DATA_NOTES,
  seen: elasticSeen,

  query,

  artifact(format: string, text: string, _effective: Expr, ctx: BackendContext): string {
    switch (format) {
      case "query":
        return text;
      case "kibana-ndjson":
        return kibanaNdjson(ruleMeta(ctx), text);
      case "toml":
        return detectionRuleToml(ruleMeta(ctx), text);
      default:
        throw new DiagnosticError({
          severity: "error",
          code: "UNKNOWN_FORMAT",
          message: `target elastic has no format '${format}' (formats: query, kibana-ndjson, toml)`,
          file: ctx.rule.source.path,
          target: "elastic",
        });
    }
  },
};
