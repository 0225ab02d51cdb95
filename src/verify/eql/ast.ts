/** The meaning of a parsed EQL event query, as Elasticsearch's ExpressionBuilder reads it. */

export interface Span {
  readonly offset: number;
  readonly line: number;
  readonly col: number;
}

export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=";
export type PredicateOp = ":" | "like" | "like~" | "regex" | "regex~" | "in" | "in~";

export type EqlNode =
  | { readonly kind: "or" | "and"; readonly items: readonly EqlNode[] }
  | { readonly kind: "not"; readonly item: EqlNode }
  | {
      readonly kind: "compare";
      readonly op: CompareOp;
      readonly left: EqlNode;
      readonly right: EqlNode;
      readonly span: Span;
    }
  /** `f : v`, `f like (a, b)`, `f not in (…)`: a list holds when any of its values does. */
  | {
      readonly kind: "predicate";
      readonly op: PredicateOp;
      readonly negated: boolean;
      readonly target: EqlNode;
      readonly values: readonly EqlNode[];
      readonly span: Span;
    }
  | {
      readonly kind: "call";
      readonly name: string;
      /** Written `name~(…)`. */
      readonly insensitive: boolean;
      readonly args: readonly EqlNode[];
      readonly span: Span;
    }
  | {
      readonly kind: "field";
      readonly name: string;
      readonly optional: boolean;
      readonly span: Span;
    }
  | { readonly kind: "string"; readonly value: string; readonly span: Span }
  | { readonly kind: "number"; readonly value: number; readonly span: Span }
  | { readonly kind: "bool"; readonly value: boolean; readonly span: Span }
  | { readonly kind: "null"; readonly span: Span };

export interface EqlQuery {
  /** The event category (`process where`), or null for `any where`. */
  readonly category: string | null;
  readonly where: EqlNode;
}
