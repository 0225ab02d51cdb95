import type { Backend } from "../types.js";
import { savedSearchStanza } from "./artifact.js";
import { SPLUNK_CAPABILITIES } from "./capabilities.js";
import { lowerSplunk } from "./lower.js";
import { splunkQuery } from "./query.js";
import { splunkSeen } from "./seen.js";
import { DiagnosticError } from "../../diagnostics.js";

export const splunkBackend: Backend = {
  name: "splunk",
  capabilities: SPLUNK_CAPABILITIES,
  lower: lowerSplunk,
  dataNotes: [],
  seen: splunkSeen,
  query: splunkQuery,
  artifact(format, query, _effective, ctx) {
    switch (format) {
      case "query":
        return query;
      case "savedsearches":
        return savedSearchStanza(query, ctx);
      default:
        throw new DiagnosticError({
          severity: "error",
          code: "UNKNOWN_FORMAT",
          message: `unknown format '${format}' for splunk (known: query, savedsearches)`,
          file: ctx.rule.source.path,
          target: "splunk",
        });
    }
  },
};
