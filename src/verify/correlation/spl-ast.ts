import type { Pipeline } from "../spl/ast.js";

/** The typed AST of the SPL aggregation subset (grammar/spl-stats.ts); every node keeps its offset. */

export type ArithOp = "+" | "-" | "." | "*" | "/" | "%";
export type CmpOp = "==" | "!=" | "<" | "<=" | ">" | ">=";

/** The eval functions the interpreter models. */
export type FnName =
  | "if"
  | "null"
  | "isnull"
  | "isnotnull"
  | "round"
  | "strptime"
  | "replace"
  | "len"
  | "true"
  | "false";

export type EvalExpr =
  | { readonly kind: "number"; readonly value: number; readonly offset: number }
  | { readonly kind: "string"; readonly value: string; readonly offset: number }
  | { readonly kind: "field"; readonly name: string; readonly offset: number }
  | {
      readonly kind: "arith";
      readonly op: ArithOp;
      readonly left: EvalExpr;
      readonly right: EvalExpr;
      readonly offset: number;
    }
  | {
      readonly kind: "cmp";
      readonly op: CmpOp;
      readonly left: EvalExpr;
      readonly right: EvalExpr;
      readonly offset: number;
    }
  | {
      readonly kind: "and" | "or";
      readonly left: EvalExpr;
      readonly right: EvalExpr;
      readonly offset: number;
    }
  | { readonly kind: "not"; readonly item: EvalExpr; readonly offset: number }
  | {
      readonly kind: "call";
      readonly name: FnName;
      readonly args: readonly EvalExpr[];
      readonly offset: number;
    };

export type AggFn = "count" | "dc" | "min" | "max";

export interface Aggregate {
  readonly fn: AggFn;
  /** Absent for count. */
  readonly field?: string;
  readonly as: string;
}

export interface SortKey {
  readonly field: string;
  readonly descending: boolean;
  /** How values compare: as text, as numbers. */
  readonly as: "str" | "num";
}

export type StatsCommand =
  | {
      readonly kind: "eval";
      readonly assignments: readonly { readonly name: string; readonly value: EvalExpr }[];
    }
  | { readonly kind: "where"; readonly expr: EvalExpr }
  | { readonly kind: "sort"; readonly keys: readonly SortKey[] }
  | { readonly kind: "filldown"; readonly fields: readonly string[] }
  | {
      readonly kind: "rename";
      readonly pairs: readonly { readonly from: string; readonly to: string }[];
    }
  | {
      readonly kind: "stats" | "eventstats";
      readonly aggregates: readonly Aggregate[];
      readonly by: readonly string[];
    }
  | {
      readonly kind: "streamstats";
      /** The N latest rows of the row's group (window=N, global=false, current=true). */
      readonly window: number;
      readonly aggregates: readonly Aggregate[];
      readonly by: readonly string[];
    };

/** Where the rows come from: one search, or the union of several subsearch pipelines. */
export type Head =
  | { readonly kind: "search"; readonly pipeline: Pipeline }
  | { readonly kind: "multisearch"; readonly parts: readonly Program[] };

export interface Program {
  readonly head: Head;
  readonly commands: readonly StatsCommand[];
}
