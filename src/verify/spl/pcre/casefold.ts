/**
 * PCRE2's caseless equivalence in UTF mode. PCRE2 builds its caseless sets from the 'C' and 'S'
 * lines of Unicode's CaseFolding.txt (PCRE2 maint/GenerateUcd.py, get_other_case), and uses them
 * for every character once UTF is on (pcre2unicode(3), "Unicode case-equivalence"): 'k' = 'K' =
 * U+212A KELVIN SIGN, 's' = 'S' = U+017F LONG S, 'ß' = U+1E9E, 'σ' = 'Σ' = 'ς', while U+0130 and
 * U+0131 (the Turkish i's) are each equivalent only to themselves, and no equivalence ever maps
 * one character to two (ß never matches "ss").
 *
 * Two characters are equivalent when their simple case folds are equal. The fold is derived from
 * the runtime's own Unicode case mappings (String.prototype.toUpperCase/toLowerCase) where they
 * are single characters, upper-then-lower so that every member of a set lands on one
 * representative (ς → Σ → σ, ſ → S → s), with two kinds of exception: U+0131, whose upper case
 * I folds to i but which CaseFolding.txt leaves alone, and three 'S' foldings between characters
 * whose case mappings are multi-character (ΐ U+1FD3 → U+0390, ΰ U+1FE3 → U+03B0, ﬅ U+FB05 →
 * U+FB06). test/verify/pcre.test.ts checks this fold against every code point.
 */

/** Characters whose upper-then-lower round trip is not their simple case fold. */
const SELF_FOLDED: ReadonlySet<number> = new Set([0x131]);
const SIMPLE_ONLY: ReadonlyMap<number, number> = new Map([
  [0x1fd3, 0x390],
  [0x1fe3, 0x3b0],
  [0xfb05, 0xfb06],
]);

function single(s: string): number | undefined {
  const cp = s.codePointAt(0);
  return cp !== undefined && s.length === String.fromCodePoint(cp).length ? cp : undefined;
}

/** A representative of `cp`'s caseless set (its simple case fold, up to the choice of member). */
export function caseFold(cp: number): number {
  if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a ? cp + 0x20 : cp;
  if (SELF_FOLDED.has(cp) || (cp >= 0xd800 && cp <= 0xdfff)) return cp;
  const special = SIMPLE_ONLY.get(cp);
  if (special !== undefined) return special;
  const s = String.fromCodePoint(cp);
  const upper = single(s.toUpperCase());
  if (upper !== undefined) {
    const back = single(String.fromCodePoint(upper).toLowerCase());
    if (back !== undefined) return back;
  }
  return single(s.toLowerCase()) ?? cp;
}

/**
 * Where cased letters live: Latin…Greek…Cyrillic…Georgian…Cherokee in the BMP, and the cased
 * scripts of plane 1 (Deseret, Osage, Vithkuqi, Old Hungarian, Warang Citi, Medefaidrin, Adlam…).
 * Ranges with no case at all (CJK, Hangul, surrogates, private use) are skipped when the inverse
 * table is built; the exhaustive test covers every code point anyway.
 */
const CASED_SCAN: readonly (readonly [number, number])[] = [
  [0x0000, 0x33ff],
  [0xa000, 0xabff],
  [0xfb00, 0xffff],
  [0x10000, 0x1ffff],
];

let sets: Map<number, readonly number[]> | undefined;

function caselessSets(): Map<number, readonly number[]> {
  if (sets !== undefined) return sets;
  const grouped = new Map<number, number[]>();
  for (const [lo, hi] of CASED_SCAN) {
    for (let cp = lo; cp <= hi; cp++) {
      const f = caseFold(cp);
      if (f === cp && grouped.get(f) === undefined) continue;
      const members = grouped.get(f) ?? [f];
      if (f !== cp) members.push(cp);
      grouped.set(f, members);
    }
  }
  sets = new Map();
  for (const members of grouped.values()) for (const m of members) sets.set(m, members);
  return sets;
}

/** Every character caselessly equal to `cp`, itself included. */
export function caseEquivalents(cp: number): readonly number[] {
  if (cp < 0x80) {
    const lower = caseFold(cp);
    if (lower < 0x61 || lower > 0x7a) return [cp];
  }
  return caselessSets().get(cp) ?? [cp];
}
