/**
 * The characters of a `|re` pattern as RE2 POSIX text (regex.ts reads the pattern's structure):
 * a literal, a class member, a range and an escape, spelled so that RE2 matches exactly what
 * JavaScript does. Under the `i` flag an ASCII letter becomes the class of its case variants
 * (with U+212A for k and U+017F for s in Unicode mode, which JavaScript folds to them); any other
 * letter under `i` is refused, as are characters a Falco string cannot hold.
 */

/** A construct the translation cannot keep exact: its message names it. */
export class Refused extends Error {}

const SPECIAL_OUT = new Set([..."\\.+*?()|[]{}^$"]);
const SPECIAL_CLASS = new Set([..."\\]^-["]);
/** JavaScript's \s: its 25 white-space and line-terminator characters (a class body). */
export const JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";
/** What JavaScript's `.` does not match without the s flag (a class body). */
export const LINE_TERMINATORS = "\n\r\u2028\u2029";
/** Any character, line breaks included (RE2 POSIX's `.` matches no \n). */
export const ANY = "(.|\n)";
/** RE2's largest repetition count. */
export const MAX_REPEAT = 1000;

const refuse = (what: string): never => {
  throw new Refused(what);
};

/** The characters an `i` pattern matches for c (c itself when case does not apply). */
export function caseVariants(c: string, unicode: boolean): string[] {
  if (/^[a-zA-Z]$/.test(c)) {
    const lo = c.toLowerCase();
    const out = [lo, lo.toUpperCase()];
    if (unicode && lo === "k") out.push("\u212a");
    if (unicode && lo === "s") out.push("\u017f");
    return out;
  }
  if (c.toLowerCase() !== c || c.toUpperCase() !== c)
    refuse(`the non-ASCII letter '${c}' under the i flag`);
  return [c];
}

/** One character outside a class. */
export function literalText(c: string, fold: boolean, unicode: boolean): string {
  if (c === "\0") refuse("a NUL character (a Falco string cannot hold one)");
  if (/[\ud800-\udfff]/.test(c)) refuse("a lone surrogate");
  if (fold) {
    const variants = caseVariants(c, unicode);
    if (variants.length > 1) return `[${variants.join("")}]`;
  }
  return SPECIAL_OUT.has(c) ? `\\${c}` : c;
}

/** One character inside a class. */
export function classChar(c: string): string {
  return SPECIAL_CLASS.has(c) ? `\\${c}` : c;
}

/** The class text of the range a-b, with its other case under the i flag. */
export function foldedRange(a: string, b: string, fold: boolean, unicode: boolean): string {
  const text = `${classChar(a)}-${classChar(b)}`;
  if (!fold) return text;
  const lo = a.codePointAt(0)!;
  const hi = b.codePointAt(0)!;
  const hasLetter = (from: number, to: number): boolean => {
    for (let x = from; x <= to; x++) {
      const ch = String.fromCodePoint(x);
      if (ch.toLowerCase() !== ch || ch.toUpperCase() !== ch) return true;
    }
    return false;
  };
  if (hi - lo > 0x3000) refuse("a wide range under the i flag");
  if (!hasLetter(lo, hi)) return text;
  const inside = (from: string, to: string): boolean => a >= from && b <= to;
  if (!inside("a", "z") && !inside("A", "Z")) refuse(`the range ${a}-${b} under the i flag`);
  const other = (ch: string): string =>
    ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase();
  let out = `${text}${other(a)}-${other(b)}`;
  if (unicode && a.toLowerCase() <= "k" && b.toLowerCase() >= "k") out += "\u212a";
  if (unicode && a.toLowerCase() <= "s" && b.toLowerCase() >= "s") out += "\u017f";
  return out;
}

/**
 * The character the escape `\e` stands for, its digits read from `chars` at `at` (e already
 * read), with the position after them; or a refusal.
 */
export function escapedChar(
  chars: readonly string[],
  at: number,
  e: string,
): { readonly char: string; readonly next: number } {
  const hex = (n: number): { char: string; next: number } => {
    const digits = chars.slice(at, at + n).join("");
    if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(digits)) refuse(`a malformed \\${e} escape`);
    return { char: String.fromCharCode(parseInt(digits, 16)), next: at + n };
  };
  const one = (char: string) => ({ char, next: at });
  switch (e) {
    case "t":
      return one("\t");
    case "n":
      return one("\n");
    case "r":
      return one("\r");
    case "v":
      return one("\v");
    case "f":
      return one("\f");
    case "x":
      return hex(2);
    case "u": {
      if (chars[at] === "{") {
        const rest = chars.slice(at).join("");
        const m = /^\{([0-9a-fA-F]+)\}/.exec(rest);
        if (!m) return refuse("a malformed \\u{…} escape");
        const cp = parseInt(m[1]!, 16);
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) refuse("a surrogate code point");
        // "{hex}" is ASCII: as many code units as code points.
        return { char: String.fromCodePoint(cp), next: at + m[0].length };
      }
      const u = hex(4);
      if (/[\ud800-\udfff]/.test(u.char)) refuse("a surrogate escape");
      return u;
    }
    case "0":
      return refuse("a NUL character (a Falco string cannot hold one)");
    case "c":
      return refuse("a control escape \\c");
    case "k":
    case "p":
    case "P":
      return refuse(`\\${e} (named backreference or Unicode property)`);
    default:
      if (/[1-9]/.test(e)) refuse("a backreference");
      if (/[a-zA-Z]/.test(e)) refuse(`the escape \\${e}`);
      return one(e);
  }
}
