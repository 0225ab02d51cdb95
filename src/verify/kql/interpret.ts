import { assertNever } from "../../diagnostics.js";
import { ParseError, type Interpreter } from "../types.js";
import type { KqlNode, KqlValue, RangeOp, Span, WildcardPart } from "./ast.js";
import { anyTokenIn, phraseIn, standardTokens } from "./analyzer.js";
import { ipInRange, parseIp, parseIpOrCidr } from "./ip.js";
import { datasetField, MAPPED_DATASETS } from "./datasets.js";
import { indexedLength, type EsField, type EsFieldType } from "./mapping.js";
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

/**
 * How the interpreter types a field in the data stream a document was indexed into
 * (`data_stream.dataset`; undefined for a document without one): the stream's index mapping,
 * else keyword (the logs-* templates' dynamic string mapping).
 */
export type FieldTypeOf = (field: string, dataset: string | undefined) => EsField;

const defaultTypeOf: FieldTypeOf = (field, dataset) =>
  datasetField(dataset, field) ?? { type: "keyword" };

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
function keywordTerm(v: unknown, field: EsField): string | undefined {
  const s =
    typeof v === "string"
      ? v
      : typeof v === "number" || typeof v === "boolean"
        ? String(v)
        : undefined;
  if (s === undefined) return undefined;
  if (s.length > indexedLength(field)) return undefined;
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
  return (
    type === "keyword" || type === "wildcard" || type === "text" || type === "constant_keyword"
  );
}

function existsQuery(field: string, mapping: EsField): Doc {
  const type = mapping.type;
  return (doc) =>
    valuesAt(doc, field).some((v) => {
      switch (type) {
        case "keyword":
        case "wildcard":
        case "text":
        case "constant_keyword":
          return keywordTerm(v, mapping) !== undefined;
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

function isQuery(fieldValue: KqlValue, value: KqlValue, typeOf: (field: string) => EsField): Doc {
  const field = fieldName(fieldValue);
  const mapping = typeOf(field);
  const type = mapping.type;
  if (value.kind === "wildcard") {
    if (value.parts.length === 1 && value.parts[0]!.kind === "any")
      return existsQuery(field, mapping);
    if (!isStringType(type) || type === "text")
      fail(
        `wildcard on ${type} field ${field} is outside the modelled subset${type === "text" ? " (a query_string on analysed tokens)" : ""}`,
        value.span,
      );
    const re = globToRegExp(value.parts);
    return (doc) =>
      valuesAt(doc, field).some((v) => {
        const t = keywordTerm(v, mapping);
        return t !== undefined && re.test(t);
      });
  }
  if (value.kind === "json" && value.value === null)
    fail(`bare null is outside the modelled subset`, value.span);
  const text = value.kind === "json" ? String(value.value) : value.text;
  switch (type) {
    case "keyword":
    case "wildcard":
    case "constant_keyword":
      return (doc) => valuesAt(doc, field).some((v) => keywordTerm(v, mapping) === text);
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
      const t = keywordTerm(v, { type: "text" });
      return t !== undefined && holds(standardTokens(t), query);
    });
}

const COMPARE: Readonly<Record<RangeOp, (a: number, b: number) => boolean>> = {
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
};

function rangeQuery(
  fieldValue: KqlValue,
  op: RangeOp,
  value: KqlValue,
  typeOf: (field: string) => EsField,
): Doc {
  const field = fieldName(fieldValue);
  const type = typeOf(field).type;
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

function build(node: KqlNode, typeOf: (field: string) => EsField): Doc {
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

function datasetOf(doc: unknown): string | undefined {
  const ds = valuesAt(doc, "data_stream.dataset")[0];
  return typeof ds === "string" ? ds : undefined;
}

/**
 * An interpreter over a given field typing (tests use this to model other indices). A query runs
 * on every data stream its index pattern names, each with its own mapping: it is built once per
 * modelled data stream (so a query one of them cannot run is a ParseError at compile time), and
 * each document is answered by the build for its own `data_stream.dataset`.
 */
export function createKqlInterpreter(
  typeOf: FieldTypeOf = defaultTypeOf,
  datasets: readonly string[] = MAPPED_DATASETS,
): Interpreter {
  return {
    target: "elastic",
    compile(text: string) {
      const ast = parseKql(text);
      const fallback = build(ast, (field) => typeOf(field, undefined));
      const byDataset = new Map<string, Doc>(
        datasets.map((ds) => [ds, build(ast, (field) => typeOf(field, ds))]),
      );
      return (doc) => {
        const ds = datasetOf(doc);
        return ((ds !== undefined ? byDataset.get(ds) : undefined) ?? fallback)(doc);
      };
    },
  };
}

/** KQL on the modelled data streams (datasets.ts; unknown fields are keyword). */
export const kqlInterpreter: Interpreter = createKqlInterpreter();
