import type { Loc } from "./source.js";

/**
 * The IR: a boolean expression over field predicates, in Sigma field names (raw event paths) until
 * a backend maps them. Every node kind is handled by an exhaustive switch in every consumer.
 */

/** One piece of a Sigma string value, parsed once with Sigma's escape rules. */
export type Part =
  | { readonly kind: "text"; readonly text: string }
  /** `*`: any run of characters, also empty. */
  | { readonly kind: "any" }
  /** `?`: exactly one character (one Unicode code point). */
  | { readonly kind: "one" };

/** A whole-value glob. `contains x` is [any, x, any]. Adjacent text parts are always merged. */
export type Pattern = readonly Part[];

export interface RegexFlags {
  readonly i: boolean;
  readonly m: boolean;
  readonly s: boolean;
}

export type NumberOp = "eq" | "lt" | "lte" | "gt" | "gte";
export type TimePart = "minute" | "hour" | "day" | "week" | "month" | "year";
export type RefPosition = "equal" | "startswith" | "endswith" | "contains";

/** What a Match asks of the value(s) at its field. */
export type Test =
  /** The value (as text) matches the glob; `cased` false means case-insensitive. */
  | { readonly kind: "pattern"; readonly pattern: Pattern; readonly cased: boolean }
  /** Regular-expression search anywhere in the value (unanchored, JavaScript/PCRE-compatible subset). */
  | { readonly kind: "regex"; readonly source: string; readonly flags: RegexFlags }
  /** The value is an IP address inside the network. `network` is the canonical address text. */
  | {
      readonly kind: "cidr";
      readonly network: string;
      readonly prefix: number;
      readonly version: 4 | 6;
    }
  /** Numeric comparison; the value may be a JSON number or a numeric string. */
  | { readonly kind: "number"; readonly op: NumberOp; readonly value: number }
  /** A JSON boolean, or the strings "true"/"false" in any case. */
  | { readonly kind: "bool"; readonly value: boolean }
  /** The field is missing or null (Sigma `field: null`). */
  | { readonly kind: "null" }
  /** The field is present and not null (Sigma `|exists: true`). */
  | { readonly kind: "exists" }
  /** The value equals / starts with / ends with / contains the value of another field. */
  | {
      readonly kind: "fieldref";
      readonly other: string;
      readonly position: RefPosition;
      readonly cased: boolean;
    }
  /** A part of a date-time value equals a number (Sigma's time modifiers). */
  | { readonly kind: "timepart"; readonly part: TimePart; readonly value: number }
  /**
   * Elasticsearch's match_phrase on a text field: the `standard` analyzer's lower-cased tokens of
   * the value (as text) hold `tokens` consecutively (src/sigma/standard-analyzer.ts). The front
   * end never writes it; it is what a backend's effective IR says a text field really does.
   */
  | { readonly kind: "phrase"; readonly tokens: readonly string[] };

export type TestKind = Test["kind"];

export interface MatchExpr {
  readonly kind: "match";
  /** A dotted path; null for a keyword search over every value of the event. */
  readonly field: string | null;
  readonly test: Test;
  /** Where in the rule file this predicate came from (the value, or the key for exists/null). */
  readonly origin: Loc;
}

export interface AndExpr {
  readonly kind: "and";
  readonly items: readonly Expr[];
}

export interface OrExpr {
  readonly kind: "or";
  readonly items: readonly Expr[];
}

export interface NotExpr {
  readonly kind: "not";
  readonly item: Expr;
}

export interface ConstExpr {
  readonly kind: "const";
  readonly value: boolean;
}

export type Expr = AndExpr | OrExpr | NotExpr | ConstExpr | MatchExpr;

export const TRUE: ConstExpr = { kind: "const", value: true };
export const FALSE: ConstExpr = { kind: "const", value: false };

/** AND with the identities folded: and() is true, a false item makes it false, nested ANDs flatten. */
export function and(items: readonly Expr[]): Expr {
  const out: Expr[] = [];
  for (const item of items) {
    if (item.kind === "const") {
      if (!item.value) return FALSE;
      continue;
    }
    if (item.kind === "and") out.push(...item.items);
    else out.push(item);
  }
  if (out.length === 0) return TRUE;
  if (out.length === 1) return out[0]!;
  return { kind: "and", items: out };
}

export function or(items: readonly Expr[]): Expr {
  const out: Expr[] = [];
  for (const item of items) {
    if (item.kind === "const") {
      if (item.value) return TRUE;
      continue;
    }
    if (item.kind === "or") out.push(...item.items);
    else out.push(item);
  }
  if (out.length === 0) return FALSE;
  if (out.length === 1) return out[0]!;
  return { kind: "or", items: out };
}

export function not(item: Expr): Expr {
  if (item.kind === "const") return item.value ? FALSE : TRUE;
  if (item.kind === "not") return item.item;
  return { kind: "not", item };
}

// ---- patterns ----

/** Merge adjacent text parts and drop empty ones, so every Pattern has one canonical form. */
export function normalizePattern(parts: readonly Part[]): Pattern {
  const out: Part[] = [];
  for (const p of parts) {
    if (p.kind === "text") {
      if (p.text === "") continue;
      const last = out[out.length - 1];
      if (last?.kind === "text") out[out.length - 1] = { kind: "text", text: last.text + p.text };
      else out.push(p);
    } else {
      out.push(p);
    }
  }
  return out;
}

export function literal(text: string): Pattern {
  return text === "" ? [] : [{ kind: "text", text }];
}

/** True when the pattern has no wildcard: it is one exact string. */
export function isLiteral(pattern: Pattern): boolean {
  return pattern.every((p) => p.kind === "text");
}

export function literalText(pattern: Pattern): string {
  return pattern.map((p) => (p.kind === "text" ? p.text : "")).join("");
}

/** Sigma's textual form of a pattern (`*`, `?` and `\` escaped), for messages and round trips. */
export function patternToSigma(pattern: Pattern): string {
  return pattern
    .map((p) => {
      switch (p.kind) {
        case "any":
          return "*";
        case "one":
          return "?";
        case "text":
          return p.text.replace(/[\\*?]/g, (c) => "\\" + c);
      }
    })
    .join("");
}

/** Every field name an expression reads (fieldref targets included). */
export function fieldsOf(expr: Expr, into: Set<string> = new Set()): Set<string> {
  switch (expr.kind) {
    case "and":
    case "or":
      for (const i of expr.items) fieldsOf(i, into);
      return into;
    case "not":
      return fieldsOf(expr.item, into);
    case "const":
      return into;
    case "match":
      if (expr.field !== null) into.add(expr.field);
      if (expr.test.kind === "fieldref") into.add(expr.test.other);
      return into;
  }
}

/**
 * Mark predicates that come from another file than the rule's (a site filter, a pipeline's event
 * scope) with that file, so a diagnostic about them points there.
 */
export function stampFile(expr: Expr, file: string): Expr {
  switch (expr.kind) {
    case "and":
    case "or":
      return { ...expr, items: expr.items.map((i) => stampFile(i, file)) };
    case "not":
      return { ...expr, item: stampFile(expr.item, file) };
    case "const":
      return expr;
    case "match":
      return { ...expr, origin: { ...expr.origin, file } };
  }
}
