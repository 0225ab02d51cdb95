import { ParseError, type BatchInterpreter } from "../types.js";
import { ROW_COLUMN, batchTable, duckdb } from "./engine.js";
import { queryShape } from "./shape.js";

/**
 * The SQL interpreter is DuckDB itself: the emitted query runs verbatim on a table of the batch's
 * raw events (the view: DuckDB's JSON reader with the audit event's columns), under the table name
 * the query reads. Its shape is checked on DuckDB's own parse first (shape.ts).
 */

const quoteIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;
const quoteString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export const sqlInterpreter: BatchInterpreter = {
  target: "sql",
  async run(text, documents) {
    const c = await duckdb();
    const parsed = await c.runAndReadAll(`SELECT json_serialize_sql(${quoteString(text)})`);
    const shape = queryShape(String(parsed.getRows()[0]?.[0] ?? ""));
    const source = await batchTable(documents);
    const [schema, table] = shape.table.length === 2 ? shape.table : [undefined, shape.table[0]!];
    if (schema !== undefined) await c.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    const target = [schema, table]
      .filter((p) => p !== undefined)
      .map((p) => quoteIdent(p!))
      .join(".");
    await c.run(`CREATE OR REPLACE VIEW ${target} AS SELECT * FROM ${source}`);
    let rows;
    try {
      rows = await c.runAndReadAll(text);
    } catch (e) {
      throw new ParseError(`DuckDB: ${e instanceof Error ? e.message : String(e)}`, 0, 1, 1);
    }
    const at = rows.columnNames().indexOf(ROW_COLUMN);
    if (at < 0) throw new ParseError(`the result has no ${ROW_COLUMN} column`, 0, 1, 1);
    const answers = documents.map(() => false);
    for (const row of rows.getRows()) answers[Number(row[at]) - 1] = true;
    return answers;
  },
};
