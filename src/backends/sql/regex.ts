import type { RegexFlags } from "../../ir.js";
import { compilesAsUnicode, translateToRe2 } from "../../sigma/regex-engine.js";
import type { DialectName } from "./dialect.js";

/**
 * A rule's regular expression (JavaScript's meaning, what the reference evaluator runs) as the
 * regex text of each engine. sigma/regex-engine.ts translates it into RE2 syntax with the same
 * meaning: classes spelled out as code-point ranges (`\x{…}`), `^`/`$` as `\A`/`\z`, `i` under `u`
 * as RE2's simple case folding. DuckDB runs RE2 itself. java.util.regex (Spark's RLIKE) reads the
 * same subset alike; Joni (Trino's regexp_like, Java syntax) has no `\x{…}`, so code points are
 * written `\uHHHH` or as the character. What no engine here says alike is refused with its reason:
 * lookbehind (RE2 has none), `\b` under `i` (JavaScript's word characters then include ſ and K),
 * and for Java/Joni `\b` (Unicode word boundaries) and case folding (Java's toUpperCase/toLowerCase
 * pairs, Joni's multi-character folds such as ß ~ ss).
 */

export type SqlRegex =
  | {
      readonly ok: true;
      readonly text: string;
      /** Set when the engine reads code points where the rule's regex reads UTF-16 units. */
      readonly codePoints: { readonly source: string } | undefined;
    }
  | { readonly ok: false; readonly reason: string };

const HEX_ESCAPE = /\\x\{([0-9a-f]+)\}/g;
const SURROGATE_IN_SOURCE = /[\ud800-\udfff]|\\u\{?[dD][89a-fA-F]/;

/** RE2 `\x{h}` escapes as Joni reads them: `\uHHHH` in the BMP, the character itself above it. */
function forJoni(re2: string): string {
  return re2.replace(HEX_ESCAPE, (_, h: string) => {
    const cp = parseInt(h, 16);
    return cp > 0xffff ? String.fromCodePoint(cp) : `\\u${h.padStart(4, "0")}`;
  });
}

/** The RE2 text as a JavaScript `u` source with the same meaning on code points. */
function asJavaScript(re2: string): string {
  return re2
    .replace(HEX_ESCAPE, (_, h: string) => `\\u{${h}}`)
    .replace(/\\A/g, "^")
    .replace(/\\z/g, "$");
}

export function sqlRegex(source: string, flags: RegexFlags, dialect: DialectName): SqlRegex {
  const unicode = compilesAsUnicode(source);
  const tr = translateToRe2(source, flags, unicode);
  if (!tr.ok) return { ok: false, reason: `${tr.construct} (at offset ${tr.offset})` };
  const re2 = tr.source;
  if (re2.includes("(?<="))
    return { ok: false, reason: "a lookbehind (or ^ with the m flag): RE2 has none" };
  if (tr.foldWordChars)
    return {
      ok: false,
      reason: "\\b with the i flag counts ſ and K as word characters in JavaScript",
    };
  if (dialect !== "duckdb") {
    if (/\\[bB]/.test(re2))
      return {
        ok: false,
        reason: `\\b: ${dialect === "spark" ? "Java" : "Joni"} word boundaries are not JavaScript's`,
      };
    if (unicode && flags.i)
      return {
        ok: false,
        reason: `the i flag: ${dialect === "spark" ? "Java" : "Joni"} case folding is not JavaScript's`,
      };
  }
  let codePoints: { source: string } | undefined;
  if (!unicode && re2.includes("[^")) {
    // A non-`u` JavaScript regex reads UTF-16 units: its negated classes and `.` take one half
    // of a character above U+FFFF, where every engine here takes the whole character.
    if (SURROGATE_IN_SOURCE.test(source))
      return { ok: false, reason: "a surrogate in a regex that reads UTF-16 units" };
    codePoints = { source: asJavaScript(re2) };
  }
  const text = unicode && flags.i ? `(?i)${re2}` : re2;
  return { ok: true, text: dialect === "trino" ? forJoni(text) : text, codePoints };
}
