import { DiagnosticError } from "../../diagnostics.js";
import type { Backend } from "../types.js";
import { SQL_CAPABILITIES } from "./capabilities.js";
import { lowerSql } from "./lower.js";
import { sqlQuery } from "./query.js";
import { SQL_DATA_NOTES, sqlSeen } from "./seen.js";

export const sqlBackend: Backend = {
  name: "sql",
  capabilities: SQL_CAPABILITIES,
  lower: lowerSql,
  dataNotes: SQL_DATA_NOTES,
  seen: sqlSeen,
  query: sqlQuery,
  artifact(format, query, _effective, ctx) {
    if (format === "query") return query + "\n";
    throw new DiagnosticError({
      severity: "error",
      code: "UNKNOWN_FORMAT",
      message: `unknown format '${format}' for sql (known: query)`,
      file: ctx.rule.source.path,
      target: "sql",
    });
  },
};
