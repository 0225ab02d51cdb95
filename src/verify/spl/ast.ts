import type { PcreRegex } from "./pcre.js";

/** The typed AST of the SPL subset, built from the CST by build.ts; every node keeps its offset. */

export type SearchValue =
  /** A glob: literal text and `*` (any run); compared case-insensitively. */
  | { readonly kind: "glob"; readonly parts: readonly (string | { readonly any: true })[] }
  /** An unquoted IPv4 CIDR value: `f=10.0.0.0/8`. */
  | { readonly kind: "cidr4"; readonly network: number; readonly prefix: number };

export type SearchNode =
  | { readonly kind: "and"; readonly items: readonly SearchNode[]; readonly offset: number }
  | { readonly kind: "or"; readonly items: readonly SearchNode[]; readonly offset: number }
  | { readonly kind: "not"; readonly item: SearchNode; readonly offset: number }
  /** The bare term `*`: every event. */
  | { readonly kind: "all"; readonly offset: number }
  | {
      readonly kind: "cmp";
      readonly field: string;
      readonly value: SearchValue;
      readonly offset: number;
    };

export type CmpOp = "==" | "!=" | "<" | "<=" | ">" | ">=";

export type EvalNode =
  | {
      readonly kind: "and";
      readonly left: EvalNode;
      readonly right: EvalNode;
      readonly offset: number;
    }
  | {
      readonly kind: "or";
      readonly left: EvalNode;
      readonly right: EvalNode;
      readonly offset: number;
    }
  | { readonly kind: "not"; readonly item: EvalNode; readonly offset: number }
  | {
      readonly kind: "cmp";
      readonly op: CmpOp;
      readonly left: EvalNode;
      readonly right: EvalNode;
      readonly offset: number;
    }
  | { readonly kind: "string"; readonly value: string; readonly offset: number }
  | { readonly kind: "number"; readonly value: number; readonly offset: number }
  | { readonly kind: "field"; readonly name: string; readonly offset: number }
  | { readonly kind: "call"; readonly fn: EvalFunction; readonly offset: number };

/** The eval functions the interpreter models; a regex argument is compiled at parse time. */
export type EvalFunction =
  | { readonly name: "isnull" | "isnotnull" | "tonumber"; readonly arg: EvalNode }
  | { readonly name: "true" | "false" }
  | { readonly name: "mvfind" | "match"; readonly arg: EvalNode; readonly regex: PcreRegex }
  /** cidrmatch("net/prefix", x): the network is parsed at parse time (IPv6 only is modelled). */
  | {
      readonly name: "cidrmatch";
      readonly words: readonly number[];
      readonly prefix: number;
      readonly arg: EvalNode;
    }
  /** mvfilter's predicate reads exactly one field, bound to each value in turn. */
  | { readonly name: "mvfilter"; readonly field: string; readonly predicate: EvalNode };

export type Command =
  | { readonly kind: "search"; readonly expr: SearchNode }
  | { readonly kind: "where"; readonly expr: EvalNode };

export interface Pipeline {
  readonly commands: readonly Command[];
}
