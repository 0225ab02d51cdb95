/**
 * Lucene's RegExp as Elasticsearch runs it for EQL `regex` and ES|QL `RLIKE` (read from Lucene's
 * RegExp grammar): the pattern matches the whole value, one Unicode code point at a time;
 * `|`, concatenation, `? * + {n} {n,} {n,m}`, `( )`, `.`, `[…]` / `[^…]` with ranges, `"…"` (a
 * literal string) and `\c` (the character c) are modelled. The other operators of Elasticsearch's
 * default flags (`& ~ # @ <n-m>`) and the `\d \s \w` classes of newer Lucene versions are outside
 * the modelled subset: a ParseError at their offset, never a guess. Matching simulates a Thompson
 * automaton, so it is linear in the value for a given pattern.
 */

export type Range = readonly [number, number];

type RNode =
  | { readonly kind: "set"; readonly ranges: readonly Range[] }
  | { readonly kind: "seq"; readonly items: readonly RNode[] }
  | { readonly kind: "alt"; readonly branches: readonly RNode[] }
  | { readonly kind: "rep"; readonly body: RNode; readonly min: number; readonly max: number };

export class RegexpSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const MAX_CP = 0x10ffff;
const MAX_REPEAT = 1000;
const ANY: Range = [0, MAX_CP];

/** ASCII_CASE_INSENSITIVE: an ASCII letter also matches its other case. */
function caseRanges(cp: number, asciiFold: boolean): Range[] {
  const c = String.fromCodePoint(cp);
  if (asciiFold && /[A-Za-z]/.test(c)) {
    const other = (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()).codePointAt(0)!;
    return [
      [cp, cp],
      [other, other],
    ];
  }
  return [[cp, cp]];
}

class Parser {
  private i = 0;
  constructor(
    private readonly src: string,
    private readonly asciiFold: boolean,
  ) {}

  private next(): number {
    const c = this.src.codePointAt(this.i);
    if (c === undefined)
      throw new RegexpSyntaxError("unexpected end of the regular expression", this.i);
    this.i += c > 0xffff ? 2 : 1;
    return c;
  }

  private peekChar(): string | undefined {
    return this.src[this.i];
  }

  parse(): RNode {
    // Lucene reads an empty pattern as the empty string; elsewhere an alternative needs a term.
    if (this.src === "") return { kind: "seq", items: [] };
    const node = this.union();
    if (this.i < this.src.length)
      throw new RegexpSyntaxError(
        `unexpected '${this.src[this.i]}' in the regular expression`,
        this.i,
      );
    return node;
  }

  private union(): RNode {
    const branches = [this.concat()];
    while (this.peekChar() === "|") {
      this.i++;
      branches.push(this.concat());
    }
    return branches.length === 1 ? branches[0]! : { kind: "alt", branches };
  }

  private concat(): RNode {
    const items: RNode[] = [];
    for (;;) {
      const c = this.peekChar();
      if (c === undefined || c === "|" || c === ")") break;
      if (c === "&")
        throw new RegexpSyntaxError("'&' (intersection) is outside the modelled subset", this.i);
      items.push(this.repeat());
    }
    if (items.length === 0) throw new RegexpSyntaxError("an empty alternative", this.i);
    return { kind: "seq", items };
  }

  private repeat(): RNode {
    let node = this.simple();
    for (;;) {
      const c = this.peekChar();
      if (c === "*") node = { kind: "rep", body: node, min: 0, max: -1 };
      else if (c === "+") node = { kind: "rep", body: node, min: 1, max: -1 };
      else if (c === "?") node = { kind: "rep", body: node, min: 0, max: 1 };
      else if (c === "{") {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
        if (m === null) throw new RegexpSyntaxError("a malformed {n,m} repeat", this.i);
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] === "" ? -1 : Number(m[3]);
        if (min > MAX_REPEAT || max > MAX_REPEAT || (max !== -1 && max < min))
          throw new RegexpSyntaxError("a repeat count outside the modelled subset", this.i);
        this.i += m[0].length;
        node = { kind: "rep", body: node, min, max };
        continue;
      } else return node;
      this.i++;
    }
  }

  private simple(): RNode {
    const start = this.i;
    const c = this.peekChar();
    switch (c) {
      case "(": {
        this.i++;
        if (this.peekChar() === ")") {
          this.i++;
          return { kind: "seq", items: [] };
        }
        const body = this.union();
        if (this.peekChar() !== ")") throw new RegexpSyntaxError("an unclosed group", start);
        this.i++;
        return body;
      }
      case "[":
        return this.klass();
      case ".":
        this.i++;
        return { kind: "set", ranges: [ANY] };
      case '"': {
        this.i++;
        const end = this.src.indexOf('"', this.i);
        if (end < 0) throw new RegexpSyntaxError("an unclosed quoted string", start);
        const items: RNode[] = [...this.src.slice(this.i, end)].map((ch) => ({
          kind: "set",
          ranges: caseRanges(ch.codePointAt(0)!, this.asciiFold),
        }));
        this.i = end + 1;
        return { kind: "seq", items };
      }
      case "~":
      case "#":
      case "@":
      case "<":
        throw new RegexpSyntaxError(`'${c}' is an operator outside the modelled subset`, start);
      case "*":
      case "+":
      case "?":
      case "{":
      case "}":
      case "]":
        throw new RegexpSyntaxError(`unexpected '${c}' in the regular expression`, start);
      default:
        return { kind: "set", ranges: caseRanges(this.charExp(), this.asciiFold) };
    }
  }

  /** A character, or `\` and the character it stands for. */
  private charExp(): number {
    const start = this.i;
    const c = this.next();
    if (c !== 0x5c) return c;
    const e = this.next();
    if (/[A-Za-z]/.test(String.fromCodePoint(e)))
      throw new RegexpSyntaxError(
        `'\\${String.fromCodePoint(e)}' is outside the modelled subset (newer Lucene reads some letters as classes)`,
        start,
      );
    return e;
  }

  private klass(): RNode {
    const start = this.i;
    this.i++;
    let negated = false;
    if (this.peekChar() === "^") {
      negated = true;
      this.i++;
    }
    if (this.asciiFold)
      throw new RegexpSyntaxError(
        "a class under case-insensitive matching is outside the modelled subset",
        start,
      );
    const ranges: Range[] = [];
    while (this.peekChar() !== "]") {
      if (this.peekChar() === undefined) throw new RegexpSyntaxError("an unclosed class", start);
      const lo = this.charExp();
      if (this.peekChar() === "-" && this.src[this.i + 1] !== "]") {
        this.i++;
        const hi = this.charExp();
        if (hi < lo) throw new RegexpSyntaxError("an inverted class range", start);
        ranges.push([lo, hi]);
      } else ranges.push([lo, lo]);
    }
    this.i++;
    if (ranges.length === 0) throw new RegexpSyntaxError("an empty class", start);
    return { kind: "set", ranges: negated ? complement(ranges) : ranges };
  }
}

function complement(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

// ---- Thompson automaton ----

interface Edge {
  /** null: an epsilon edge. */
  readonly ranges: readonly Range[] | null;
  readonly to: number;
}

class Nfa {
  readonly edges: Edge[][] = [];

  state(): number {
    this.edges.push([]);
    return this.edges.length - 1;
  }

  edge(from: number, to: number, ranges: readonly Range[] | null): void {
    this.edges[from]!.push({ ranges, to });
  }

  /** Adds node between `from` and a new state, which it returns. */
  build(node: RNode, from: number): number {
    switch (node.kind) {
      case "set": {
        const to = this.state();
        this.edge(from, to, node.ranges);
        return to;
      }
      case "seq": {
        let at = from;
        for (const item of node.items) at = this.build(item, at);
        return at;
      }
      case "alt": {
        const end = this.state();
        for (const b of node.branches) this.edge(this.build(b, from), end, null);
        return end;
      }
      case "rep": {
        let at = from;
        for (let k = 0; k < node.min; k++) at = this.build(node.body, at);
        if (node.max === -1) {
          const loop = this.state();
          this.edge(at, loop, null);
          this.edge(this.build(node.body, loop), loop, null);
          return loop;
        }
        const end = this.state();
        this.edge(at, end, null);
        for (let k = node.min; k < node.max; k++) {
          at = this.build(node.body, at);
          this.edge(at, end, null);
        }
        return end;
      }
    }
  }
}

const inRanges = (c: number, ranges: readonly Range[]): boolean =>
  ranges.some(([lo, hi]) => c >= lo && c <= hi);

/**
 * Parse a Lucene regex (throws RegexpSyntaxError with an offset) into a whole-value matcher;
 * `asciiFold` is `regex~` (ASCII letters in either case).
 */
export function compileLuceneRegexp(source: string, asciiFold = false): (value: string) => boolean {
  const node = new Parser(source, asciiFold).parse();
  const nfa = new Nfa();
  const start = nfa.state();
  const accept = nfa.build(node, start);
  const closure = (states: Iterable<number>): Set<number> => {
    const out = new Set<number>();
    const stack = [...states];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (out.has(s)) continue;
      out.add(s);
      for (const e of nfa.edges[s]!) if (e.ranges === null) stack.push(e.to);
    }
    return out;
  };
  const initial = closure([start]);
  return (value: string) => {
    let current = initial;
    for (const ch of value) {
      const c = ch.codePointAt(0)!;
      const next: number[] = [];
      for (const s of current)
        for (const e of nfa.edges[s]!)
          if (e.ranges !== null && inRanges(c, e.ranges)) next.push(e.to);
      if (next.length === 0) return false;
      current = closure(next);
    }
    return current.has(accept);
  };
}
