import { compilesAsUnicode, translateToRe2 } from "./regex-engine.js";

/**
 * Static ReDoS screening for `|re` values. A backtracking engine (V8's irregexp, which the JS
 * predicate, the reference evaluator and `sigprism scan` all use) can take exponential time on a
 * pattern that can match one string in many ways. This module rejects the three shapes that cause
 * it, before any pattern runs:
 *
 * 1. a repeated group holding a repeated part whose characters can also be consumed by what follows
 *    it in the group or by the group's next iteration: `(a+)+`, `(.*a){20}`, `(\w+\s?)+`;
 * 2. a repeated alternation whose branches can match the same text: `(a|a)*`, `(a|aa)+`;
 * 3. a backreference inside a repeated part (its cost depends on earlier captures).
 *
 * The analysis over-approximates character sets (everything beyond ASCII counts as one shared
 * "other" character), so it can reject a safe pattern but not accept one of these shapes.
 *
 * Polynomial blow-ups of star height 1 (`a+b` is quadratic, `.*a.*b` cubic in V8's unanchored
 * search) are not rejected here: the reference evaluator and the scanner run every pattern with
 * an exact RE2 translation on RE2JS (regex-engine.ts), in linear time. A pattern without one
 * (lookaround, backreference, `\p{…}`…) must run on V8, so it is accepted only when V8's work per
 * start position is bounded (boundedInV8): no unbounded repetition, few bounded splits. The
 * generated JS module always runs V8; its residual polynomial cost is documented there.
 */

export type RegexSafety =
  | { readonly safe: true }
  | { readonly safe: false; readonly reason: string; readonly offset: number };

export interface RegexSafetyOptions {
  /** Case-insensitive matching makes `[a-z]` and `[A-Z]` overlap. */
  readonly ignoreCase?: boolean;
}

/** Sigma regexes are a few hundred characters; the analysis is quadratic, so it has a budget. */
export const MAX_ANALYZED_LENGTH = 20_000;
/** Groups and stacked quantifiers nested deeper than this are refused, not recursed into. */
export const MAX_NESTING = 200;

export function checkRegexSafety(source: string, options: RegexSafetyOptions = {}): RegexSafety {
  const exponential = checkExponential(source, options);
  if (!exponential.safe) return exponential;
  // A later |m is not known yet: translate as if it came (the m flag only removes translations).
  const unicode = compilesAsUnicode(source);
  const translation = translateToRe2(source, { i: true, m: true, s: false }, unicode);
  if (translation.ok) return { safe: true };
  const unbounded = boundedInV8(source, options.ignoreCase ?? false);
  if (unbounded === undefined) return { safe: true };
  return {
    safe: false,
    reason: `${translation.construct} has no linear-time (RE2) form, and ${unbounded.reason}: V8 would backtrack polynomially`,
    offset: translation.offset,
  };
}

/** Maximum product of the choices of bounded variable repetitions V8 may try per start position. */
export const MAX_V8_SPLITS = 1000;

/**
 * Whether V8's work per start position is bounded by a constant of the pattern: no unbounded
 * repetition (`*`, `+`, `{n,}`, also inside lookarounds), and the bounded variable repetitions
 * multiply to at most MAX_V8_SPLITS choices. Undefined when bounded, else what is not.
 */
export function boundedInV8(source: string, ignoreCase: boolean): Problem | undefined {
  const exponential = checkExponential(source, { ignoreCase });
  if (!exponential.safe) return exponential;
  const parser = new Parser(source, ignoreCase);
  const ast = parser.parse();
  let splits = 1;
  for (const node of [ast, ...descendants(ast)]) {
    if (node.kind !== "repeat") continue;
    if (node.max === Infinity)
      return {
        reason: `the repetition at character ${node.offset + 1} is unbounded`,
        offset: node.offset,
      };
    splits *= node.max - node.min + 1;
    if (splits > MAX_V8_SPLITS)
      return {
        reason: `its bounded repetitions allow more than ${MAX_V8_SPLITS} splits per position`,
        offset: node.offset,
      };
  }
  return undefined;
}

function checkExponential(source: string, options: RegexSafetyOptions): RegexSafety {
  if (source.length > MAX_ANALYZED_LENGTH) {
    return {
      safe: false,
      reason: `the pattern is longer than ${MAX_ANALYZED_LENGTH} characters, too long to check for catastrophic backtracking`,
      offset: MAX_ANALYZED_LENGTH,
    };
  }
  const parser = new Parser(source, options.ignoreCase ?? false);
  const ast = parser.parse();
  if (parser.tooDeepAt !== undefined) {
    return {
      safe: false,
      reason: `groups or quantifiers are nested more than ${MAX_NESTING} deep`,
      offset: parser.tooDeepAt,
    };
  }
  const found = findProblem(ast);
  return found === undefined ? { safe: true } : { safe: false, ...found };
}

// ---- character sets: 128 ASCII bits plus one bit for "some character above U+007F" ----

export interface CharSet {
  readonly bits: Uint32Array;
  other: boolean;
}

function emptySet(): CharSet {
  return { bits: new Uint32Array(4), other: false };
}

function anySet(): CharSet {
  return { bits: new Uint32Array([~0, ~0, ~0, ~0]), other: true };
}

function addCode(set: CharSet, code: number): void {
  if (code < 128) set.bits[code >> 5]! |= 1 << (code & 31);
  else set.other = true;
}

function addRange(set: CharSet, from: number, to: number): void {
  for (let c = from; c <= Math.min(to, 127); c++) addCode(set, c);
  if (to >= 128) set.other = true;
}

function union(into: CharSet, from: CharSet): void {
  for (let i = 0; i < 4; i++) into.bits[i]! |= from.bits[i]!;
  into.other ||= from.other;
}

function complement(set: CharSet): CharSet {
  // Non-ASCII characters share one bit, so a negated set always keeps some of them.
  return { bits: set.bits.map((w) => ~w >>> 0), other: true };
}

function overlaps(a: CharSet, b: CharSet): boolean {
  if (a.other && b.other) return true;
  for (let i = 0; i < 4; i++) if ((a.bits[i]! & b.bits[i]!) !== 0) return true;
  return false;
}

function foldCase(set: CharSet): void {
  for (let c = 65; c <= 90; c++) {
    const upper = (set.bits[c >> 5]! >>> (c & 31)) & 1;
    const lower = (set.bits[(c + 32) >> 5]! >>> ((c + 32) & 31)) & 1;
    if (upper || lower) {
      addCode(set, c);
      addCode(set, c + 32);
    }
  }
}

function classEscape(letter: string): CharSet | undefined {
  const set = emptySet();
  switch (letter.toLowerCase()) {
    case "d":
      addRange(set, 48, 57);
      break;
    case "w":
      addRange(set, 48, 57);
      addRange(set, 65, 90);
      addRange(set, 97, 122);
      addCode(set, 95);
      break;
    case "s":
      addRange(set, 9, 13);
      addCode(set, 32);
      set.other = true;
      break;
    default:
      return undefined;
  }
  // \D \W \S: everything else, including every non-ASCII character.
  return letter === letter.toUpperCase() ? complement(set) : set;
}

// ---- syntax tree ----

/** The shape of a pattern: what can be matched, over-approximated (assertions match anything). */
export type RegexShape = Node;

/**
 * The pattern's shape for cost models outside this module (the verify JS interpreter bounds V8's
 * backtracking with it); undefined when the pattern is too long or deep to read.
 */
export function regexShape(source: string, ignoreCase: boolean): RegexShape | undefined {
  if (source.length > MAX_ANALYZED_LENGTH) return undefined;
  const parser = new Parser(source, ignoreCase);
  const ast = parser.parse();
  return parser.tooDeepAt === undefined ? ast : undefined;
}

type Node =
  | { readonly kind: "char"; readonly set: CharSet }
  | { readonly kind: "seq"; readonly items: readonly Node[] }
  | { readonly kind: "alt"; readonly branches: readonly Node[]; readonly offset: number }
  | {
      readonly kind: "repeat";
      readonly body: Node;
      readonly min: number;
      readonly max: number;
      readonly offset: number;
    }
  | { readonly kind: "group"; readonly body: Node; readonly zeroWidth: boolean }
  /** `^ $ \b \B`: zero-width, match no character; `^` and `$` say which end they hold at. */
  | { readonly kind: "assert"; readonly anchor?: "start" | "end" }
  | { readonly kind: "backref"; readonly offset: number };

/**
 * A lenient reader of JavaScript/PCRE regex syntax: it never throws (the `re` modifier checks
 * validity separately); what it does not understand it reads as a literal character.
 */
class Parser {
  private pos = 0;
  private depth = 0;
  /** Where nesting first went past MAX_NESTING; the rest of the pattern is then skipped. */
  tooDeepAt: number | undefined;

  constructor(
    private readonly src: string,
    private readonly ignoreCase: boolean,
  ) {}

  parse(): Node {
    const node = this.alternation();
    // A stray `)` ends the top level early; read the rest as another top-level branch.
    while (this.pos < this.src.length) {
      this.pos++;
      this.alternation();
    }
    return node;
  }

  private alternation(): Node {
    const offset = this.pos;
    const branches = [this.sequence()];
    while (this.src[this.pos] === "|") {
      this.pos++;
      branches.push(this.sequence());
    }
    return branches.length === 1 ? branches[0]! : { kind: "alt", branches, offset };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== "|" && this.src[this.pos] !== ")") {
      const start = this.pos;
      const atom = this.atom();
      items.push(this.quantified(atom, start));
    }
    return items.length === 1 ? items[0]! : { kind: "seq", items };
  }

  private quantified(atom: Node, offset: number): Node {
    let node = atom;
    for (let stacked = 0; ; stacked++) {
      // JavaScript allows one quantifier per atom; a stack of them is refused before it can make
      // the tree deep (groups are limited separately).
      if (stacked >= 3) {
        this.tooDeepAt ??= this.pos;
        this.pos = this.src.length;
        return node;
      }
      const c = this.src[this.pos];
      let min: number;
      let max: number;
      if (c === "*" || c === "+" || c === "?") {
        this.pos++;
        [min, max] = c === "*" ? [0, Infinity] : c === "+" ? [1, Infinity] : [0, 1];
      } else if (c === "{") {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos, this.pos + 24));
        if (m === null) return node;
        this.pos += m[0].length;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
      } else return node;
      // Lazy `?` and possessive `+` suffixes do not change what can match.
      if (this.src[this.pos] === "?" || this.src[this.pos] === "+") this.pos++;
      node = { kind: "repeat", body: node, min, max, offset };
    }
  }

  private atom(): Node {
    const c = this.src[this.pos]!;
    this.pos++;
    switch (c) {
      case "(":
        return this.group();
      case "[":
        return this.charClass();
      case ".":
        return { kind: "char", set: anySet() };
      case "^":
        return { kind: "assert", anchor: "start" };
      case "$":
        return { kind: "assert", anchor: "end" };
      case "\\":
        return this.escape();
      default:
        return this.literal(c.codePointAt(0)!);
    }
  }

  private literal(code: number): Node {
    const set = emptySet();
    addCode(set, code);
    if (this.ignoreCase) foldCase(set);
    return { kind: "char", set };
  }

  private group(): Node {
    if (this.depth >= MAX_NESTING) {
      this.tooDeepAt ??= this.pos - 1;
      this.pos = this.src.length;
      return { kind: "assert" };
    }
    let zeroWidth = false;
    if (this.src[this.pos] === "?") {
      const rest = this.src.slice(this.pos, this.pos + 4);
      if (/^\?<?[=!]/.test(rest)) zeroWidth = true;
      // Skip the group's header: `?:`, `?=`, `?<!`, `?<name>`, `?P<name>`, `?i:`, `?i)`.
      const header = /^\?(?:P?<[^>]*>|<?[=!]|[a-zA-Z-]*[:)]|)/.exec(
        this.src.slice(this.pos, this.pos + 64),
      );
      this.pos += header?.[0].length ?? 1;
      // An inline flag group `(?i)` has no body.
      if (this.src[this.pos - 1] === ")") return { kind: "assert" };
    }
    this.depth++;
    const body = this.alternation();
    this.depth--;
    if (this.src[this.pos] === ")") this.pos++;
    return { kind: "group", body, zeroWidth };
  }

  private escape(): Node {
    const c = this.src[this.pos];
    if (c === undefined) return this.literal(92);
    this.pos++;
    if (c === "b" || c === "B" || c === "A" || c === "z" || c === "Z" || c === "G") {
      return { kind: "assert" };
    }
    if (/[1-9]/.test(c) || (c === "k" && this.src[this.pos] === "<")) {
      const offset = this.pos - 2;
      if (c === "k") this.pos = Math.max(this.pos, this.src.indexOf(">", this.pos) + 1);
      else while (/[0-9]/.test(this.src[this.pos] ?? "")) this.pos++;
      return { kind: "backref", offset };
    }
    const set = this.escapeSet(c);
    if (this.ignoreCase) foldCase(set);
    return { kind: "char", set };
  }

  /** The set an escape stands for (also inside a class, where `\b` is a backspace). */
  private escapeSet(c: string): CharSet {
    const cls = classEscape(c);
    if (cls !== undefined) return cls;
    const set = emptySet();
    const simple: Record<string, number> = { n: 10, r: 13, t: 9, v: 11, f: 12, "0": 0, b: 8 };
    const code = simple[c];
    if (code !== undefined) {
      addCode(set, code);
      return set;
    }
    if (c === "p" || c === "P") {
      // Unicode properties: any letter, digit or non-ASCII character, conservatively.
      if (this.src[this.pos] === "{") this.pos = this.src.indexOf("}", this.pos) + 1 || this.pos;
      return anySet();
    }
    const hex = c === "x" ? 2 : c === "u" ? 4 : 0;
    if (hex > 0) {
      const braced = c === "u" && this.src[this.pos] === "{";
      const m = braced
        ? /^\{([0-9a-fA-F]+)\}/.exec(this.src.slice(this.pos))
        : new RegExp(`^[0-9a-fA-F]{${hex}}`).exec(this.src.slice(this.pos));
      if (m !== null) {
        this.pos += m[0].length;
        addCode(set, parseInt(braced ? m[1]! : m[0], 16));
        return set;
      }
    }
    if (c === "c" && /[a-zA-Z]/.test(this.src[this.pos] ?? "")) {
      addCode(set, this.src.charCodeAt(this.pos++) % 32);
      return set;
    }
    addCode(set, c.codePointAt(0)!);
    return set;
  }

  private charClass(): Node {
    const negated = this.src[this.pos] === "^";
    if (negated) this.pos++;
    const set = emptySet();
    let first = true;
    while (this.pos < this.src.length && (this.src[this.pos] !== "]" || first)) {
      first = false;
      const from = this.classAtom();
      if (
        this.src[this.pos] === "-" &&
        this.src[this.pos + 1] !== "]" &&
        this.pos + 1 < this.src.length &&
        from.code !== undefined
      ) {
        this.pos++;
        const to = this.classAtom();
        if (to.code !== undefined) addRange(set, from.code, to.code);
        else {
          union(set, from.set);
          union(set, to.set);
          addCode(set, 45);
        }
      } else union(set, from.set);
    }
    this.pos++;
    if (this.ignoreCase) foldCase(set);
    return { kind: "char", set: negated ? complement(set) : set };
  }

  /** One class member: a single code point (usable in a range) or a set such as `\d`. */
  private classAtom(): { readonly set: CharSet; readonly code?: number } {
    const c = this.src[this.pos]!;
    this.pos++;
    if (c !== "\\") {
      const code = this.src.codePointAt(this.pos - 1)!;
      if (code > 0xffff) this.pos++;
      const set = emptySet();
      addCode(set, code);
      return { set, code };
    }
    const e = this.src[this.pos] ?? "\\";
    this.pos++;
    const set = this.escapeSet(e);
    const single = singleCode(set);
    return single === undefined ? { set } : { set, code: single };
  }
}

function singleCode(set: CharSet): number | undefined {
  if (set.other) return undefined;
  let found: number | undefined;
  for (let c = 0; c < 128; c++) {
    if ((set.bits[c >> 5]! >>> (c & 31)) & 1) {
      if (found !== undefined) return undefined;
      found = c;
    }
  }
  return found;
}

// ---- analysis ----

function nullable(node: Node): boolean {
  switch (node.kind) {
    case "char":
      return false;
    case "seq":
      return node.items.every(nullable);
    case "alt":
      return node.branches.some(nullable);
    case "repeat":
      return node.min === 0 || nullable(node.body);
    case "group":
      return node.zeroWidth || nullable(node.body);
    case "assert":
    case "backref":
      return true;
  }
}

/** Characters that can begin a match of the node. */
function first(node: Node, into: CharSet = emptySet()): CharSet {
  switch (node.kind) {
    case "char":
      union(into, node.set);
      return into;
    case "seq":
      for (const item of node.items) {
        first(item, into);
        if (!nullable(item)) break;
      }
      return into;
    case "alt":
      for (const b of node.branches) first(b, into);
      return into;
    case "repeat":
      return first(node.body, into);
    case "group":
      return node.zeroWidth ? into : first(node.body, into);
    case "assert":
      return into;
    case "backref":
      union(into, anySet());
      return into;
  }
}

/** Every character the node can consume anywhere. */
function consumed(node: Node, into: CharSet = emptySet()): CharSet {
  switch (node.kind) {
    case "char":
      union(into, node.set);
      return into;
    case "seq":
      for (const item of node.items) consumed(item, into);
      return into;
    case "alt":
      for (const b of node.branches) consumed(b, into);
      return into;
    case "repeat":
      return consumed(node.body, into);
    case "group":
      return node.zeroWidth ? into : consumed(node.body, into);
    case "assert":
      return into;
    case "backref":
      union(into, anySet());
      return into;
  }
}

interface Follow {
  readonly set: CharSet;
  /** True when the end of the enclosing node can be reached right after the target. */
  readonly reachesEnd: boolean;
}

/** What can come right after `target` inside `node`; undefined when target is not inside. */
function followInside(node: Node, target: Node): Follow | undefined {
  if (node === target) return { set: emptySet(), reachesEnd: true };
  switch (node.kind) {
    case "seq":
      for (let i = 0; i < node.items.length; i++) {
        const inner = followInside(node.items[i]!, target);
        if (inner === undefined) continue;
        const set = inner.set;
        if (!inner.reachesEnd) return inner;
        for (const next of node.items.slice(i + 1)) {
          first(next, set);
          if (!nullable(next)) return { set, reachesEnd: false };
        }
        return { set, reachesEnd: true };
      }
      return undefined;
    case "alt":
      for (const b of node.branches) {
        const inner = followInside(b, target);
        if (inner !== undefined) return inner;
      }
      return undefined;
    case "repeat": {
      const inner = followInside(node.body, target);
      if (inner === undefined) return undefined;
      // After the last character of one iteration, another iteration can start.
      if (inner.reachesEnd && node.max >= 2) first(node.body, inner.set);
      return inner;
    }
    case "group":
      return followInside(node.body, target);
    case "char":
    case "assert":
    case "backref":
      return undefined;
  }
}

function children(node: Node): readonly Node[] {
  switch (node.kind) {
    case "seq":
      return node.items;
    case "alt":
      return node.branches;
    case "repeat":
    case "group":
      return [node.body];
    case "char":
    case "assert":
    case "backref":
      return [];
  }
}

function* descendants(node: Node): Generator<Node> {
  for (const child of children(node)) {
    yield child;
    yield* descendants(child);
  }
}

export interface Problem {
  readonly reason: string;
  readonly offset: number;
}

function findProblem(root: Node): Problem | undefined {
  for (const node of [root, ...descendants(root)]) {
    if (node.kind !== "repeat" || node.max < 2) continue;
    const problem = repeatedProblem(node);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

const MAX_ALTERNATION_SPLITS = 1000;

function repeatedProblem(outer: Node & { kind: "repeat" }): Problem | undefined {
  for (const inner of [outer.body, ...descendants(outer.body)]) {
    if (inner.kind === "backref") {
      return {
        reason: "a backreference inside a repeated group can make matching exponentially slow",
        offset: inner.offset,
      };
    }
    // A fixed count `x{2}` is just a sequence; a bounded part in a bounded group, `(\d{1,3}\.?){4}`,
    // has a bounded number of splits. Only an unbounded side makes the splits grow with the input.
    const variable = inner.kind === "repeat" && inner.max > inner.min;
    if (variable && (inner.max === Infinity || outer.max === Infinity)) {
      const follow = followInside(outer, inner);
      if (follow !== undefined && overlaps(consumed(inner.body), follow.set)) {
        return {
          reason:
            "nested quantifier: a repeated part inside a repeated group can share characters with " +
            "what follows it, so one text can be split in exponentially many ways",
          offset: outer.offset,
        };
      }
    }
    // k overlapping branches repeated n times give up to k^n splits: fine for an IPv4 octet {4}.
    if (inner.kind === "alt" && inner.branches.length ** outer.max > MAX_ALTERNATION_SPLITS) {
      if (ambiguousBranches(inner.branches)) {
        return {
          reason:
            "repeated alternation whose branches can match the same text: the number of ways " +
            "to match grows exponentially with the input",
          offset: outer.offset,
        };
      }
    }
  }
  return undefined;
}

/** A branch as a fixed sequence of character sets, or undefined when it has repeats or choices. */
function fixedSequence(node: Node): CharSet[] | undefined {
  switch (node.kind) {
    case "char":
      return [node.set];
    case "seq": {
      const out: CharSet[] = [];
      for (const item of node.items) {
        const part = fixedSequence(item);
        if (part === undefined) return undefined;
        out.push(...part);
      }
      return out;
    }
    case "group":
      return node.zeroWidth ? [] : fixedSequence(node.body);
    case "assert":
      return [];
    case "alt":
    case "repeat":
    case "backref":
      return undefined;
  }
}

/**
 * Whether two branches may match the same text or one a prefix of the other's (then a repeated
 * alternation can cut one text in several ways). Exact for fixed sequences, conservative otherwise.
 */
function ambiguousBranches(branches: readonly Node[]): boolean {
  for (let i = 0; i < branches.length; i++) {
    for (let j = i + 1; j < branches.length; j++) {
      const a = branches[i]!;
      const b = branches[j]!;
      if (nullable(a) || nullable(b)) return true;
      if (!overlaps(first(a), first(b))) continue;
      const sa = fixedSequence(a);
      const sb = fixedSequence(b);
      if (sa === undefined || sb === undefined) return true;
      const n = Math.min(sa.length, sb.length);
      let compatible = true;
      for (let k = 0; k < n && compatible; k++) compatible = overlaps(sa[k]!, sb[k]!);
      if (compatible) return true;
    }
  }
  return false;
}
