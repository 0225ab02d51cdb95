import { SparkSQL } from "dt-sql-parser/dist/parser/spark/index.js";
import { TrinoSQL } from "dt-sql-parser/dist/parser/trino/index.js";

/**
 * Spark's and Trino's own grammars, for the dialects no engine here runs: dt-sql-parser (DTStack,
 * Apache-2.0) generates its parsers from Spark's SqlBaseLexer/SqlBaseParser.g4 and Trino's
 * SqlBase.g4 and follows their releases. Only the two dialect modules are imported: the package's
 * index loads every dialect it has (20 MB). DuckDB needs none: its own parser runs in the proof.
 */
export type CheckedDialect = "spark" | "trino";
export const CHECKED_DIALECTS: readonly CheckedDialect[] = ["spark", "trino"];

const PARSERS = { spark: new SparkSQL(), trino: new TrinoSQL() } as const;

export interface SqlSyntaxError {
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

export function syntaxErrors(dialect: CheckedDialect, sql: string): SqlSyntaxError[] {
  return PARSERS[dialect].validate(sql).map((e) => ({
    line: e.startLine,
    col: e.startColumn,
    message: e.message,
  }));
}

/** The dialect lexer's tokens, whitespace left out. */
export function sqlTokens(dialect: CheckedDialect, sql: string): string[] {
  return PARSERS[dialect]
    .getAllTokens(sql)
    .map((t) => t.text ?? "")
    .filter((t) => !/^\s+$/.test(t));
}

/**
 * The value of a single-quoted literal token. Trino (and DuckDB) follow standard SQL: `''` is a
 * quote, a backslash is itself. Spark unescapes backslashes as its ParserUtils.unescapeSQLString
 * does: \uXXXX, \UXXXXXXXX, three-digit octal \[01][0-7][0-7], \0 \b \n \r \t \Z, and `\%`/`\_`
 * keep their backslash (for LIKE); any other escaped character is itself.
 */
export function literalValue(dialect: CheckedDialect, token: string): string {
  const body = token.slice(1, -1);
  if (dialect === "trino") return body.replace(/''/g, "'");
  const simple: Readonly<Record<string, string>> = {
    "0": "\u0000",
    b: "\b",
    n: "\n",
    r: "\r",
    t: "\t",
    Z: "\u001a",
    "%": "\\%",
    _: "\\_",
  };
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\" || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const rest = body.slice(i + 1);
    const u16 = /^u([0-9a-fA-F]{4})/.exec(rest);
    const u32 = /^U([0-9a-fA-F]{8})/.exec(rest);
    const octal = /^([01][0-7]{2})/.exec(rest);
    if (u16) {
      out += String.fromCharCode(parseInt(u16[1]!, 16));
      i += 5;
    } else if (u32) {
      out += String.fromCodePoint(parseInt(u32[1]!, 16));
      i += 9;
    } else if (octal) {
      out += String.fromCharCode(parseInt(octal[1]!, 8));
      i += 3;
    } else {
      const n = body[i + 1]!;
      out += simple[n] ?? n;
      i += 1;
    }
  }
  return out;
}
