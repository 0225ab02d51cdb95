import { assertNever } from "../../../diagnostics.js";
import { literalText, type Expr, type MatchExpr, type Pattern } from "../../../ir.js";
import type { FieldType } from "../fields.js";
import { luceneGlob, luceneSearch } from "../lucene-regex.js";
import type { Scope, ScopeCondition } from "../scope.js";
import { eqlField, eqlRawOrString, eqlString } from "./dialect.js";

/**
 * Prints the effective IR as an EQL query. Each leaf is one EQL comparison on keyword, wildcard,
 * numeric, ip or boolean fields, all of which Elasticsearch turns into term-level queries: a
 * multi-valued field matches when any value does, and `not` is a must_not (it matches documents
 * without the field), which is Sigma's meaning. Encodings per leaf:
 *   case-insensitive (ASCII-exact)  f : "v", f : "a*b?"   (in~ ("v*") when the value holds * or ?)
 *   case-sensitive                  f == "v", f like "a*", else f regex "…" (literal * or ?)
 *   regex                           f regex """lucene"""
 *   cidr / ip                       cidrMatch(f, "10.0.0.0/8")
 *   number, boolean                 f == 200, f >= 400, f == true, keyword f : "true"
 *   null / exists                   f == null / f != null
 * Leaves on one field inside an OR become one list (`f : ("a", "b")`, `f in (…)`, `f like (…)`).
 * A field the index mapping does not declare is written `?f` (null when the index has none); under
 * `not` it is guarded as `(?f != null and …)`, so that a missing mapping is false, not null.
 * A one-to-many field is one comparison per target field, ORed (a null test: ANDed).
 */

export interface EqlField {
  readonly name: string;
  readonly type: FieldType;
  /** Not declared by the index mapping: written `?name`. */
  readonly optional: boolean;
}

/** A match's target field(s): several for a one-to-many mapping (the value in any of them). */
export type EqlFieldOf = (m: MatchExpr) => readonly EqlField[];

const enum Level {
  Or = 0,
  And = 1,
  Not = 2,
}

function wrap(text: string, needed: boolean): string {
  return needed ? `(${text})` : text;
}

/**
 * How a leaf joins a list of siblings on the same field, and the list operator: `:` (ci),
 * `like` / `in` (cased: literals and like-able globs), `in` only (eq: a literal holding * or ?),
 * `regex`, `cidrMatch`.
 */
type ListKind = "ci" | "cased" | "eq" | "cidr" | "regex";

interface Leaf {
  readonly kind: ListKind | "single";
  /** The value written in a list (already a string/regex literal). */
  readonly value: string;
  /** A `like` pattern (a wildcard appears): the cased list uses `like`, not `in`. */
  readonly wildcard: boolean;
}

const hasWildcard = (p: Pattern): boolean => p.some((x) => x.kind !== "text");

/** A cased glob that `like` can say: no literal `*`/`?` (like cannot escape them), no U+0001. */
function likeable(p: Pattern): boolean {
  return p.every((x) => x.kind !== "text" || !/[*?\u0001]/.test(x.text));
}

function likeText(p: Pattern): string {
  return p.map((x) => (x.kind === "any" ? "*" : x.kind === "one" ? "?" : x.text)).join("");
}

function numberText(n: number): string {
  return String(n);
}

class Printer {
  constructor(private readonly fieldsOf: EqlFieldOf) {}

  /** The one target field of a match, or undefined for a one-to-many field. */
  private only(m: MatchExpr): EqlField | undefined {
    const fs = this.fieldsOf(m);
    return fs.length === 1 ? fs[0] : undefined;
  }

  private listLeaf(m: MatchExpr): Leaf {
    const t = m.test;
    // The lowering refuses a one-to-many field whose target fields differ in type.
    const type = this.fieldsOf(m)[0]!.type;
    switch (t.kind) {
      case "pattern":
        if (!t.cased) {
          const special = !hasWildcard(t.pattern) && /[*?]/.test(literalText(t.pattern));
          if (special) return { kind: "single", value: "", wildcard: false };
          return { kind: "ci", value: eqlString(likeText(t.pattern)), wildcard: false };
        }
        if (likeable(t.pattern))
          return {
            kind: "cased",
            value: eqlString(likeText(t.pattern)),
            wildcard: hasWildcard(t.pattern),
          };
        if (!hasWildcard(t.pattern))
          return { kind: "eq", value: eqlString(literalText(t.pattern)), wildcard: false };
        return { kind: "regex", value: eqlRawOrString(luceneGlob(t.pattern)), wildcard: false };
      case "regex": {
        const lucene = luceneSearch(t.source, t.flags);
        if (!lucene.ok) throw new Error(`EQL printer: regex /${t.source}/ was not lowered`);
        return { kind: "regex", value: eqlRawOrString(lucene.source), wildcard: false };
      }
      case "cidr":
        return { kind: "cidr", value: eqlString(`${t.network}/${t.prefix}`), wildcard: false };
      case "bool":
        return type === "boolean"
          ? { kind: "single", value: "", wildcard: false }
          : { kind: "ci", value: eqlString(String(t.value)), wildcard: false };
      case "number":
      case "null":
      case "exists":
      case "fieldref":
      case "timepart":
      case "phrase":
        return { kind: "single", value: "", wildcard: false };
      default:
        return assertNever(t);
    }
  }

  /** One comparison for a list of leaves (one or more) of the same field and kind. */
  private comparison(ms: readonly MatchExpr[], negated: boolean, field: EqlField): string {
    const first = ms[0]!;
    const name = eqlField(field.name, field.optional);
    const leaves = ms.map((m) => this.listLeaf(m));
    const kind = leaves[0]!.kind;
    let text: string;
    if (kind === "single") text = this.single(first, name, field.type);
    else {
      const values = leaves.map((l) => l.value);
      const list = values.length === 1 ? values[0]! : `(${values.join(", ")})`;
      switch (kind) {
        case "ci":
          text = `${name} : ${list}`;
          break;
        case "cased":
          text = leaves.some((l) => l.wildcard)
            ? `${name} like ${list}`
            : values.length === 1
              ? `${name} == ${list}`
              : `${name} in ${list}`;
          break;
        case "eq":
          text = values.length === 1 ? `${name} == ${list}` : `${name} in ${list}`;
          break;
        case "regex":
          text = `${name} regex ${list}`;
          break;
        case "cidr":
          text = `cidrMatch(${name}, ${values.join(", ")})`;
          break;
      }
    }
    const valueTest = !(first.test.kind === "null" || first.test.kind === "exists");
    // An optional field whose mapping is missing is null, and `not null` is null in EQL: under a
    // negation the comparison is guarded so that a missing field reads as false.
    if (field.optional && negated && valueTest) return `(${name} != null and ${text})`;
    return text;
  }

  private single(m: MatchExpr, name: string, type: FieldType): string {
    const t = m.test;
    switch (t.kind) {
      case "pattern":
        // A case-insensitive literal holding * or ?: in~ compares without wildcards.
        return `${name} in~ (${eqlString(literalText(t.pattern))})`;
      case "number":
        return t.op === "eq"
          ? `${name} == ${numberText(t.value)}`
          : `${name} ${{ lt: "<", lte: "<=", gt: ">", gte: ">=" }[t.op]} ${numberText(t.value)}`;
      case "bool":
        return type === "boolean" ? `${name} == ${t.value}` : `${name} : "${t.value}"`;
      case "null":
        return `${name} == null`;
      case "exists":
        return `${name} != null`;
      case "regex":
      case "cidr":
      case "fieldref":
      case "timepart":
      case "phrase":
        throw new Error(`EQL printer: ${t.kind} test was not lowered`);
      default:
        return assertNever(t);
    }
  }

  /**
   * `f != "v"` / `f not in (…)` for the negation of exact case-sensitive values of one mapped
   * field (EQL reads both as Not(…), the must_not of the same term query).
   */
  private notIn(e: Expr): string | undefined {
    const items = e.kind === "match" ? [e] : e.kind === "or" ? e.items : [];
    if (items.length === 0 || !items.every((i): i is MatchExpr => i.kind === "match"))
      return undefined;
    const keys = new Set(items.map((i) => this.groupKey(i)));
    const leaves = items.map((i) => this.listLeaf(i));
    const field = this.only(items[0]!);
    const exact = (l: (typeof leaves)[number]): boolean =>
      (l.kind === "cased" || l.kind === "eq") && !l.wildcard;
    if (field === undefined || keys.size !== 1 || !leaves.every(exact) || field.optional)
      return undefined;
    const name = eqlField(field.name, false);
    const values = leaves.map((l) => l.value);
    return values.length === 1
      ? `${name} != ${values[0]}`
      : `${name} not in (${values.join(", ")})`;
  }

  /** Group key of a leaf that can join a list: field and list kind. */
  private groupKey(e: Expr): string | undefined {
    if (e.kind !== "match") return undefined;
    const f = this.only(e);
    if (f === undefined) return undefined;
    const leaf = this.listLeaf(e);
    if (leaf.kind === "single") return undefined;
    return `${leaf.kind}\u0000${f.optional ? "?" : ""}${f.name}`;
  }

  expr(e: Expr, parent: Level, negated: boolean): string {
    switch (e.kind) {
      case "or": {
        const parts: string[] = [];
        const groups = new Map<string, MatchExpr[]>();
        const order: (Expr | string)[] = [];
        for (const item of e.items) {
          const key = this.groupKey(item);
          if (key === undefined) order.push(item);
          else {
            const g = groups.get(key);
            if (g) g.push(item as MatchExpr);
            else {
              groups.set(key, [item as MatchExpr]);
              order.push(key);
            }
          }
        }
        for (const o of order)
          parts.push(
            typeof o === "string"
              ? this.comparison(groups.get(o)!, negated, this.only(groups.get(o)![0]!)!)
              : this.expr(o, Level.Or + 1, negated),
          );
        return wrap(parts.join(" or "), parent > Level.Or && parts.length > 1);
      }
      case "and": {
        const text = e.items.map((i) => this.expr(i, Level.And + 1, negated)).join(" and ");
        return wrap(text, parent > Level.And);
      }
      case "not": {
        const inner = e.item;
        // f == null and f != null are each other's negation (exists queries, never null).
        const f = inner.kind === "match" ? this.only(inner) : undefined;
        if (
          f !== undefined &&
          inner.kind === "match" &&
          (inner.test.kind === "null" || inner.test.kind === "exists")
        )
          return `${eqlField(f.name, f.optional)} ${inner.test.kind === "null" ? "!=" : "=="} null`;
        const notIn = this.notIn(inner);
        return notIn ?? `not ${this.expr(inner, Level.Not + 1, !negated)}`;
      }
      case "const":
        return String(e.value);
      case "match": {
        const fs = this.fieldsOf(e);
        if (fs.length === 1) return this.comparison([e], negated, fs[0]!);
        // One-to-many: the value in any of the fields; missing means missing from all of them.
        const all = e.test.kind === "null";
        const level = all ? Level.And : Level.Or;
        const text = fs.map((f) => this.comparison([e], negated, f)).join(all ? " and " : " or ");
        return wrap(text, parent > level);
      }
      default:
        return assertNever(e);
    }
  }
}

/** `name == "v"` or `name in ("a", "b")` for one scope condition. */
function conditionText(c: ScopeCondition): string {
  const name = eqlField(c.field, false);
  return c.values.length === 1
    ? `${name} == ${eqlString(c.values[0]!)}`
    : `${name} in (${c.values.map(eqlString).join(", ")})`;
}

/** The scope's conjuncts: each condition of one alternative, or one parenthesized OR. */
function scopeTexts(scope: Scope): string[] {
  if (scope.length === 1) return scope[0]!.map(conditionText);
  if (scope.length === 0) return [];
  const alternatives = scope.map((cs) => {
    const text = cs.map(conditionText).join(" and ");
    return cs.length > 1 ? `(${text})` : text;
  });
  return [`(${alternatives.join(" or ")})`];
}

/** The EQL query: `<category> where <scope> and <expression>`. */
export function printEql(
  effective: Expr,
  fieldOf: EqlFieldOf,
  category: string,
  scope: Scope,
): string {
  const p = new Printer(fieldOf);
  const scopes = scopeTexts(scope);
  const body =
    effective.kind === "const" && effective.value && scopes.length > 0
      ? scopes.join(" and ")
      : [...scopes, p.expr(effective, scopes.length > 0 ? Level.And : Level.Or, false)].join(
          " and ",
        );
  return `${category} where ${body}`;
}
