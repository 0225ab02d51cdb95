import { escapeRuns } from "../escape.js";
import type { JsonStep } from "./schema.js";

/**
 * The three SQL dialects as data. Each entry is taken from the engine's documentation:
 * - DuckDB: standard strings ('' doubles a quote, a backslash is literal); identifiers in "…";
 *   `LIKE … ESCAPE`; RE2 through regexp_full_match / regexp_matches; lists with list_filter and
 *   a `lambda x:` function; JSON with json_extract_string and JSONPath (`$."k.x"`, `[*]`).
 * - Spark SQL: string literals take backslash escapes (spark.sql.parser.escapedStringLiterals is
 *   false by default), so a backslash is written `\\` and a quote `\'`; identifiers in `…`;
 *   `RLIKE` is java.util.regex find(); `exists(list, x -> …)`; JSON text with get_json_object.
 * - Trino: standard strings; identifiers in "…"; regexp_like is Joni (Java syntax) find();
 *   `any_match(list, x -> …)`; JSON with json_extract_scalar (JSONPath, `$["k.x"]`).
 * Every dialect compares `=` and `LIKE` case-sensitively on code points.
 */

export type DialectName = "duckdb" | "spark" | "trino";
export const DIALECT_NAMES: readonly DialectName[] = ["duckdb", "spark", "trino"];

export interface Dialect {
  readonly name: DialectName;
  /** A string literal. */
  str(text: string): string;
  /** A quoted identifier. */
  ident(name: string): string;
  /** Characters an identifier cannot hold in this dialect (after quoting). */
  readonly badIdentChar: RegExp;
  /** Whole-value match of an RE2/Java-common regex body (no anchors in `body`). */
  fullMatch(value: string, body: string): string;
  /** Regex search anywhere in the value. */
  search(value: string, regex: string): string;
  /** Some element of a list satisfies `pred` (written over the lambda variable `x`). */
  anyOf(list: string, pred: string): string;
  /** Text at a JSON path of a JSON (text) column; null for JSON null or a missing key. */
  jsonText(column: string, steps: readonly JsonStep[]): string;
  /** The list of texts at a JSON path with `[*]` steps (DuckDB only; the others refuse it). */
  readonly jsonList: ((column: string, steps: readonly JsonStep[]) => string) | undefined;
  /** Numeric value of a text that is a decimal number (the caller checks the form first). */
  toDouble(value: string): string;
  /** JSON path keys this dialect cannot quote. */
  readonly badJsonKey: RegExp;
}

const STANDARD_STRING: Readonly<Record<string, string>> = { "'": "''" };
const SPARK_STRING: Readonly<Record<string, string>> = { "'": "\\'", "\\": "\\\\" };
const DOUBLE_QUOTE_IDENT: Readonly<Record<string, string>> = { '"': '""' };
const BACKTICK_IDENT: Readonly<Record<string, string>> = { "`": "``" };

/** A JSONPath key segment: bare when it is a simple name, else quoted as the dialect allows. */
function jsonPath(steps: readonly JsonStep[], quoteKey: (k: string) => string): string {
  return (
    "$" +
    steps
      .map((s) =>
        s.kind === "each"
          ? "[*]"
          : /^[A-Za-z_][A-Za-z0-9_]*$/.test(s.key)
            ? `.${s.key}`
            : quoteKey(s.key),
      )
      .join("")
  );
}

const duckdbStr = (t: string): string => `'${escapeRuns(t, STANDARD_STRING)}'`;

export const DUCKDB: Dialect = {
  name: "duckdb",
  str: duckdbStr,
  ident: (n) => `"${escapeRuns(n, DOUBLE_QUOTE_IDENT)}"`,
  badIdentChar: /\x00/,
  fullMatch: (v, body) => `regexp_full_match(${v}, ${duckdbStr(body)})`,
  search: (v, re) => `regexp_matches(${v}, ${duckdbStr(re)})`,
  anyOf: (list, pred) => `len(list_filter(${list}, lambda x: ${pred})) > 0`,
  jsonText: (col, steps) =>
    `json_extract_string(${col}, ${duckdbStr(jsonPath(steps, (k) => `."${k}"`))})`,
  jsonList: (col, steps) =>
    `json_extract_string(${col}, ${duckdbStr(jsonPath(steps, (k) => `."${k}"`))})`,
  toDouble: (v) => `TRY_CAST(${v} AS DOUBLE)`,
  // DuckDB's JSONPath reads a quoted key up to the next double quote; it has no escape inside.
  badJsonKey: /["\x00]/,
};

const sparkStr = (t: string): string => `'${escapeRuns(t, SPARK_STRING)}'`;

export const SPARK: Dialect = {
  name: "spark",
  str: sparkStr,
  ident: (n) => `\`${escapeRuns(n, BACKTICK_IDENT)}\``,
  badIdentChar: /\x00/,
  // find() with \A…\z is a whole-value match; (?s) is applied by the caller's body where needed.
  fullMatch: (v, body) => `${v} RLIKE ${sparkStr(`\\A(?:${body})\\z`)}`,
  search: (v, re) => `${v} RLIKE ${sparkStr(re)}`,
  anyOf: (list, pred) => `exists(${list}, x -> ${pred})`,
  // Hive/Spark JSONPath takes ['key'] for keys that are not simple names.
  jsonText: (col, steps) =>
    `get_json_object(${col}, ${sparkStr(jsonPath(steps, (k) => `['${k}']`))})`,
  jsonList: undefined,
  toDouble: (v) => `TRY_CAST(${v} AS DOUBLE)`,
  badJsonKey: /['\]\\\x00]/,
};

const trinoStr = duckdbStr;

export const TRINO: Dialect = {
  name: "trino",
  str: trinoStr,
  ident: (n) => `"${escapeRuns(n, DOUBLE_QUOTE_IDENT)}"`,
  badIdentChar: /\x00/,
  fullMatch: (v, body) => `regexp_like(${v}, ${trinoStr(`\\A(?:${body})\\z`)})`,
  search: (v, re) => `regexp_like(${v}, ${trinoStr(re)})`,
  anyOf: (list, pred) => `any_match(${list}, x -> ${pred})`,
  jsonText: (col, steps) =>
    `json_extract_scalar(${col}, ${trinoStr(jsonPath(steps, (k) => `["${k}"]`))})`,
  jsonList: undefined,
  toDouble: (v) => `TRY_CAST(${v} AS DOUBLE)`,
  badJsonKey: /["\\\x00]/,
};

export const DIALECTS: Readonly<Record<DialectName, Dialect>> = {
  duckdb: DUCKDB,
  spark: SPARK,
  trino: TRINO,
};

export function isDialectName(x: string): x is DialectName {
  return (DIALECT_NAMES as readonly string[]).includes(x);
}

/** The escape character of every emitted LIKE. */
export const LIKE_ESCAPE = "\\";

/** Sigma's numeric strings (eval-scalar.ts NUMERIC), as a regex body every dialect reads alike. */
export const NUMERIC_BODY = "-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?";
