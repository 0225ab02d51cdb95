import { DiagnosticError, assertNever, type Diagnostic } from "../../diagnostics.js";
import type { Expr, MatchExpr, Pattern } from "../../ir.js";
import { SPL, quote } from "./dialect.js";

/**
 * The `search` command part. A predicate goes here only when search says it exactly:
 * case-insensitive globs whose `*` stand at the ends and whose text is plain printable ASCII
 * without `* " \ < > &` (see SPL.search.safeText), and booleans. Everything else goes to `where`.
 */

function patternSearchable(pattern: Pattern): boolean {
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
      return !m.test.cased && patternSearchable(m.test.pattern);
    case "bool":
      return true;
    case "regex":
    case "cidr":
    case "number":
    case "null":
    case "exists":
    case "fieldref":
    case "timepart":
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

/** Print a searchable expression; `field` maps a Sigma field to the Splunk field name. */
export function printSearch(e: Expr, field: (m: MatchExpr) => string): string {
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
      const name = searchField(field(e));
      const t = e.test;
      if (t.kind === "pattern")
        return (
          name + SPL.search.eq + quote(globText(t.pattern), SPL.search.quote, SPL.search.escapes)
        );
      if (t.kind === "bool")
        return name + SPL.search.eq + quote(String(t.value), SPL.search.quote, SPL.search.escapes);
      return internal(e, `test ${t.kind} is not searchable`);
    }
    default:
      return assertNever(e);
  }
}
