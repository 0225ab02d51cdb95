import { assertNever } from "../../../diagnostics.js";
import {
  isLiteral,
  or,
  type Expr,
  type MatchExpr,
  type Pattern,
  type RegexFlags,
  type Test,
} from "../../../ir.js";
import { regexFlags } from "../../../sigma/eval-regex.js";
import type { BackendContext, Lowered } from "../../types.js";
import { ElasticFacts, declaredFields } from "../facts.js";
import { isStringType, type FieldType } from "../fields.js";
import { luceneSearch } from "../lucene-regex.js";
import { MV_CONTAINS_SINCE, atLeast, elasticVersion, versionText } from "../version.js";
import { multiValuedFields } from "./fields.js";

/**
 * Rewrites the IR into what ES|QL says exactly on Elastic's documents. ES|QL compares values
 * exactly; `TO_LOWER(f) == "v"` and `TO_LOWER(f) LIKE "…"` are Sigma's case-insensitive match
 * (Java's and JavaScript's lower-casing agree, `İ` becoming two characters in both), and LIKE has
 * `?`. ES|QL evaluates a comparison, LIKE, RLIKE, IN or CIDR_MATCH on a field that holds several
 * values to null (with a warning): the printer keeps that null out of `NOT`, so an event whose
 * field holds several values matches no value test on it (an info note, FIDELITY_MULTI_VALUE),
 * and fields the mapping declares multi-valued are tested with MV_CONTAINS (elastic-version
 * ≥ 9.2), equality only; anything else on them is refused. Fields of the index are named as they
 * are; what Elastic's data holds is reported as for KQL.
 */

class EsqlLowerer extends ElasticFacts {
  private readonly multiValued: ReadonlySet<string>;
  private readonly mvContains: boolean;
  /** Fields whose multi-value note was given (once per field: it is a fact about the field). */
  private readonly notedMulti = new Set<string>();
  /** Target fields the logsource mapping declares (the index is known to map them). */
  private readonly declared: ReadonlySet<string>;
  /** Undeclared target fields already warned about. */
  private readonly undeclared = new Set<string>();

  constructor(ctx: BackendContext) {
    super(ctx, "ES|QL");
    this.multiValued = multiValuedFields(ctx);
    this.mvContains = atLeast(elasticVersion(ctx), MV_CONTAINS_SINCE);
    this.declared = declaredFields(ctx);
  }

  protected match(m: MatchExpr, guarded: ReadonlySet<string>): Expr {
    if (m.field === null)
      return this.unsupported(
        m,
        "UNSUPPORTED_KEYWORDS",
        "ES|QL compares fields with values: a keyword (field-less) value has no ES|QL form; name the field",
      );
    const resolved = this.target(m, m.field);
    if (resolved === undefined) return m;
    const { names, name: target, type } = resolved;
    // EQL says `?f` for such a field; ES|QL (before SET unmapped_fields) has no optional field.
    for (const name of names)
      if (!this.declared.has(name) && !this.undeclared.has(name)) {
        this.undeclared.add(name);
        this.report(
          m,
          "warning",
          "UNDECLARED_FIELD",
          `ES|QL fails a query naming a field that no index FROM reads maps (Unknown column), and no pipeline declares the type of ${name} for this logsource: map the rule's logsource to the index's fields (-p), or check the index maps ${name}`,
        );
      }
    const multi = names.some((n) => this.multiValued.has(n));
    const t = m.test;
    if (t.kind !== "null" && t.kind !== "exists") {
      if (multi) {
        if (!this.mvContains)
          return this.unsupported(
            m,
            "UNSUPPORTED_MULTI_VALUE",
            `${target} may hold several values, which ES|QL compares as null; MV_CONTAINS needs elastic-version ${versionText(MV_CONTAINS_SINCE)} or later (this compile targets ${versionText(elasticVersion(this.ctx))})`,
          );
      } else if (!this.notedMulti.has(m.field)) {
        this.notedMulti.add(m.field);
        this.note(
          m,
          "FIDELITY_MULTI_VALUE",
          `ES|QL evaluates a comparison on a field that holds several values to null: an event whose ${m.field} holds several values matches no value test on ${target}`,
        );
      }
    }
    const isGuarded = guarded.has(m.field) || !this.emptyDroppedAt(m.field);
    const effective = this.test(m, t, m.field, target, type, isGuarded);
    if (multi && effective.kind === "match") this.checkMvContains(effective, target);
    return effective;
  }

  /** On a multi-valued field only an equality has an MV_CONTAINS form. */
  private checkMvContains(m: MatchExpr, target: string): void {
    const t = m.test;
    const ok =
      t.kind === "null" ||
      t.kind === "exists" ||
      (t.kind === "pattern" && isLiteral(t.pattern)) ||
      (t.kind === "number" && t.op === "eq") ||
      t.kind === "bool" ||
      (t.kind === "cidr" && t.prefix === (t.version === 4 ? 32 : 128));
    if (!ok)
      this.unsupported(
        m,
        "UNSUPPORTED_MULTI_VALUE",
        `${target} may hold several values: ES|QL can only test one of them for equality (MV_CONTAINS), not ${t.kind === "pattern" ? "a wildcard" : t.kind === "cidr" ? "a network" : `a ${t.kind} test`}`,
      );
  }

  private test(
    m: MatchExpr,
    t: Test,
    field: string,
    target: string,
    type: FieldType,
    guarded: boolean,
  ): Expr {
    switch (t.kind) {
      case "pattern":
        return this.pattern(m, t.pattern, field, target, type, guarded);
      case "regex":
        return this.regex(m, t.source, t.flags, target, type);
      case "cidr":
        if (type === "ip") {
          this.arrayDropped(m, field, target);
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
          this.strictBoolean(m, field, target);
          return m;
        }
        // TO_LOWER(f) == "true" finds a JSON true (read as "true") and "true" in any case.
        if (isStringType(type)) return m;
        return this.unsupported(
          m,
          "UNSUPPORTED_BOOLEAN",
          `a boolean cannot be matched on ${type} field ${target}`,
        );
      case "null":
        if (this.emptyDroppedAt(field))
          this.emptyDropped(
            m,
            `Elastic drops empty values ("", [], {}) at ingest: '${target} IS NULL' also holds where the raw event has an empty ${field}`,
          );
        if (!isStringType(type)) this.malformed(m, field, target, type, `${target} IS NULL`);
        return m;
      case "exists":
        if (!isStringType(type)) this.malformed(m, field, target, type, `${target} IS NOT NULL`);
        if (!guarded)
          this.emptyDropped(
            m,
            `Elastic drops empty values ("", [], {}) at ingest: '${target} IS NOT NULL' is false where the raw event has an empty ${field}; add 'not ${field}|cased: ''' beside it`,
          );
        return m;
      case "fieldref":
        return this.unsupported(
          m,
          "UNSUPPORTED_FIELDREF",
          "field comparisons are not supported for ES|QL",
        );
      case "timepart":
        return this.unsupported(
          m,
          "UNSUPPORTED_TIMEPART",
          "time parts are not supported for ES|QL",
        );
      case "phrase":
        // Only a backend's effective IR holds a phrase (a text field's match_phrase in KQL).
        return this.unsupported(m, "UNSUPPORTED_PHRASE", "ES|QL has no analysed phrase match here");
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
    if (!isStringType(type))
      return this.unsupported(
        m,
        "UNSUPPORTED_REGEX",
        `RLIKE reads string fields; ${target} is ${type}`,
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
        `regular expression /${source}/ cannot be written for RLIKE: ${lucene.reason}`,
      );
    const re = new RegExp(source, regexFlags(source, flags));
    const words = ["true", "false"].filter((w) => re.test(w));
    if (words.length === 0) return m;
    this.deviation(
      m,
      "FIDELITY_BOOLEAN_AS_TEXT",
      `ES|QL reads a JSON boolean in ${target} as the text "true"/"false", which /${source}/ matches; Sigma's regex reads only strings and numbers`,
    );
    return or([
      m,
      ...words.map((w): MatchExpr => ({
        ...m,
        test: { kind: "pattern", pattern: [{ kind: "text", text: w }], cased: true },
      })),
    ]);
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
          `${t.value} has no plain decimal form for ES|QL`,
        );
      this.numberCoerced(m, target, type);
      return m;
    }
    if (isStringType(type) && t.op === "eq" && /^-?\d+(\.\d+)?$/.test(String(t.value))) {
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
    field: string,
    target: string,
    type: FieldType,
    guarded: boolean,
  ): Expr {
    const typed = this.typedPattern(m, pattern, field, target, type, guarded, "LIKE", (nm, test) =>
      this.number(nm, test, target, type),
    );
    if (typed !== undefined) return typed;
    return m;
  }
}

export function lowerForEsql(ir: Expr, ctx: BackendContext): Lowered {
  const l = new EsqlLowerer(ctx);
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
