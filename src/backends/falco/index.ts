import type { MatchExpr } from "../../ir.js";
import type { Backend, BackendContext } from "../types.js";
import { configFile, rulesFile, unknownFormat } from "./artifact.js";
import { FALCO_CAPABILITIES } from "./capabilities.js";
import { falcoFieldNames, presenceField } from "./elements.js";
import { lowerFalco } from "./lower.js";
import { printCondition, type PrintEnv } from "./print.js";
import { falcoSeen } from "./seen.js";
import { FALCO_DATA_NOTES } from "./data-notes.js";
import { falcoSource } from "./sources.js";
import { networkField } from "./typed.js";
import { argvFields } from "./argv.js";
import { combineConfigs } from "./combine.js";

function fieldOf(ctx: BackendContext): (m: MatchExpr) => readonly string[] {
  return (m) => {
    if (m.field === null) throw new Error("internal: keyword match reached the Falco printer");
    return falcoFieldNames(ctx, m.field, m.origin);
  };
}

function envOf(ctx: BackendContext): PrintEnv {
  return {
    field: fieldOf(ctx),
    presence: (m) => (m.field === null ? undefined : presenceField(ctx, m.field)),
    network: (m) => (m.field === null ? undefined : networkField(ctx, m.field)),
    argv: (m) => (m.field === null ? undefined : argvFields(ctx, m.field)),
    alwaysField: falcoSource(ctx).alwaysField,
    file: ctx.rule.source.path,
  };
}

/** Falco's artifacts are built synchronously (no formatter runs), so callers may use them as is. */
export const falcoBackend = {
  name: "falco",
  capabilities: FALCO_CAPABILITIES,
  unknownLogsource: "error",
  lower: lowerFalco,
  dataNotes: FALCO_DATA_NOTES,
  seen: falcoSeen,
  query(effective, ctx) {
    return printCondition(effective, envOf(ctx), ctx.mapping?.scope);
  },
  combine(format, artifacts) {
    return format === "config" ? combineConfigs(artifacts) : undefined;
  },
  artifact(format, query, effective, ctx) {
    switch (format) {
      case "rules":
        return rulesFile(effective, ctx, envOf(ctx), query);
      case "config":
        return configFile(ctx);
      default:
        return unknownFormat(format, ctx);
    }
  },
} satisfies Backend;
