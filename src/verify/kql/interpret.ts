import { assertNever } from "../../diagnostics.js";
import { ParseError, type Interpreter } from "../types.js";
import type { KqlNode, KqlValue, RangeOp, Span, WildcardPart } from "./ast.js";
import { anyTokenIn, phraseIn, standardTokens } from "./analyzer.js";
import { ipInRange, parseIp, parseIpOrCidr } from "./ip.js";
import { indexFieldType, KEYWORD_IGNORE_ABOVE, type EsFieldType } from "./mapping.js";
import { indexedInteger } from "./numeric.js";
import { describeValue, parseKql } from "./parse.js";

/**
 * Evaluates parsed KQL on an Elasticsearch document with Elastic's semantics: keyword fields match
 * exactly and case-sensitively, `*` is the only wildcard, `f:*` is an exists query, values longer
 * than ignore_above are not indexed, ip fields compare addresses and CIDR ranges, numeric fields
 * compare numbers. Text fields are analysed (analyzer.ts): a quoted value is a match_phrase, an
 * unquoted one a match of any of its tokens (Kibana's kuery `is`). Anything the model does not
 * cover (free text, nested, wildcards on text or non-string fields, dates) is a ParseError.
 */

type Doc = (document: unknown) => boolean;

/** How the interpreter types a field: the index mapping, else keyword (dynamic string mapping). */
export type FieldTypeOf = (field: string) => EsFieldType;

const defaultTypeOf: FieldTypeOf = (field) => indexFieldType(field) ?? "keyword";

function fail(message: string, span: Span): never {
  throw new ParseError(message, span.offset, span.line, span.col);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * Every leaf value at a dotted path; Elasticsearch flattens arrays of objects and treats
 * `{"a.b": 1}` and `{"a": {"b": 1}}` alike, so every split of the path is followed.
 */
export function valuesAt(node: unknown, path: string): unknown[] {
  if (Array.isArray(node)) return node.flatMap((n) => valuesAt(n, path));
  if (path === "") {
    if (node === null || node === undefined || isRecord(node)) return [];
    return [node];
  }
  if (!isRecord(node)) return [];
  const out: unknown[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === path) out.push(...valuesAt(value, ""));
    else if (path.startsWith(key + ".")) out.push(...valuesAt(value, path.slice(key.length + 1)));
  }
  return out;
}

/** The terms Elasticsearch indexes for one source value of a string-typed field. */
function keywordTerm(v: unknown, type: EsFieldType): string | undefined {
  const s =
    typeof v === "string"
      ? v
      : typeof v === "number" || typeof v === "boolean"
        ? String(v)
        : undefined;
  if (s === undefined) return undefined;
  if (type === "keyword" && s.length > KEYWORD_IGNORE_ABOVE) return undefined;
  return s;
}

function booleanTerm(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  return undefined;
}

function globToRegExp(parts: readonly WildcardPart[]): RegExp {
  const body = parts
    .map((p) => (p.kind === "any" ? "[\\s\\S]*" : p.text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, "u");
}

function fieldName(field: KqlValue): string {
  if (field.kind === "string") return field.text;
  return fail(
    `field name ${describeValue(field)} is outside the modelled subset (wildcard or keyword field names)`,
    field.span,
  );
}

function isStringType(type: EsFieldType): boolean {
  return type === "keyword" || type === "text" || type === "constant_keyword";
}

function existsQuery(field: string, type: EsFieldType): Doc {
  return (doc) =>
    valuesAt(doc, field).some((v) => {
      switch (type) {
        case "keyword":
        case "text":
        case "constant_keyword":
          return keywordTerm(v, type) !== undefined;
        case "ip":
          return typeof v === "string" && parseIp(v) !== undefined;
        case "integer":
        case "long":
          return indexedInteger(v, type) !== undefined;
        case "boolean":
          return booleanTerm(v) !== undefined;
        case "date":
          return true;
        default:
          return assertNever(type);
      }
    });
}

function isQuery(fieldValue: KqlValue, value: KqlValue, typeOf: FieldTypeOf): Doc {
  const field = fieldName(fieldValue);
  const type = typeOf(field);
  if (value.kind === "wildcard") {
    if (value.parts.length === 1 && value.parts[0]!.kind === "any") return existsQuery(field, type);
    if (!isStringType(type) || type === "text")
      fail(
        `wildcard on ${type} field ${field} is outside the modelled subset${type === "text" ? " (a query_string on analysed tokens)" : ""}`,
        value.span,
      );
    const re = globToRegExp(value.parts);
    return (doc) =>
      valuesAt(doc, field).some((v) => {
        const t = keywordTerm(v, type);
        return t !== undefined && re.test(t);
      });
  }
  if (value.kind === "json" && value.value === null)
    fail(`bare null is outside the modelled subset`, value.span);
  const text = value.kind === "json" ? String(value.value) : value.text;
  switch (type) {
    case "keyword":
    case "constant_keyword":
      return (doc) => valuesAt(doc, field).some((v) => keywordTerm(v, type) === text);
    case "text":
      return textQuery(field, text, value.kind === "string" && value.quoted, value.span);
    case "ip": {
      const range = parseIpOrCidr(text);
      if (range === undefined)
        return fail(
          `${JSON.stringify(text)} is not an IP address or CIDR range for ip field ${field}`,
          value.span,
        );
      return (doc) =>
        valuesAt(doc, field).some((v) => {
          const ip = typeof v === "string" ? parseIp(v) : undefined;
          return ip !== undefined && ipInRange(ip, range);
        });
    }
    case "integer":
    case "long": {
      if (!/^[+-]?\d+$/.test(text))
        return fail(
          `${JSON.stringify(text)} is not an integer for ${type} field ${field}`,
          value.span,
        );
      const n = Number(text);
      return (doc) => valuesAt(doc, field).some((v) => indexedInteger(v, type) === n);
    }
    case "boolean": {
      const b = booleanTerm(text);
      if (b === undefined)
        return fail(
          `${JSON.stringify(text)} is not a boolean for boolean field ${field}`,
          value.span,
        );
      return (doc) => valuesAt(doc, field).some((v) => booleanTerm(v) === b);
    }
    case "date":
      return fail(`queries on date field ${field} are outside the modelled subset`, value.span);
    default:
      return assertNever(type);
  }
}

/** match_phrase (quoted) or match (unquoted) on the analysed words of a text field. */
function textQuery(field: string, text: string, quoted: boolean, span: Span): Doc {
  let query: string[];
  try {
    query = standardTokens(text);
  } catch (e) {
    return fail(`${(e as Error).message} (value for text field ${field})`, span);
  }
  const holds = quoted ? phraseIn : anyTokenIn;
  return (doc) =>
    valuesAt(doc, field).some((v) => {
      const t = keywordTerm(v, "text");
      return t !== undefined && holds(standardTokens(t), query);
    });
}

const COMPARE: Readonly<Record<RangeOp, (a: number, b: number) => boolean>> = {
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
};

function rangeQuery(fieldValue: KqlValue, op: RangeOp, value: KqlValue, typeOf: FieldTypeOf): Doc {
  const field = fieldName(fieldValue);
  const type = typeOf(field);
  if (type !== "integer" && type !== "long")
    fail(`a range on ${type} field ${field} is outside the modelled subset`, value.span);
  const text = value.kind === "string" ? value.text : "";
  if (value.kind !== "string" || !/^[+-]?\d+(\.\d+)?$/.test(text))
    fail(`range bound ${describeValue(value)} is not a number`, value.span);
  const bound = Number(text);
  const cmp = COMPARE[op];
  return (doc) =>
    valuesAt(doc, field).some((v) => {
      const n = indexedInteger(v, type);
      return n !== undefined && cmp(n, bound);
    });
}

function build(node: KqlNode, typeOf: FieldTypeOf): Doc {
  switch (node.kind) {
    case "or": {
      const items = node.items.map((i) => build(i, typeOf));
      return (doc) => items.some((f) => f(doc));
    }
    case "and": {
      const items = node.items.map((i) => build(i, typeOf));
      return (doc) => items.every((f) => f(doc));
    }
    case "not": {
      const item = build(node.item, typeOf);
      return (doc) => !item(doc);
    }
    case "all":
      return () => true;
    case "is":
      if (node.field === null)
        return fail(
          "free-text search (a value without a field) is outside the modelled subset",
          node.value.span,
        );
      return isQuery(node.field, node.value, typeOf);
    case "range":
      return rangeQuery(node.field, node.op, node.value, typeOf);
    default:
      return assertNever(node);
  }
}

/** An interpreter over a given field typing (tests use this to model other indices). */
export function createKqlInterpreter(typeOf: FieldTypeOf = defaultTypeOf): Interpreter {
  return {
    target: "elastic",
    compile(text: string) {
      return build(parseKql(text), typeOf);
    },
  };
}

/** KQL on `logs-kubernetes.audit_logs-*` (ELASTIC_INDEX_FIELDS; unknown fields are keyword). */
export const kqlInterpreter: Interpreter = createKqlInterpreter();
