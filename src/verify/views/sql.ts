import type { TargetView } from "../types.js";

/**
 * The SQL target's document is the raw event itself: the DuckDB interpreter writes the batch of
 * documents as NDJSON and lets DuckDB's JSON reader turn each line into a row of the audit table
 * (src/verify/sql/audit-table.ts). What the table holds is DuckDB's doing, not a model of it.
 */
export const sqlView: TargetView = {
  target: "sql",
  document: (raw) => raw,
};
