import { DiagnosticError, assertNever, type Diagnostic } from "../../diagnostics.js";
import type { Expr, MatchExpr, Pattern } from "../../ir.js";
import { SPL, quote, readNames } from "./dialect.js";
import { foldIsExact } from "./casefold.js";

/**
 * The `search` command part. A predicate goes here only when search says it exactly:
 * case-insensitive globs whose `*` stand at the ends and whose text is plain printable ASCII
 * without `* " \ < > &` (see SPL.search.safeText), and booleans. Everything else goes to `where`.
 */

/** The search command can write the pattern's text and wildcards (whatever the case rule). */
export function patternSearchable(pattern: Pattern): boolean {
  if (!pattern.some((p) => p.kind === "text")) return false;
  return pattern.every((p, i) => {
    switch (p.kind) {
      case "text":
        return SPL.search.safeText.test(p.text) && !SPL.search.unsafeText.test(p.text);
      case "any":
        // A `*` between two texts: Splunk documents inconsistent results for inner wildcards.
        return i === 0 || i === pattern.length - 1;
      case "one":
        return false;
    }
  });
}

function matchSearchable(m: MatchExpr): boolean {
  if (m.field === null) return false;
  switch (m.test.kind) {
    case "pattern":
      // Search folds case per character; only where folding is Sigma's lower-casing.
      return !m.test.cased && patternSearchable(m.test.pattern) && foldIsExact(m.test.pattern);
    case "bool":
      return true;
    case "regex":
    case "cidr":
    case "number":
    case "null":
    case "exists":
    case "fieldref":
    case "timepart":
    case "phrase":
      return false;
    default:
      return assertNever(m.test);
  }
}

export function searchable(e: Expr): boolean {
  switch (e.kind) {
    case "and":
    case "or":
      return e.items.every(searchable);
    case "not":
      return searchable(e.item);
    case "const":
      return false;
    case "match":
      return matchSearchable(e);
    default:
      return assertNever(e);
  }
}

export function searchField(name: string): string {
  return SPL.search.bareField.test(name) ? name : quote(name, SPL.search.quote, SPL.search.escapes);
}

function globText(pattern: Pattern): string {
  return pattern.map((p) => (p.kind === "text" ? p.text : SPL.search.wildcard)).join("");
}

/** Only reached if the splitter and this printer disagree: a bug, reported as a diagnostic. */
function internal(m: MatchExpr | undefined, what: string): never {
  const d: Diagnostic = {
    severity: "error",
    code: "INTERNAL_SPLUNK_PRINT",
    message: what,
    file: "",
    ...(m ? { loc: m.origin } : {}),
    target: "splunk",
  };
  throw new DiagnosticError(d);
}

/**
 * Print a searchable expression; `field` maps a Sigma field to the Splunk field name. A match
 * reads both shapes of its field (readNames), so it prints as a parenthesized OR.
 */
export function printSearch(e: Expr, field: (m: MatchExpr) => readonly string[]): string {
  const child = (c: Expr): string =>
    c.kind === "and" || c.kind === "or" ? `(${printSearch(c, field)})` : printSearch(c, field);
  switch (e.kind) {
    case "and":
      return e.items.map(child).join(SPL.search.and);
    case "or":
      return e.items.map(child).join(SPL.search.or);
    case "not":
      return SPL.search.not + child(e.item);
    case "const":
      return internal(undefined, "constant in search part");
    case "match": {
      const t = e.test;
      let value: string;
      if (t.kind === "pattern") value = globText(t.pattern);
      else if (t.kind === "bool") value = String(t.value);
      else return internal(e, `test ${t.kind} is not searchable`);
      const terms = field(e)
        .flatMap(readNames)
        .map(
          (name) =>
            searchField(name) + SPL.search.eq + quote(value, SPL.search.quote, SPL.search.escapes),
        );
      return terms.length === 1 ? terms[0]! : `(${terms.join(SPL.search.or)})`;
    }
    default:
      return assertNever(e);
  }
}
