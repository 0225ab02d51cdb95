import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { readJsonColumns } from "./audit-table.js";

/**
 * One in-memory DuckDB per process for the proof, and the fixture batches loaded into it. A batch
 * is written once as NDJSON and read by DuckDB's JSON reader into a table with a row number; every
 * rule's query then runs on that table (one query per rule, not one per event).
 */

let connection: Promise<DuckDBConnection> | undefined;

export function duckdb(): Promise<DuckDBConnection> {
  // No extension is fetched at run time: the proof runs offline with what the package ships.
  connection ??= DuckDBInstance.create(":memory:", {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  }).then((db) => db.connect());
  return connection;
}

/** The row number column DuckDB adds to a table function's rows (WITH ORDINALITY), 1-based. */
export const ROW_COLUMN = "ordinality";

const loaded = new Map<string, string>();
let tables = 0;
const KEEP = 8;

/** The table holding this batch of raw events (loaded on first use, the last few kept). */
export async function batchTable(documents: readonly unknown[]): Promise<string> {
  const ndjson = documents.map((d) => JSON.stringify(d ?? null)).join("\n") + "\n";
  const hit = loaded.get(ndjson);
  if (hit !== undefined) return hit;
  const c = await duckdb();
  const name = `sigprism_batch_${++tables}`;
  const dir = mkdtempSync(join(tmpdir(), "sigprism-sql-"));
  const file = join(dir, "batch.ndjson");
  try {
    writeFileSync(file, ndjson);
    await c.run(
      `CREATE TABLE ${name} AS SELECT * FROM read_json('${file.replace(/'/g, "''")}', format = 'newline_delimited', columns = ${readJsonColumns()}, ignore_errors = true) WITH ORDINALITY`,
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
