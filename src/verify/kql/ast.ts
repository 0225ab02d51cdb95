/**
 * The meaning of a parsed KQL query, as Kibana's kuery functions build it (is, range, and, or, not):
 * value lists are already distributed over their field (`f:(a or not b)` is `f:a or not f:b`).
 */

export interface Span {
  readonly offset: number;
  readonly line: number;
  readonly col: number;
}

/** One piece of a wildcard value: literal text or `*`. */
export type WildcardPart =
  { readonly kind: "text"; readonly text: string } | { readonly kind: "any" };

export type KqlValue =
  /** A quoted string, or an unquoted one without wildcard (after Kibana's trim). */
  | {
      readonly kind: "string";
      readonly text: string;
      readonly quoted: boolean;
      readonly span: Span;
    }
  /** An unquoted value with at least one unescaped `*` (after Kibana's trim). */
  | { readonly kind: "wildcard"; readonly parts: readonly WildcardPart[]; readonly span: Span }
  /** The bare words null / true / false, which Kibana turns into JSON values. */
  | { readonly kind: "json"; readonly value: null | boolean; readonly span: Span };

export type RangeOp = "lt" | "lte" | "gt" | "gte";

export type KqlNode =
  | { readonly kind: "or"; readonly items: readonly KqlNode[] }
  | { readonly kind: "and"; readonly items: readonly KqlNode[] }
  | { readonly kind: "not"; readonly item: KqlNode }
  /** The empty query: Kibana matches every document. */
  | { readonly kind: "all" }
  /** `field:value`; field null is a free-text value over the default fields. */
  | { readonly kind: "is"; readonly field: KqlValue | null; readonly value: KqlValue }
  | {
      readonly kind: "range";
      readonly field: KqlValue;
      readonly op: RangeOp;
      readonly value: KqlValue;
    };
