/**
 * A rule's JavaScript regular expression (Unicode mode, as the reference evaluator runs it when the
 * source compiles with `u`) read into a small tree of code-point sets, so that it can be written in
 * another regex dialect (Lucene's RegExp for EQL `regex` and ES|QL `RLIKE`). Only what has a
 * dialect-free meaning is read; lookaround, backreferences, word boundaries, `\p{…}` and anchors
 * inside the pattern are reported as the construct, and the caller refuses the rule.
 */

export type Range = readonly [number, number];

export type RxNode =
  | { readonly kind: "set"; readonly ranges: readonly Range[] }
  | { readonly kind: "seq"; readonly items: readonly RxNode[] }
  | { readonly kind: "alt"; readonly branches: readonly RxNode[] }
  | { readonly kind: "repeat"; readonly body: RxNode; readonly min: number; readonly max: number }
  | { readonly kind: "start" }
  | { readonly kind: "end" };

export type RxParse =
  { readonly ok: true; readonly node: RxNode } | { readonly ok: false; readonly construct: string };

export const MAX_CP = 0x10ffff;
const INFINITE = -1;

class Unreadable extends Error {}

export function normalizeRanges(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

export function complementRanges(ranges: readonly Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of normalizeRanges(ranges)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

const one = (c: number): Range => [c, c];
const DIGIT: readonly Range[] = [[48, 57]];
const WORD: readonly Range[] = [
  [48, 57],
  [65, 90],
  [95, 95],
  [97, 122],
];
/** Under `iu` JavaScript's word characters include the two that case-fold into ASCII letters. */
const WORD_IU: readonly Range[] = [...WORD, one(0x17f), one(0x212a)];
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
const LINE_TERMINATORS: readonly Range[] = [one(10), one(13), [0x2028, 0x2029]];
const CONTROL_ESCAPES: Readonly<Record<string, number>> = { f: 12, n: 10, r: 13, t: 9, v: 11 };
const SYNTAX = new Set("^$\\.*+?()[]{}|/");

class Reader {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly flags: { readonly i: boolean; readonly s: boolean },
  ) {}

  parse(): RxNode {
    const node = this.disjunction();
    if (this.i < this.src.length) throw new Unreadable(`'${this.src[this.i]}'`);
    return node;
  }

  private peek(k = 0): string | undefined {
    return this.src[this.i + k];
  }

  private disjunction(): RxNode {
    const branches = [this.alternative()];
    while (this.peek() === "|") {
      this.i++;
      branches.push(this.alternative());
    }
    return branches.length === 1 ? branches[0]! : { kind: "alt", branches };
  }

  private alternative(): RxNode {
    const items: RxNode[] = [];
    while (this.i < this.src.length && this.peek() !== "|" && this.peek() !== ")") {
      const c = this.peek()!;
      if (c === "^") {
        this.i++;
        items.push({ kind: "start" });
        continue;
      }
      if (c === "$") {
        this.i++;
        items.push({ kind: "end" });
        continue;
      }
      const atom = this.atom();
      items.push(this.quantified(atom));
    }
    return items.length === 1 ? items[0]! : { kind: "seq", items };
  }

  private quantified(atom: RxNode): RxNode {
    let min: number;
    let max: number;
    const c = this.peek();
    if (c === "*") [min, max] = [0, INFINITE];
    else if (c === "+") [min, max] = [1, INFINITE];
    else if (c === "?") [min, max] = [0, 1];
    else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (m === null) throw new Unreadable("'{'");
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? INFINITE : Number(m[3]);
      this.i += m[0].length - 1;
    } else return atom;
    this.i++;
    if (this.peek() === "?") this.i++; // lazy: the same language
    if (this.peek() !== undefined && "*+?{".includes(this.peek()!))
      throw new Unreadable("a repeated quantifier");
    return { kind: "repeat", body: atom, min, max };
  }

  private atom(): RxNode {
    const c = this.peek()!;
    if (c === ".") {
      this.i++;
      return {
        kind: "set",
        ranges: this.flags.s ? [[0, MAX_CP]] : complementRanges(LINE_TERMINATORS),
      };
    }
    if (c === "(") return this.group();
    if (c === "[") return this.klass();
    if (c === "\\") {
      this.i++;
      return this.escape(false);
    }
    if (c === ")" || c === "]" || c === "{" || c === "}" || c === "*" || c === "+" || c === "?")
      throw new Unreadable(`'${c}'`);
    const cp = this.src.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return this.charSet([one(cp)]);
  }

  private group(): RxNode {
    this.i++;
    if (this.peek() === "?") {
      const next = this.peek(1);
      if (next === ":") this.i += 2;
      else if (next === "<" && this.peek(2) !== "=" && this.peek(2) !== "!") {
        const end = this.src.indexOf(">", this.i);
        if (end < 0) throw new Unreadable("a group name");
        this.i = end + 1;
      } else throw new Unreadable("lookaround or an inline modifier");
    }
    const body = this.disjunction();
    if (this.peek() !== ")") throw new Unreadable("an unclosed group");
    this.i++;
    return body;
  }

  /** A set of code points, widened to its case-insensitive closure under `i`. */
  private charSet(ranges: readonly Range[]): RxNode {
    return { kind: "set", ranges: this.flags.i ? caseClosure(ranges) : normalizeRanges(ranges) };
  }

  private escape(inClass: boolean): RxNode {
    const e = this.peek();
    if (e === undefined) throw new Unreadable("a trailing backslash");
    this.i++;
    switch (e) {
      case "d":
        return { kind: "set", ranges: DIGIT };
      case "D":
        return { kind: "set", ranges: complementRanges(DIGIT) };
      case "s":
        return { kind: "set", ranges: SPACE };
      case "S":
        return { kind: "set", ranges: complementRanges(SPACE) };
      case "w":
        return { kind: "set", ranges: this.flags.i ? WORD_IU : WORD };
      case "W":
        return { kind: "set", ranges: complementRanges(this.flags.i ? WORD_IU : WORD) };
      case "b":
        if (inClass) return this.charSet([one(8)]);
        throw new Unreadable("\\b");
      case "B":
        throw new Unreadable("\\B");
      case "p":
      case "P":
        throw new Unreadable(`\\${e}{…}`);
      case "k":
        throw new Unreadable("a backreference");
      case "-":
        if (inClass) return this.charSet([one(45)]);
        throw new Unreadable("\\-");
      default:
        break;
    }
    if (/[1-9]/.test(e)) throw new Unreadable("a backreference");
    return this.charSet([one(this.characterEscape(e))]);
  }

  /** The code point of `\e…` (after the backslash and `e` were read). */
  private characterEscape(e: string): number {
    const control = CONTROL_ESCAPES[e];
    if (control !== undefined) return control;
    if (e === "0") {
      if (/[0-9]/.test(this.peek() ?? "")) throw new Unreadable("an octal escape");
      return 0;
    }
    if (e === "c") {
      const l = this.peek();
      if (l === undefined || !/[A-Za-z]/.test(l)) throw new Unreadable("\\c");
      this.i++;
      return l.charCodeAt(0) % 32;
    }
    if (e === "x") {
      const h = /^[0-9A-Fa-f]{2}/.exec(this.src.slice(this.i));
      if (h === null) throw new Unreadable("\\x");
      this.i += 2;
      return parseInt(h[0], 16);
    }
    if (e === "u") return this.unicodeEscape();
    if (SYNTAX.has(e)) return e.codePointAt(0)!;
    throw new Unreadable(`\\${e}`);
  }

  private unicodeEscape(): number {
    const rest = this.src.slice(this.i);
    const braced = /^\{([0-9A-Fa-f]{1,6})\}/.exec(rest);
    if (braced !== null) {
      const cp = parseInt(braced[1]!, 16);
      if (cp > MAX_CP) throw new Unreadable("\\u{…}");
      this.i += braced[0].length;
      return cp;
    }
    const four = /^[0-9A-Fa-f]{4}/.exec(rest);
    if (four === null) throw new Unreadable("\\u");
    this.i += 4;
    const hi = parseInt(four[0], 16);
    const low = /^\\u([Dd][C-Fc-f][0-9A-Fa-f]{2})/.exec(this.src.slice(this.i));
    if (hi >= 0xd800 && hi <= 0xdbff && low !== null) {
      this.i += 6;
      return 0x10000 + ((hi - 0xd800) << 10) + (parseInt(low[1]!, 16) - 0xdc00);
    }
    return hi;
  }

  private klass(): RxNode {
    this.i++;
    let negated = false;
    if (this.peek() === "^") {
      negated = true;
      this.i++;
    }
    const ranges: Range[] = [];
    while (this.peek() !== "]") {
      if (this.peek() === undefined) throw new Unreadable("an unclosed class");
      const lo = this.classAtom();
      if (this.peek() === "-" && this.peek(1) !== "]" && this.peek(1) !== undefined) {
        this.i++;
        const hi = this.classAtom();
        if (
          lo.length !== 1 ||
          hi.length !== 1 ||
          lo[0]![0] !== lo[0]![1] ||
          hi[0]![0] !== hi[0]![1]
        )
          throw new Unreadable("a class range of a class escape");
        if (hi[0]![0] < lo[0]![0]) throw new Unreadable("an inverted class range");
        ranges.push([lo[0]![0], hi[0]![0]]);
      } else ranges.push(...lo);
    }
    this.i++;
    // JavaScript folds the members under `i`, then complements: a negated class matches what no
    // member folds to.
    const closed = this.flags.i ? caseClosure(ranges) : normalizeRanges(ranges);
    return { kind: "set", ranges: negated ? complementRanges(closed) : closed };
  }

  /** One class atom as ranges (several for `\d`, `\s`, `\w` and their complements). */
  private classAtom(): Range[] {
    const c = this.peek()!;
    if (c === "\\") {
      this.i++;
      const e = this.peek();
      if (e !== undefined && "dDsSwW".includes(e)) {
        const node = this.escape(true);
        return node.kind === "set" ? [...node.ranges] : [];
      }
      const node = this.escape(true);
      return node.kind === "set" ? [...node.ranges] : [];
    }
    const cp = this.src.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return [one(cp)];
  }
}

// ---- case closure under `iu` ----

let casedCps: readonly number[] | undefined;

/** Every code point with a case mapping (the only ones a case fold can add). */
function casedCodePoints(): readonly number[] {
  if (casedCps) return casedCps;
  const out: number[] = [];
  for (let c = 0; c < 0x20000; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const s = String.fromCodePoint(c);
    if (s.toLowerCase() !== s || s.toUpperCase() !== s) out.push(c);
  }
  casedCps = out;
  return out;
}

const cpAtom = (c: number): string => `\\u{${c.toString(16)}}`;

/**
 * The set plus every code point that JavaScript's `iu` matches against it: the class itself, run
 * by JavaScript over every cased code point (the only ones a case fold can add).
 */
export function caseClosure(ranges: readonly Range[]): Range[] {
  const members = normalizeRanges(ranges);
  if (members.length === 0) return members;
  const body = members.map(([lo, hi]) => (lo === hi ? cpAtom(lo) : `${cpAtom(lo)}-${cpAtom(hi)}`));
  const re = new RegExp(`^[${body.join("")}]$`, "iu");
  const out: Range[] = [...members];
  for (const c of casedCodePoints()) if (re.test(String.fromCodePoint(c))) out.push([c, c]);
  return normalizeRanges(out);
}

/** Read a JavaScript regex (Unicode mode) with its i/s flags into the tree. */
export function parseJsRegex(source: string, flags: { i: boolean; s: boolean }): RxParse {
  try {
    return { ok: true, node: new Reader(source, flags).parse() };
  } catch (e) {
    if (e instanceof Unreadable) return { ok: false, construct: e.message };
    throw e;
  }
}
