import { DiagnosticError, assertNever, type Diagnostic } from "../../diagnostics.js";
import { and, not, or, patternToSigma, type Expr, type MatchExpr } from "../../ir.js";
import { DeviationRecorder } from "../deviations.js";
import { ipv4NetworkRegex } from "../splunk/pcre.js";
import type { BackendContext, Lowered } from "../types.js";
import { caseIrrelevant, caseRegex } from "./case-regex.js";
import type { Dialect } from "./dialect.js";
import { dialectOf, tableParts } from "./options.js";
import { sqlRegex } from "./regex.js";
import { isMany, resolveField, type Access } from "./schema.js";

/**
 * Rewrite the IR into what the SQL dialect says exactly. Most constructs print as they are
 * (print.ts); the lowering checks each predicate and declares what changes, at its origin:
 * - FIDELITY_CIDR_IPV4_TEXT: an IPv4 network matches dotted-quad text only (no engine here has
 *   an address type that reads text alike), so IPv4-mapped IPv6 text does not match;
 * - FIDELITY_CASE_FOLD: the few case-insensitive patterns the class regex cannot say exactly;
 * - FIDELITY_REGEX_CODE_POINTS: a regex that only compiles without JavaScript's u flag reads
 *   UTF-16 units, the engines read code points (the same on text within the BMP).
 * Refused: keywords (no column to search), field references, time parts, IPv6 networks, values
 * no SQL string can hold (NUL, unpaired surrogates), regexes without an exact translation.
 */

const LONE_SURROGATE = /\p{Cs}/u;
const NUL = /\x00/;

/** Numbers print as SQL literals read back to the same double. */
const finite = (n: number): boolean => Number.isFinite(n);

export function lowerSql(ir: Expr, ctx: BackendContext): Lowered {
  const diagnostics: Diagnostic[] = [];
  const recorder = new DeviationRecorder();
  const file = ctx.rule.source.path;
  let dialect: Dialect;
  try {
    dialect = dialectOf(ctx);
    tableParts(ctx);
  } catch (e) {
    if (e instanceof DiagnosticError)
      return { effective: ir, deviations: [], diagnostics: [e.diagnostic] };
    throw e;
  }
  const report = (
    m: MatchExpr,
    severity: "error" | "warning" | "info",
    code: string,
    message: string,
  ): void => {
    diagnostics.push({
      severity,
      code,
      message,
      file,
      loc: m.origin,
      target: "sql",
      ...(severity === "error" ? {} : { fidelity: true }),
    });
  };
  const refuse = (m: MatchExpr, code: string, message: string): Expr => {
    report(m, "error", code, message);
    return m;
  };
  const deviate = (m: MatchExpr, code: string, message: string): void => {
    report(m, "warning", code, message);
    recorder.declare(code);
  };

  const access = (m: MatchExpr, field: string): Access | undefined => {
    try {
      const a = resolveField(ctx.mapping, field, file, m.origin);
      if (a.kind === "json") {
        const bad = a.steps.find((s) => s.kind === "key" && dialect.badJsonKey.test(s.key));
        if (bad && bad.kind === "key") {
          report(
            m,
            "error",
            "UNSUPPORTED_FIELD_NAME",
            `JSON key ${JSON.stringify(bad.key)} cannot be written in a ${dialect.name} JSON path`,
          );
          return undefined;
        }
        if (isMany(a) && dialect.jsonList === undefined) {
          report(
            m,
            "error",
            "UNSUPPORTED_JSON_LIST",
            `${field} reads every element of a JSON array, which ${dialect.name}'s JSON functions return as JSON text, not as a list`,
          );
          return undefined;
        }
      }
      const names = a.columns;
      if (names.some((n) => dialect.badIdentChar.test(n))) {
        report(
          m,
          "error",
          "UNSUPPORTED_FIELD_NAME",
          `column name in ${field} cannot be quoted in ${dialect.name}`,
        );
        return undefined;
      }
      return a;
    } catch (e) {
      if (e instanceof DiagnosticError) {
        diagnostics.push(e.diagnostic);
        return undefined;
      }
      throw e;
    }
  };

  function lowerMatch(m: MatchExpr): Expr {
    if (m.field === null)
      return refuse(
        m,
        "UNSUPPORTED_KEYWORD",
        "keyword (field-less) values are not supported: a SQL table has no column holding every value of an event",
      );
    if (access(m, m.field) === undefined) return m;
    const t = m.test;
    switch (t.kind) {
      case "pattern": {
        const texts = t.pattern.flatMap((p) => (p.kind === "text" ? [p.text] : []));
        if (texts.some((s) => LONE_SURROGATE.test(s) || NUL.test(s)))
          return refuse(
            m,
            "UNSUPPORTED_VALUE",
            "a value with a NUL character or an unpaired surrogate cannot be a SQL string",
          );
        if (t.cased || caseIrrelevant(t.pattern)) return m;
        const cr = caseRegex(t.pattern);
        if (cr.deviation === null) return m;
        deviate(
          m,
          "FIDELITY_CASE_FOLD",
          `'${patternToSigma(t.pattern)}' is matched case-sensitively per character class; ${cr.deviation.reason}`,
        );
        return {
          ...m,
          test: {
            kind: "regex",
            source: cr.deviation.source,
            flags: { i: false, m: false, s: true },
          },
        };
      }
      case "regex": {
        const r = sqlRegex(t.source, t.flags, dialect.name);
        if (!r.ok)
          return refuse(
            m,
            "UNSUPPORTED_REGEX",
            `regular expression /${t.source}/ has no exact ${dialect.name} form: ${r.reason}`,
          );
        if (r.codePoints === undefined) return m;
        deviate(
          m,
          "FIDELITY_REGEX_CODE_POINTS",
          `/${t.source}/ only compiles without JavaScript's u flag, where it reads UTF-16 units; ${dialect.name} reads code points, so a character above U+FFFF is one character there`,
        );
        return {
          ...m,
          test: {
            kind: "regex",
            source: r.codePoints.source,
            flags: { i: false, m: false, s: false },
          },
        };
      }
      case "cidr": {
        if (t.version === 6)
          return refuse(
            m,
            "UNSUPPORTED_CIDR_IPV6",
            `IPv6 network ${t.network}/${t.prefix}: no SQL dialect here reads IPv6 text as an address alike`,
          );
        deviate(
          m,
          "FIDELITY_CIDR_IPV4_TEXT",
          `${t.network}/${t.prefix} is matched on dotted-quad IPv4 text only; IPv4-mapped IPv6 forms (::ffff:a.b.c.d) do not match`,
        );
        return {
          kind: "match",
          field: m.field,
          test: {
            kind: "regex",
            source: ipv4NetworkRegex(t.network, t.prefix),
            flags: { i: false, m: false, s: false },
          },
          origin: m.origin,
        };
      }
      case "number":
        if (!finite(t.value))
          return refuse(m, "UNSUPPORTED_NUMBER", `number ${t.value} cannot be a SQL literal`);
        return m;
      case "bool":
        // A JSON boolean reads as the text true/false; Sigma's boolean test is that text in any case.
        return lowerMatch({
          ...m,
          test: {
            kind: "pattern",
            pattern: [{ kind: "text", text: String(t.value) }],
            cased: false,
          },
        });
      case "null":
      case "exists":
        return m;
      case "fieldref":
        return refuse(
          m,
          "UNSUPPORTED_FIELDREF",
          "field references are not supported by the SQL backend",
        );
      case "timepart":
        return refuse(
          m,
          "UNSUPPORTED_TIMEPART",
          "time-part modifiers are not supported by the SQL backend: timestamps are text in the table",
        );
      case "phrase":
        return refuse(
          m,
          "UNSUPPORTED_PHRASE",
          "a phrase test (Elasticsearch's analysed text) is not a rule construct; it has no meaning here",
        );
      default:
        return assertNever(t);
    }
  }

  const walk = (e: Expr): Expr => {
    switch (e.kind) {
      case "and":
        return and(e.items.map(walk));
      case "or":
        return or(e.items.map(walk));
      case "not":
        return not(walk(e.item));
      case "const":
        return e;
      case "match":
        return recorder.predicate(e, () => lowerMatch(e));
      default:
        return assertNever(e);
    }
  };

  return { effective: walk(ir), deviations: recorder.deviations, diagnostics };
}
