import { normalizePattern, type Expr, type MatchExpr, type Pattern } from "../../ir.js";
import { MAX_ALTERNATIVES, alternativeCount, canFold, needsFolding } from "./glob.js";
import { falcoRegex } from "./regex.js";
import { deviate, report, withTest, type Sink } from "./sink.js";
import { isListField } from "./source-fields.js";
import { falcoAtLeast } from "./version.js";

/**
 * A string pattern or a regular expression on one Falco string field, as Falco says it: `?`
 * widened to `*` (a glob's `?` is one byte), case folded where globs can fold it (ASCII letters,
 * a bounded number of alternatives) or matched case-sensitively with a declared deviation, list
 * fields only with exact values; `|re` through the regex operator where the Falco version has it
 * and the pattern translates exactly. What cannot be said is an UNSUPPORTED_* error.
 */

export function lowerPattern(
  sink: Sink,
  m: MatchExpr,
  f: string,
  pattern: Pattern,
  cased: boolean,
): Expr {
  let p = pattern;
  if (p.some((x) => x.kind === "one")) {
    deviate(
      sink,
      m,
      "warning",
      "FIDELITY_ONE_CHAR_WILDCARD",
      "Falco's glob `?` matches one byte, not one character; `?` is widened to `*`",
    );
    p = normalizePattern(p.map((x) => (x.kind === "one" ? { kind: "any" as const } : x)));
  }
  if (p.some((x) => x.kind === "text" && x.text.includes("\0"))) {
    report(
      sink,
      m,
      "error",
      "UNSUPPORTED_NUL_CHARACTER",
      "a NUL character ends a Falco condition; this value cannot be written",
    );
    return m;
  }
  const isList = isListField(f);
  let c = cased;
  if (!c && !needsFolding(p)) c = true;
  if (!c && (isList || !canFold(p) || alternativeCount(p) > MAX_ALTERNATIVES)) {
    const why = isList
      ? `list field ${f} compares exactly (only in/intersects)`
      : !canFold(p)
        ? "Falco folds ASCII letters only"
        : `case folding needs more than ${MAX_ALTERNATIVES} glob alternatives`;
    deviate(sink, m, "warning", "FIDELITY_CASE_SENSITIVE", `matched case-sensitively: ${why}`);
    c = true;
  }
  if (isList && p.some((x) => x.kind !== "text")) {
    report(
      sink,
      m,
      "error",
      "UNSUPPORTED_LIST_FIELD_WILDCARD",
      `list field ${f} takes only exact values (in/intersects), no wildcards`,
    );
    return m;
  }
  if (
    isList &&
    p.length === 1 &&
    p[0]!.kind === "text" &&
    p[0]!.text.endsWith("\\") &&
    /[()"'\s=,]/.test(p[0]!.text)
  ) {
    report(
      sink,
      m,
      "error",
      "UNSUPPORTED_TRAILING_BACKSLASH",
      "a Falco string cannot end in a backslash, and this list value cannot be written unquoted",
    );
    return m;
  }
  return withTest(m, { kind: "pattern", pattern: p, cased: c });
}

/** Version that added the `regex` operator (libs 0.18.0, falcosecurity/libs 7022182b). */
export const REGEX_SINCE = "0.39.0";

export function lowerRegex(
  sink: Sink,
  m: MatchExpr,
  f: string,
  t: Extract<MatchExpr["test"], { kind: "regex" }>,
  isList: boolean,
): Expr {
  const refuse = (why: string): Expr => {
    report(sink, m, "error", "UNSUPPORTED_REGEX", why);
    return m;
  };
  if (isList) return refuse(`list field ${f} takes only exact values (in/intersects), no regex`);
  if (!falcoAtLeast(sink.ctx, REGEX_SINCE))
    return refuse(
      `the regex operator needs Falco ≥ ${REGEX_SINCE} (libs 0.18); --option falco-version=${REGEX_SINCE} or later emits it`,
    );
  const r = falcoRegex(t.source, t.flags);
  if (!r.ok)
    return refuse(
      `/${t.source}/ has no exact translation into Falco's regex (RE2 POSIX syntax, whole value): ${r.reason}`,
    );
  return m;
}
