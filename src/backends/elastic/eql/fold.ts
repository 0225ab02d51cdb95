import type { Pattern } from "../../../ir.js";
import { lowerPreimage } from "../../splunk/casefold.js";

/**
 * When EQL's case-insensitive operators mean exactly Sigma's case-insensitive match.
 *
 * Elasticsearch (every released 8.x and 9.x: AutomatonQueries.toCaseInsensitiveChar) lets a value
 * character c ≤ U+0080 also match its other case, and any other character only itself. Sigma
 * lower-cases both sides. The two agree on a value character when the characters Sigma
 * lower-cases to it are exactly those Elasticsearch accepts: every ASCII letter but `k` (Sigma
 * also lower-cases the Kelvin sign to `k`), every ASCII non-letter, and every other character
 * that no other character lower-cases to and that has no case itself. `İ` is the one character
 * Sigma lower-cases to two (`i` + U+0307), so a `?`, a U+0307 and an `i` before `*` are left to
 * the regex encoding. A value with wildcards must not hold a literal `*` or `?` (`:` cannot
 * escape them) nor U+0001 (EQL's internal like-pattern escape character).
 */

const COMBINING_DOT = "\u0307";

const charCache = new Map<string, boolean>();

function charFoldsExactly(c: string): boolean {
  let ok = charCache.get(c);
  if (ok === undefined) {
    const cp = c.codePointAt(0)!;
    if (cp <= 0x80) ok = c.toLowerCase() !== "k";
    else {
      const caseless = c.toLowerCase() === c && c.toUpperCase() === c;
      const preimage = lowerPreimage(c);
      ok = c !== COMBINING_DOT && caseless && preimage.length === 1 && preimage[0] === c;
    }
    charCache.set(c, ok);
  }
  return ok;
}

export function eqlFoldExact(pattern: Pattern): boolean {
  const wildcards = pattern.some((p) => p.kind !== "text");
  return pattern.every((p, i) => {
    switch (p.kind) {
      case "one":
        return false;
      case "any": {
        const prev = pattern[i - 1];
        return !(prev?.kind === "text" && /i$/i.test(prev.text));
      }
      case "text":
        if (wildcards && /[*?\u0001]/.test(p.text)) return false;
        return [...p.text].every(charFoldsExactly);
    }
  });
}
