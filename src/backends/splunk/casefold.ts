import type { Part, Pattern } from "../../ir.js";

/**
 * Sigma's case-insensitive match lower-cases both sides (`toLowerCase`), while Splunk's search
 * and PCRE `(?i)` compare by Unicode simple case folding, one code point at a time. The two agree
 * on most text but not all: `ſ` folds to `s` yet lower-cases to itself, `İ` lower-cases to two
 * code points (`i` + U+0307), and `Σ` lower-cases to `σ` or `ς` depending on its neighbours.
 * This module decides when folding is exact for a pattern, and otherwise writes Sigma's meaning as
 * a case-sensitive regular expression whose character classes list, for every lower-cased pattern
 * character, exactly the value characters that lower-case to it.
 */

const DOTTED_CAPITAL_I = 0x130;
const COMBINING_DOT = 0x307;
const SIGMAS = new Set(["σ", "ς"]);

let cased: readonly string[] | undefined;

/** Every code point with a case mapping: the only ones a fold or lower-case class can hold. */
export function casedCodePoints(): readonly string[] {
  if (cased) return cased;
  const out: string[] = [];
  for (let c = 0; c < 0x20000; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const s = String.fromCodePoint(c);
    if (s.toLowerCase() !== s || s.toUpperCase() !== s) out.push(s);
  }
  cased = out;
  return out;
}

const preimages = new Map<string, readonly string[]>();
const folds = new Map<string, readonly string[]>();
let byLower: ReadonlyMap<string, readonly string[]> | undefined;

/** Cased code points grouped by their lower-case form: one pass instead of one per character. */
function casedByLower(): ReadonlyMap<string, readonly string[]> {
  if (byLower) return byLower;
  const map = new Map<string, string[]>();
  for (const x of casedCodePoints()) {
    const low = x.toLowerCase();
    const group = map.get(low);
    if (group) group.push(x);
    else map.set(low, [x]);
  }
  byLower = map;
  return map;
}

/** The value characters x with x.toLowerCase() === d (d is one lower-cased code point). */
export function lowerPreimage(d: string): readonly string[] {
  const hit = preimages.get(d);
  if (hit) return hit;
  const set = new Set([d, ...(casedByLower().get(d) ?? [])]);
  const out = [...set].sort();
  preimages.set(d, out);
  return out;
}

/** The characters that PCRE `(?i)` (and JavaScript's `iu`) treat as equal to c. */
export function foldClass(c: string): readonly string[] {
  const hit = folds.get(c);
  if (hit) return hit;
  const re = new RegExp(`^\\u{${c.codePointAt(0)!.toString(16)}}$`, "iu");
  const set = new Set([c]);
  for (const x of casedCodePoints()) if (re.test(x)) set.add(x);
  const out = [...set].sort();
  folds.set(c, out);
  return out;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** The pattern as the reference evaluator compares it: every text part lower-cased. */
function lowered(pattern: Pattern): Part[] {
  return pattern.map((p) => (p.kind === "text" ? { kind: "text", text: p.text.toLowerCase() } : p));
}

const endsWithI = (p: Part | undefined): boolean => p?.kind === "text" && p.text.endsWith("i");

/**
 * True when case folding gives exactly Sigma's case-insensitive meaning for every value: no `?`
 * (İ counts as two characters once lower-cased), no text ending in `i` before a wildcard (the
 * wildcard may take İ's combining dot), and every character's fold class is its lower-case class.
 */
export function foldIsExact(pattern: Pattern): boolean {
  // Patterns are immutable IR, asked about by both lower() and the printer: decided once each.
  const hit = exactPatterns.get(pattern);
  if (hit !== undefined) return hit;
  const low = lowered(pattern);
  const exact = low.every((p, i) => {
    switch (p.kind) {
      case "one":
        return false;
      case "any":
        return !endsWithI(low[i - 1]);
      case "text":
        return [...p.text].every(charFoldIsExact);
    }
  });
  exactPatterns.set(pattern, exact);
  return exact;
}

const exactPatterns = new WeakMap<Pattern, boolean>();
const exactChars = new Map<string, boolean>();

/** foldIsExact for one lower-cased character, decided once per character. */
function charFoldIsExact(c: string): boolean {
  let exact = exactChars.get(c);
  if (exact === undefined) {
    exact =
      c.codePointAt(0) !== COMBINING_DOT &&
      !SIGMAS.has(c) &&
      sameSet(foldClass(c), lowerPreimage(c));
    exactChars.set(c, exact);
  }
  return exact;
}

/**
 * True when every value Sigma's case-insensitive match accepts is also accepted by case folding
 * (so a folding search term is a sound prefilter): each character's lower-case class lies inside
 * its fold class, and no İ can be half-taken (no `?`, no text ending in `i` before `*`, no U+0307).
 */
export function foldCovers(pattern: Pattern): boolean {
  const low = lowered(pattern);
  return low.every((p, i) => {
    switch (p.kind) {
      case "one":
        return false;
      case "any":
        return !endsWithI(low[i - 1]);
      case "text":
        return [...p.text].every((c) => {
          if (c.codePointAt(0) === COMBINING_DOT || SIGMAS.has(c)) return false;
          const fold = foldClass(c);
          return lowerPreimage(c).every((x) => fold.includes(x));
        });
    }
  });
}

/** One code point as a JavaScript regex atom (letters and digits as is, the rest escaped). */
function atom(c: string): string {
  return /^[A-Za-z0-9]$/.test(c) ? c : `\\u{${c.codePointAt(0)!.toString(16)}}`;
}

function charClass(members: readonly string[]): string {
  return members.length === 1 ? atom(members[0]!) : `[${members.map(atom).join("")}]`;
}

// The class of one lower-cased character, built once per character rather than once per use.
const lowerClasses = new Map<string, string>();
function lowerClass(c: string): string {
  let cls = lowerClasses.get(c);
  if (cls === undefined) {
    cls = charClass(lowerPreimage(c));
    lowerClasses.set(c, cls);
  }
  return cls;
}

export interface CaseRegex {
  /** JavaScript source, anchored with ^ and $, to run case-sensitively with the s flag. */
  readonly source: string;
  /** Null when exact; else why a value may match differently than in Sigma. */
  readonly deviation: string | null;
}

/**
 * Sigma's case-insensitive glob as a case-sensitive regex: each lower-cased pattern character
 * becomes the class of value characters that lower-case to it; `*` is any run; `?` is any one
 * character but İ; a text ending in `i` before `*` also accepts İ (the `*` takes its dot). What
 * stays inexact (and is reported): `?` next to İ's halves, U+0307 in the pattern, σ/ς (whose
 * lower-case form depends on the neighbouring letters).
 */
export function caseInsensitiveRegex(pattern: Pattern): CaseRegex {
  const low = lowered(pattern);
  const reasons = new Set<string>();
  // Pieces joined once: a flat string, not a chain of per-character appends.
  const out: string[] = [];
  low.forEach((p, i) => {
    switch (p.kind) {
      case "any":
        out.push(".*");
        return;
      case "one":
        out.push(`[^\\u{${DOTTED_CAPITAL_I.toString(16)}}]`);
        const prev = low[i - 1];
        const next = low[i + 1];
        if (endsWithI(prev) || (prev && prev.kind !== "text") || (next && next.kind !== "text"))
          reasons.add(
            "a '?' beside another wildcard or after 'i' cannot take one half of 'İ', which Sigma lower-cases to two characters",
          );
        return;
      case "text": {
        const chars = [...p.text];
        chars.forEach((c, k) => {
          if (c.codePointAt(0) === COMBINING_DOT)
            reasons.add(
              "U+0307 in a value: the target compares 'İ' as one character, Sigma lower-cases it to 'i' + U+0307",
            );
          if (SIGMAS.has(c))
            reasons.add(
              "Sigma lower-cases 'Σ' to 'σ' or 'ς' depending on the neighbouring letters",
            );
          const cls = lowerClass(c);
          const last = k === chars.length - 1;
          out.push(last && c === "i" && low[i + 1]?.kind === "any" ? `(?:${cls}|\\u{130})` : cls);
        });
        return;
      }
    }
  });
  return {
    source: `^${out.join("")}$`,
    deviation: reasons.size === 0 ? null : [...reasons].join("; "),
  };
}
