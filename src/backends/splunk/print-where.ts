import { DiagnosticError, assertNever } from "../../diagnostics.js";
import type { Expr, MatchExpr, NumberOp, Pattern } from "../../ir.js";
import { SPL, quote, readNames } from "./dialect.js";
import { anchoredPatterns, jsToPcre } from "./pcre.js";
import { caseInsensitiveRegex, foldIsExact } from "./casefold.js";

/**
 * The `where` part: every predicate is a total boolean (isnull/isnotnull of mvfind/mvfilter), so
 * NOT, AND and OR never meet Splunk's null. mvfind tests every value of a multivalue field and is
 * null for a missing field; patterns become anchored PCRE, `(?i)` unless cased.
 */

const NUMBER_OPS: Readonly<Record<NumberOp, string>> = {
  eq: "==",
  lt: "<",
  lte: "<=",
  gt: ">",
  gte: ">=",
};
/** The reference evaluator's numeric strings; tonumber() is only applied to these. */
const NUMERIC_PCRE = "^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?\\z";

const str = (s: string): string => quote(s, SPL.where.quote, SPL.where.escapes);

export function whereField(name: string, m: MatchExpr): string {
  if (SPL.where.badFieldChar.test(name))
    throw new DiagnosticError({
      severity: "error",
      code: "UNSUPPORTED_FIELD_NAME",
      message: `field name '${name}' cannot be quoted in SPL`,
      file: "",
      loc: m.origin,
      target: "splunk",
    });
  return `'${name}'`;
}

/**
 * Whole-value PCRE for patterns (an alternation): `(?i)` where folding is Sigma's lower-casing,
 * else the exact character classes of casefold.ts (lower() has rewritten the inexact ones).
 */
function patternsRegex(patterns: readonly Pattern[], cased: boolean, m: MatchExpr): string {
  if (cased || patterns.every(foldIsExact)) return anchoredPatterns(patterns, cased);
  const bodies = patterns.map((p) => caseInsensitiveRegex(p).source.slice(1, -1));
  const body = bodies.length === 1 ? bodies[0]! : `(?:${bodies.join("|")})`;
  const tr = jsToPcre(`^${body}$`, { i: false, m: false, s: true });
  if (!tr.ok)
    throw new DiagnosticError({
      severity: "error",
      code: "INTERNAL_SPLUNK_PRINT",
      message: tr.reason,
      file: "",
      loc: m.origin,
      target: "splunk",
    });
  return tr.pcre;
}

/** The test on one field name (a total boolean: never null). */
function printTest(m: MatchExpr, f: string): string {
  const t = m.test;
  switch (t.kind) {
    case "pattern":
      return SPL.where.anyMatches(f, str(patternsRegex([t.pattern], t.cased, m)));
    case "regex": {
      const tr = jsToPcre(t.source, t.flags);
      if (!tr.ok)
        throw new DiagnosticError({
          severity: "error",
          code: "UNSUPPORTED_REGEX",
          message: tr.reason,
          file: "",
          loc: m.origin,
          target: "splunk",
        });
      return SPL.where.anyMatches(f, str(tr.pcre));
    }
    case "bool":
      return SPL.where.anyMatches(
        f,
        str(t.value ? "^[tT][rR][uU][eE]\\z" : "^[fF][aA][lL][sS][eE]\\z"),
      );
    case "number":
      return SPL.where.anyValue(
        `match(${f}, ${str(NUMERIC_PCRE)}) AND tonumber(${f}) ${NUMBER_OPS[t.op]} ${String(t.value)}`,
      );
    case "null":
      return SPL.where.isnull(f);
    case "exists":
      return SPL.where.isnotnull(f);
    case "cidr":
      if (t.version === 6)
        return SPL.where.anyValue(`cidrmatch(${str(`${t.network}/${t.prefix}`)}, ${f})`);
      throw new DiagnosticError({
        severity: "error",
        code: "INTERNAL_SPLUNK_PRINT",
        message: "IPv4 networks must be lowered first",
        file: "",
        loc: m.origin,
        target: "splunk",
      });
    case "fieldref":
    case "timepart":
    case "phrase":
      throw new DiagnosticError({
        severity: "error",
        code: "INTERNAL_SPLUNK_PRINT",
        message: `${t.kind} must be lowered first`,
        file: "",
        loc: m.origin,
        target: "splunk",
      });
    default:
      return assertNever(t);
  }
}

/**
 * A match reads its field's names (readNames: both shapes for an array field): a value test holds
 * when it holds on either name, `null` when both are null. Parenthesized when it has two names,
 * so it stands anywhere; one test is an atom already.
 */
function printMatch(m: MatchExpr, field: (m: MatchExpr) => readonly string[]): string {
  const names = field(m)
    .flatMap(readNames)
    .map((n) => whereField(n, m));
  const tests = names.map((f) => printTest(m, f));
  return tests.length === 1
    ? tests[0]!
    : `(${tests.join(m.test.kind === "null" ? SPL.where.and : SPL.where.or)})`;
}

type PatternMatch = MatchExpr & {
  readonly test: { readonly kind: "pattern"; readonly pattern: Pattern; readonly cased: boolean };
};
const isPattern = (e: Expr): e is PatternMatch =>
  e.kind === "match" && e.field !== null && e.test.kind === "pattern";

/**
 * OR items: patterns on the same field with the same casing become one alternation (an exclusion
 * list is one mvfind); any value matching any alternative is the OR of the single tests. Patterns
 * where case folding is exact (`(?i)`) and those that need explicit letter classes (an `s`, whose
 * fold also takes `ſ`) are separate alternations, so the classes stay on the values that need them.
 */
function orItems(items: readonly Expr[], field: (m: MatchExpr) => readonly string[]): string[] {
  const out: string[] = [];
  const groups = new Map<string, { first: PatternMatch; patterns: Pattern[]; at: number }>();
  for (const item of items) {
    if (isPattern(item)) {
      const exact = item.test.cased || foldIsExact(item.test.pattern);
      const key = `${item.test.cased}\u0000${exact}\u0000${item.field}`;
      const g = groups.get(key);
      if (g) {
        g.patterns.push(item.test.pattern);
        continue;
      }
      groups.set(key, { first: item, patterns: [item.test.pattern], at: out.length });
      out.push("");
      continue;
    }
    out.push(child(item, field));
  }
  for (const g of groups.values()) {
    const re = str(patternsRegex(g.patterns, g.first.test.cased, g.first));
    const tests = field(g.first)
      .flatMap(readNames)
      .map((n) => SPL.where.anyMatches(whereField(n, g.first), re));
    out[g.at] = tests.length === 1 ? tests[0]! : `(${tests.join(SPL.where.or)})`;
  }
  return out;
}

function child(c: Expr, field: (m: MatchExpr) => readonly string[]): string {
  if (c.kind === "or") {
    const items = orItems(c.items, field);
    return items.length === 1 ? items[0]! : `(${items.join(SPL.where.or)})`;
  }
  return c.kind === "and" ? `(${printWhere(c, field)})` : printWhere(c, field);
}

export function printWhere(e: Expr, field: (m: MatchExpr) => readonly string[]): string {
  switch (e.kind) {
    case "and":
      return e.items.map((c) => child(c, field)).join(SPL.where.and);
    case "or": {
      const items = orItems(e.items, field);
      return items.length === 1 ? items[0]! : items.join(SPL.where.or);
    }
    case "not":
      return SPL.where.not + child(e.item, field);
    case "const":
      return e.value ? SPL.where.true : SPL.where.false;
    case "match":
      return printMatch(e, field);
    default:
      return assertNever(e);
  }
}
