import { assertNever } from "../../../diagnostics.js";
import {
  or,
  patternToSigma,
  type Expr,
  type MatchExpr,
  type Pattern,
  type RegexFlags,
  type Test,
} from "../../../ir.js";
import { regexFlags } from "../../../sigma/eval-regex.js";
import { caseInsensitiveRegex } from "../../splunk/casefold.js";
import type { BackendContext, Lowered } from "../../types.js";
import { ElasticFacts } from "../facts.js";
import { isStringType, type FieldType } from "../fields.js";
import { luceneSearch } from "../lucene-regex.js";
import { eqlFoldExact } from "./fold.js";

/**
 * Rewrites the IR into what EQL says exactly on Elastic's documents. EQL can say Sigma's
 * case-insensitive values: `:`, `like~` and `in~` fold ASCII letters (Elasticsearch's case
 * insensitive automata), which is exactly Sigma's lower-casing for values whose letters are ASCII
 * (but `k`, which Sigma also finds as the Kelvin sign); other values become a case-sensitive
 * `regex` of character classes that list every character Sigma lower-cases to the same one (the
 * rewrite is exact but for `İ`'s two lower-cased halves and σ/ς, declared FIDELITY_CASE_FOLD).
 * `?` is EQL's own single-character wildcard, and EQL quotes every value, so nothing is trimmed.
 * Refused: text fields (EQL cannot search them), field comparisons, keywords, time parts, and
 * regular expressions without a Lucene form. What Elastic's data holds (empty values dropped,
 * malformed values not indexed, coerced integers …) is reported as for KQL.
 */

class EqlLowerer extends ElasticFacts {
  constructor(ctx: BackendContext) {
    super(ctx, "EQL");
  }

  protected match(m: MatchExpr, guarded: ReadonlySet<string>): Expr {
    if (m.field === null)
      return this.unsupported(
        m,
        "UNSUPPORTED_KEYWORDS",
        "EQL compares fields with values: a keyword (field-less) value has no EQL form; name the field",
      );
    const resolved = this.target(m, m.field);
    if (resolved === undefined) return m;
    const { name: target, type } = resolved;
    if (type === "text")
      return this.unsupported(
        m,
        "UNSUPPORTED_TEXT_FIELD",
        `${target} is a text field, which EQL cannot search (Elastic's EQL limitations); KQL or ES|QL can`,
      );
    const isGuarded = guarded.has(m.field) || !this.emptyDroppedAt(m.field);
    const t = m.test;
    switch (t.kind) {
      case "pattern":
        return this.pattern(m, t.pattern, t.cased, m.field, target, type, isGuarded);
      case "regex":
        return this.regex(m, t.source, t.flags, target, type);
      case "cidr":
        if (type === "ip") {
          this.arrayDropped(m, m.field, target);
          return m;
        }
        return this.unsupported(
          m,
          "UNSUPPORTED_CIDR",
          `|cidr needs an ip field; ${target} is ${type}`,
        );
      case "number":
        return this.number(m, t, target, type);
      case "bool":
        if (type === "boolean") {
          this.strictBoolean(m, m.field, target);
          return m;
        }
        // `f : "true"` finds a JSON true (indexed as "true") and "true" in any case: Sigma's test.
        if (type === "keyword") return m;
        return this.unsupported(
          m,
          "UNSUPPORTED_BOOLEAN",
          `a boolean cannot be matched on ${type} field ${target}`,
        );
      case "null":
        if (this.emptyDroppedAt(m.field))
          this.emptyDropped(
            m,
            `Elastic drops empty values ("", [], {}) at ingest: '${target} == null' also holds where the raw event has an empty ${m.field}`,
          );
        if (!isStringType(type)) this.malformed(m, m.field, target, type, `${target} == null`);
        return m;
      case "exists":
        if (!isStringType(type)) this.malformed(m, m.field, target, type, `${target} != null`);
        if (!isGuarded)
          this.emptyDropped(
            m,
            `Elastic drops empty values ("", [], {}) at ingest: '${target} != null' is false where the raw event has an empty ${m.field}; add 'not ${m.field}|cased: ''' beside it`,
          );
        return m;
      case "fieldref":
        return this.unsupported(
          m,
          "UNSUPPORTED_FIELDREF",
          "EQL cannot compare a field with another field (Elastic's EQL limitations)",
        );
      case "timepart":
        return this.unsupported(m, "UNSUPPORTED_TIMEPART", "EQL cannot extract parts of a date");
      case "phrase":
        // Only a backend's effective IR holds a phrase (a text field's match_phrase in KQL).
        return this.unsupported(m, "UNSUPPORTED_PHRASE", "EQL has no analysed phrase match");
      default:
        return assertNever(t);
    }
  }

  private regex(
    m: MatchExpr,
    source: string,
    flags: RegexFlags,
    target: string,
    type: FieldType,
  ): Expr {
    if (type !== "keyword")
      return this.unsupported(
        m,
        "UNSUPPORTED_REGEX",
        `EQL's regex reads string fields; ${target} is ${type}`,
      );
    if (!regexFlags(source, flags)?.includes("u"))
      return this.unsupported(
        m,
        "UNSUPPORTED_REGEX",
        `regular expression /${source}/ only compiles without Unicode mode, which Lucene's regex has no form for`,
      );
    const lucene = luceneSearch(source, flags);
    if (!lucene.ok)
      return this.unsupported(
        m,
        "UNSUPPORTED_REGEX",
        `regular expression /${source}/ cannot be written for EQL's regex: ${lucene.reason}`,
      );
    // A keyword field indexes a JSON boolean as the text "true"/"false"; Sigma's regex reads only
    // strings and numbers, so a regex that matches those words also finds the booleans.
    const words = booleanWords(m, source, flags);
    if (words.length === 0) return m;
    this.deviation(
      m,
      "FIDELITY_BOOLEAN_AS_TEXT",
      `${target} indexes a JSON boolean as the text "true"/"false", which /${source}/ matches; Sigma's regex reads only strings and numbers`,
    );
    return or([m, ...words]);
  }

  private number(
    m: MatchExpr,
    t: Extract<Test, { kind: "number" }>,
    target: string,
    type: FieldType,
  ): Expr {
    if (type === "integer" || type === "long") {
      if (t.op === "eq" && !Number.isSafeInteger(t.value))
        return this.unsupported(
          m,
          "UNSUPPORTED_NUMBER",
          `${target} holds integers; ${t.value} cannot be matched exactly`,
        );
      if (!/^-?\d+(\.\d+)?$/.test(String(t.value)))
        return this.unsupported(
          m,
          "UNSUPPORTED_NUMBER",
          `${t.value} has no plain decimal form for EQL`,
        );
      this.numberCoerced(m, target, type);
      return m;
    }
    if (type === "keyword" && t.op === "eq" && /^-?\d+(\.\d+)?$/.test(String(t.value))) {
      this.deviation(
        m,
        "FIDELITY_NUMBER_AS_TEXT",
        `${target} is ${type}: ${t.value} is matched as the exact text "${t.value}", not numerically`,
      );
      return {
        ...m,
        test: { kind: "pattern", pattern: [{ kind: "text", text: String(t.value) }], cased: true },
      };
    }
    return this.unsupported(
      m,
      "UNSUPPORTED_NUMBER",
      `a numeric comparison needs a numeric field; ${target} is ${type}`,
    );
  }

  private pattern(
    m: MatchExpr,
    pattern: Pattern,
    cased: boolean,
    field: string,
    target: string,
    type: FieldType,
    guarded: boolean,
  ): Expr {
    const typed = this.typedPattern(m, pattern, field, target, type, guarded, "like", (nm, test) =>
      this.number(nm, test, target, type),
    );
    if (typed !== undefined) return typed;
    if (cased || eqlFoldExact(pattern)) return m;
    // Sigma's case-insensitive meaning as a case-sensitive regex of character classes: exact
    // unless the classes cannot follow İ's two lower-cased halves or σ/ς's context.
    const cr = caseInsensitiveRegex(pattern);
    if (cr.deviation !== null)
      this.deviation(
        m,
        "FIDELITY_CASE_FOLD",
        `EQL matches '${patternToSigma(pattern)}' as a regex of character classes; ${cr.deviation}`,
      );
    const rewritten: MatchExpr = {
      ...m,
      test: { kind: "regex", source: cr.source, flags: { i: false, m: false, s: true } },
    };
    // The glob read a JSON boolean as its text; the regex reads only strings and numbers.
    return or([rewritten, ...booleanWords(rewritten, cr.source, { i: false, m: false, s: true })]);
  }
}

/** `f|cased: "true"` / `"false"` for each word the regex matches (a keyword field's booleans). */
function booleanWords(m: MatchExpr, source: string, flags: RegexFlags): MatchExpr[] {
  const re = new RegExp(source, regexFlags(source, flags));
  return ["true", "false"]
    .filter((w) => re.test(w))
    .map((w) => ({
      ...m,
      test: { kind: "pattern", pattern: [{ kind: "text", text: w }], cased: true },
    }));
}

export function lowerForEql(ir: Expr, ctx: BackendContext): Lowered {
  const l = new EqlLowerer(ctx);
  const effective = l.expr(ir, new Set());
  const diagnostics = l.diagnostics;
  if (
    effective.kind === "const" &&
    !effective.value &&
    diagnostics.every((d) => d.severity !== "error")
  )
    diagnostics.push({
      severity: "error",
      code: "RULE_NEVER_MATCHES",
      message:
        "on Elastic this rule can never match (it needs an empty value, which Elastic does not store)",
      file: ctx.rule.source.path,
      target: "elastic",
    });
  return { effective, deviations: l.recorder.deviations, diagnostics };
}
