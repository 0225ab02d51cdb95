import type { ElasticFieldType } from "../../pipelines/types.js";
import type { BackendContext } from "../types.js";

/**
 * How the backend rates matches on a field, from the Elasticsearch type a pipeline declares
 * (`types:`): keyword, constant_keyword and wildcard compare the whole value exactly and
 * case-sensitively (keyword); text and match_only_text are analysed (text).
 */
export type FieldType = "keyword" | "text" | "ip" | "integer" | "long" | "date" | "boolean";

const RATED: Readonly<Record<ElasticFieldType, FieldType>> = {
  keyword: "keyword",
  constant_keyword: "keyword",
  wildcard: "keyword",
  text: "text",
  match_only_text: "text",
  ip: "ip",
  long: "long",
  integer: "integer",
  date: "date",
  boolean: "boolean",
};

/**
 * The type of a target field. Fields of an unknown logsource pass through and are rated as
 * keyword (how logs-* templates map strings dynamically); a mapped field without a type is keyword.
 */
export function fieldType(ctx: BackendContext, targetField: string): FieldType {
  const types = ctx.mapping?.settings.types;
  if (typeof types === "object" && types !== null) {
    const t = (types as Record<string, unknown>)[targetField];
    if (typeof t === "string" && Object.prototype.hasOwnProperty.call(RATED, t))
      return RATED[t as ElasticFieldType];
  }
  return "keyword";
}

/** Sigma fields whose values the producer only writes in lower case (the pipelines' `values.lowercase`). */
export function lowercaseFields(ctx: BackendContext): ReadonlySet<string> {
  const list = ctx.mapping?.settings.lowercase;
  return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : []);
}

/** Sigma fields whose values the ingest pipeline trims (the pipelines' setting `trimmed`). */
export function trimmedFields(ctx: BackendContext): ReadonlySet<string> {
  const list = ctx.mapping?.settings.trimmed;
  return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : []);
}

/** Target fields the pipeline converts as a whole array (the pipeline setting `wholeArrays`). */
export function wholeArrayFields(ctx: BackendContext): ReadonlySet<string> {
  const list = ctx.mapping?.settings.wholeArrays;
  return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : []);
}

/**
 * The longest value a keyword-rated target field indexes: the pipeline's `ignore_above`, else none
 * for wildcard and constant_keyword fields (Elasticsearch sets no limit there), else Fleet's
 * default for keyword fields.
 */
export function ignoreAboveOf(ctx: BackendContext, targetField: string, fallback: number): number {
  const declared = ctx.mapping?.ignoreAbove[targetField];
  if (declared !== undefined) return declared;
  const types = ctx.mapping?.settings.types;
  const t =
    typeof types === "object" && types !== null
      ? (types as Record<string, unknown>)[targetField]
      : undefined;
  return t === "wildcard" || t === "constant_keyword" ? Number.POSITIVE_INFINITY : fallback;
}

/** Values the pipelines say the target never stores for a Sigma field ("" means every empty value). */
export function droppedValues(ctx: BackendContext, field: string): readonly string[] {
  const d = ctx.mapping?.dropped;
  if (d === undefined) return [];
  const own = Object.prototype.hasOwnProperty.call(d, field) ? d[field] : undefined;
  return own ?? d["*"] ?? [];
}

export function isStringType(t: FieldType): boolean {
  return t === "keyword" || t === "text";
}
