import { ParseError } from "../types.js";

/**
 * DuckDB's own parse of a query (json_serialize_sql), held to the one shape the SQL target may
 * emit: a single `SELECT * FROM <table> WHERE <condition>` and nothing else. No value in a rule
 * can change that shape; a query that has another is a parse failure, not a result.
 */

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

export interface QueryShape {
  /** The FROM table as the query names it: [schema?, table]. */
  readonly table: readonly string[];
  /** DuckDB's parse tree of the WHERE condition. */
  readonly where: unknown;
}

const empty = (x: unknown): boolean =>
  x === null || x === undefined || x === "" || (Array.isArray(x) && x.length === 0);

function fail(message: string): never {
  throw new ParseError(message, 0, 1, 1);
}

/** The shape of a serialized statement list, or a ParseError saying what differs. */
export function queryShape(serialized: string): QueryShape {
  const doc: unknown = JSON.parse(serialized);
  if (!isRecord(doc)) return fail("DuckDB gave no parse tree");
  if (doc.error === true) return fail(`DuckDB: ${String(doc.error_message ?? "parse error")}`);
  const statements = doc.statements;
  if (!Array.isArray(statements) || statements.length !== 1)
    return fail("not exactly one statement");
  const node: unknown = (statements[0] as Record<string, unknown>).node;
  if (!isRecord(node) || node.type !== "SELECT_NODE") return fail("not a plain SELECT");
  const cte = node.cte_map;
  if (!empty(node.modifiers) || !(isRecord(cte) && empty(cte.map)))
    return fail("a SELECT with modifiers or a WITH clause");
  if (
    !empty(node.group_expressions) ||
    !empty(node.having) ||
    !empty(node.qualify) ||
    !empty(node.sample)
  )
    return fail("a SELECT with GROUP BY, HAVING, QUALIFY or SAMPLE");
  const list = node.select_list;
  const star = Array.isArray(list) && list.length === 1 ? list[0] : undefined;
  if (
    !isRecord(star) ||
    star.type !== "STAR" ||
    star.columns !== false ||
    !empty(star.relation_name) ||
    !empty(star.exclude_list) ||
    !empty(star.replace_list) ||
    !empty(star.rename_list) ||
    !empty(star.qualified_exclude_list) ||
    !empty(star.expr)
  )
    return fail("the select list is not a bare *");
  const from = node.from_table;
  if (!isRecord(from) || from.type !== "BASE_TABLE" || !empty(from.alias) || !empty(from.sample))
    return fail("FROM is not one table");
  if (!empty(from.catalog_name) || !empty(from.at_clause)) return fail("FROM names a catalog");
  if (empty(node.where_clause)) return fail("no WHERE clause");
  const table = [from.schema_name, from.table_name].filter(
    (p): p is string => typeof p === "string" && p !== "",
  );
  return { table, where: node.where_clause };
}
