import type { Pattern } from "../../ir.js";
import { caseInsensitiveRegex, lowerPreimage } from "../splunk/casefold.js";

/**
 * Sigma's case-insensitive glob (both sides lower-cased with toLowerCase) in SQL. No engine's
 * lower()/ILIKE/(?i) is JavaScript's lower-casing (DuckDB's lower() maps İ to one `i`, keeps the
 * Unicode 16 capitals and drops U+FEFF; Java and Joni fold by their own tables), so the match is a
 * case-sensitive regex whose classes list, for each lower-cased pattern character, exactly the
 * value characters that lower-case to it (splunk/casefold.ts computes them from the JavaScript
 * tables). The inexact corners (σ/ς, `?` beside İ's halves) are casefold's declared deviation.
 */

const COMBINING_DOT = 0x307;
const DOTTED_CAPITAL_I = "\u0130";

/** A character that needs no class: nothing else lower-cases to its lower-case form. */
function caseless(c: string): boolean {
  const low = c.toLowerCase();
  if (low !== c) return false;
  if (low.codePointAt(0) === COMBINING_DOT || low === "σ" || low === "ς") return false;
  const pre = lowerPreimage(low);
  return pre.length === 1 && pre[0] === low;
}

/**
 * True when the case-insensitive pattern means the same as its text matched case-sensitively: no
 * character has another case, and no `?` (İ lower-cases to two characters, so a `?` of Sigma may
 * see half of it).
 */
export function caseIrrelevant(pattern: Pattern): boolean {
  return pattern.every((p) => (p.kind === "text" ? [...p.text].every(caseless) : p.kind === "any"));
}

/** One code point as a regex atom readable by RE2, java.util.regex and Joni alike. */
export function regexAtom(c: string): string {
  if (/^[A-Za-z0-9]$/.test(c)) return c;
  if (/^[\x21-\x7e]$/.test(c)) return "\\" + c;
  if (c === " ") return " ";
  // Controls, spaces and non-ASCII characters stand for themselves in all three engines.
  return c;
}

function classOf(members: readonly string[]): string {
  return members.length === 1 ? regexAtom(members[0]!) : `[${members.map(regexAtom).join("")}]`;
}

export interface CaseRegex {
  /** The whole-value regex body (no anchors), `(?s)` first: RE2 / Java / Joni syntax. */
  readonly body: string;
  /** Null when exact; else why a value may match differently, and the JS regex it means. */
  readonly deviation: { readonly reason: string; readonly source: string } | null;
}

/**
 * The body follows casefold.caseInsensitiveRegex step by step (whose JavaScript source is the
 * effective form where it is inexact): each lower-cased text character becomes its lower-case
 * class, `*` any run, `?` any one character but İ, and a text ending in `i` before `*` also takes İ.
 */
export function caseRegex(pattern: Pattern): CaseRegex {
  const low = pattern.map((p) =>
    p.kind === "text" ? { kind: "text" as const, text: p.text.toLowerCase() } : p,
  );
  const out: string[] = ["(?s)"];
  low.forEach((p, i) => {
    switch (p.kind) {
      case "any":
        out.push(".*");
        return;
      case "one":
        out.push(`[^${DOTTED_CAPITAL_I}]`);
        return;
      case "text": {
        const chars = [...p.text];
        chars.forEach((c, k) => {
          const cls = classOf(lowerPreimage(c));
          const last = k === chars.length - 1;
          out.push(
            last && c === "i" && low[i + 1]?.kind === "any"
              ? `(?:${cls}|${DOTTED_CAPITAL_I})`
              : cls,
          );
        });
        return;
      }
    }
  });
  const reference = caseInsensitiveRegex(pattern);
  return {
    body: out.join(""),
    deviation:
      reference.deviation === null
        ? null
        : { reason: reference.deviation, source: reference.source },
  };
}
