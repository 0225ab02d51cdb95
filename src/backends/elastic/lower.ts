import { isIP } from "node:net";
import { DiagnosticError, assertNever, type Diagnostic } from "../../diagnostics.js";
import {
  FALSE,
  and,
  isLiteral,
  literalText,
  normalizePattern,
  not,
  or,
  patternToSigma,
  type Expr,
  type MatchExpr,
  type Part,
  type Pattern,
  type Test,
} from "../../ir.js";
import { targetFields } from "../../pipelines/fields.js";
import { globMatch, globTokens } from "../../sigma/eval-glob.js";
import type { BackendContext, Lowered } from "../types.js";
import { DeviationRecorder } from "../deviations.js";
import { textFieldTest } from "./text-field.js";
import {
  droppedValues,
  fieldType,
  isStringType,
  lowercaseFields,
  trimmedFields,
  wholeArrayFields,
  type FieldType,
} from "./fields.js";

/**
 * Rewrites the IR into what KQL says exactly on Elastic's documents, declaring each change:
 * - KQL on keyword fields is case-sensitive: a case-insensitive pattern stays exact only when it
 *   has no letter whose case matters (or the field is lower-case by construction), else it is made
 *   case-sensitive (FIDELITY_CASE_SENSITIVE).
 * - `?` does not exist: widened to `*` (FIDELITY_SINGLE_WILDCARD).
 * - Kibana trims an unquoted (wildcard) value: edge whitespace is dropped (FIDELITY_TRIMMED_WHITESPACE).
 * - Text fields are analysed: a literal becomes the match_phrase KQL runs there (the `phrase`
 *   test, FIDELITY_TEXT_FIELD); a wildcard on one is refused (text-field.ts).
 * - Where the pipelines say the ingest pipeline drops empty values (`dropped: [""]`: "", {}, []
 *   and null), `f: ''` can never match (it becomes false), and exists / null / match-anything
 *   tests see a dropped value as missing (FIDELITY_EMPTY_DROPPED), except under the guard
 *   `exists f and not (… f: '' …)`, which makes the rule mean the same on both sides. Other
 *   dropped values (Sysmon's '-') are data notes where a test can see them
 *   (FIDELITY_VALUE_DROPPED): the seen event (seen.ts) has them removed.
 * - Numeric, ip and boolean fields index what their type parses (logs-*-* data streams set
 *   ignore_malformed): a malformed value is not indexed (exists / null: FIDELITY_MALFORMED_IGNORED),
 *   numbers are coerced (FIDELITY_NUMBER_COERCED), and the pipeline drops the whole sourceIPs
 *   array when one element is not an address (FIDELITY_IP_ARRAY_DROPPED). The last two are notes
 *   (severity info): the index cannot tell those raw values apart, so no query can do better.
 */

const TARGET = "elastic";

class Lowerer {
  readonly diagnostics: Diagnostic[] = [];
  readonly recorder = new DeviationRecorder();
  /** `code field` of the per-field data notes already given in this rule. */
  private readonly noted = new Set<string>();
  private readonly lowercase: ReadonlySet<string>;
  private readonly wholeArrays: ReadonlySet<string>;

  constructor(private readonly ctx: BackendContext) {
    this.lowercase = lowercaseFields(ctx);
    this.wholeArrays = wholeArrayFields(ctx);
  }

  private report(
    m: MatchExpr,
    severity: "warning" | "error" | "info",
    code: string,
    message: string,
  ): void {
    this.diagnostics.push({
      severity,
      code,
      message,
      file: this.ctx.rule.source.path,
      loc: m.origin,
      target: TARGET,
      ...(severity === "error" ? {} : { fidelity: true }),
    });
  }

  /** The target says this predicate differently: the lowered form is its declared effect. */
  private deviation(m: MatchExpr, code: string, message: string): void {
    this.report(m, "warning", code, message);
    this.recorder.declare(code);
  }

  /**
   * A difference that lies in the data Elastic stores (the seen event), not in the query: the
   * predicate itself is exact there; the warning says how to write the rule so that it holds.
   */
  private dataWarning(m: MatchExpr, code: string, message: string): void {
    this.report(m, "warning", code, message);
  }

  /** A deviation no query can avoid: the index holds the same thing for both raw values. */
  private note(m: MatchExpr, code: string, message: string): void {
    this.report(m, "info", code, message);
  }

  /** exists / null on a typed field: a value its type cannot parse is not indexed. */
  private malformed(m: MatchExpr, field: string, target: string, type: FieldType): void {
    const query = m.test.kind === "null" ? `'not ${target}:*' holds` : `'${target}:*' is false`;
    const why = this.isWhole(target)
      ? `the pipeline drops the whole ${field} array from ${target} when any element is not an IP address`
      : `Elasticsearch does not index a value of ${type} field ${target} that does not parse as ${type} (ignore_malformed in logs-*-*)`;
    this.dataWarning(
      m,
      "FIDELITY_MALFORMED_IGNORED",
      `${why}: ${query} where the raw ${field} holds only such values`,
    );
  }

  /** A test on an ip field the pipeline fills from a whole array. */
  private arrayDropped(m: MatchExpr, field: string, target: string): void {
    if (this.isWhole(target))
      this.note(
        m,
        "FIDELITY_IP_ARRAY_DROPPED",
        `the pipeline converts the whole ${field} array into ${target} and drops it when any element is not an IP address: then no address of the event matches`,
      );
  }

  /** A boolean field indexes JSON booleans and the exact strings "true" and "false" only. */
  private strictBoolean(m: MatchExpr, field: string, target: string): void {
    this.note(
      m,
      "FIDELITY_BOOLEAN_STRICT",
      `${target} is boolean: Elasticsearch indexes only true, false, "true" and "false"; a raw ${field} such as "True" is not indexed`,
    );
  }

  /** `target` is one field or, for a one-to-many mapping, the names joined with " or ". */
  private isWhole(target: string): boolean {
    return target.split(" or ").some((t) => this.wholeArrays.has(t));
  }

  private emptyDropped(field: string): boolean {
    return droppedValues(this.ctx, field).includes("");
  }

  /** A fact about a field's data: said once per rule, at its first predicate. */
  private noteOnce(m: MatchExpr, field: string, code: string, message: string): void {
    const key = `${code} ${field}`;
    if (this.noted.has(key)) return;
    this.noted.add(key);
    this.note(m, code, message);
  }

  /** A data note for the values (other than empty) the pipeline drops, where a test can see them. */
  private dataFacts(m: MatchExpr, field: string): void {
    const t = m.test;
    const dropped = droppedValues(this.ctx, field).filter((v) => v !== "");
    const seen =
      t.kind === "pattern"
        ? dropped.filter((v) =>
            globMatch(t.cased ? v : v.toLowerCase(), globTokens(t.pattern, t.cased)),
          )
        : t.kind === "exists" || t.kind === "null"
          ? dropped
          : [];
    if (seen.length > 0)
      this.noteOnce(
        m,
        field,
        "FIDELITY_VALUE_DROPPED",
        `the ingest pipeline drops ${seen.map((v) => `'${v}'`).join(", ")} before indexing: a raw ${field} holding ${seen.length === 1 ? "it" : "one of them"} looks missing on Elastic`,
      );
    if (t.kind === "pattern" && trimmedFields(this.ctx).has(field))
      this.noteOnce(
        m,
        field,
        "FIDELITY_VALUE_TRIMMED",
        `the ingest pipeline trims ${field} before indexing: whitespace at either end of the raw value is not stored, so a test reads the value without it`,
      );
  }

  private unsupported(m: MatchExpr, code: string, message: string): Expr {
    this.report(m, "error", code, message);
    return m;
  }

  expr(e: Expr, guarded: ReadonlySet<string>): Expr {
    switch (e.kind) {
      case "and": {
        const inner = new Set([...guarded, ...emptyGuards(e.items)]);
        return and(e.items.map((i) => this.expr(i, inner)));
      }
      case "or":
        return or(e.items.map((i) => this.expr(i, guarded)));
      case "not":
        return not(this.expr(e.item, guarded));
      case "const":
        return e;
      case "match":
        return this.recorder.predicate(e, () => this.match(e, guarded));
      default:
        return assertNever(e);
    }
  }

  private match(m: MatchExpr, guarded: ReadonlySet<string>): Expr {
    if (m.field === null)
      return this.unsupported(
        m,
        "UNSUPPORTED_KEYWORDS",
        "KQL free text searches Elastic's default fields, not every value of the event: keyword (field-less) searches are not supported; name the field",
      );
    let targets: readonly string[];
    try {
      targets = targetFields(
        this.ctx.mapping,
        m.field,
        TARGET,
        this.ctx.rule.source.path,
        m.origin,
      );
    } catch (err) {
      if (err instanceof DiagnosticError) {
        this.diagnostics.push(err.diagnostic);
        return m;
      }
      throw err;
    }
    const types = targets.map((t) => fieldType(this.ctx, t));
    const type = types[0] ?? "keyword";
    const target = targets.join(" or ");
    if (types.some((t) => t !== type))
      return this.unsupported(
        m,
        "UNSUPPORTED_FIELD_MAPPING",
        `${m.field} maps to ${targets.map((t, i) => `${t} (${types[i]})`).join(", ")}: one test cannot be said the same way on fields of different types`,
      );
    this.dataFacts(m, m.field);
    const isGuarded = guarded.has(m.field) || !this.emptyDropped(m.field);
    const t = m.test;
    switch (t.kind) {
      case "pattern":
        return this.pattern(m, t.pattern, t.cased, m.field, target, type, isGuarded);
      case "regex":
        return this.unsupported(m, "UNSUPPORTED_REGEX", "KQL has no regular expressions");
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
        if (isStringType(type)) {
          this.deviation(
            m,
            "FIDELITY_BOOLEAN_AS_TEXT",
            `${target} is ${type}: a boolean is matched as the text "${t.value}" (a JSON true and the string "true" only)`,
          );
          return this.pattern(
            m,
            [{ kind: "text", text: String(t.value) }],
            true,
            m.field,
            target,
            type,
            isGuarded,
          );
        }
        return this.unsupported(
          m,
          "UNSUPPORTED_BOOLEAN",
          `a boolean cannot be matched on ${type} field ${target}`,
        );
      case "null":
        if (this.emptyDropped(m.field))
          this.dataWarning(
            m,
            "FIDELITY_EMPTY_DROPPED",
            `Elastic drops empty values ("", [], {}) at ingest: 'not ${target}:*' also holds where the raw event has an empty ${m.field}`,
          );
        if (!isStringType(type)) this.malformed(m, m.field, target, type);
        return m;
      case "exists":
        // The empty-value guard cannot help a typed field: a malformed value is not indexed.
        if (!isStringType(type)) this.malformed(m, m.field, target, type);
        if (!isGuarded)
          this.dataWarning(
            m,
            "FIDELITY_EMPTY_DROPPED",
            `Elastic drops empty values ("", [], {}) at ingest: '${target}:*' is false where the raw event has an empty ${m.field}; add 'not ${m.field}|cased: ''' beside it`,
          );
        return m;
      case "fieldref":
        return this.unsupported(m, "UNSUPPORTED_FIELDREF", "KQL cannot compare two fields");
      case "timepart":
        return this.unsupported(m, "UNSUPPORTED_TIMEPART", "KQL cannot extract parts of a date");
      case "phrase":
        // Already what a text field does; anywhere else it has no KQL form.
        if (type === "text") return m;
        return this.unsupported(m, "UNSUPPORTED_PHRASE", `${target} is ${type}, not a text field`);
      default:
        return assertNever(t);
    }
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
          `${t.value} has no plain decimal form for KQL`,
        );
      this.note(
        m,
        "FIDELITY_NUMBER_COERCED",
        `${target} is ${type}: Elasticsearch indexes a fraction truncated (0.5 as 0), numeric text as Java reads it (' 403', '4.03e2', 'NaN' as 0) and no other text; KQL compares the indexed integer`,
      );
      return m;
    }
    if (isStringType(type) && t.op === "eq" && /^-?\d+(\.\d+)?$/.test(String(t.value))) {
      this.deviation(
        m,
        "FIDELITY_NUMBER_AS_TEXT",
        `${target} is ${type}: ${t.value} is matched as the ${type === "text" ? "" : "exact "}text "${t.value}", not numerically`,
      );
      if (type === "text")
        return this.textField(m, [{ kind: "text", text: String(t.value) }], true, target);
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
    if (type === "integer" || type === "long") {
      const text = literalText(pattern);
      if (isLiteral(pattern) && /^-?\d+$/.test(text) && Number.isSafeInteger(Number(text))) {
        this.deviation(
          m,
          "FIDELITY_NUMERIC_FIELD",
          `${target} is numeric: '${text}' is compared as the number ${Number(text)}`,
        );
        const test = { kind: "number", op: "eq", value: Number(text) } as const;
        return this.number({ ...m, test }, test, target, type);
      }
      return this.unsupported(
        m,
        "UNSUPPORTED_PATTERN",
        `${target} is ${type}: only a whole number can be matched, not '${patternToSigma(pattern)}'`,
      );
    }
    if (type === "ip") {
      const text = literalText(pattern);
      const version = isLiteral(pattern) && !text.includes("%") ? isIP(text) : 0;
      if (version === 4 || version === 6) {
        this.deviation(
          m,
          "FIDELITY_IP_FIELD",
          `${target} is an ip field: '${text}' is compared as an address, not as text`,
        );
        this.arrayDropped(m, field, target);
        return {
          ...m,
          test: { kind: "cidr", network: text, prefix: version === 4 ? 32 : 128, version },
        };
      }
      return this.unsupported(
        m,
        "UNSUPPORTED_PATTERN",
        `${target} is an ip field: only an address or |cidr can be matched, not '${patternToSigma(pattern)}'`,
      );
    }
    if (type === "boolean") {
      const text = literalText(pattern).toLowerCase();
      if (isLiteral(pattern) && (text === "true" || text === "false")) {
        this.strictBoolean(m, field, target);
        return { ...m, test: { kind: "bool", value: text === "true" } };
      }
      return this.unsupported(
        m,
        "UNSUPPORTED_PATTERN",
        `${target} is boolean: only true or false can be matched`,
      );
    }
    if (type === "date")
      return this.unsupported(
        m,
        "UNSUPPORTED_PATTERN",
        `${target} is a date field: KQL date matching is not supported`,
      );
    if (type === "text" && pattern.length > 0) {
      // `f:*` is an exists query whatever the field's type; any other value is analysed.
      if (!pattern.every((p) => p.kind === "any")) return this.textField(m, pattern, cased, target);
      pattern = [{ kind: "any" }];
    }

    let parts: Part[] = [...pattern];
    if (parts.some((p) => p.kind === "one")) {
      this.deviation(
        m,
        "FIDELITY_SINGLE_WILDCARD",
        "KQL has no single-character wildcard: '?' is widened to '*'",
      );
      parts = parts.map((p) => (p.kind === "one" ? { kind: "any" } : p));
    }
    let out = normalizePattern(parts);
    if (out.length === 0 && this.emptyDropped(field)) {
      // The pipeline never stores "", so a match of the empty string is false on Elastic.
      if (!guarded)
        this.dataWarning(
          m,
          "FIDELITY_EMPTY_DROPPED",
          `Elastic drops empty strings at ingest: ${field}: '' can never match`,
        );
      return FALSE;
    }
    if (!guarded && out.length > 0 && out.every((p) => p.kind === "any"))
      this.dataWarning(
        m,
        "FIDELITY_EMPTY_DROPPED",
        `Elastic drops empty values at ingest: '${target}:*' is false where the raw event has an empty ${field}`,
      );
    if (!isLiteral(out)) out = this.trim(m, out);

    let isCased = cased;
    if (!cased) {
      const texts = out.filter((p) => p.kind === "text").map((p) => p.text);
      if (texts.every(caseless)) isCased = true;
      else if (this.lowercase.has(field)) {
        // The field only holds lower-case text: match the lower-cased pattern exactly.
        out = out.map((p) =>
          p.kind === "text" ? { kind: "text", text: p.text.toLowerCase() } : p,
        );
        isCased = true;
      } else {
        this.deviation(
          m,
          "FIDELITY_CASE_SENSITIVE",
          `KQL matches ${target} case-sensitively; '${patternToSigma(pattern)}' is matched with its exact case (add |cased to say so, or use EQL or ES|QL: -f eql or -f esql match it case-insensitively)`,
        );
        isCased = true;
      }
    }
    return { ...m, test: { kind: "pattern", pattern: out, cased: isCased } };
  }

  /** A value on a text field: the phrase KQL really matches, or refused. */
  private textField(m: MatchExpr, pattern: Pattern, cased: boolean, target: string): Expr {
    const lowered = textFieldTest(pattern, cased, target);
    if (!lowered.ok) return this.unsupported(m, lowered.code, lowered.message);
    this.deviation(m, "FIDELITY_TEXT_FIELD", lowered.message);
    return { ...m, test: lowered.test };
  }

  /** Kibana trims an unquoted value (String.prototype.trim, so JS whitespace). */
  private trim(m: MatchExpr, parts: Pattern): Pattern {
    const out = [...parts];
    const first = out[0];
    const last = out[out.length - 1];
    let changed = false;
    if (first?.kind === "text" && /^\s/u.test(first.text)) {
      out[0] = { kind: "text", text: first.text.trimStart() };
      changed = true;
    }
    const end = out[out.length - 1];
    if (last?.kind === "text" && end?.kind === "text" && /\s$/u.test(end.text)) {
      out[out.length - 1] = { kind: "text", text: end.text.trimEnd() };
      changed = true;
    }
    if (changed)
      this.deviation(
        m,
        "FIDELITY_TRIMMED_WHITESPACE",
        "Kibana trims an unquoted (wildcard) value: leading and trailing whitespace is not matched",
      );
    return normalizePattern(out);
  }
}

/**
 * A character has no case that matters when lower- and upper-casing leave it alone; U+0307 is
 * excluded because it is what 'İ'.toLowerCase() adds after the 'i'.
 */
function caseless(text: string): boolean {
  for (const c of text)
    if (c.toLowerCase() !== c || c.toUpperCase() !== c || c === "\u0307") return false;
  return true;
}

function isEmptyMatch(e: Expr): e is MatchExpr {
  return (
    e.kind === "match" &&
    e.field !== null &&
    e.test.kind === "pattern" &&
    e.test.pattern.length === 0
  );
}

/**
 * Fields f for which an AND holds both `exists f` and `not (… f: '' …)`: there, a raw empty value
 * makes the AND false in Sigma, and the dropped value makes it false on Elastic.
 */
function emptyGuards(items: readonly Expr[]): string[] {
  const exists = new Set<string>();
  const notEmpty = new Set<string>();
  for (const i of items) {
    if (i.kind === "match" && i.field !== null && i.test.kind === "exists") exists.add(i.field);
    if (i.kind === "not") {
      const inner = i.item;
      const candidates = inner.kind === "or" ? inner.items : [inner];
      for (const c of candidates) if (isEmptyMatch(c)) notEmpty.add(c.field!);
    }
  }
  return [...exists].filter((f) => notEmpty.has(f));
}

export function lowerForElastic(ir: Expr, ctx: BackendContext): Lowered {
  const l = new Lowerer(ctx);
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
      target: TARGET,
    });
  return { effective, deviations: l.recorder.deviations, diagnostics };
}
