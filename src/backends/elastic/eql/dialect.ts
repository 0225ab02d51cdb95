/**
 * EQL's tokens, as Elasticsearch's grammar defines them (x-pack/plugin/eql EqlBase.g4):
 * - STRING: `"…"` with the escapes `\b \t \n \f \r \" \' \\` and `\u{h…}` (2–8 hex digits); a raw
 *   CR or LF is not allowed; `"""…"""` is a raw string (no escapes, no line break, no `"""`);
 * - IDENTIFIER: `(letter | _ | @) (letter | digit | _)*`, else a backquoted name (`` ` `` doubled);
 *   a field name is identifiers joined by `.`; `?name` marks an optional field;
 * - keywords are lower-case words (`and`, `like~`, `in~`, `regex~` …).
 */

const ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  '"': '\\"',
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\f": "\\f",
  "\r": "\\r",
};

/**
 * Characters written as `\u{…}` although the grammar would take most of them raw: controls,
 * line and paragraph separators and the bidirectional / zero-width format characters, so that the
 * query reads as what it does.
 */
const SHOWN_AS_ESCAPE = /[\p{Cc}\u2028\u2029\p{Cf}]/u;

/** A normal EQL string literal holding exactly `text` (a well-formed string: no lone surrogate). */
export function eqlString(text: string): string {
  const out: string[] = ['"'];
  for (const c of text) {
    const esc = ESCAPES[c];
    if (esc !== undefined) out.push(esc);
    else if (SHOWN_AS_ESCAPE.test(c))
      out.push(`\\u{${c.codePointAt(0)!.toString(16).padStart(2, "0")}}`);
    else out.push(c);
  }
  out.push('"');
  return out.join("");
}

/**
 * A raw `"""…"""` string when `text` holds a backslash and can be one (regular expressions read
 * better without doubled backslashes), else a normal string.
 */
export function eqlRawOrString(text: string): string {
  const raw = text.includes("\\") && !/["\r\n]/.test(text) && !SHOWN_AS_ESCAPE.test(text);
  return raw ? `"""${text}"""` : eqlString(text);
}

const KEYWORDS = new Set([
  "and",
  "any",
  "by",
  "false",
  "in",
  "join",
  "like",
  "maxspan",
  "not",
  "null",
  "of",
  "or",
  "regex",
  "sample",
  "sequence",
  "true",
  "until",
  "where",
  "with",
]);

function segment(s: string): string {
  const plain = /^[A-Za-z_@][A-Za-z0-9_]*$/.test(s) && !KEYWORDS.has(s.toLowerCase());
  return plain ? s : "`" + s.replaceAll("`", "``") + "`";
}

/** A field reference; `optional` writes `?field` (null when the index has no such field). */
export function eqlField(name: string, optional: boolean): string {
  return (optional ? "?" : "") + name.split(".").map(segment).join(".");
}
