import type { Pattern } from "../../ir.js";
import { FALCO } from "./dialect.js";

/**
 * Sigma's case-insensitive match compares `toLowerCase()` of both sides. Falco can fold only ASCII
 * (fnmatch bracket sets `[kK]`, strcasestr for icontains). Two non-ASCII characters lower-case
 * INTO ASCII: U+212A KELVIN SIGN → "k", and U+0130 (İ) → "i" + U+0307. So a folded glob also
 * needs those spellings as alternatives: each slot below lists the glob texts one pattern
 * character may take, and the match is the OR over every combination (bounded by MAX_ALTERNATIVES).
 * No other character lower-cases into ASCII or into an uncased character (checked over all of
 * Unicode), so a pattern whose cased characters are ASCII letters is folded exactly this way.
 */
export const MAX_ALTERNATIVES = 16;

const KELVIN = "\u212A";
const DOTTED_CAPITAL_I = "\u0130";
const COMBINING_DOT = "\u0307";

export function isCasedChar(c: string): boolean {
  return c.toLowerCase() !== c || c.toUpperCase() !== c;
}

const isAsciiLetter = (c: string): boolean =>
  c.length === 1 && ((c >= "A" && c <= "Z") || (c >= "a" && c <= "z"));

/** Glob text for one literal character (fnmatch specials as one-character sets). */
export function globChar(c: string): string {
  return FALCO.globLiteral[c] ?? c;
}

// Fast path: in ASCII text the cased characters are exactly the letters A-Z and a-z.
const isAscii = (text: string): boolean => /^[\x00-\x7f]*$/.test(text);

/** Whether case-insensitivity changes anything for this pattern. */
export function needsFolding(pattern: Pattern): boolean {
  return pattern.some(
    (p) =>
      p.kind === "text" &&
      (isAscii(p.text)
        ? /[A-Za-z]/.test(p.text)
        : [...p.text].some((c) => isCasedChar(c) || c === COMBINING_DOT)),
  );
}

/** Whether Falco can fold it: every cased character is an ASCII letter. */
export function canFold(pattern: Pattern): boolean {
  return pattern.every(
    (p) =>
      p.kind !== "text" ||
      isAscii(p.text) ||
      [...p.text].every((c) => !isCasedChar(c) || isAsciiLetter(c)),
  );
}

type Slot = readonly string[];

// One shared slot per ASCII letter: patterns are folded character by character, many times over.
const letterSlots = new Map<string, Slot>();
function letterSlot(c: string): Slot {
  let slot = letterSlots.get(c);
  if (slot === undefined) {
    slot = [`[${c.toLowerCase()}${c.toUpperCase()}]`];
    letterSlots.set(c, slot);
  }
  return slot;
}

// Patterns are immutable IR, and lowering and printing (query and artifact) each ask for the
// slots of the same pattern: computed once per pattern.
const slotCache = new WeakMap<Pattern, readonly Slot[]>();

/** Slots of a case-insensitive pattern; `*` is its own slot. Assumes canFold(pattern). */
export function foldSlots(pattern: Pattern): readonly Slot[] {
  const hit = slotCache.get(pattern);
  if (hit !== undefined) return hit;
  const slots = computeSlots(pattern);
  slotCache.set(pattern, slots);
  return slots;
}

function computeSlots(pattern: Pattern): Slot[] {
  const slots: Slot[] = [];
  pattern.forEach((part, index) => {
    switch (part.kind) {
      case "any":
        slots.push([FALCO.globAny]);
        return;
      case "one":
        slots.push(["?"]);
        return;
      case "text": {
        const chars = [...part.text];
        const prevAny = pattern[index - 1]?.kind === "any";
        const nextAny = pattern[index + 1]?.kind === "any";
        for (let j = 0; j < chars.length; j++) {
          const c = chars[j]!;
          const last = j === chars.length - 1;
          if (c === "i" || c === "I") {
            if (chars[j + 1] === COMBINING_DOT) {
              slots.push([`[iI]${COMBINING_DOT}`, DOTTED_CAPITAL_I]);
              j++;
            } else if (last && nextAny) {
              slots.push(["[iI]", DOTTED_CAPITAL_I]);
            } else {
              slots.push(["[iI]"]);
            }
          } else if (c === "k" || c === "K") {
            slots.push(["[kK]", KELVIN]);
          } else if (isAsciiLetter(c)) {
            slots.push(letterSlot(c));
          } else if (c === COMBINING_DOT && j === 0 && prevAny) {
            slots.push([COMBINING_DOT, DOTTED_CAPITAL_I]);
          } else {
            slots.push([globChar(c)]);
          }
        }
        return;
      }
    }
  });
  return slots;
}

export function alternativeCount(pattern: Pattern): number {
  return foldSlots(pattern).reduce((n, s) => n * s.length, 1);
}

/** Every glob text of a case-insensitive pattern. */
export function foldedGlobs(pattern: Pattern): string[] {
  // Single-choice slots are gathered into `run` and appended once, not once per slot.
  let acc = [""];
  let run = "";
  for (const slot of foldSlots(pattern)) {
    if (slot.length === 1) {
      run += slot[0]!;
      continue;
    }
    const prefix = run;
    acc = acc.flatMap((a) => slot.map((s) => a + prefix + s));
    run = "";
  }
  return run === "" ? acc : acc.map((a) => a + run);
}

/** The glob text of a case-sensitive pattern. */
export function casedGlob(pattern: Pattern): string {
  return pattern
    .map((p) => {
      switch (p.kind) {
        case "any":
          return FALCO.globAny;
        case "one":
          return "?";
        case "text":
          return [...p.text].map(globChar).join("");
      }
    })
    .join("");
}
