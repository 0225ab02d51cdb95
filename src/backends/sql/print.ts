import { DiagnosticError, assertNever } from "../../diagnostics.js";
import {
  isLiteral,
  literalText,
  type Expr,
  type MatchExpr,
  type NumberOp,
  type Pattern,
} from "../../ir.js";
import { caseIrrelevant, caseRegex } from "./case-regex.js";
import { LIKE_ESCAPE, NUMERIC_BODY, type Dialect } from "./dialect.js";
import { sqlRegex } from "./regex.js";
import { isMany, type Access } from "./schema.js";

/**
 * The WHERE condition. SQL has three-valued logic: a comparison on a NULL column is NULL, and
 * NOT NULL is NULL, where Sigma says a test on a missing field is false and its negation true.
 * Under an even number of NOTs a NULL drops the row exactly as false does (AND and OR are
 * monotone), so only predicates under an odd number of NOTs are made total with COALESCE(…,
 * FALSE), unless a top-level conjunct already requires a value at that field (the row is then
 * dropped whatever the negated predicate says).
 */

const NUMBER_OPS: Readonly<Record<NumberOp, string>> = {
  eq: "=",
  lt: "<",
  lte: "<=",
  gt: ">",
  gte: ">=",
};

/** A double literal every dialect reads back to the same value. */
export function numberLiteral(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : n.toExponential();
}

function likeText(pattern: Pattern): string {
  return pattern
    .map((p) => {
      switch (p.kind) {
        case "any":
          return "%";
        case "one":
          return "_";
        case "text": {
          let out = "";
          for (const c of p.text)
            out += c === "%" || c === "_" || c === LIKE_ESCAPE ? LIKE_ESCAPE + c : c;
          return out;
        }
      }
    })
    .join("");
}

function internal(m: MatchExpr, message: string): never {
  throw new DiagnosticError({
    severity: "error",
    code: "INTERNAL_SQL_PRINT",
    message,
    file: "",
    loc: m.origin,
    target: "sql",
  });
}

export interface PrintContext {
  readonly dialect: Dialect;
  /** Where a Sigma field is read (resolved by lower()). */
  access(m: MatchExpr): Access;
}

/** The column expression of an access: the struct path, or the JSON text/list read from it. */
export function valueOf(a: Access, d: Dialect): string {
  const col = a.columns.map((c) => d.ident(c)).join(".");
  if (a.kind !== "json") return col;
  if (isMany(a)) {
    if (d.jsonList === undefined) throw new Error(`${d.name} has no JSON list`);
    return d.jsonList(col, a.steps);
  }
  return d.jsonText(col, a.steps);
}

/** The test on one text value `v` (a column or the lambda variable). */
function valueTest(m: MatchExpr, v: string, d: Dialect): string {
  const t = m.test;
  switch (t.kind) {
    case "pattern": {
      const pattern =
        t.cased || !caseIrrelevant(t.pattern)
          ? t.pattern
          : t.pattern.map((p) => (p.kind === "text" ? { ...p, text: p.text.toLowerCase() } : p));
      if (!t.cased && !caseIrrelevant(t.pattern)) return d.fullMatch(v, caseRegex(t.pattern).body);
      if (isLiteral(pattern)) return `${v} = ${d.str(literalText(pattern))}`;
      return `${v} LIKE ${d.str(likeText(pattern))} ESCAPE ${d.str(LIKE_ESCAPE)}`;
    }
    case "regex": {
      const r = sqlRegex(t.source, t.flags, d.name);
      if (!r.ok) return internal(m, r.reason);
      return d.search(v, r.text);
    }
    case "number":
      return `(${d.fullMatch(v, NUMERIC_BODY)} AND ${d.toDouble(v)} ${NUMBER_OPS[t.op]} ${numberLiteral(t.value)})`;
    case "null":
    case "exists":
    case "bool":
    case "cidr":
    case "fieldref":
    case "timepart":
    case "phrase":
      return internal(m, `${t.kind} must be lowered first`);
    default:
      return assertNever(t);
  }
}

/** A match; `total` asks for a predicate that is never NULL. */
function printMatch(m: MatchExpr, p: PrintContext, total: boolean): string {
  const d = p.dialect;
  const a = p.access(m);
  const v = valueOf(a, d);
  const many = isMany(a);
  const t = m.test;
  if (t.kind === "null" || t.kind === "exists") {
    if (a.kind === "json" && many) {
      const some = `COALESCE(${d.anyOf(v, "x IS NOT NULL")}, FALSE)`;
      return t.kind === "exists" ? some : `NOT ${some}`;
    }
    return `${v} ${t.kind === "null" ? "IS NULL" : "IS NOT NULL"}`;
  }
  const test = many ? d.anyOf(v, valueTest(m, "x", d)) : valueTest(m, v, d);
  return total ? `COALESCE(${test}, FALSE)` : test;
}

/** Fields that a top-level conjunct requires a value at (every test but null is false on NULL). */
function requiredFields(e: Expr): Set<string> {
  const items = e.kind === "and" ? e.items : [e];
  const out = new Set<string>();
  for (const i of items)
    if (i.kind === "match" && i.field !== null && i.test.kind !== "null") out.add(i.field);
  return out;
}

export function printCondition(e: Expr, p: PrintContext): string {
  const required = requiredFields(e);
  // A DuckDB list predicate is NULL only when the list is; Spark's exists and Trino's any_match
  // are also NULL when an element is NULL and none matches.
  const nullOnlyWhenMissing = (m: MatchExpr): boolean =>
    !isMany(p.access(m)) || p.dialect.name === "duckdb";
  const go = (x: Expr, negative: boolean): string => {
    switch (x.kind) {
      case "and":
      case "or": {
        const sep = x.kind === "and" ? " AND " : " OR ";
        const inner = x.items.map((i) => {
          const s = go(i, negative);
          return i.kind === "and" || i.kind === "or" ? `(${s})` : s;
        });
        return inner.join(sep);
      }
      case "not": {
        // Always parenthesized: NOT then reads the same in every dialect's precedence.
        return `NOT (${go(x.item, !negative)})`;
      }
      case "const":
        return x.value ? "TRUE" : "FALSE";
      case "match": {
        const guarded = x.field !== null && required.has(x.field) && nullOnlyWhenMissing(x);
        return printMatch(x, p, negative && !guarded);
      }
      default:
        return assertNever(x);
    }
  };
  return go(e, false);
}
