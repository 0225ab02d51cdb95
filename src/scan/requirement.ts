import type { Expr, Test } from "../ir.js";
import { assertNever } from "../diagnostics.js";
import { boolLiteral, patternLiterals, type Literal } from "./literals.js";

/**
 * What every raw line matching an expression must contain, in conjunctive normal form: each clause
 * is a set of literals of which at least one must occur. No clauses = no requirement; `never` = the
 * expression cannot match at all (const false).
 *
 * Soundness by construction:
 *   - AND: every child's requirement holds, so their union does.
 *   - OR: some child matched, so its requirement holds; one clause per child (the most selective),
 *     joined into a single any-of clause, is implied. A child without requirement voids it.
 *   - NOT, and tests that may hold on absent values (null), compare numbers (403 may be `4.03e2`,
 *     `"403"` or `" 403"`…), regexes, CIDRs, field references, time parts, exists: nothing.
 *   - Field names are never required: a literal dotted key and a nested path are both allowed, and
 *     keys may be escaped; only values are looked for.
 */
export type Requirement =
  { readonly kind: "never" } | { readonly kind: "clauses"; readonly clauses: readonly Clause[] };

export type Clause = readonly Literal[];

const NONE: Requirement = { kind: "clauses", clauses: [] };
const NEVER: Requirement = { kind: "never" };

/** An any-of clause wider than this costs more to check than it saves. */
const MAX_CLAUSE_LITERALS = 24;

export function requirementOf(expr: Expr): Requirement {
  switch (expr.kind) {
    case "const":
      return expr.value ? NONE : NEVER;
    case "not":
      return NONE;
    case "and": {
      const clauses: Clause[] = [];
      for (const item of expr.items) {
        const r = requirementOf(item);
        if (r.kind === "never") return NEVER;
        clauses.push(...r.clauses);
      }
      return { kind: "clauses", clauses: dedupeClauses(clauses) };
    }
    case "or": {
      const joined: Literal[] = [];
      for (const item of expr.items) {
        const r = requirementOf(item);
        if (r.kind === "never") continue;
        const best = bestClause(r.clauses);
        if (best === undefined) return NONE;
        joined.push(...best);
      }
      if (joined.length === 0) return NEVER;
      const clause = dedupeLiterals(joined);
      return clause.length > MAX_CLAUSE_LITERALS ? NONE : { kind: "clauses", clauses: [clause] };
    }
    case "match":
      return testRequirement(expr.test);
  }
  return assertNever(expr);
}

function testRequirement(test: Test): Requirement {
  switch (test.kind) {
    case "pattern":
      return {
        kind: "clauses",
        clauses: patternLiterals(test.pattern, test.cased).map((l) => [l]),
      };
    case "bool":
      return { kind: "clauses", clauses: [[boolLiteral(test.value)]] };
    case "regex":
    case "cidr":
    case "number":
    case "null":
    case "exists":
    case "fieldref":
    case "timepart":
    case "phrase":
      return NONE;
  }
  return assertNever(test);
}

/**
 * How selective a clause is likely to be: its weakest literal decides, longer is rarer, and a
 * quote-anchored literal is a whole value. Used to pick one clause per OR branch and the anchor.
 */
export function clauseScore(clause: Clause): number {
  let worst = Infinity;
  for (const l of clause) worst = Math.min(worst, l.bytes.length);
  return clause.length === 0 ? -1 : worst / Math.sqrt(clause.length);
}

export function bestClause(clauses: readonly Clause[]): Clause | undefined {
  let best: Clause | undefined;
  for (const c of clauses) if (best === undefined || clauseScore(c) > clauseScore(best)) best = c;
  return best;
}

function literalKey(l: Literal): string {
  return (l.folded ? "i:" : "c:") + l.bytes.toString("latin1");
}

function dedupeLiterals(literals: readonly Literal[]): Literal[] {
  const seen = new Map<string, Literal>();
  for (const l of literals) seen.set(literalKey(l), l);
  return [...seen.values()];
}

function dedupeClauses(clauses: readonly Clause[]): Clause[] {
  const seen = new Map<string, Clause>();
  for (const c of clauses) {
    const key = c.map(literalKey).sort().join("\u0000");
    seen.set(key, c);
  }
  return [...seen.values()];
}
