import { DiagnosticError, assertNever } from "../../diagnostics.js";
import type { Expr, MatchExpr, Pattern } from "../../ir.js";
import { KQL, quoted, unquotedText } from "./dialect.js";

/**
 * Prints the effective IR as KQL. Precedence follows Kibana's grammar (or < and < not < atom); a
 * `not` operand is a sub-query, so a nested `not` or any and/or under it is parenthesized.
 * Sibling predicates on one field are written as Kibana's value list, `f:(* and not (a or b))`,
 * which Kibana distributes back over the field (the same meaning, reordered within and/or).
 */

/** The printed target field(s) of a match: several for a one-to-many mapping (any of them). */
export type FieldNamer = (m: MatchExpr) => readonly string[];

const enum Level {
  Or = 1,
  And = 2,
  Not = 3,
  Atom = 4,
}

function unsupported(m: MatchExpr, what: string): never {
  throw new DiagnosticError({
    severity: "error",
    code: "UNSUPPORTED_IN_QUERY",
    message: `KQL cannot print ${what}; lower the rule first`,
    file: "",
    loc: m.origin,
    target: "elastic",
  });
}

/** A pattern as a KQL value: quoted when literal, else unquoted with `*`. */
export function patternValue(pattern: Pattern, m: MatchExpr): string {
  if (pattern.every((p) => p.kind === "text"))
    return quoted(pattern.map((p) => (p.kind === "text" ? p.text : "")).join(""));
  return pattern
    .map((p, i) => {
      switch (p.kind) {
        case "text":
          return unquotedText(p.text, i === pattern.length - 1);
        case "any":
          return KQL.wildcard;
        case "one":
          return unsupported(m, "'?'");
        default:
          return assertNever(p);
      }
    })
    .join("");
}

function numberText(n: number): string {
  return String(n);
}

type ListValue = { readonly value: string; readonly negated: boolean } | undefined;

// The IR is immutable and listField asks before the leaf is printed: each leaf is computed once.
const listValues = new WeakMap<MatchExpr, ListValue>();

/** The value text of a test that fits in `field:value` (and so in a value list), else undefined. */
function listValue(m: MatchExpr): ListValue {
  if (listValues.has(m)) return listValues.get(m);
  const v = computeListValue(m);
  listValues.set(m, v);
  return v;
}

function computeListValue(m: MatchExpr): ListValue {
  const t = m.test;
  switch (t.kind) {
    case "pattern":
      if (!t.cased) return unsupported(m, "a case-insensitive match");
      return { value: patternValue(t.pattern, m), negated: false };
    case "exists":
      return { value: KQL.existsValue, negated: false };
    case "null":
      return { value: KQL.existsValue, negated: true };
    case "number":
      return t.op === "eq" ? { value: numberText(t.value), negated: false } : undefined;
    case "bool":
      return { value: String(t.value), negated: false };
    case "cidr":
      return { value: quoted(`${t.network}/${t.prefix}`), negated: false };
    case "regex":
      return unsupported(m, "a regular expression");
    case "fieldref":
      return unsupported(m, "a field comparison");
    case "timepart":
      return unsupported(m, "a time part");
    case "phrase":
      // match_phrase re-analyses the text: the tokens joined by a space are the same phrase.
      return { value: quoted(t.tokens.join(" ")), negated: false };
    default:
      return assertNever(t);
  }
}

function wrap(text: string, needed: boolean): string {
  return needed ? `(${text})` : text;
}

class Printer {
  constructor(private readonly name: FieldNamer) {}

  /** The field all leaves of e test, when every leaf fits in a value list. */
  private listField(e: Expr): string | undefined {
    switch (e.kind) {
      case "match": {
        // A one-to-many field is printed per field; a value list would regroup its tests.
        const names = this.name(e);
        return listValue(e) === undefined || names.length !== 1 ? undefined : names[0];
      }
      case "not":
        return this.listField(e.item);
      case "and":
      case "or": {
        const fields = e.items.map((i) => this.listField(i));
        const first = fields[0];
        return first !== undefined && fields.every((f) => f === first) ? first : undefined;
      }
      case "const":
        return undefined;
      default:
        return assertNever(e);
    }
  }

  expr(e: Expr, parent: Level): string {
    switch (e.kind) {
      case "and":
      case "or": {
        const field = this.listField(e);
        if (field !== undefined) return KQL.fieldValue(field, `(${this.list(e, Level.Or)})`);
        const level = e.kind === "or" ? Level.Or : Level.And;
        const text = this.grouped(e.items, e.kind)
          .map((i) => this.expr(i, level + 1))
          .join(e.kind === "or" ? KQL.or : KQL.and);
        return wrap(text, parent > level);
      }
      case "not":
        return wrap(KQL.not + this.expr(e.item, Level.Atom), parent >= Level.Atom);
      case "const":
        // Constants fold away in lowering; one left inside an expression cannot be said in KQL.
        throw new DiagnosticError({
          severity: "error",
          code: "UNSUPPORTED_IN_QUERY",
          message: "KQL has no constant true/false",
          file: "",
          target: "elastic",
        });
      case "match":
        return this.match(e, parent);
      default:
        return assertNever(e);
    }
  }

  /** Siblings that test one field are gathered (at the first one's place) into one value list. */
  private grouped(items: readonly Expr[], kind: "and" | "or"): Expr[] {
    const order: (Expr | string)[] = [];
    const groups = new Map<string, Expr[]>();
    for (const item of items) {
      const f = this.listField(item);
      if (f === undefined) {
        order.push(item);
        continue;
      }
      const g = groups.get(f);
      if (g) g.push(item);
      else {
        groups.set(f, [item]);
        order.push(f);
      }
    }
    return order.map((o) => {
      if (typeof o !== "string") return o;
      const g = groups.get(o)!;
      return g.length === 1 ? g[0]! : { kind, items: g };
    });
  }

  /**
   * One test, on each of the match's fields: a value or exists test holds when it holds on any
   * of them (or), a null test when the value is missing from all of them (and).
   */
  private match(m: MatchExpr, parent: Level): string {
    const names = this.name(m);
    if (names.length === 1) return this.matchOn(m, names[0]!, parent);
    const all = m.test.kind === "null";
    const level = all ? Level.And : Level.Or;
    const text = names.map((f) => this.matchOn(m, f, level + 1)).join(all ? KQL.and : KQL.or);
    return wrap(text, parent > level);
  }

  private matchOn(m: MatchExpr, field: string, parent: Level): string {
    const t = m.test;
    if (t.kind === "number" && t.op !== "eq")
      return `${field} ${KQL.range[t.op]} ${numberText(t.value)}`;
    const v = listValue(m);
    if (v === undefined) return unsupported(m, t.kind);
    const text = KQL.fieldValue(field, v.value);
    return v.negated ? wrap(KQL.not + text, parent >= Level.Atom) : text;
  }

  /** Inside `field:( … )`: the same precedence rules over bare values. */
  private list(e: Expr, parent: Level): string {
    switch (e.kind) {
      case "and":
      case "or": {
        const level = e.kind === "or" ? Level.Or : Level.And;
        const text = e.items
          .map((i) => this.list(i, level + 1))
          .join(e.kind === "or" ? KQL.or : KQL.and);
        return wrap(text, parent > level);
      }
      case "not":
        return wrap(KQL.not + this.list(e.item, Level.Atom), parent >= Level.Atom);
      case "match": {
        const v = listValue(e);
        if (v === undefined) return unsupported(e, e.test.kind);
        return v.negated ? wrap(KQL.not + v.value, parent >= Level.Atom) : v.value;
      }
      case "const":
        throw new DiagnosticError({
          severity: "error",
          code: "UNSUPPORTED_IN_QUERY",
          message: "KQL has no constant true/false",
          file: "",
          target: "elastic",
        });
      default:
        return assertNever(e);
    }
  }
}

/**
 * The KQL text of an expression, with the scope clause ANDed in front. The scope is verbatim
 * pipeline text: one with whitespace may hold an `or`, so it is parenthesized.
 */
export function printKql(effective: Expr, name: FieldNamer, scope: string | undefined): string {
  const p = new Printer(name);
  const clause = scope !== undefined && /\s/.test(scope) ? `(${scope})` : scope;
  if (effective.kind === "const") {
    if (effective.value) return clause ?? "";
    return p.expr(effective, Level.Or);
  }
  if (clause === undefined) return p.expr(effective, Level.Or);
  return `${clause}${KQL.and}${p.expr(effective, Level.And)}`;
}
