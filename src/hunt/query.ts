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

/** read_json's `columns` argument for the table shape (from json_transform's structure). */
export function readJsonColumns(structure: string): string {
  const type = (t: unknown): string => {
    if (typeof t === "string") return t;
    if (Array.isArray(t)) return `${type(t[0])}[]`;
    const fields = Object.entries(t as Record<string, unknown>).map(
      ([k, v]) => `"${k.replace(/"/g, '""')}" ${type(v)}`,
    );
    return `STRUCT(${fields.join(", ")})`;
  };
  const top = JSON.parse(structure) as Record<string, unknown>;
  return `{${Object.entries(top)
    .map(([k, v]) => `${sqlString(k)}: ${sqlString(type(v))}`)
    .join(", ")}}`;
}

export function huntQuery(
  group: HuntGroup,
  file: string,
  format: InputFormat,
  skipBadLines: boolean,
): string {
  const hits = group.rules.map((r, i) => `CASE WHEN ${r.condition} THEN ${i} END`);
  const any = group.rules.map((r) => `(${r.condition})`).join(" OR ");
  const hitList = `list_filter([${hits.join(", ")}], lambda x: x IS NOT NULL)`;
  if (format === "parquet")
    return (
      `SELECT CAST(to_json(p) AS VARCHAR) AS sigprism_raw, 0 AS sigprism_record, ${hitList} AS sigprism_hits ` +
      `FROM read_parquet(${sqlString(file)}) AS p WHERE ${any}`
    );
  const ignore = `ignore_errors = ${skipBadLines ? "true" : "false"}`;
  // The conditions run on read_json's typed columns (fast, parallel); the matching records' JSON
  // text comes from a second reading of the same lines, joined by record number. Both readers
  // number records alike (blank lines are not records; a malformed line is a record of NULLs).
  return (
    `WITH m AS (SELECT ordinality AS sigprism_record, ${hitList} AS sigprism_hits ` +
    `FROM read_json(${sqlString(file)}, format = 'newline_delimited', columns = ${readJsonColumns(group.structure)}, ${ignore}) WITH ORDINALITY WHERE ${any}) ` +
    `SELECT CAST(o.json AS VARCHAR) AS sigprism_raw, o.ordinality AS sigprism_record, m.sigprism_hits ` +
    `FROM read_ndjson_objects(${sqlString(file)}, ${ignore}) WITH ORDINALITY AS o LEFT JOIN m ON m.sigprism_record = o.ordinality ` +
    `WHERE m.sigprism_record IS NOT NULL OR o.json IS NULL ORDER BY o.ordinality`
  );
}
