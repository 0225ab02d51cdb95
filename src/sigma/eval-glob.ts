import type { Pattern } from "../ir.js";

/**
 * Whole-value glob matching over Unicode code points, compiled once per pattern. No RegExp is built
 * from rule text: the matcher is the classic two-pointer algorithm that, on a mismatch, retries
 * from the last `*` one code point further. Every token after a `*` is fixed-width, so this is
 * exact and runs in O(value × pattern) time at worst (no exponential backtracking).
 *
 * Positions only ever stand on code-point boundaries: `*` and `?` advance by a whole code point,
 * and a text part that would end between the halves of a surrogate pair does not match.
 */

/** A compiled token: literal text, `*` (ANY) or `?` (ONE). */
export type GlobToken = string | typeof ANY | typeof ONE;
export const ANY = 0;
export const ONE = 1;

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** UTF-16 length of the code point starting at i. */
function width(s: string, i: number): number {
  return isHigh(s.charCodeAt(i)) && isLow(s.charCodeAt(i + 1)) ? 2 : 1;
}

/** True when position i splits a surrogate pair. */
function splitsPair(s: string, i: number): boolean {
  return i > 0 && i < s.length && isHigh(s.charCodeAt(i - 1)) && isLow(s.charCodeAt(i));
}

/** The general matcher over tokens. */
export function globMatch(value: string, tokens: readonly GlobToken[]): boolean {
  let ti = 0;
  let vi = 0;
  let starTi = -1;
  let starVi = 0;
  for (;;) {
    if (ti < tokens.length) {
      const tok = tokens[ti]!;
      if (tok === ANY) {
        if (ti === tokens.length - 1) return true;
        starTi = ti;
        starVi = vi;
        ti++;
        continue;
      }
      if (tok === ONE) {
        if (vi < value.length) {
          vi += width(value, vi);
          ti++;
          continue;
        }
      } else if (value.startsWith(tok, vi) && !splitsPair(value, vi + tok.length)) {
        vi += tok.length;
        ti++;
        continue;
      }
    } else if (vi === value.length) {
      return true;
    }
    if (starTi < 0 || starVi >= value.length) return false;
    starVi += width(value, starVi);
    vi = starVi;
    ti = starTi + 1;
  }
}

/** Tokens of a pattern; text is lower-cased when the match is case-insensitive. */
export function globTokens(pattern: Pattern, cased: boolean): GlobToken[] {
  return pattern.map((p) => {
    switch (p.kind) {
      case "text":
        return cased ? p.text : p.text.toLowerCase();
      case "any":
        return ANY;
      case "one":
        return ONE;
    }
  });
}

/** A lone surrogate would need the boundary check that the fast paths below skip. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The matcher for already case-folded text. Common shapes (exact, prefix, suffix, infix) use the
 * string methods; they are exact only for well-formed text, so other text takes the general path.
 */
export function compileGlob(tokens: readonly GlobToken[]): (text: string) => boolean {
  const simple = tokens.every((t) => typeof t !== "string" || !LONE_SURROGATE.test(t));
  const [a, b, c] = tokens;
  if (simple) {
    if (tokens.length === 0) return (s) => s === "";
    if (tokens.length === 1 && typeof a === "string") return (s) => s === a;
    if (tokens.length === 1 && a === ANY) return () => true;
    if (tokens.length === 2 && typeof a === "string" && b === ANY) return (s) => s.startsWith(a);
    if (tokens.length === 2 && a === ANY && typeof b === "string") return (s) => s.endsWith(b);
    if (tokens.length === 3 && a === ANY && typeof b === "string" && c === ANY)
      return (s) => s.includes(b);
  }
  return (s) => globMatch(s, tokens);
}
