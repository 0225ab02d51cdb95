import type { Pattern } from "../../../ir.js";

/**
 * ES|QL's tokens, as Elasticsearch's grammar defines them (x-pack/plugin/esql/src/main/antlr,
 * lexer/Expression.g4 and lexer/From.g4; the lexer is case-insensitive):
 * - QUOTED_STRING: `"…"` whose only escapes are `\t \n \r \" \\` (any other character is written
 *   as itself; a raw CR or LF is not allowed), or `"""…"""` without escapes or line breaks;
 * - UNQUOTED_IDENTIFIER: a letter then letters, digits and `_` (or `_`/`@` then at least one of
 *   them); anything else is a backquoted identifier with `` ` `` doubled; names are joined by `.`;
 * - an index pattern in FROM is unquoted unless it holds `: " = | , [ ] / ( )` or whitespace;
 * - LIKE's wildcards are `*` and `?`; a backslash escapes `*`, `?` or `\` and nothing else.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  '"': '\\"',
  "\t": "\\t",
  "\n": "\\n",
  "\r": "\\r",
};

export function esqlString(text: string): string {
  const out: string[] = ['"'];
  for (const c of text) out.push(ESCAPES[c] ?? c);
  out.push('"');
  return out.join("");
}

/**
 * A `"""…"""` raw string when `text` holds a backslash and can be one (patterns then read without
 * doubled backslashes), else a normal string.
 */
export function esqlRawOrString(text: string): string {
  return text.includes("\\") && !/["\r\n]/.test(text) ? `"""${text}"""` : esqlString(text);
}

/** Words the expression lexer reads as keywords (case-insensitive): a segment so named is quoted. */
const KEYWORDS = new Set([
  "and",
  "as",
  "asc",
  "by",
  "desc",
  "false",
  "first",
  "in",
  "is",
  "last",
  "like",
  "match",
  "metadata",
  "not",
  "null",
  "nulls",
  "on",
  "or",
  "rlike",
  "true",
  "where",
  "with",
]);

function segment(s: string): string {
  const plain =
    (/^[A-Za-z][A-Za-z0-9_]*$/.test(s) || /^[_@][A-Za-z0-9_]+$/.test(s)) &&
    !KEYWORDS.has(s.toLowerCase());
  return plain ? s : "`" + s.replaceAll("`", "``") + "`";
}

export function esqlField(name: string): string {
  return name.split(".").map(segment).join(".");
}

export function esqlIndex(pattern: string): string {
  return /^[^:"=|,[\]/() \t\r\n]+$/.test(pattern) ? pattern : esqlString(pattern);
}

/** A glob as LIKE pattern text (before string quoting): literal `*`, `?`, `\` backslash-escaped. */
export function likePattern(pattern: Pattern): string {
  return pattern
    .map((p) => {
      switch (p.kind) {
        case "any":
          return "*";
        case "one":
          return "?";
        case "text":
          return p.text.replace(/[*?\\]/g, (c) => "\\" + c);
      }
    })
    .join("");
}
