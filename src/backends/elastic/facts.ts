import { assertNever, DiagnosticError, type Diagnostic } from "../../diagnostics.js";
import { isIP } from "node:net";
import {
  and,
  FALSE,
  isLiteral,
  not,
  or,
  literalText,
  patternToSigma,
  type Expr,
  type MatchExpr,
  type Pattern,
  type Test,
} from "../../ir.js";
import { targetFields } from "../../pipelines/fields.js";
import { globMatch, globTokens } from "../../sigma/eval-glob.js";
import { DeviationRecorder } from "../deviations.js";
import type { BackendContext } from "../types.js";
import {
  droppedValues,
  fieldType,
  trimmedFields,
  wholeArrayFields,
  type FieldType,
} from "./fields.js";

/**
 * What Elastic's data holds, whatever the query language (the ingest pipeline and the index
 * mapping of a Fleet logs-*-* data stream, as the pipelines declare them): empty values are
 * dropped where the pipelines say so (and other values, Sysmon's '-'), typed fields index what
 * their type parses (ignore_malformed), integers are coerced, booleans are strict, and a whole
 * sourceIPs array is dropped when one element is not an address. EQL and ES|QL lowerings report
 * these with the same codes as KQL; each lowering adds what its language says differently.
 */

export type Severity = "warning" | "error" | "info";

export abstract class ElasticFacts {
  readonly diagnostics: Diagnostic[] = [];
  /** The predicates the language says differently (the parity runner replaces exactly these). */
  readonly recorder = new DeviationRecorder();
  readonly wholeArrays: ReadonlySet<string>;
  /** `code field` of the per-field data notes already given in this rule. */
  private readonly noted = new Set<string>();

  constructor(
    readonly ctx: BackendContext,
    /** The language named in messages: "EQL", "ES|QL". */
    readonly language: string,
  ) {
    this.wholeArrays = wholeArrayFields(ctx);
  }

  /**
   * The rule in the language's terms: one walk for every language, the language's own `match`
   * at each predicate. `guarded` names the fields an enclosing AND already tests for emptiness.
   */
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

  protected abstract match(m: MatchExpr, guarded: ReadonlySet<string>): Expr;

  report(m: MatchExpr, severity: Severity, code: string, message: string): void {
    this.diagnostics.push({
      severity,
      code,
      message,
      file: this.ctx.rule.source.path,
      loc: m.origin,
      target: "elastic",
      ...(severity === "error" ? {} : { fidelity: true }),
    });
  }

  /** The language says this predicate differently: the lowered form is its declared effect. */
  deviation(m: MatchExpr, code: string, message: string): void {
    this.report(m, "warning", code, message);
    this.recorder.declare(code);
  }

  /**
   * A difference that lies in the data Elastic stores (the seen event), not in the query: the
   * predicate itself is exact there; the warning says how to write the rule so that it holds.
   */
  dataWarning(m: MatchExpr, code: string, message: string): void {
    this.report(m, "warning", code, message);
  }

  note(m: MatchExpr, code: string, message: string): void {
    this.report(m, "info", code, message);
  }

  unsupported(m: MatchExpr, code: string, message: string): Expr {
    this.report(m, "error", code, message);
    return m;
  }

  /**
   * The target field(s) of a predicate with their one type, named for messages (a one-to-many
   * field's names joined with " or "); undefined after reporting why there is none (an unmapped
   * or refused field, or target fields of different types, which one test cannot be said on).
   */
  target(
    m: MatchExpr,
    field: string,
  ):
    | { readonly names: readonly string[]; readonly name: string; readonly type: FieldType }
    | undefined {
    let names: readonly string[];
    try {
      names = targetFields(this.ctx.mapping, field, "elastic", this.ctx.rule.source.path, m.origin);
    } catch (err) {
      if (err instanceof DiagnosticError) {
        this.diagnostics.push(err.diagnostic);
        return undefined;
      }
      throw err;
    }
    const types = names.map((t) => fieldType(this.ctx, t));
    const type = types[0] ?? "keyword";
    if (types.some((t) => t !== type)) {
      this.unsupported(
        m,
        "UNSUPPORTED_FIELD_MAPPING",
        `${field} maps to ${names.map((t, i) => `${t} (${types[i]})`).join(", ")}: one test cannot be said the same way on fields of different types`,
      );
      return undefined;
    }
    this.dataFacts(m, field);
    return { names, name: names.join(" or "), type };
  }

  /** The pipelines say the target drops every empty value of this Sigma field. */
  emptyDroppedAt(field: string): boolean {
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

  type(target: string): FieldType {
    return fieldType(this.ctx, target);
  }

  /** exists / null on a typed field: a value its type cannot parse is not indexed. */
  malformed(m: MatchExpr, field: string, target: string, type: FieldType, query: string): void {
    const why = this.isWhole(target)
      ? `the pipeline drops the whole ${field} array from ${target} when any element is not an IP address`
      : `Elasticsearch does not index a value of ${type} field ${target} that does not parse as ${type} (ignore_malformed in logs-*-*)`;
    this.dataWarning(
      m,
      "FIDELITY_MALFORMED_IGNORED",
      `${why}: '${query}' ${m.test.kind === "null" ? "holds" : "is false"} where the raw ${field} holds only such values`,
    );
  }

  /** `target` is one field or, for a one-to-many mapping, the names joined with " or ". */
  private isWhole(target: string): boolean {
    return target.split(" or ").some((t) => this.wholeArrays.has(t));
  }

  arrayDropped(m: MatchExpr, field: string, target: string): void {
    if (this.isWhole(target))
      this.note(
        m,
        "FIDELITY_IP_ARRAY_DROPPED",
        `the pipeline converts the whole ${field} array into ${target} and drops it when any element is not an IP address: then no address of the event matches`,
      );
  }

  strictBoolean(m: MatchExpr, field: string, target: string): void {
    this.note(
      m,
      "FIDELITY_BOOLEAN_STRICT",
      `${target} is boolean: Elasticsearch indexes only true, false, "true" and "false"; a raw ${field} such as "True" is not indexed`,
    );
  }

  numberCoerced(m: MatchExpr, target: string, type: FieldType): void {
    this.note(
      m,
      "FIDELITY_NUMBER_COERCED",
      `${target} is ${type}: Elasticsearch indexes a fraction truncated (0.5 as 0), numeric text as Java reads it (' 403', '4.03e2', 'NaN' as 0) and no other text; ${this.language} compares the indexed integer`,
    );
  }

  /**
   * What EQL and ES|QL say alike about a pattern: on a typed field (integer, ip, boolean, date)
   * the typed comparison or a refusal; an unwritable value; the empty value the pipelines drop
   * (never stored, so false); the note on `*`. Undefined when the language's own string
   * comparison applies. `like` is the language's keyword, for the message.
   */
  typedPattern(
    m: MatchExpr,
    pattern: Pattern,
    field: string,
    target: string,
    type: FieldType,
    guarded: boolean,
    like: string,
    number: (m: MatchExpr, test: Extract<Test, { kind: "number" }>) => Expr,
  ): Expr | undefined {
    if (type === "integer" || type === "long") {
      const n = integerText(pattern);
      if (n !== undefined) {
        this.deviation(
          m,
          "FIDELITY_NUMERIC_FIELD",
          `${target} is numeric: '${literalText(pattern)}' is compared as the number ${n}`,
        );
        const test = { kind: "number", op: "eq", value: n } as const;
        return number({ ...m, test }, test);
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
        `${target} is a date field: matching dates is not supported`,
      );
    if (pattern.some((p) => p.kind === "text" && /\p{Cs}/u.test(p.text)))
      return this.unsupported(
        m,
        "UNSUPPORTED_VALUE",
        "a value with an unpaired surrogate cannot be written as UTF-8",
      );
    if (pattern.length === 0 && this.emptyDroppedAt(field)) {
      if (!guarded)
        this.emptyDropped(m, `Elastic drops empty strings at ingest: ${field}: '' can never match`);
      return FALSE;
    }
    if (!guarded && pattern.length > 0 && pattern.every((p) => p.kind === "any"))
      this.emptyDropped(
        m,
        `Elastic drops empty values at ingest: '${target} ${like} "*"' is false where the raw event has an empty ${field}`,
      );
    return undefined;
  }

  emptyDropped(m: MatchExpr, message: string): void {
    this.dataWarning(m, "FIDELITY_EMPTY_DROPPED", message);
  }
}

/** A whole-number text that fits a JavaScript safe integer ("403"), else undefined. */
export function integerText(pattern: Pattern): number | undefined {
  const text = literalText(pattern);
  return isLiteral(pattern) && /^-?\d+$/.test(text) && Number.isSafeInteger(Number(text))
    ? Number(text)
    : undefined;
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
export function emptyGuards(items: readonly Expr[]): string[] {
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

/** Target fields the index mapping declares (the pipelines' `types`). */
export function declaredFields(ctx: BackendContext): ReadonlySet<string> {
  const types = ctx.mapping?.settings.types;
  return new Set(typeof types === "object" && types !== null ? Object.keys(types) : []);
}
