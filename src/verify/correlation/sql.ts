import { ParseError } from "../types.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readJsonColumns } from "../sql/audit-table.js";
import { duckdb } from "../sql/engine.js";

/**
 * A correlation's SQL runs in DuckDB itself, verbatim, on a table of the sequence's raw events
 * (the SQL view: DuckDB's JSON reader with the audit event's columns) under the one table name
 * the statement reads. DuckDB's own parse (json_serialize_sql) must be a single SELECT, and the
 * tables it names, less its WITH names, must be exactly one: no value of a rule can make it read
 * or write anything else.
 */

export interface SqlMatch {
  /** Group-by name → value, from the result columns of those names. */
  readonly group: Readonly<Record<string, string>>;
  /** Microseconds since the epoch (the `sigma_time_us` column). */
  readonly timeUs: number;
}

const quoteIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;
const quoteString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function fail(message: string): never {
  throw new ParseError(message, 0, 1, 1);
}

/** Every base table the tree names ([schema?, table]) and every WITH name it defines. */
function walk(node: unknown, tables: string[][], ctes: Set<string>): void {
  if (Array.isArray(node)) {
    for (const x of node) walk(x, tables, ctes);
    return;
  }
  if (!isRecord(node)) return;
  if (node.type === "BASE_TABLE") {
    if (typeof node.catalog_name === "string" && node.catalog_name !== "")
      fail("FROM names a catalog");
    tables.push(
      [node.schema_name, node.table_name].filter(
        (p): p is string => typeof p === "string" && p !== "",
      ),
    );
  }
  if (node.type === "TABLE_FUNCTION") fail("the statement calls a table function");
  const cte = node.cte_map;
  if (isRecord(cte) && Array.isArray(cte.map))
    for (const entry of cte.map)
      if (isRecord(entry) && typeof entry.key === "string") ctes.add(entry.key);
  for (const value of Object.values(node)) walk(value, tables, ctes);
}

/** The one table the statement reads, from DuckDB's parse (ParseError for any other shape). */
async function sourceTable(text: string): Promise<string[]> {
  const c = await duckdb();
  const parsed = await c.runAndReadAll(`SELECT json_serialize_sql(${quoteString(text)})`);
  const doc: unknown = JSON.parse(String(parsed.getRows()[0]?.[0] ?? "null"));
  if (!isRecord(doc)) return fail("DuckDB gave no parse tree");
  if (doc.error === true) return fail(`DuckDB: ${String(doc.error_message ?? "parse error")}`);
  const statements = doc.statements;
  if (!Array.isArray(statements) || statements.length !== 1)
    return fail("not exactly one statement");
  const node: unknown = (statements[0] as Record<string, unknown>).node;
  if (!isRecord(node) || node.type !== "SELECT_NODE") return fail("not a SELECT");
  const tables: string[][] = [];
  const ctes = new Set<string>();
  walk(node, tables, ctes);
  const outside = new Map(
    tables
      .filter((t) => !(t.length === 1 && ctes.has(t[0]!)))
      .map((t) => [JSON.stringify(t), t] as const),
  );
  if (outside.size !== 1) return fail(`the statement reads ${outside.size} tables, not one`);
  return [...outside.values()][0]!;
}

const loaded = new Map<string, string>();
let tables = 0;
/** Sequences are small and each is read by every correlation: many stay loaded. */
const KEEP = 256;

/** A table of the sequence's raw events as the SQL view reads them (DuckDB's JSON reader). */
async function sequenceTable(documents: readonly unknown[]): Promise<string> {
  const ndjson = documents.map((d) => JSON.stringify(d ?? null)).join("\n") + "\n";
  const hit = loaded.get(ndjson);
  if (hit !== undefined) return hit;
  const c = await duckdb();
  const name = `sigprism_sequence_${++tables}`;
  const dir = mkdtempSync(join(tmpdir(), "sigprism-corr-"));
  const file = join(dir, "events.ndjson");
  try {
    writeFileSync(file, ndjson);
    await c.run(
      `CREATE TABLE ${name} AS SELECT * FROM read_json(${quoteString(file)}, format = 'newline_delimited', columns = ${readJsonColumns()}, ignore_errors = true)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  loaded.set(ndjson, name);
  if (loaded.size > KEEP) {
    const [oldestKey, oldest] = loaded.entries().next().value as [string, string];
    loaded.delete(oldestKey);
    await c.run(`DROP TABLE IF EXISTS ${oldest}`);
  }
  return name;
}

/** The matches of a correlation statement over these raw events. */
export async function runCorrelationSql(
  text: string,
  groupBy: readonly string[],
  documents: readonly unknown[],
): Promise<SqlMatch[]> {
  const table = await sourceTable(text);
  const c = await duckdb();
  const source = await sequenceTable(documents);
  const [schema, name] = table.length === 2 ? table : [undefined, table[0]!];
  if (schema !== undefined) await c.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  const target = [schema, name]
    .filter((p): p is string => p !== undefined)
    .map(quoteIdent)
    .join(".");
  await c.run(`CREATE OR REPLACE VIEW ${target} AS SELECT * FROM ${source}`);
  let result;
  try {
    result = await c.runAndReadAll(text);
  } catch (e) {
    return fail(`DuckDB: ${e instanceof Error ? e.message : String(e)}`);
  }
  const names = result.columnNames();
  const at = (n: string): number => {
    const i = names.indexOf(n);
    return i >= 0 ? i : fail(`the result has no column ${JSON.stringify(n)}`);
  };
  const timeAt = at("sigma_time_us");
  const groupAt = groupBy.map(at);
  return result.getRows().map((row) => {
    const time = row[timeAt];
    if (typeof time !== "bigint" && typeof time !== "number")
      return fail("a result row without its time");
    const group: Record<string, string> = {};
    groupBy.forEach((g, j) => {
      const v = row[groupAt[j]!];
      if (typeof v !== "string") fail(`a result row whose ${g} is not text`);
      group[g] = v;
    });
    return { group, timeUs: Number(time) };
  });
}
