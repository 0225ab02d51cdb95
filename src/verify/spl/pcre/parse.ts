import { fixedLength, type Assertion, type ClassItem, type Node } from "./ast.js";
import {
  parseBraceQuantifier,
  parseCharEscape,
  parseClass,
  PcreSyntaxError,
} from "./parse-atoms.js";

export { PcreSyntaxError };

/**
 * PCRE2 pattern syntax (pcre2pattern(3)) for the subset Splunk queries need: literals and
 * escapes, classes, `.`, anchors `^ $ \A \z \Z \b \B`, groups (capturing, named, `(?:`), atomic
 * groups, lookarounds (lookbehind of fixed length per alternative), alternation, quantifiers
 * greedy/lazy/possessive, `\Q…\E`, comments, and the options i, m, s, x (and n, which changes
 * nothing a match can observe) set, unset or scoped. Everything else (backreferences, recursion,
 * conditionals, verbs, \p, \R, \K, \G, POSIX classes, (*UCP)…) is a PcreSyntaxError at its
 * offset: outside the model, never a guess.
 */

interface Flags {
  readonly i: boolean;
  readonly m: boolean;
  readonly s: boolean;
  readonly x: boolean;
}

const NO_FLAGS: Flags = { i: false, m: false, s: false, x: false };
/** PCRE2_EXTENDED ignores these outside classes (pcre2pattern, "INTERNAL OPTION SETTING"/x). */
const X_SPACE = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0x200e, 0x200f, 0x2028, 0x2029]);

export function parsePcre(source: string): Node {
  return new Parser(source).parse();
}

class Parser {
  private i = 0;
  private flags: Flags = NO_FLAGS;

  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) throw this.fail(this.i, "unmatched ')'");
    return node;
  }

  private fail(offset: number, reason: string): PcreSyntaxError {
    return new PcreSyntaxError(offset, reason);
  }

  private peek(k = 0): string | undefined {
    return this.src[this.i + k];
  }

  private alternation(): Node {
    const alternatives = [this.sequence()];
    while (this.peek() === "|") {
      this.i++;
      alternatives.push(this.sequence());
    }
    return alternatives.length === 1 ? alternatives[0]! : { kind: "alt", items: alternatives };
  }

  private sequence(): Node {
    const items: Node[] = [];
    for (;;) {
      this.skipExtended();
      const c = this.peek();
      if (c === undefined || c === "|" || c === ")") break;
      const start = this.i;
      let atom: Node | undefined;
      if (this.src.startsWith("\\Q", this.i)) {
        // A quantifier after \Q…\E applies to its last character only.
        const chars = this.quoted();
        atom = chars.pop();
        items.push(...chars);
      } else atom = this.atom();
      if (atom === undefined) continue;
      items.push(this.quantified(atom, start));
    }
    return items.length === 1
      ? items[0]!
      : items.length === 0
        ? { kind: "empty" }
        : { kind: "seq", items };
  }

  /** Under (?x), white space and `#` comments outside classes are not part of the pattern. */
  private skipExtended(): void {
    while (this.flags.x && this.i < this.src.length) {
      const cp = this.src.codePointAt(this.i)!;
      if (X_SPACE.has(cp)) this.i++;
      else if (cp === 0x23) {
        const nl = this.src.indexOf("\n", this.i);
        this.i = nl < 0 ? this.src.length : nl + 1;
      } else break;
    }
  }

  /** One atom, or undefined for something that matches nothing by itself (an option setting). */
  private atom(): Node | undefined {
    const start = this.i;
    const c = this.src.codePointAt(this.i)!;
    const ch = String.fromCodePoint(c);
    this.i += ch.length;
    switch (ch) {
      case "(":
        return this.group(start);
      case "[": {
        const parsed = parseClass(this.src, this.i, start);
        this.i = parsed.end;
        return this.charNode(parsed.items, parsed.negated);
      }
      case ".":
        return { kind: "dot", dotall: this.flags.s };
      case "^":
        return this.assertion(this.flags.m ? "line-start" : "start");
      case "$":
        return this.assertion(this.flags.m ? "line-end" : "end-or-final-newline");
      case "\\":
        return this.escape(start);
      case "*":
      case "+":
      case "?":
        throw this.fail(start, `quantifier '${ch}' does not follow a repeatable item`);
      case "{":
        if (parseBraceQuantifier(this.src, start) !== undefined)
          throw this.fail(start, "quantifier does not follow a repeatable item");
        return this.literal(c);
      default:
        return this.literal(c);
    }
  }

  private assertion(what: Assertion): Node {
    return { kind: "assert", what };
  }

  private literal(cp: number): Node {
    return this.charNode([{ kind: "range", lo: cp, hi: cp }], false);
  }

  private charNode(items: readonly ClassItem[], negated: boolean): Node {
    return { kind: "char", items, negated, caseless: this.flags.i };
  }

  private escape(start: number): Node | undefined {
    const e = this.peek();
    if (e === undefined) throw this.fail(start, "a pattern cannot end with a backslash");
    switch (e) {
      case "A":
        this.i++;
        return this.assertion("start");
      case "z":
        this.i++;
        return this.assertion("end");
      case "Z":
        this.i++;
        return this.assertion("end-or-final-newline");
      case "b":
        this.i++;
        return this.assertion("word-boundary");
      case "B":
        this.i++;
        return this.assertion("not-word-boundary");
      case "N":
        if (this.peek(1) === "{") throw this.fail(start, "\\N{…} is outside the modelled subset");
        this.i++;
        return { kind: "dot", dotall: false };
      case "E":
        // A \E without a \Q is ignored (pcre2pattern, "Quoting").
        this.i++;
        return undefined;
    }
    const parsed = parseCharEscape(this.src, this.i, start, false);
    this.i = parsed.end;
    return this.charNode([parsed.item], false);
  }

  /** \Q…\E: everything up to \E (or the end of the pattern) is literal. */
  private quoted(): Node[] {
    const from = this.i + 2;
    const close = this.src.indexOf("\\E", from);
    const text = this.src.slice(from, close < 0 ? this.src.length : close);
    this.i = close < 0 ? this.src.length : close + 2;
    return [...text].map((ch) => this.literal(ch.codePointAt(0)!));
  }

  private group(start: number): Node | undefined {
    const saved = this.flags;
    let make: (body: Node) => Node = (body) => body;
    if (this.peek() === "?") {
      const head = this.groupHead(start);
      if (head === "option-setting") return undefined;
      if (head === "comment") return undefined;
      make = head;
    } else if (this.peek() === "*") {
      throw this.fail(
        start,
        "(*…) verbs and start-of-pattern options are outside the modelled subset",
      );
    }
    const alternatives: Node[] = [this.sequence()];
    while (this.peek() === "|") {
      this.i++;
      alternatives.push(this.sequence());
    }
    if (this.peek() !== ")") throw this.fail(start, "missing ')'");
    this.i++;
    this.flags = saved;
    const body: Node =
      alternatives.length === 1 ? alternatives[0]! : { kind: "alt", items: alternatives };
    return make(body);
  }

  /** After `(?`: the kind of group, or an option setting that applies to the rest of the group. */
  private groupHead(start: number): ((body: Node) => Node) | "option-setting" | "comment" {
    const rest = this.src.slice(this.i + 1);
    const simple: Record<string, (body: Node) => Node> = {
      ":": (body) => body,
      ">": (body) => ({ kind: "atomic", body }),
      "=": (body) => this.look(body, false, false, start),
      "!": (body) => this.look(body, false, true, start),
      "<=": (body) => this.look(body, true, false, start),
      "<!": (body) => this.look(body, true, true, start),
    };
    for (const key of ["<=", "<!", ":", ">", "=", "!"]) {
      if (rest.startsWith(key)) {
        this.i += 1 + key.length;
        return simple[key]!;
      }
    }
    const named = /^(?:P?<[A-Za-z_][A-Za-z0-9_]*>|'[A-Za-z_][A-Za-z0-9_]*')/.exec(rest);
    if (named) {
      // A named group captures; captures are invisible to a yes/no match without backreferences.
      this.i += 1 + named[0].length;
      return (body) => body;
    }
    if (rest.startsWith("#")) {
      const close = this.src.indexOf(")", this.i);
      if (close < 0) throw this.fail(start, "missing ')' after a comment");
      this.i = close + 1;
      return "comment";
    }
    const options = /^(\^?)([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(rest);
    if (!options) throw this.fail(start, "this group syntax is outside the modelled subset");
    const [all, caret, on = "", off = "", end] = options;
    if (caret && options[3] !== undefined) throw this.fail(start, "(?^…) cannot unset options");
    let flags: Flags = caret ? NO_FLAGS : this.flags;
    const apply = (letters: string, value: boolean): void => {
      for (const l of letters) {
        if (l === "n") continue;
        if (l !== "i" && l !== "m" && l !== "s" && l !== "x")
          throw this.fail(start, `the option (?${l}) is outside the modelled subset`);
        flags = { ...flags, [l]: value };
      }
    };
    if (/xx/.test(on)) throw this.fail(start, "(?xx) is outside the modelled subset");
    apply(on, true);
    apply(off, false);
    this.i += 1 + all!.length;
    if (end === ")") {
      // (?i) in the middle of a group: the rest of this group, later alternatives included.
      this.flags = flags;
      return "option-setting";
    }
    this.flags = flags;
    return (body) => body;
  }

  private look(body: Node, behind: boolean, negated: boolean, start: number): Node {
    const alternatives = body.kind === "alt" ? body.items : [body];
    if (behind) {
      for (const alt of alternatives) {
        if (fixedLength(alt) === undefined)
          throw this.fail(
            start,
            "each alternative of a lookbehind must have a fixed length (PCRE2 before 10.43)",
          );
      }
    }
    return { kind: "look", behind, negated, alternatives };
  }

  private quantified(atom: Node, atomStart: number): Node {
    let node = atom;
    for (;;) {
      this.skipExtended();
      const start = this.i;
      const c = this.peek();
      let min: number;
      let max: number;
      if (c === "*") [min, max] = [0, Infinity];
      else if (c === "+") [min, max] = [1, Infinity];
      else if (c === "?") [min, max] = [0, 1];
      else if (c === "{") {
        const q = parseBraceQuantifier(this.src, start);
        if (q === undefined) return node;
        [min, max] = [q.min, q.max];
        this.i = q.end - 1;
      } else return node;
      this.i++;
      if (node !== atom) throw this.fail(start, "a quantifier cannot follow another quantifier");
      // Lookarounds may be repeated (a zero-width body: {0,n} is optional, {n,m} is once);
      // ^ $ \b \A \z \Z are not repeatable items (pcre2pattern, "Repetition").
      if (atom.kind === "assert" && this.src[atomStart] !== "(")
        throw this.fail(atomStart, "quantifier does not follow a repeatable item");
      let mode: "greedy" | "lazy" | "possessive" = "greedy";
      if (this.peek() === "?") mode = "lazy";
      else if (this.peek() === "+") mode = "possessive";
      if (mode !== "greedy") this.i++;
      node = { kind: "repeat", body: atom, min, max, mode };
    }
  }
}
