import { createRequire } from "node:module";
import type { RE2JS as RE2JSClass } from "re2js";
import type { RegexFlags } from "../ir.js";

let loaded: typeof RE2JSClass | undefined;

/**
 * RE2JS, loaded on first use (its CommonJS build, synchronously): most conversions have no |re,
 * and the cold start of one `convert` should not pay for it.
 */
function loadRe2js(): typeof RE2JSClass {
  loaded ??= (createRequire(import.meta.url)("re2js") as { RE2JS: typeof RE2JSClass }).RE2JS;
  return loaded;
}

/**
 * Running a rule's JavaScript regex in linear time. V8's backtracking engine is polynomial on
 * ordinary patterns (`a+b` is quadratic, `.*a.*b` cubic in an unanchored search), so the reference
 * evaluator and the scanner run the pattern on RE2JS instead, after translating it into RE2 syntax
 * with the SAME meaning as JavaScript gives it:
 *
 * - classes are spelled out as code-point ranges (`\s` is JavaScript's 25-member set, `.` excludes
 *   the four JS line terminators, `\w` gains U+017F and U+212A under `iu` as JS defines);
 * - `u` patterns see code points; a non-`u` pattern sees UTF-16 code units, so each surrogate code
 *   unit, in the pattern and in the input, is moved to the private plane (U+100000 + unit);
 * - `iu` case folding is RE2's simple folding (checked equal to V8's on every code point); non-`u`
 *   `i` uses JavaScript's toUpperCase canonicalization, written out as explicit classes;
 * - `\b` under `iu` counts U+017F and U+212A as word characters: the input maps them to `s`/`k`,
 *   which no `iu` pattern can tell apart from them;
 * - `^` with `m` and `(?<=…)` are lookbehinds (RE2JS has captureless lookbehinds); `$` with `m`
 *   and `(?=…)` are translated only where nothing follows them: a search that only asks whether a
 *   match exists may then consume what they look at.
 *
 * Negative lookaround, lookahead before more pattern, backreferences, `\p{…}`, legacy octal
 * escapes and counts above RE2's 1000 have no translation: they are reported as the construct, and
 * the caller decides (regex-safety.ts).
 */

export type Re2Translation =
  | {
      readonly ok: true;
      readonly source: string;
      readonly flags: number;
      readonly unicode: boolean;
      /** `\b`/`\B` under `iu`: fold U+017F and U+212A in the input first. */
      readonly foldWordChars: boolean;
    }
  | { readonly ok: false; readonly construct: string; readonly offset: number };

/** A rule regex ready to search text. */
export interface RegexSearch {
  readonly engine: "re2" | "v8";
  test(text: string): boolean;
}

type Range = readonly [number, number];

type Node =
  | { readonly kind: "set"; readonly ranges: readonly Range[]; readonly negated: boolean }
  | { readonly kind: "seq"; readonly items: readonly Node[] }
  | { readonly kind: "alt"; readonly branches: readonly Node[] }
  | { readonly kind: "repeat"; readonly body: Node; readonly min: number; readonly max: number }
  | { readonly kind: "start" | "boundary" | "nonBoundary" }
  | { readonly kind: "end"; readonly offset: number }
  | { readonly kind: "lookahead" | "lookbehind"; readonly body: Node; readonly offset: number };

class Untranslatable extends Error {
  constructor(
    readonly construct: string,
    readonly offset: number,
  ) {
    super(construct);
  }
}

const RE2_MAX_REPEAT = 1000;
const MAX_CP = 0x10ffff;
const LINE_TERMINATORS: readonly Range[] = [
  [10, 10],
  [13, 13],
  [0x2028, 0x2029],
];
const DIGITS: readonly Range[] = [[48, 57]];
const WORD: readonly Range[] = [
  [48, 57],
  [65, 90],
  [95, 95],
  [97, 122],
];
/** Under `iu`, JavaScript's word characters include the two that case-fold into ASCII letters. */
const WORD_IU: readonly Range[] = [...WORD, [0x17f, 0x17f], [0x212a, 0x212a]];
const SPACE: readonly Range[] = [
  [9, 13],
  [32, 32],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];

function normalize(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function complement(ranges: readonly Range[], max: number): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of normalize(ranges)) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= max) out.push([next, max]);
  return out;
}

// ---- non-`u` case folding: JavaScript's Canonicalize (toUpperCase, one unit, no ASCII from non-ASCII)

interface CanonTable {
  readonly canon: Uint16Array;
  /** The code units sharing a canonical form, for the forms shared by more than one unit. */
  readonly classes: ReadonlyMap<number, readonly number[]>;
}

let canonTable: CanonTable | undefined;

/** Built on first use (65,536 toUpperCase calls, a few milliseconds). */
function canonicalization(): CanonTable {
  if (canonTable !== undefined) return canonTable;
  const canon = new Uint16Array(0x10000);
  const all = new Map<number, number[]>();
  for (let u = 0; u < 0x10000; u++) {
    const upper = String.fromCharCode(u).toUpperCase();
    const cu = upper.length === 1 ? upper.charCodeAt(0) : u;
    const c = u >= 128 && cu < 128 ? u : cu;
    canon[u] = c;
    const list = all.get(c);
    if (list === undefined) all.set(c, [u]);
    else list.push(u);
  }
  const classes = new Map([...all].filter(([, units]) => units.length > 1));
  canonTable = { canon, classes };
  return canonTable;
}

/** Every code unit whose canonical form is that of a member: what a non-`u` `i` class matches. */
function caseClosure(ranges: readonly Range[]): Range[] {
  const { canon, classes } = canonicalization();
  const out: Range[] = [...ranges];
  for (const [lo, hi] of ranges) {
    for (let u = lo; u <= Math.min(hi, 0xffff); u++) {
      for (const v of classes.get(canon[u]!) ?? []) out.push([v, v]);
    }
  }
  return normalize(out);
}

// ---- parser (the source already compiles with RegExp in the chosen mode) ----

class Parser {
  private pos = 0;
  private readonly namedGroups: boolean;

  constructor(
    private readonly src: string,
    private readonly unicode: boolean,
    private readonly ignoreCase: boolean,
    private readonly dotAll: boolean,
  ) {
    this.namedGroups = /\(\?<[A-Za-z_$]/.test(src);
  }

  parse(): Node {
    const node = this.alternation();
    if (this.pos < this.src.length) throw new Untranslatable("an unbalanced ')'", this.pos);
    return node;
  }

  private alternation(): Node {
    const branches = [this.sequence()];
    while (this.src[this.pos] === "|") {
      this.pos++;
      branches.push(this.sequence());
    }
    return branches.length === 1 ? branches[0]! : { kind: "alt", branches };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== "|" && this.src[this.pos] !== ")")
      items.push(this.quantified(this.atom()));
    return items.length === 1 ? items[0]! : { kind: "seq", items };
  }

  private quantified(atom: Node): Node {
    const start = this.pos;
    const c = this.src[this.pos];
    let min: number;
    let max: number;
    if (c === "*" || c === "+" || c === "?") {
      this.pos++;
      [min, max] = c === "*" ? [0, Infinity] : c === "+" ? [1, Infinity] : [0, 1];
    } else {
      const m = c === "{" ? /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos)) : null;
      if (m === null) return atom;
      this.pos += m[0].length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
      if (min > RE2_MAX_REPEAT || (max !== Infinity && max > RE2_MAX_REPEAT))
        throw new Untranslatable("a repetition count above 1000", start);
    }
    // A lazy quantifier finds a match exactly when the greedy one does.
    if (this.src[this.pos] === "?") this.pos++;
    return { kind: "repeat", body: atom, min, max };
  }

  private atom(): Node {
    const start = this.pos;
    const cp = this.src.codePointAt(this.pos)!;
    const ch = this.unicode ? String.fromCodePoint(cp) : this.src[this.pos]!;
    this.pos += ch.length;
    switch (ch) {
      case "(":
        return this.group(start);
      case "[":
        return this.charClass();
      case ".":
        return this.set(this.dotAll ? [] : LINE_TERMINATORS, true);
      case "^":
        return { kind: "start" };
      case "$":
        return { kind: "end", offset: start };
      case "\\":
        return this.escape(start);
      default:
        return this.set([[ch.codePointAt(0)!, ch.codePointAt(0)!]], false);
    }
  }

  private set(ranges: readonly Range[], negated: boolean): Node {
    return { kind: "set", ranges, negated };
  }

  private group(start: number): Node {
    let look: "lookahead" | "lookbehind" | undefined;
    if (this.src[this.pos] === "?") {
      const head = /^\?(?::|<(?![=!])[^>]*>|(<?)([=!]))/.exec(this.src.slice(this.pos))!;
      if (head[2] === "!")
        throw new Untranslatable(head[1] ? "a negative lookbehind" : "a negative lookahead", start);
      if (head[2] === "=") look = head[1] ? "lookbehind" : "lookahead";
      this.pos += head[0].length;
    }
    const body = this.alternation();
    this.pos++; // the ')'
    return look === undefined ? body : { kind: look, body, offset: start };
  }

  private escape(start: number): Node {
    const e = this.src[this.pos]!;
    this.pos++;
    switch (e) {
      case "b":
        return { kind: "boundary" };
      case "B":
        return { kind: "nonBoundary" };
      case "d":
      case "D":
      case "w":
      case "W":
      case "s":
      case "S":
        return this.set(this.classEscape(e.toLowerCase()), e !== e.toLowerCase());
    }
    const code = this.characterEscape(e, start, false);
    return this.set([[code, code]], false);
  }

  private classEscape(letter: string): readonly Range[] {
    if (letter === "d") return DIGITS;
    if (letter === "s") return SPACE;
    return this.unicode && this.ignoreCase ? WORD_IU : WORD;
  }

  /** The code point (or code unit) of a character escape after its backslash. */
  private characterEscape(e: string, start: number, inClass: boolean): number {
    const simple: Record<string, number> = { t: 9, n: 10, v: 11, f: 12, r: 13 };
    if (simple[e] !== undefined) return simple[e];
    if (e === "0" && !/[0-9]/.test(this.src[this.pos] ?? "")) return 0;
    if (/[0-9]/.test(e)) throw new Untranslatable("a backreference or octal escape", start);
    if (e === "k" && (this.unicode || this.namedGroups))
      throw new Untranslatable("a backreference", start);
    if ((e === "p" || e === "P") && this.unicode)
      throw new Untranslatable("a Unicode property escape", start);
    if (e === "c") {
      const letter = this.src[this.pos] ?? "";
      if (/[A-Za-z]/.test(letter) || (inClass && !this.unicode && /[0-9_]/.test(letter))) {
        this.pos++;
        return letter.charCodeAt(0) % 32;
      }
      throw new Untranslatable("a '\\c' without a control letter", start);
    }
    if (e === "x") {
      const m = /^[0-9a-fA-F]{2}/.exec(this.src.slice(this.pos));
      if (m !== null) {
        this.pos += 2;
        return parseInt(m[0], 16);
      }
      return 0x78;
    }
    if (e === "u") return this.unicodeEscape(start);
    // An identity escape; in `u` mode the escaped character may be a whole code point.
    const cp = this.src.codePointAt(this.pos - 1)!;
    if (this.unicode && cp > 0xffff) this.pos++;
    return this.unicode ? cp : e.charCodeAt(0);
  }

  private unicodeEscape(start: number): number {
    const rest = this.src.slice(this.pos);
    if (this.unicode && rest.startsWith("{")) {
      const m = /^\{([0-9a-fA-F]+)\}/.exec(rest)!;
      this.pos += m[0].length;
      return parseInt(m[1]!, 16);
    }
    const m = /^[0-9a-fA-F]{4}/.exec(rest);
    if (m === null) {
      if (this.unicode) throw new Untranslatable("a malformed '\\u' escape", start);
      return 0x75;
    }
    this.pos += 4;
    const unit = parseInt(m[0], 16);
    // In `u` mode an escaped surrogate pair is one code point.
    const trail = this.unicode ? /^\\u(d[c-f][0-9a-f]{2})/i.exec(this.src.slice(this.pos)) : null;
    if (unit >= 0xd800 && unit <= 0xdbff && trail !== null) {
      this.pos += 6;
      return 0x10000 + ((unit - 0xd800) << 10) + (parseInt(trail[1]!, 16) - 0xdc00);
    }
    return unit;
  }

  private charClass(): Node {
    const negated = this.src[this.pos] === "^";
    if (negated) this.pos++;
    const ranges: Range[] = [];
    while (this.src[this.pos] !== "]") {
      const from = this.classAtom();
      if (this.src[this.pos] === "-" && this.src[this.pos + 1] !== "]") {
        this.pos++;
        const to = this.classAtom();
        // Annex B: a class escape at either end makes the '-' literal.
        if (typeof from === "number" && typeof to === "number") ranges.push([from, to]);
        else ranges.push(...asRanges(from), [45, 45], ...asRanges(to));
      } else ranges.push(...asRanges(from));
    }
    this.pos++;
    return this.set(ranges, negated);
  }

  private classAtom(): number | readonly Range[] {
    const start = this.pos;
    const cp = this.src.codePointAt(this.pos)!;
    const ch = this.unicode ? String.fromCodePoint(cp) : this.src[this.pos]!;
    this.pos += ch.length;
    if (ch !== "\\") return ch.codePointAt(0)!;
    const e = this.src[this.pos]!;
    this.pos++;
    if ("dDwWsS".includes(e)) {
      const base = this.classEscape(e.toLowerCase());
      return e === e.toLowerCase() ? base : complement(base, this.unicode ? MAX_CP : 0xffff);
    }
    if (e === "b") return 8;
    if (e === "-") return 45;
    return this.characterEscape(e, start, true);
  }
}

function asRanges(atom: number | readonly Range[]): readonly Range[] {
  return typeof atom === "number" ? [[atom, atom]] : atom;
}

// ---- emitter ----

const hex = (cp: number): string => `\\x{${cp.toString(16)}}`;

/** In a non-`u` pattern a surrogate code unit stands for itself, moved to the private plane. */
function moveSurrogates(ranges: readonly Range[]): Range[] {
  const out: Range[] = [];
  for (const [lo, hi] of ranges) {
    const a = Math.max(lo, 0xd800);
    const b = Math.min(hi, 0xdfff);
    if (a > b) {
      out.push([lo, hi]);
      continue;
    }
    if (lo < a) out.push([lo, a - 1]);
    out.push([a + 0x100000, b + 0x100000]);
    if (hi > b) out.push([b + 1, hi]);
  }
  return out;
}

class Emitter {
  usesLookbehind = false;
  usesBoundary = false;

  constructor(
    private readonly unicode: boolean,
    private readonly flags: RegexFlags,
  ) {}

  emit(node: Node, trailing: boolean): string {
    switch (node.kind) {
      case "set":
        return this.set(node);
      case "seq":
        return node.items
          .map((item, i) => this.emit(item, trailing && i === node.items.length - 1))
          .join("");
      case "alt":
        return `(?:${node.branches.map((b) => this.emit(b, trailing)).join("|")})`;
      case "repeat": {
        const body = `(?:${this.emit(node.body, trailing && node.max === 1)})`;
        const count =
          node.max === Infinity
            ? node.min === 0
              ? "*"
              : node.min === 1
                ? "+"
                : `{${node.min},}`
            : node.min === node.max
              ? `{${node.min}}`
              : `{${node.min},${node.max}}`;
        return body + count;
      }
      case "start":
        if (!this.flags.m) return "\\A";
        this.usesLookbehind = true;
        return `(?:\\A|(?<=${this.ranges(LINE_TERMINATORS, false)}))`;
      case "end":
        if (!this.flags.m) return "\\z";
        // A search only asks whether a match exists: with nothing after it, `$` may consume the
        // line break it would have looked at.
        if (!trailing)
          throw new Untranslatable("'$' with the m flag before more pattern", node.offset);
        return `(?:\\z|${this.ranges(LINE_TERMINATORS, false)})`;
      case "lookahead":
        // Nothing follows it, so a search may consume what it looks at (as for `$` above).
        if (!trailing) throw new Untranslatable("a lookahead before more pattern", node.offset);
        return `(?:${this.emit(node.body, true)})`;
      case "lookbehind":
        this.usesLookbehind = true;
        return `(?<=${this.emit(node.body, false)})`;
      case "boundary":
        this.usesBoundary = true;
        return "\\b";
      case "nonBoundary":
        this.usesBoundary = true;
        return "\\B";
    }
  }

  private set(node: Extract<Node, { kind: "set" }>): string {
    return this.ranges(node.ranges, node.negated);
  }

  private ranges(members: readonly Range[], negated: boolean): string {
    let set = normalize(members);
    if (!this.unicode) {
      if (this.flags.i) set = caseClosure(set);
      set = normalize(moveSurrogates(set));
    }
    if (set.length === 0)
      return negated ? `[${hex(0)}-${hex(MAX_CP)}]` : `[^${hex(0)}-${hex(MAX_CP)}]`;
    const body = set.map(([lo, hi]) => (lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`)).join("");
    return `[${negated ? "^" : ""}${body}]`;
  }
}

/** Whether the source compiles as a `u` pattern (then JavaScript runs it on code points). */
export function compilesAsUnicode(source: string): boolean {
  try {
    new RegExp(source, "u");
    return true;
  } catch {
    return false;
  }
}

/** Translate a JavaScript regex (valid in the mode `unicode` says) into RE2 with the same meaning. */
export function translateToRe2(
  source: string,
  flags: RegexFlags,
  unicode: boolean,
): Re2Translation {
  try {
    const tree = new Parser(source, unicode, flags.i, flags.s).parse();
    const emitter = new Emitter(unicode, flags);
    const re2 = emitter.emit(tree, true);
    const re2Flags =
      (unicode && flags.i ? loadRe2js().CASE_INSENSITIVE : 0) |
      (emitter.usesLookbehind ? loadRe2js().LOOKBEHINDS : 0);
    try {
      loadRe2js().compile(re2, re2Flags);
    } catch {
      return { ok: false, construct: "a pattern too large for RE2", offset: 0 };
    }
    return {
      ok: true,
      source: re2,
      flags: re2Flags,
      unicode,
      foldWordChars: unicode && flags.i && emitter.usesBoundary,
    };
  } catch (e) {
    if (!(e instanceof Untranslatable)) throw e;
    return { ok: false, construct: e.construct, offset: e.offset };
  }
}

const SURROGATE = /[\ud800-\udfff]/;
const SURROGATE_UNITS = /[\ud800-\udfff]/g;
const FOLDING_WORD_CHARS = /[\u017f\u212a]/g;

/** A linear-time search with RE2JS for a translated pattern. */
export function re2Search(t: Extract<Re2Translation, { ok: true }>): RegexSearch {
  const re = loadRe2js().compile(t.source, t.flags);
  const prepare = (text: string): string => {
    let out = text;
    if (!t.unicode && SURROGATE.test(out))
      out = out.replace(SURROGATE_UNITS, (u) => String.fromCodePoint(0x100000 + u.charCodeAt(0)));
    if (t.foldWordChars) out = out.replace(FOLDING_WORD_CHARS, (c) => (c === "\u017f" ? "s" : "k"));
    return out;
  };
  return { engine: "re2", test: (text) => re.test(prepare(text)) };
}

/** V8 for a pattern regex-safety proved bounded (no RE2 translation exists for it). */
export function v8Search(source: string, flags: string): RegexSearch {
  const re = new RegExp(source, flags);
  return { engine: "v8", test: (text) => re.test(text) };
}
