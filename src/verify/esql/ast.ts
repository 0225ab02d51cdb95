/** The meaning of a parsed ES|QL query (the FROM / WHERE / LIMIT subset). */

export interface Span {
  readonly offset: number;
  readonly line: number;
  readonly col: number;
}

export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=";

export type EsqlExpr =
  | { readonly kind: "and" | "or"; readonly items: readonly EsqlExpr[] }
  | { readonly kind: "not"; readonly item: EsqlExpr }
  | {
      readonly kind: "isNull";
      readonly value: EsqlExpr;
      /** IS NOT NULL */
      readonly negated: boolean;
      readonly span: Span;
    }
  | {
      readonly kind: "like" | "rlike";
      readonly value: EsqlExpr;
      readonly negated: boolean;
      readonly patterns: readonly { readonly text: string; readonly span: Span }[];
      readonly span: Span;
    }
  | {
      readonly kind: "in";
      readonly value: EsqlExpr;
      readonly negated: boolean;
      readonly list: readonly EsqlExpr[];
      readonly span: Span;
    }
  | {
      readonly kind: "compare";
      readonly op: CompareOp;
      readonly left: EsqlExpr;
      readonly right: EsqlExpr;
      readonly span: Span;
    }
  /** A function call; `name` is upper-cased (ES|QL function names are case-insensitive). */
  | {
      readonly kind: "call";
      readonly name: string;
      readonly args: readonly EsqlExpr[];
      /** Written `NAME(*)` (COUNT(*)). */
      readonly star?: boolean;
      readonly span: Span;
    }
  /** `a + b + …` */
  | { readonly kind: "add"; readonly items: readonly EsqlExpr[]; readonly span: Span }
  /** A time span literal (`5 minutes`): the number and its unit as written. */
  | { readonly kind: "span"; readonly value: number; readonly unit: string; readonly span: Span }
  | { readonly kind: "field"; readonly name: string; readonly span: Span }
  | { readonly kind: "string"; readonly value: string; readonly span: Span }
  | { readonly kind: "number"; readonly value: number; readonly span: Span }
  | { readonly kind: "bool"; readonly value: boolean; readonly span: Span }
  | { readonly kind: "null"; readonly span: Span };

export interface EsqlQuery {
  readonly sources: readonly { readonly pattern: string; readonly span: Span }[];
  readonly metadata: readonly string[];
  /** Every WHERE command, in order (all must hold). */
  readonly where: readonly EsqlExpr[];
  readonly limit: number | undefined;
}
