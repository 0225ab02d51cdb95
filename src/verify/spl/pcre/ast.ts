/**
 * A parsed PCRE2 pattern. Options set inside the pattern ((?i), (?s), (?m), (?x), scoped or not)
 * are resolved at parse time, as PCRE2 does ("the effects of option settings happen at compile
 * time"): every node that depends on one carries the value in force where it was written.
 */

/** One character of a class or a literal, as the subject's code point must satisfy it. */
export type ClassItem =
  | { readonly kind: "range"; readonly lo: number; readonly hi: number }
  /** \d \w \s (negated: \D \W \S): ASCII sets, since Splunk does not set PCRE2_UCP. */
  | { readonly kind: "type"; readonly type: CharType; readonly negated: boolean };

export type CharType = "digit" | "word" | "space";

export type Assertion =
  /** ^ without (?m), \A */
  | "start"
  /** ^ with (?m): the start, or after a \n that does not end the subject. */
  | "line-start"
  /** \z */
  | "end"
  /** $ without (?m), \Z: the end, or before a \n that ends the subject. */
  | "end-or-final-newline"
  /** $ with (?m): the end, or before any \n. */
  | "line-end"
  | "word-boundary"
  | "not-word-boundary";

export type Node =
  | { readonly kind: "empty" }
  /** Consumes one character: a literal, a class, `.`, a type escape. */
  | {
      readonly kind: "char";
      readonly items: readonly ClassItem[];
      readonly negated: boolean;
      readonly caseless: boolean;
    }
  /** `.`: any character but \n, or any character under (?s). */
  | { readonly kind: "dot"; readonly dotall: boolean }
  | { readonly kind: "seq"; readonly items: readonly Node[] }
  | { readonly kind: "alt"; readonly items: readonly Node[] }
  | {
      readonly kind: "repeat";
      readonly body: Node;
      readonly min: number;
      /** Infinity for no upper bound. */
      readonly max: number;
      readonly mode: "greedy" | "lazy" | "possessive";
    }
  | { readonly kind: "assert"; readonly what: Assertion }
  | {
      readonly kind: "look";
      readonly behind: boolean;
      readonly negated: boolean;
      /** Top-level alternatives; a lookbehind's each have one fixed length. */
      readonly alternatives: readonly Node[];
    }
  | { readonly kind: "atomic"; readonly body: Node };

/** The number of characters every match of `node` has, or undefined when it varies. */
export function fixedLength(node: Node): number | undefined {
  switch (node.kind) {
    case "empty":
    case "assert":
    case "look":
      return 0;
    case "char":
    case "dot":
      return 1;
    case "seq": {
      let total = 0;
      for (const item of node.items) {
        const n = fixedLength(item);
        if (n === undefined) return undefined;
        total += n;
      }
      return total;
    }
    case "alt": {
      const lengths = new Set(node.items.map(fixedLength));
      return lengths.size === 1 ? [...lengths][0] : undefined;
    }
    case "repeat": {
      const n = fixedLength(node.body);
      return n !== undefined && node.min === node.max ? n * node.min : undefined;
    }
    case "atomic":
      return fixedLength(node.body);
  }
}
