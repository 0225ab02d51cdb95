import type { RegexFlags } from "../../ir.js";
import { regexFlags } from "../../sigma/eval-regex.js";
import {
  ANY,
  JS_SPACE,
  LINE_TERMINATORS,
  MAX_REPEAT,
  Refused,
  caseVariants,
  classChar,
  escapedChar,
  foldedRange,
  literalText,
} from "./regex-chars.js";

/**
 * A rule's `|re` (JavaScript's meaning: a search anywhere in the value) as the text of Falco's
 * `regex` operator. libsinsp (falcosecurity/libs sinsp_filtercheck.cpp, since libs 0.18 / Falco
 * 0.39) compiles each value with `re2::RE2(value, RE2::POSIX)` and matches with ANCHOR_BOTH: RE2's
 * POSIX syntax (no `(?:…)`, no `(?i)`, no `\d \s \w \b \A \z`, no lazy quantifiers, `^`/`$` at
 * line boundaries because one_line is off) over the whole value.
 *
 * The translation keeps JavaScript's meaning exactly or refuses with the construct:
 * - the search becomes `(.|\n)*(R)(.|\n)*`, per top-level alternative, without the prefix after a
 *   leading `^` and without the suffix before a trailing `$` (no other anchor is written);
 * - classes are spelled out (`\d` [0-9], `\w` [0-9A-Za-z_], `\s` JavaScript's 25 white-space
 *   characters, `.` everything but the four line terminators), `(?:` becomes `(`, a lazy
 *   quantifier becomes greedy (whether a match exists does not depend on it);
 * - the `i` flag spells each ASCII letter as a class of its case variants (with U+212A for k and
 *   U+017F for s when the pattern runs in Unicode mode, where JavaScript folds them);
 * - a pattern that runs without `u` reads UTF-16 units, RE2 reads code points: `.`, negated classes
 *   and negated escapes would count an astral character twice, so they are refused there.
 */
export type FalcoRegex =
  { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

interface Alt {
  readonly start: boolean;
  readonly end: boolean;
  readonly body: string;
}

class Translator {
  private i = 0;
  private readonly chars: string[];
  /** The largest product of nested counts in the group being read (RE2 refuses above 1000). */
  private nested = 1;
  /** The nested count of the atom just read (a group's inside, 1 for anything else). */
  private atomNested = 1;

  constructor(
    source: string,
    private readonly fold: boolean,
    private readonly unicode: boolean,
    private readonly dotAll: boolean,
  ) {
    this.chars = unicode ? [...source] : source.split("");
  }

  private peek(k = 0): string | undefined {
    return this.chars[this.i + k];
  }

  private literal(c: string): string {
    return literalText(c, this.fold, this.unicode);
  }

  /** The character of the escape `\e` (e already read), reading its digits. */
  private escapedChar(e: string): string {
    const { char, next } = escapedChar(this.chars, this.i, e);
    this.i = next;
    return char;
  }

  private refuse(what: string): never {
    throw new Refused(what);
  }

  /** The top level: alternatives with their own anchors. */
  top(): Alt[] {
    this.unwrap();
    const alts = this.alternatives(true);
    if (this.i < this.chars.length) this.refuse(`an unbalanced ')'`);
    return alts;
  }

  /**
   * A pattern that is one unquantified group, `(…)` or `(?:…)`, is read as its inside, so that
   * anchors at the start or end of its alternatives are top-level anchors (`(^0oa.*|…)`).
   */
  private unwrap(): void {
    const cs = this.chars;
    if (cs[0] !== "(" || cs[cs.length - 1] !== ")") return;
    const open = cs[1] === "?" ? (cs[2] === ":" ? 3 : -1) : 1;
    if (open < 0) return;
    let depth = 0;
    let inClass = false;
    for (let k = 0; k < cs.length; k++) {
      const c = cs[k];
      if (c === "\\") {
        k++;
        continue;
      }
      if (inClass) {
        if (c === "]") inClass = false;
        continue;
      }
      if (c === "[") inClass = true;
      else if (c === "(") depth++;
      else if (c === ")") {
        depth--;
        if (depth === 0 && k !== cs.length - 1) return;
      }
    }
    this.chars.splice(cs.length - 1, 1);
    this.chars.splice(0, open);
  }

  private alternatives(top: boolean): Alt[] {
    const alts: Alt[] = [this.sequence(top)];
    while (this.peek() === "|") {
      this.i++;
      alts.push(this.sequence(top));
    }
    return alts;
  }

  private sequence(top: boolean): Alt {
    let start = false;
    let end = false;
    let body = "";
    if (top && this.peek() === "^") {
      this.i++;
      start = true;
    }
    // A sequence that is exactly one unquantified group with alternatives inside: its
    // alternatives are top-level alternatives (`(^a|b)`), anchors included.
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === "|" || c === ")") break;
      if (c === "$" && top && (this.peek(1) === undefined || this.peek(1) === "|")) {
        this.i++;
        end = true;
        break;
      }
      body += this.item();
    }
    return { start, end, body };
  }

  private item(): string {
    this.atomNested = 1;
    const atom = this.atom();
    const inner = this.atomNested;
    const q = this.quantifier(inner);
    if (q === undefined) {
      this.nested = Math.max(this.nested, inner);
      return atom;
    }
    return `${atom.length > 1 && !/^\[.*\]$|^\(.*\)$/s.test(atom) ? `(${atom})` : atom}${q}`;
  }

  private quantifier(inner: number): string | undefined {
    const c = this.peek();
    let q: string | undefined;
    let count = 1;
    if (c === "*" || c === "+" || c === "?") {
      this.i++;
      q = c;
    } else if (c === "{") {
      const rest = this.chars.slice(this.i).join("");
      const m = /^\{(\d+)(,(\d*))?\}/.exec(rest);
      if (!m) return undefined;
      this.i += [...m[0]].length;
      const lo = Number(m[1]);
      const hi = m[3] === undefined || m[3] === "" ? undefined : Number(m[3]);
      count = Math.max(lo, hi ?? lo);
      if (count > MAX_REPEAT) this.refuse(`a count above ${MAX_REPEAT} (RE2's limit)`);
      q = m[0];
    }
    if (q === undefined) return undefined;
    if (this.peek() === "?") this.i++; // lazy: the same matches exist
    if (inner * count > MAX_REPEAT) this.refuse(`nested counts above ${MAX_REPEAT} (RE2's limit)`);
    this.nested = Math.max(this.nested, inner * count);
    return q;
  }

  private atom(): string {
    const c = this.peek()!;
    this.i++;
    switch (c) {
      case "(":
        return this.group();
      case "[":
        return this.charClass();
      case ".":
        if (!this.unicode)
          this.refuse("'.' in a pattern that reads UTF-16 units (not valid with the u flag)");
        return this.dotAll ? ANY : `[^${LINE_TERMINATORS}]`;
      case "^":
      case "$":
        return this.refuse(
          `'${c}' inside the pattern (only a leading ^ and a trailing $ are written)`,
        );
      case "\\":
        return this.escape(false);
      case ")":
        return this.refuse("an unbalanced ')'");
      default:
        return this.literal(c);
    }
  }

  private group(): string {
    if (this.peek() === "?") {
      if (this.peek(1) !== ":") this.refuse("a lookaround or named group");
      this.i += 2;
    }
    const outer = this.nested;
    this.nested = 1;
    const alts = this.alternatives(false);
    this.atomNested = this.nested;
    this.nested = outer;
    if (this.peek() !== ")") this.refuse("an unclosed group");
    this.i++;
    return `(${alts.map((a) => a.body).join("|")})`;
  }

  /** One class member (a character or a spelled-out escape), as RE2 class text. */
  private classAtom(): { text: string; char?: string } {
    const c = this.peek();
    if (c === undefined) this.refuse("an unclosed class");
    this.i++;
    if (c !== "\\") return { text: classChar(c), char: c };
    const e = this.peek();
    if (e === undefined) this.refuse("a trailing backslash");
    this.i++;
    switch (e) {
      case "d":
        return { text: "0-9" };
      case "w":
        return { text: this.fold && this.unicode ? "0-9A-Za-z_\u017f\u212a" : "0-9A-Za-z_" };
      case "s":
        return { text: JS_SPACE };
      case "D":
      case "W":
      case "S":
        return this.refuse(`\\${e} inside a class`);
      case "b":
        return { text: "\b", char: "\b" };
      default: {
        const ch = this.escapedChar(e);
        return { text: classChar(ch), char: ch };
      }
    }
  }

  private charClass(): string {
    let negated = false;
    if (this.peek() === "^") {
      negated = true;
      this.i++;
    }
    if (negated && !this.unicode)
      this.refuse("a negated class in a pattern that reads UTF-16 units");
    if (this.peek() === "]") {
      this.i++;
      if (negated) return ANY;
      return this.refuse("an empty class (it matches nothing)");
    }
    let out = "";
    while (this.peek() !== "]") {
      const a = this.classAtom();
      if (this.peek() === "-" && this.peek(1) !== "]" && this.peek(1) !== undefined) {
        this.i++;
        const b = this.classAtom();
        if (a.char === undefined || b.char === undefined)
          this.refuse("a range with a class escape");
        out += foldedRange(a.char, b.char, this.fold, this.unicode);
        continue;
      }
      out += a.text;
      if (this.fold && a.char !== undefined)
        for (const v of caseVariants(a.char, this.unicode)) if (v !== a.char) out += classChar(v);
    }
    this.i++;
    return `[${negated ? "^" : ""}${out}]`;
  }

  private escape(inClass: boolean): string {
    void inClass;
    const e = this.peek();
    if (e === undefined) this.refuse("a trailing backslash");
    this.i++;
    switch (e) {
      case "d":
        return "[0-9]";
      case "w":
        return this.fold && this.unicode ? "[0-9A-Za-z_\u017f\u212a]" : "[0-9A-Za-z_]";
      case "s":
        return `[${JS_SPACE}]`;
      case "D":
      case "S":
      case "W": {
        if (!this.unicode) this.refuse(`\\${e} in a pattern that reads UTF-16 units`);
        if (e === "W" && this.fold) this.refuse("\\W under the i flag");
        const inner = e === "D" ? "0-9" : e === "S" ? JS_SPACE : "0-9A-Za-z_";
        return `[^${inner}]`;
      }
      case "b":
      case "B":
        return this.refuse(`\\${e} (RE2's POSIX syntax has no word boundary)`);
      default:
        return this.literal(this.escapedChar(e));
    }
  }
}

/** The `regex` operand for a search of `source` with `flags`, or why there is none. */
export function falcoRegex(source: string, flags: RegexFlags): FalcoRegex {
  const jsFlags = regexFlags(source, flags);
  if (jsFlags === undefined)
    return { ok: false, reason: "the pattern is not a valid regular expression" };
  const unicode = jsFlags.includes("u");
  try {
    const t = new Translator(source, flags.i, unicode, flags.s);
    const alts = t.top();
    if (flags.m && alts.some((a) => a.start || a.end))
      return { ok: false, reason: "^ or $ with the m flag (line anchors)" };
    const text = alts
      .map((a) => `${a.start ? "" : `${ANY}*`}(${a.body})${a.end ? "" : `${ANY}*`}`)
      .join("|");
    return { ok: true, text };
  } catch (e) {
    if (e instanceof Refused) return { ok: false, reason: e.message };
    throw e;
  }
}
