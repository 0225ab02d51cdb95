import { DiagnosticError, assertNever, hasErrors, type Diagnostic } from "../../diagnostics.js";
import {
  and,
  not,
  or,
  patternToSigma,
  type Expr,
  type MatchExpr,
  type RegexFlags,
} from "../../ir.js";
import { targetFields } from "../../pipelines/fields.js";
import type { BackendContext, Lowered } from "../types.js";
import { SPL } from "./dialect.js";
import { parseIPv6 } from "../../sigma/cidr.js";
import { ipv4NetworkRegex, jsToPcre } from "./pcre.js";
import { caseInsensitiveRegex, foldIsExact } from "./casefold.js";
import { regexFlags } from "../../sigma/eval-regex.js";
import { compilePredicate } from "../../sigma/evaluate.js";
import { DeviationRecorder } from "../deviations.js";
import { XML_SPECIAL, xmlEscapedPattern } from "./xml-text.js";

/** True when an IPv6 network shares addresses with ::ffff:0:0/96, where IPv4 text also matches. */
function overlapsMapped(network: string, prefix: number): boolean {
  const words = parseIPv6(network);
  if (words === undefined) return true;
  const mapped = [0, 0, 0, 0, 0, 0xffff];
  const bits = Math.min(prefix, 96);
  for (let b = 0; b < bits; b += 16) {
    const take = Math.min(16, bits - b);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if (((words[b / 16] ?? 0) & mask) !== (mapped[b / 16]! & mask)) return false;
  }
  return true;
}

/**
 * Rewrite the IR into what SPL says exactly (search for what it can say, `where` + PCRE for the
 * rest). Rewrites: a boolean is the case-insensitive text "true"/"false" (the same values); a
 * case-insensitive pattern on which Unicode case folding differs from Sigma's lower-casing
 * becomes a case-sensitive regex listing each character's lower-case class (casefold.ts).
 * Declared deviations (the predicate is said differently), each at the predicate's origin:
 * - FIDELITY_CIDR_IPV4_TEXT: IPv4 networks match dotted-quad text only;
 * - FIDELITY_CASE_FOLD: the few case-insensitive patterns casefold.ts cannot encode exactly;
 * - FIDELITY_NULL_TEXT: on a scalar field the query tells JSON null (extracted as the text
 *   "null") from values by that text, so a string "null" reads as null.
 * Data notes (what the extracted fields hold; seen.ts states it for the parity run):
 * - FIDELITY_EMPTY_VALUE: JSON extraction gives no field for [] or {} (or an object), so
 *   null / exists cannot tell them from a missing field;
 * - FIDELITY_BOOLEAN_AS_TEXT: a regex that can match "true"/"false" also matches JSON booleans,
 *   which Splunk extracts as that text (Sigma's regex reads only strings and numbers);
 * - FIDELITY_SCALAR_NAME: an array at a field the map names as a scalar is not read.
 * Keywords, field references and time parts are refused.
 */

const LONE_SURROGATE = /\p{Cs}/u;
/** Numbers are printed as eval literals; other forms (1e+21, NaN) are refused. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/** The regex (as the reference evaluator runs it) finds a match in "true" or "false". */
function matchesBooleanText(source: string, flags: RegexFlags): boolean {
  const f = regexFlags(source, flags);
  if (f === undefined) return false;
  const re = new RegExp(source, f);
  return re.test("true") || re.test("false");
}

/** What Splunk's JSON extraction gives for a JSON null: the text null (DESIGN.md). */
const NULL_TEXT = "null";

export function lowerSplunk(ir: Expr, ctx: BackendContext): Lowered {
  const diagnostics: Diagnostic[] = [];
  const recorder = new DeviationRecorder();
  const file = ctx.rule.source.path;
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
      target: "splunk",
      ...(severity === "error" ? {} : { fidelity: true }),
    });
  };
  /** The query says m differently; what it returns is m's declared effective form. */
  const deviate = (
    m: MatchExpr,
    severity: "warning" | "info",
    code: string,
    message: string,
  ): void => {
    report(m, severity, code, message);
    recorder.declare(code);
  };

  const scalarNoted = new Set<string>();
  /** Once per field: a scalar-named field is not read where the data holds an array instead. */
  // Only JSON data has the `f{}` shape: XML-extracted event logs (`extraction: xml`) and
  // key=value records (`extraction: kv`, the audit log) have no arrays.
  const jsonData = (ctx.mapping?.settings.extraction ?? "json") === "json";
  // Only XML-rendered event logs hold &, < and > as entities; key=value audit text holds them raw.
  const xmlData = ctx.mapping?.settings.extraction === "xml";
  const noteScalarName = (m: MatchExpr, field: string, names: readonly string[]): void => {
    if (!jsonData) return;
    const scalar = names.filter((n) => !n.endsWith("{}"));
    if (scalar.length === 0 || scalarNoted.has(field)) return;
    scalarNoted.add(field);
    for (const mapped of scalar)
      report(
        m,
        "info",
        "FIDELITY_SCALAR_NAME",
        `Splunk names an array '${mapped}{}', not '${mapped}'; the query reads '${mapped}' (a single value in the audit schema), so an array at ${field} is not seen`,
      );
  };

  /** The Splunk names of a field, or undefined after reporting why it cannot be written. */
  const checkField = (m: MatchExpr, field: string): readonly string[] | undefined => {
    let names: readonly string[];
    try {
      names = targetFields(ctx.mapping, field, "splunk", file, m.origin);
    } catch (e) {
      if (e instanceof DiagnosticError) {
        diagnostics.push(e.diagnostic);
        return undefined;
      }
      throw e;
    }
    const bad = names.find((n) => SPL.where.badFieldChar.test(n));
    if (bad !== undefined) {
      report(
        m,
        "error",
        "UNSUPPORTED_FIELD_NAME",
        `field name '${bad}' cannot be quoted in SPL (quote, backslash or control character)`,
      );
      return undefined;
    }
    return names;
  };

  const isScalarName = (field: string): boolean =>
    !(ctx.mapping?.fields[field] ?? field).endsWith("{}");
  const nullText = (m: MatchExpr, field: string): MatchExpr => ({
    kind: "match",
    field,
    test: { kind: "pattern", pattern: [{ kind: "text", text: NULL_TEXT }], cased: true },
    origin: m.origin,
  });

  /**
   * JSON extraction gives a JSON null as the text "null". On a field read under a single (scalar)
   * name, the query tells a null from a value by that text: exists and every value test that
   * would hold on "null" exclude it, null includes it; so only a raw string "null" is read as a
   * JSON null (FIDELITY_NULL_TEXT). An array field's "null" elements are data (a note).
   */
  function lowerMatch(m: MatchExpr): Expr {
    const lowered = lowerTest(m);
    const field = m.field;
    if (field === null || hasErrors(diagnostics)) return lowered;
    const t = m.test;
    if (!isScalarName(field)) {
      // A multivalue field cannot tell a null element from the text "null": a data note.
      if (
        t.kind === "exists" ||
        t.kind === "null" ||
        compilePredicate(lowered)({ [field]: NULL_TEXT })
      )
        report(
          m,
          "info",
          "FIDELITY_NULL_TEXT",
          `Splunk extracts a JSON null as the text "null": a null at or in ${field} reads as that text`,
        );
      return lowered;
    }
    if (t.kind === "exists" || t.kind === "null") {
      deviate(
        m,
        "info",
        "FIDELITY_NULL_TEXT",
        `Splunk extracts a JSON null as the text "null": ${t.kind} on ${field} ${t.kind === "exists" ? "excludes" : "includes"} that text, so a string "null" counts as null`,
      );
      return t.kind === "exists"
        ? and([lowered, not(nullText(m, field))])
        : or([lowered, nullText(m, field)]);
    }
    if (!compilePredicate(lowered)({ [field]: NULL_TEXT })) return lowered;
    if (t.kind === "pattern" && t.pattern.length === 1 && t.pattern[0]!.kind === "text") {
      // The value is the word null itself: a guard would leave a predicate that never holds.
      report(
        m,
        "info",
        "FIDELITY_NULL_TEXT",
        `Splunk extracts a JSON null as the text "null": this value also matches a JSON null at ${field}`,
      );
      return lowered;
    }
    deviate(
      m,
      "info",
      "FIDELITY_NULL_TEXT",
      `Splunk extracts a JSON null as the text "null": the test excludes that text, so it does not hold on a string "null" at ${field}`,
    );
    return and([lowered, not(nullText(m, field))]);
  }

  /**
   * A pattern on XML-extracted text: its &, < and > written as the entities the data holds (an
   * exact rewrite), then case-folded as any pattern. A `?` stands for one character of that text,
   * where one raw &, < or > is four or five: a data note.
   */
  function lowerXmlPattern(m: MatchExpr, t: Extract<MatchExpr["test"], { kind: "pattern" }>): Expr {
    const pattern = xmlEscapedPattern(t.pattern);
    if (pattern.some((p) => p.kind === "one"))
      report(
        m,
        "info",
        "FIDELITY_XML_ENTITY",
        "Splunk's XML extraction holds &, < and > as &amp;, &lt; and &gt;: a ? does not stand for one of them",
      );
    const escaped: MatchExpr = pattern === t.pattern ? m : { ...m, test: { ...t, pattern } };
    if (t.cased || foldIsExact(pattern)) return escaped;
    const cr = caseInsensitiveRegex(pattern);
    if (cr.deviation === null) return escaped;
    deviate(
      m,
      "warning",
      "FIDELITY_CASE_FOLD",
      `Splunk compares '${patternToSigma(t.pattern)}' case-sensitively per character class; ${cr.deviation}`,
    );
    return {
      ...m,
      test: { kind: "regex", source: cr.source, flags: { i: false, m: false, s: true } },
    };
  }

  function lowerTest(m: MatchExpr): Expr {
    if (m.field === null) {
      report(
        m,
        "error",
        "UNSUPPORTED_KEYWORD",
        "keyword (field-less) values are not supported: Splunk bare terms search raw-text index terms, not field values",
      );
      return m;
    }
    const names = checkField(m, m.field);
    if (names === undefined) return m;
    noteScalarName(m, m.field, names);
    const t = m.test;
    switch (t.kind) {
      case "pattern": {
        if (t.pattern.some((p) => p.kind === "text" && LONE_SURROGATE.test(p.text))) {
          report(
            m,
            "error",
            "UNSUPPORTED_VALUE",
            "a value with an unpaired surrogate cannot be written as UTF-8",
          );
          return m;
        }
        if (xmlData) return lowerXmlPattern(m, t);
        if (t.cased || foldIsExact(t.pattern)) return m;
        // The printer writes the exact character classes; only an inexact one changes the IR.
        const cr = caseInsensitiveRegex(t.pattern);
        if (cr.deviation === null) return m;
        deviate(
          m,
          "warning",
          "FIDELITY_CASE_FOLD",
          `Splunk compares '${patternToSigma(t.pattern)}' case-sensitively per character class; ${cr.deviation}`,
        );
        return {
          ...m,
          test: { kind: "regex", source: cr.source, flags: { i: false, m: false, s: true } },
        };
      }
      case "regex": {
        const tr = jsToPcre(t.source, t.flags);
        if (xmlData && XML_SPECIAL.test(t.source))
          report(
            m,
            "error",
            "UNSUPPORTED_REGEX",
            `regular expression /${t.source}/ names &, < or >, which Splunk's XML extraction holds as &amp;, &lt; and &gt;`,
          );
        else if (!tr.ok)
          report(
            m,
            "error",
            "UNSUPPORTED_REGEX",
            `regular expression /${t.source}/ cannot be written as PCRE: ${tr.reason}`,
          );
        else if (matchesBooleanText(t.source, t.flags))
          report(
            m,
            "warning",
            "FIDELITY_BOOLEAN_AS_TEXT",
            `Splunk extracts JSON booleans as the text "true"/"false", which /${t.source}/ matches; Sigma's regex reads only strings and numbers`,
          );
        return m;
      }
      case "cidr": {
        if (t.version === 6) {
          // cidrmatch() reads IPv6 text; IPv4 text never falls in an IPv6 network for Splunk, while
          // Sigma maps IPv4 into ::ffff:0:0/96, so only networks that avoid that range are exact.
          if (overlapsMapped(t.network, t.prefix))
            report(
              m,
              "error",
              "UNSUPPORTED_CIDR_IPV6",
              `IPv6 network ${t.network}/${t.prefix} overlaps ::ffff:0:0/96 (IPv4-mapped), which Splunk cannot match exactly`,
            );
          return m;
        }
        deviate(
          m,
          "warning",
          "FIDELITY_CIDR_IPV4_TEXT",
          `Splunk matches ${t.network}/${t.prefix} on dotted-quad IPv4 text only; IPv4-mapped IPv6 forms (::ffff:a.b.c.d) do not match`,
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
        if (!Number.isFinite(t.value) || !PLAIN_NUMBER.test(String(t.value)))
          report(
            m,
            "error",
            "UNSUPPORTED_NUMBER",
            `number ${t.value} cannot be written as an eval literal`,
          );
        return m;
      case "fieldref":
        report(
          m,
          "error",
          "UNSUPPORTED_FIELDREF",
          "field references are not supported by the Splunk backend",
        );
        return m;
      case "timepart":
        report(
          m,
          "error",
          "UNSUPPORTED_TIMEPART",
          "time-part modifiers are not supported by the Splunk backend",
        );
        return m;
      case "bool":
        // asBoolean accepts a JSON boolean or "true"/"false" in any case: exactly the values whose
        // text lower-cases to it, and Splunk sees booleans as that text.
        return lowerTest({
          ...m,
          test: {
            kind: "pattern",
            pattern: [{ kind: "text", text: String(t.value) }],
            cased: false,
          },
        });
      case "null":
      case "exists":
        // What no Splunk query can do better (as Falco's null text): a note, not a warning.
        report(
          m,
          "info",
          "FIDELITY_EMPTY_VALUE",
          `Splunk's JSON extraction gives no field for an empty array or object, or an object value: ${t.kind === "null" ? "'null' also holds" : "'exists' does not hold"} where the raw ${m.field} is one`,
        );
        return m;
      case "phrase":
        report(
          m,
          "error",
          "UNSUPPORTED_PHRASE",
          "a phrase test (Elasticsearch's analysed text) is not a rule construct; it has no meaning here",
        );
        return m;
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
