import { assertNever } from "../../../diagnostics.js";
import {
  isLiteral,
  literalText,
  type Expr,
  type MatchExpr,
  type Pattern,
  type Test,
} from "../../../ir.js";
import type { FieldType } from "../fields.js";
import { luceneSearch } from "../lucene-regex.js";
import type { Scope, ScopeCondition } from "../scope.js";
import { esqlField, esqlIndex, esqlRawOrString, esqlString, likePattern } from "./dialect.js";

/**
 * Prints the effective IR as an ES|QL query:
 *   FROM <index patterns> METADATA _id, _index, _version
 *   | WHERE <scope> AND <expression>
 * (the metadata fields are what Kibana needs to deduplicate the alerts of a non-aggregating rule).
 * A comparison on a null field is null in ES|QL, and `NOT null` is null: what a `NOT` negates is
 * written `COALESCE(…, FALSE)` (unless it is never null), so a missing (or multi-valued) field
 * reads as false there; elsewhere null already filters the row out, as false would.
 *   case-insensitive       TO_LOWER(f) == "v", TO_LOWER(f) LIKE "a*b?"
 *   |cased                 f == "v", f LIKE "a*", literal * ? \ escaped with a backslash
 *   regex                  f RLIKE """lucene"""
 *   cidr / ip              CIDR_MATCH(f, "10.0.0.0/8")
 *   numbers, booleans      f == 200, f >= 400, f == true, keyword TO_LOWER(f) == "true"
 *   null / exists          f IS NULL / f IS NOT NULL
 *   multi-valued fields    MV_CONTAINS(f, "v"), MV_CONTAINS(TO_LOWER(f), "v")
 * Literal values of one field inside an OR become one `IN` list. A one-to-many field is one
 * comparison per target field, ORed (a null test: ANDed).
 */

export interface EsqlField {
  readonly name: string;
  readonly type: FieldType;
  /** Declared multi-valued: tested with MV_CONTAINS. */
  readonly multiValued: boolean;
}

/** A match's target field(s): several for a one-to-many mapping (the value in any of them). */
export type EsqlFieldOf = (m: MatchExpr) => readonly EsqlField[];

const enum Level {
  Or = 0,
  And = 1,
  Not = 2,
}

function wrap(text: string, needed: boolean): string {
  return needed ? `(${text})` : text;
}

const lowered = (p: Pattern): Pattern =>
  p.map((x) => (x.kind === "text" ? { kind: "text", text: x.text.toLowerCase() } : x));

const COMPARE = { lt: "<", lte: "<=", gt: ">", gte: ">=" } as const;

/** A leaf that can join an `IN` list: its left side and its value literal. */
interface ListItem {
  readonly left: string;
  readonly value: string;
}

class Printer {
  constructor(private readonly fieldsOf: EsqlFieldOf) {}

  /** The one target field of a match, or undefined for a one-to-many field. */
  private only(m: MatchExpr): EsqlField | undefined {
    const fs = this.fieldsOf(m);
    return fs.length === 1 ? fs[0] : undefined;
  }

  /** `f IN (…)`-able: a scalar equality whose null-ness the list keeps. */
  private listItem(m: MatchExpr): ListItem | undefined {
    const f = this.only(m);
    if (f === undefined || f.multiValued) return undefined;
    const name = esqlField(f.name);
    const t = m.test;
    if (t.kind !== "pattern" || !isLiteral(t.pattern)) return undefined;
    return t.cased
      ? { left: name, value: esqlString(literalText(t.pattern)) }
      : { left: `TO_LOWER(${name})`, value: esqlString(literalText(t.pattern).toLowerCase()) };
  }

  /** True when the leaf is never null (IS NULL, MV_CONTAINS): it needs no COALESCE. */
  private twoValued(m: MatchExpr): boolean {
    return (
      m.test.kind === "null" ||
      m.test.kind === "exists" ||
      this.fieldsOf(m).every((f) => f.multiValued)
    );
  }

  private leaf(m: MatchExpr, parent: Level): string {
    const fs = this.fieldsOf(m);
    const t = m.test;
    const texts = fs.map((f) => {
      const name = esqlField(f.name);
      return f.multiValued ? this.mvLeaf(name, f.type, t) : this.scalarLeaf(name, f.type, t);
    });
    if (texts.length === 1) return texts[0]!;
    // One-to-many: the value in any of the fields; missing means missing from all of them.
    const all = t.kind === "null";
    return wrap(texts.join(all ? " AND " : " OR "), parent > (all ? Level.And : Level.Or));
  }

  private scalarLeaf(name: string, type: FieldType, t: Test): string {
    switch (t.kind) {
      case "pattern": {
        const left = t.cased ? name : `TO_LOWER(${name})`;
        const p = t.cased ? t.pattern : lowered(t.pattern);
        return isLiteral(p)
          ? `${left} == ${esqlString(literalText(p))}`
          : `${left} LIKE ${esqlRawOrString(likePattern(p))}`;
      }
      case "regex": {
        const lucene = luceneSearch(t.source, t.flags);
        if (!lucene.ok) throw new Error(`ES|QL printer: regex /${t.source}/ was not lowered`);
        return `${name} RLIKE ${esqlRawOrString(lucene.source)}`;
      }
      case "cidr":
        return `CIDR_MATCH(${name}, ${esqlString(`${t.network}/${t.prefix}`)})`;
      case "number":
        return `${name} ${t.op === "eq" ? "==" : COMPARE[t.op]} ${t.value}`;
      case "bool":
        return type === "boolean" ? `${name} == ${t.value}` : `TO_LOWER(${name}) == "${t.value}"`;
      case "null":
        return `${name} IS NULL`;
      case "exists":
        return `${name} IS NOT NULL`;
      case "fieldref":
      case "timepart":
      case "phrase":
        throw new Error(`ES|QL printer: ${t.kind} test was not lowered`);
      default:
        return assertNever(t);
    }
  }

  private mvLeaf(name: string, type: FieldType, t: Test): string {
    switch (t.kind) {
      case "pattern":
        return t.cased
          ? `MV_CONTAINS(${name}, ${esqlString(literalText(t.pattern))})`
          : `MV_CONTAINS(TO_LOWER(${name}), ${esqlString(literalText(t.pattern).toLowerCase())})`;
      case "number":
        return `MV_CONTAINS(${name}, ${t.value})`;
      case "bool":
        return type === "boolean"
          ? `MV_CONTAINS(${name}, ${t.value})`
          : `MV_CONTAINS(TO_LOWER(${name}), "${t.value}")`;
      case "cidr":
        return `MV_CONTAINS(${name}, TO_IP(${esqlString(t.network)}))`;
      case "null":
        return `${name} IS NULL`;
      case "exists":
        return `${name} IS NOT NULL`;
      case "regex":
      case "fieldref":
      case "timepart":
      case "phrase":
        throw new Error(`ES|QL printer: ${t.kind} test on a multi-valued field was not lowered`);
      default:
        return assertNever(t);
    }
  }

  /** Never null: IS NULL, MV_CONTAINS, constants, NOT (which this printer keeps two-valued). */
  private twoValuedExpr(e: Expr): boolean {
    switch (e.kind) {
      case "match":
        return this.twoValued(e);
      case "and":
      case "or":
        return e.items.every((i) => this.twoValuedExpr(i));
      case "not":
      case "const":
        return true;
      default:
        return assertNever(e);
    }
  }

  expr(e: Expr, parent: Level): string {
    switch (e.kind) {
      case "or": {
        const parts: string[] = [];
        const groups = new Map<string, { item: ListItem; first: MatchExpr }[]>();
        const order: (Expr | string)[] = [];
        for (const item of e.items) {
          const li = item.kind === "match" ? this.listItem(item) : undefined;
          if (li === undefined) order.push(item);
          else {
            const g = groups.get(li.left);
            if (g) g.push({ item: li, first: item as MatchExpr });
            else {
              groups.set(li.left, [{ item: li, first: item as MatchExpr }]);
              order.push(li.left);
            }
          }
        }
        for (const o of order) {
          if (typeof o !== "string") {
            parts.push(this.expr(o, Level.Or + 1));
            continue;
          }
          const g = groups.get(o)!;
          parts.push(
            g.length === 1
              ? this.expr(g[0]!.first, Level.Or + 1)
              : `${o} IN (${g.map((x) => x.item.value).join(", ")})`,
          );
        }
        return wrap(parts.join(" OR "), parent > Level.Or && parts.length > 1);
      }
      case "and": {
        const text = e.items.map((i) => this.expr(i, Level.And + 1)).join(" AND ");
        return wrap(text, parent > Level.And);
      }
      case "not": {
        const inner = e.item;
        // IS NULL / IS NOT NULL are never null: their negation is the other one.
        const f = inner.kind === "match" ? this.only(inner) : undefined;
        if (
          f !== undefined &&
          inner.kind === "match" &&
          (inner.test.kind === "null" || inner.test.kind === "exists")
        )
          return `${esqlField(f.name)} ${inner.test.kind === "null" ? "IS NOT NULL" : "IS NULL"}`;
        // Below NOT, a null (a missing or multi-valued field) must read as false, as in Sigma.
        // Without NOT, ES|QL's null logic already gives Sigma's answer (null rows are dropped).
        const text = this.expr(inner, Level.Or);
        return this.twoValuedExpr(inner) ? `NOT (${text})` : `NOT COALESCE(${text}, FALSE)`;
      }
      case "const":
        return e.value ? "TRUE" : "FALSE";
      case "match":
        return this.leaf(e, parent);
      default:
        return assertNever(e);
    }
  }
}

function conditionText(c: ScopeCondition): string {
  const name = esqlField(c.field);
  return c.values.length === 1
    ? `${name} == ${esqlString(c.values[0]!)}`
    : `${name} IN (${c.values.map(esqlString).join(", ")})`;
}

/**
 * The scope's conjuncts: each condition of one alternative, or one parenthesized OR (a null
 * scope field fails its alternative and the OR still holds through another: no COALESCE needed).
 */
function scopeTexts(scope: Scope): string[] {
  if (scope.length === 1) return scope[0]!.map(conditionText);
  if (scope.length === 0) return [];
  const alternatives = scope.map((cs) => {
    const text = cs.map(conditionText).join(" AND ");
    return cs.length > 1 ? `(${text})` : text;
  });
  return [`(${alternatives.join(" OR ")})`];
}

/** The ES|QL query of a non-aggregating detection rule. */
export function printEsql(
  effective: Expr,
  fieldOf: EsqlFieldOf,
  indices: readonly string[],
  scope: Scope,
): string {
  const from = `FROM ${indices.map(esqlIndex).join(", ")} METADATA _id, _index, _version`;
  const p = new Printer(fieldOf);
  const conditions = scopeTexts(scope);
  if (!(effective.kind === "const" && effective.value))
    conditions.push(p.expr(effective, conditions.length > 0 ? Level.And : Level.Or));
  return conditions.length === 0 ? from : `${from}\n| WHERE ${conditions.join(" AND ")}`;
}
