import type { CharType, ClassItem } from "./ast.js";
import { caseEquivalents, caseFold } from "./casefold.js";

/**
 * What one subject character must be. PCRE2 without PCRE2_UCP (Splunk does not document
 * enabling it, and its patterns never start with (*UCP)): "characters whose code points are
 * greater than 127 never match \d, \s, or \w" (pcre2pattern, "Generic character types"); the
 * \s set is HT, LF, VT, FF, CR and space. \b and \B are defined by \w, so they are ASCII too.
 */
export type CharTest = (cp: number) => boolean;

export const isWordChar = (cp: number): boolean =>
  (cp >= 0x30 && cp <= 0x39) ||
  (cp >= 0x41 && cp <= 0x5a) ||
  (cp >= 0x61 && cp <= 0x7a) ||
  cp === 0x5f;

const TYPE_TESTS: Record<CharType, CharTest> = {
  digit: (cp) => cp >= 0x30 && cp <= 0x39,
  word: isWordChar,
  space: (cp) => (cp >= 0x09 && cp <= 0x0d) || cp === 0x20,
};

/** The newline convention: LF, PCRE2's default build setting (NEWLINE_DEFAULT). */
export const LF = 0x0a;

export const dotTest =
  (dotall: boolean): CharTest =>
  (cp) =>
    dotall || cp !== LF;

/**
 * A class (a literal is a one-character class). Under (?i) a character matches when any
 * character caselessly equal to it is a member ("any letters in a class represent both their
 * upper case and lower case versions", with Unicode case-equivalence in UTF mode); the type
 * escapes are not case-closed. Negation applies after that closure: (?i)[^k] rejects K and U+212A.
 */
export function classTest(
  items: readonly ClassItem[],
  negated: boolean,
  caseless: boolean,
): CharTest {
  const ranges = items.flatMap((it) => (it.kind === "range" ? [it] : []));
  const types = items.flatMap((it) => (it.kind === "type" ? [it] : []));
  const typeHit = (cp: number): boolean => types.some((t) => TYPE_TESTS[t.type](cp) !== t.negated);
  let rangeHit: CharTest;
  if (!caseless) rangeHit = (cp) => ranges.some((r) => r.lo <= cp && cp <= r.hi);
  else if (ranges.length === 1 && ranges[0]!.lo === ranges[0]!.hi) {
    // A single literal, the common case: compare folds.
    const want = caseFold(ranges[0]!.lo);
    rangeHit = (cp) => caseFold(cp) === want;
  } else
    rangeHit = (cp) => caseEquivalents(cp).some((e) => ranges.some((r) => r.lo <= e && e <= r.hi));
  return (cp) => (rangeHit(cp) || typeHit(cp)) !== negated;
}
