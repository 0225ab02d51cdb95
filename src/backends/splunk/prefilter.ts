import { assertNever } from "../../diagnostics.js";
import { and, or, type Expr, type MatchExpr, type Part, type Pattern } from "../../ir.js";
import { foldCovers } from "./casefold.js";
import { SPL } from "./dialect.js";
import { patternSearchable } from "./print-search.js";

/**
 * Search terms that every event matching an expression must satisfy: a superset the search command
 * can say (case-insensitive `f="…"` globs with `*` only at the ends), put in front of a `| where`
 * that then only narrows. Splunk looks a quoted value's terms up in the index (it breaks the value
 * at the search segmenter's breakers, which include every minor breaker and `\` and `"`, and
 * post-filters the field), so a query with such a term reads only the events that hold it instead
 * of every event of the scope.
 *
 * Soundness, by construction, on the effective IR:
 *   - AND: any subset of the items' terms is implied; all that exist are kept.
 *   - OR: implied only when every branch has one; their OR.
 *   - NOT, numbers (403 may be written 4.03e2), null, exists, regexes, CIDRs: none.
 *   - a pattern: itself when search can write it and case folding accepts every value Sigma's
 *     lower-casing does (foldCovers); else each run of writable text between wildcards, `?` and
 *     characters search cannot hold, as `x*`, `*x` or `*x*` (a value matching the pattern holds
 *     every run at that place). A run must have a letter or digit: punctuation alone is no term.
 */

export type Prefilter =
  | { readonly kind: "terms"; readonly expr: Expr }
  | { readonly kind: "none"; readonly reason: string };

const none = (reason: string): Prefilter => ({ kind: "none", reason });

/** The text search can hold as a literal (see SPL.search.safeText / unsafeText). */
const writable = (c: string): boolean =>
  SPL.search.safeText.test(c) && !SPL.search.unsafeText.test(c);

const ALNUM = /[A-Za-z0-9]/;
const ANY: Part = { kind: "any" };

/** The runs of writable text of a pattern, each with whether it is anchored at either end. */
function runs(pattern: Pattern): Pattern[] {
  const out: Pattern[] = [];
  let text = "";
  let atStart = true;
  const close = (atEnd: boolean): void => {
    // Sigma lower-cases İ to "i" + U+0307: a run ending in i before more text could stop inside
    // it, so trailing i's are cut (the rest of the run is still implied).
    const cut = atEnd ? text : text.replace(/[iI]+$/, "");
    if (ALNUM.test(cut)) {
      const parts: Part[] = [
        ...(atStart ? [] : [ANY]),
        { kind: "text", text: cut },
        ...(atEnd && cut === text ? [] : [ANY]),
      ];
      out.push(parts);
    }
    text = "";
    atStart = false;
  };
  pattern.forEach((p) => {
    if (p.kind !== "text") {
      close(false);
      return;
    }
    for (const c of p.text) {
      if (writable(c)) text += c;
      else close(false);
    }
  });
  close(true);
  return out;
}

function patternTerms(m: MatchExpr, pattern: Pattern): Prefilter {
  const term = (p: Pattern): MatchExpr => ({
    ...m,
    test: { kind: "pattern", pattern: p, cased: false },
  });
  if (patternSearchable(pattern) && foldCovers(pattern))
    return { kind: "terms", expr: term(pattern) };
  const found = runs(pattern).filter((r) => patternSearchable(r) && foldCovers(r));
  if (found.length === 0)
    return none(
      "no letter or digit that search can write (only wildcards, punctuation or non-ASCII)",
    );
  return { kind: "terms", expr: and(unique(found.map(term))) };
}

function matchTerms(m: MatchExpr): Prefilter {
  if (m.field === null) return none("keyword search");
  const t = m.test;
  switch (t.kind) {
    case "pattern":
      return patternTerms(m, t.pattern);
    case "bool":
      return patternTerms(m, [{ kind: "text", text: String(t.value) }]);
    case "regex":
      return none("regular expression");
    case "number":
      return none("number comparison");
    case "cidr":
      return none("CIDR network");
    case "null":
    case "exists":
      return none("field presence");
    case "fieldref":
    case "timepart":
    case "phrase":
      return none(t.kind);
    default:
      return assertNever(t);
  }
}

/** Equal terms (a windash list gives `*all*` three times) are written once. */
function termKey(e: Expr): string {
  return JSON.stringify(e, (k, v: unknown) => (k === "origin" ? undefined : v));
}

function unique(items: readonly Expr[]): Expr[] {
  const seen = new Set<string>();
  return items.filter((e) => {
    const k = termKey(e);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function prefilterOf(e: Expr): Prefilter {
  switch (e.kind) {
    case "const":
      return none(e.value ? "no condition" : "never matches");
    case "not":
      return none("negation");
    case "match":
      return matchTerms(e);
    case "and": {
      const parts = e.items.map(prefilterOf);
      const terms = parts.flatMap((p) => (p.kind === "terms" ? [p.expr] : []));
      if (terms.length > 0) return { kind: "terms", expr: and(unique(terms)) };
      const reasons = [...new Set(parts.map((p) => (p.kind === "none" ? p.reason : "")))];
      return none(reasons.join(" and "));
    }
    case "or": {
      const terms: Expr[] = [];
      for (const item of e.items) {
        const p = prefilterOf(item);
        if (p.kind === "none") return none(`an OR branch has none: ${p.reason}`);
        terms.push(p.expr);
      }
      return { kind: "terms", expr: or(unique(terms)) };
    }
    default:
      return assertNever(e);
  }
}
