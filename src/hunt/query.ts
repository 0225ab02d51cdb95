import type { HuntGroup } from "./plan.js";

/**
 * One query per input file and table shape: the file's records as DuckDB reads them (NDJSON:
 * read_ndjson_objects, each line's JSON turned into the table's columns by json_transform, the
 * same reading as read_json with explicit columns; Parquet: its own columns), and for each record
 * the list of rules whose condition holds. Only records that some rule matches come back, with
 * the record's JSON text; a malformed line (when skipped) comes back as a NULL record.
 */

export type InputFormat = "ndjson" | "parquet";

export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export function huntQuery(
  group: HuntGroup,
  file: string,
  format: InputFormat,
  skipBadLines: boolean,
): string {
  const hits = group.rules.map((r, i) => `CASE WHEN ${r.condition} THEN ${i} END`);
  const any = group.rules.map((r) => `(${r.condition})`).join(" OR ");
  const source =
    format === "parquet"
      ? `SELECT CAST(to_json(p) AS VARCHAR) AS sigprism_raw, 0 AS sigprism_record, p.* FROM read_parquet(${sqlString(file)}) AS p`
      : `SELECT CAST(json AS VARCHAR) AS sigprism_raw, ordinality AS sigprism_record, unnest(json_transform(json, ${sqlString(group.structure)})) FROM read_ndjson_objects(${sqlString(file)}, ignore_errors = ${skipBadLines ? "true" : "false"}) WITH ORDINALITY`;
  return (
    `SELECT sigprism_raw, sigprism_record, list_filter([${hits.join(", ")}], lambda x: x IS NOT NULL) AS sigprism_hits ` +
    `FROM (${source}) WHERE sigprism_raw IS NULL OR ${any}`
  );
}
