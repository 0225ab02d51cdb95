import { escapeRuns } from "../escape.js";

/**
 * The KQL dialect as data: tokens, quoting and escaping, checked against Kibana's grammar
 * (kbn-es-query src/kuery/grammar/grammar.peggy).
 */
export interface KqlDialect {
  readonly or: string;
  readonly and: string;
  readonly not: string;
  readonly fieldValue: (field: string, value: string) => string;
  readonly range: Readonly<Record<"lt" | "lte" | "gt" | "gte", string>>;
  /** `f:*` is Kibana's exists query. */
  readonly existsValue: string;
  readonly wildcard: string;
  /** Characters an unquoted value must backslash-escape (peggy SpecialCharacter). */
  readonly unquotedSpecials: string;
  /** Escapes that mean a character inside an unquoted value (peggy EscapedWhitespace + unicode). */
  readonly unquotedEscapes: Readonly<Record<string, string>>;
  /** Escapes inside a quoted value; every other character is literal. */
  readonly quotedEscapes: Readonly<Record<string, string>>;
}

export const KQL: KqlDialect = {
  or: " or ",
  and: " and ",
  not: "not ",
  fieldValue: (field, value) => `${field}:${value}`,
  range: { lt: "<", lte: "<=", gt: ">", gte: ">=" },
  existsValue: "*",
  wildcard: "*",
  unquotedSpecials: '\\():<>"*{}',
  // Every peggy `Space` character is escaped, so no keyword (which needs raw whitespace) can form
  // inside a value: `or`, `and`, `not` then need no escaping at all. `\not` would not work anyway:
  // peggy reads `\n` first.
  unquotedEscapes: { "\t": "\\t", "\r": "\\r", "\n": "\\n", " ": "\\u0020", "\u00a0": "\\u00a0" },
  quotedEscapes: { "\\": "\\\\", '"': '\\"', "\t": "\\t", "\r": "\\r", "\n": "\\n" },
};

/** KQL.unquotedSpecials as a set: looked up once per character of every value. */
const UNQUOTED_SPECIALS: ReadonlySet<string> = new Set(KQL.unquotedSpecials);

/** Text as a quoted KQL value: literal, no wildcards. */
export function quoted(text: string): string {
  return '"' + escapeRuns(text, KQL.quotedEscapes) + '"';
}

/**
 * Literal text inside an unquoted KQL value (a wildcard value or a field name). `atEnd`: the text
 * ends the value, so whitespace (a separator) follows it; a final "not" would then read as the
 * keyword (peggy `Not` = 'not'i Space+), so its first letter is written as a unicode escape.
 */
export function unquotedText(text: string, atEnd = false): string {
  const chars = [...text];
  const notAt = atEnd && /not$/i.test(text) ? chars.length - 3 : -1;
  // Pieces joined once: a flat string, not a chain of one-character appends.
  const out: string[] = [];
  chars.forEach((c, i) => {
    const esc = KQL.unquotedEscapes[c];
    if (i === notAt) out.push(unicodeEscape(c));
    else if (esc !== undefined) out.push(esc);
    else if (UNQUOTED_SPECIALS.has(c)) out.push("\\" + c);
    else out.push(c);
  });
  return out.join("");
}

function unicodeEscape(c: string): string {
  return "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0");
}
