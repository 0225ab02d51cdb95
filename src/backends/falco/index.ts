import type { MatchExpr } from "../../ir.js";
import type { Backend, BackendContext } from "../types.js";
import { configFile, rulesFile, unknownFormat } from "./artifact.js";
import { FALCO_CAPABILITIES } from "./capabilities.js";
import { falcoFieldName } from "./elements.js";
import { lowerFalco } from "./lower.js";
import { printCondition } from "./print.js";

function fieldOf(ctx: BackendContext): (m: MatchExpr) => string {
  return (m) => {
    if (m.field === null) throw new Error("internal: keyword match reached the Falco printer");
    return falcoFieldName(ctx, m.field, m.origin);
  };
}

export const falcoBackend: Backend = {
  name: "falco",
  capabilities: FALCO_CAPABILITIES,
  lower: lowerFalco,
  query(effective, ctx) {
    return printCondition(effective, { field: fieldOf(ctx) }, ctx.mapping?.scope);
  },
  artifact(format, _query, effective, ctx) {
    switch (format) {
      case "rules":
        return rulesFile(effective, ctx, fieldOf(ctx));
      case "config":
        return configFile(ctx);
      default:
        return unknownFormat(format, ctx);
    }
  },
};
