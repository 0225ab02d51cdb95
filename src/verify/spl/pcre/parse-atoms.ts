import type { CharType, ClassItem } from "./ast.js";

/** A pattern outside the modelled PCRE2 subset, or not a valid pattern at all. */
export class PcreSyntaxError extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${reason} (at offset ${offset})`);
  }
}

const TYPES: Record<string, { readonly type: CharType; readonly negated: boolean }> = {
  d: { type: "digit", negated: false },
  D: { type: "digit", negated: true },
  w: { type: "word", negated: false },
  W: { type: "word", negated: true },
  s: { type: "space", negated: false },
  S: { type: "space", negated: true },
};

/** Single-character escapes (pcre2pattern, "Non-printing characters"). */
const CONTROL: Record<string, number> = { a: 0x07, e: 0x1b, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09 };

const HEX = /^[0-9a-fA-F]$/;

export interface ParsedEscape {
  readonly item: ClassItem;
  /** The offset after the escape. */
  readonly end: number;
}

/**
 * The escape whose backslash is at `start` (`i` is just after it), as one character or a type.
 * `\b` is a backspace inside a class. An escaped non-alphanumeric character is itself; any other
 * letter or digit not listed here is either a PCRE2 error or outside the subset (backreferences
 * \1…\9, \g, \k; \p, \X, \R, \h, \v, \o, \c, \x without digits…).
 */
export function parseCharEscape(
  src: string,
  i: number,
  start: number,
  inClass: boolean,
): ParsedEscape {
  const e = src[i];
  if (e === undefined) throw new PcreSyntaxError(start, "a pattern cannot end with a backslash");
  const type = TYPES[e];
  if (type !== undefined) return { item: { kind: "type", ...type }, end: i + 1 };
  const control = CONTROL[e];
  if (control !== undefined) return { item: char(control), end: i + 1 };
  if (e === "b" && inClass) return { item: char(0x08), end: i + 1 };
  if (e === "x") return hexEscape(src, i + 1, start);
  const cp = src.codePointAt(i)!;
  if (!/[A-Za-z0-9]/.test(e)) return { item: char(cp), end: i + String.fromCodePoint(cp).length };
  if (/[1-9]/.test(e) || e === "g" || e === "k")
    throw new PcreSyntaxError(start, `backreference \\${e}: outside the modelled subset`);
  throw new PcreSyntaxError(start, `the escape \\${e} is outside the modelled subset`);
}

function char(cp: number): ClassItem {
  return { kind: "range", lo: cp, hi: cp };
}

/** `\x{h…}` (a code point) or `\xhh` (one or two hex digits). */
function hexEscape(src: string, i: number, start: number): ParsedEscape {
  let digits: string;
  let end: number;
  if (src[i] === "{") {
    const close = src.indexOf("}", i);
    digits = close < 0 ? "" : src.slice(i + 1, close);
    if (!/^[0-9a-fA-F]{1,8}$/.test(digits))
      throw new PcreSyntaxError(start, "\\x{…} needs hexadecimal digits");
    end = close + 1;
  } else {
    let n = 0;
    while (n < 2 && HEX.test(src[i + n] ?? "")) n++;
    if (n === 0) throw new PcreSyntaxError(start, "\\x without hexadecimal digits");
    digits = src.slice(i, i + n);
    end = i + n;
  }
  const cp = parseInt(digits, 16);
  // UTF mode: a surrogate or a value past U+10FFFF is a compile error.
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    throw new PcreSyntaxError(start, "\\x{…} is not a Unicode scalar value");
  return { item: char(cp), end };
}

export interface ParsedClass {
  readonly items: readonly ClassItem[];
  readonly negated: boolean;
  /** The offset after the closing `]`. */
  readonly end: number;
}

/**
 * A character class whose `[` is at `start` (`i` just after it). A `]` first (after `^`) is a
 * literal; `-` is literal first, last or after a range; POSIX `[:…:]` forms are refused.
 */
export function parseClass(src: string, i: number, start: number): ParsedClass {
  let negated = false;
  if (src[i] === "^") {
    negated = true;
    i++;
  }
  const items: ClassItem[] = [];
  let first = true;
  for (;;) {
    const c = src[i];
    if (c === undefined) throw new PcreSyntaxError(start, "missing terminating ] for a class");
    if (c === "]" && !first) return { items, negated, end: i + 1 };
    first = false;
    if (c === "[" && /^\[[:.=]/.test(src.slice(i)))
      throw new PcreSyntaxError(i, "POSIX classes are outside the modelled subset");
    if (c === "\\" && src[i + 1] === "Q")
      throw new PcreSyntaxError(i, "\\Q inside a class is outside the modelled subset");
    const lo = classAtom(src, i);
    i = lo.end;
    if (lo.item.kind === "type") {
      items.push(lo.item);
      if (src[i] === "-" && src[i + 1] !== "]")
        throw new PcreSyntaxError(i, "a range cannot start at a class escape");
      continue;
    }
    if (src[i] !== "-" || src[i + 1] === "]" || src[i + 1] === undefined) {
      items.push(lo.item);
      continue;
    }
    const hi = classAtom(src, i + 1);
    if (hi.item.kind === "type")
      throw new PcreSyntaxError(i + 1, "a range cannot end at a class escape");
    if (hi.item.lo < lo.item.lo)
      throw new PcreSyntaxError(i, "range out of order in character class");
    items.push({ kind: "range", lo: lo.item.lo, hi: hi.item.lo });
    i = hi.end;
  }
}

function classAtom(src: string, i: number): ParsedEscape {
  if (src[i] === "\\") {
    const e = src[i + 1];
    if (e === "B" || e === "R" || e === "X" || e === "N")
      throw new PcreSyntaxError(i, `\\${e} is not allowed in a class`);
    return parseCharEscape(src, i + 1, i, true);
  }
  const cp = src.codePointAt(i)!;
  return { item: char(cp), end: i + String.fromCodePoint(cp).length };
}

/** PCRE2's limit on a quantifier's bounds. */
const MAX_REPEAT = 65535;

/** `{n}`, `{n,}`, `{n,m}` at `start` (the `{`), or undefined when the brace is a literal. */
export function parseBraceQuantifier(
  src: string,
  start: number,
): { min: number; max: number; end: number } | undefined {
  const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(start));
  if (!m) {
    if (/^\{\s*,\s*\d+\s*\}/.test(src.slice(start)))
      throw new PcreSyntaxError(
        start,
        "{,n} means {0,n} only since PCRE2 10.43; outside the subset",
      );
    return undefined;
  }
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
  if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT))
    throw new PcreSyntaxError(start, `a repeat count above ${MAX_REPEAT}`);
  if (max < min) throw new PcreSyntaxError(start, "numbers out of order in {} quantifier");
  return { min, max, end: start + m[0].length };
}
