import { and, not, or, type Expr, type MatchExpr, type Part, type Test } from "../../ir.js";
import { comparable } from "./number-glob.js";
import { deviate, report, withTest, type Sink } from "./sink.js";

/**
 * Lowering of numeric comparisons and CIDR tests on Falco string fields. The printer writes a
 * `number` test as globs over canonical integer text (number-glob.ts) and a `cidr` test as globs
 * over dotted-quad text (cidr-glob.ts). Where those globs and the reference evaluator could
 * disagree on some string, the effective IR adds a guard that is false on it, so the effective IR
 * is exactly what Falco runs; what the guard excludes is the declared deviation.
 */
type Comparison = Extract<Test, { kind: "number" }> & { readonly op: "lt" | "lte" | "gt" | "gte" };
type Cidr = Extract<Test, { kind: "cidr" }>;

const ANY: Part = { kind: "any" };
const text = (t: string): Part => ({ kind: "text", text: t });

function cased(m: MatchExpr, parts: readonly Part[]): MatchExpr {
  return withTest(m, { kind: "pattern", pattern: parts, cased: true });
}

/**
 * Numeric text that is not a canonical integer: the strings on which the reference evaluator's
 * number test (`-?\d+(\.\d+)?([eE][-+]?\d+)?`) and integer-text globs can disagree.
 */
function nonCanonicalNumber(m: MatchExpr): Expr {
  return or([
    cased(m, [ANY, text("."), ANY]),
    cased(m, [ANY, text("e"), ANY]),
    cased(m, [ANY, text("E"), ANY]),
    and([cased(m, [text("0"), ANY]), not(cased(m, [text("0")]))]),
    cased(m, [text("-0"), ANY]),
  ]);
}

export function lowerComparison(sink: Sink, m: MatchExpr, f: string, t: Comparison): Expr {
  if (!comparable(t.op, t.value)) {
    report(
      sink,
      m,
      "error",
      "UNSUPPORTED_NUMBER_COMPARISON",
      `${t.op} ${String(t.value)} has no integer bound within ±2^53 to write as text globs`,
    );
    return m;
  }
  deviate(
    sink,
    m,
    "warning",
    "FIDELITY_NUMBER_TEXT",
    `${f} is a string: ${t.op} ${String(t.value)} is written as globs over integer text; numeric text that is not a canonical integer (400.0, 4e2, 0400, -0) never matches`,
  );
  return and([withTest(m, t), not(nonCanonicalNumber(m))]);
}

const colonGuard = (m: MatchExpr): Expr => not(cased(m, [ANY, text(":"), ANY]));

export function lowerCidr(sink: Sink, m: MatchExpr, f: string, t: Cidr): Expr {
  if (t.version === 6) {
    report(
      sink,
      m,
      "error",
      "UNSUPPORTED_CIDR_IPV6",
      `IPv6 network ${t.network}/${t.prefix}: ${f} is a string, and IPv6 text has too many spellings (case, zero compression, dotted tails) to match as globs`,
    );
    return m;
  }
  deviate(
    sink,
    m,
    "warning",
    "FIDELITY_CIDR_DOTTED_QUAD",
    `${f} is a string: ${t.network}/${t.prefix} is matched as dotted-quad text (what Go's net.IP prints); IPv4-mapped IPv6 text such as ::ffff:${t.network} does not match`,
  );
  return and([withTest(m, t), colonGuard(m)]);
}

/** The field of `cidr(f) and not f contains ":"`, as lowerCidr builds it. */
function guardedCidr(e: Expr): { field: string; cidr: MatchExpr; guard: Expr } | undefined {
  if (e.kind !== "and" || e.items.length !== 2) return undefined;
  const [c, g] = e.items;
  if (c?.kind !== "match" || c.test.kind !== "cidr" || c.field === null) return undefined;
  if (g?.kind !== "not" || g.item.kind !== "match" || g.item.field !== c.field) return undefined;
  const t = g.item.test;
  if (t.kind !== "pattern" || !t.cased || t.pattern.length !== 3) return undefined;
  if (t.pattern[1]?.kind !== "text" || t.pattern[1].text !== ":") return undefined;
  return { field: c.field, cidr: c, guard: g };
}

/**
 * In an OR, the networks of one field share one guard: `g and (n1 or n2)` instead of
 * `(n1 and g) or (n2 and g)`, so the printer writes the dotted-quad check once per field.
 */
export function shareCidrGuards(items: readonly Expr[]): Expr[] {
  const groups = new Map<string, { guard: Expr; cidrs: MatchExpr[] }>();
  const out: (Expr | string)[] = [];
  for (const item of items) {
    const g = guardedCidr(item);
    if (g === undefined) {
      out.push(item);
      continue;
    }
    const group = groups.get(g.field);
    if (group) group.cidrs.push(g.cidr);
    else {
      groups.set(g.field, { guard: g.guard, cidrs: [g.cidr] });
      out.push(g.field);
    }
  }
  return out.map((x) => {
    if (typeof x !== "string") return x;
    const group = groups.get(x)!;
    return and([group.guard, or(group.cidrs)]);
  });
}
