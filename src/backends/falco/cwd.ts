import { and, literal, normalizePattern, not, or, type Expr, type MatchExpr } from "../../ir.js";
import { compilePredicate } from "../../sigma/evaluate.js";
import type { BackendContext } from "../types.js";
import { deviate, report, withTest, type Sink } from "./sink.js";

/**
 * Directories that Falco always writes with a trailing `/` (proc.cwd: threadinfo.cpp update_cwd
 * appends one), where Sysmon for Linux writes none (`/home/ubuntu`); the root stays `/`. A pipeline
 * lists such Sigma fields in `settings.trailingSlashFields`. A pattern P on the Sigma value is P
 * with `/` appended on Falco's value, except for the root, whose answer is known when compiling:
 * `f = "/" or P/` when P matches `/`, else `P/ and not f = "/"`. The seen event holds the value with
 * its slash, so this is declared (info FIDELITY_TRAILING_SLASH) and exact.
 */
export function trailingSlashFields(ctx: BackendContext): ReadonlySet<string> {
  const raw = ctx.mapping?.settings.trailingSlashFields;
  return new Set(Array.isArray(raw) ? raw.filter((x): x is string => typeof x === "string") : []);
}

export function lowerTrailingSlash(sink: Sink, m: MatchExpr, f: string): Expr | undefined {
  const t = m.test;
  if (t.kind === "exists" || t.kind === "null") return undefined;
  if (t.kind !== "pattern") {
    report(
      sink,
      m,
      "error",
      "UNSUPPORTED_FIELD_TYPE",
      `${f} always ends in '/' in Falco: only wildcard values are rewritten for it, not a ${t.kind} test`,
    );
    return m;
  }
  const root = literal("/");
  const onRoot = compilePredicate(m)({ [m.field ?? ""]: "/" });
  const slashed = withTest(m, {
    kind: "pattern",
    pattern: normalizePattern([...t.pattern, { kind: "text", text: "/" }]),
    cased: t.cased,
  });
  const isRoot = withTest(m, { kind: "pattern", pattern: root, cased: true });
  deviate(
    sink,
    m,
    "info",
    "FIDELITY_TRAILING_SLASH",
    `${f} always ends in '/' (Sysmon's value has none): the value is matched with '/' appended, the root '/' as itself`,
  );
  return onRoot ? or([isRoot, slashed]) : and([slashed, not(isRoot)]);
}
