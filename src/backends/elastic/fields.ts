import type { BackendContext } from "../types.js";

/** Elasticsearch field types the backend rates matches by (targets/elastic.yml `types`). */
export type FieldType = "keyword" | "text" | "ip" | "integer" | "long" | "date" | "boolean";

const FIELD_TYPES: readonly FieldType[] = [
  "keyword",
  "text",
  "ip",
  "integer",
  "long",
  "date",
  "boolean",
];

function isFieldType(x: unknown): x is FieldType {
  return typeof x === "string" && (FIELD_TYPES as readonly string[]).includes(x);
}

/**
 * The type of a target field. Fields of an unknown logsource pass through and are rated as
 * keyword (how logs-* templates map strings dynamically); a mapped field without a type is keyword.
 */
export function fieldType(ctx: BackendContext, targetField: string): FieldType {
  const types = ctx.mapping?.settings.types;
  if (typeof types === "object" && types !== null) {
    const t = (types as Record<string, unknown>)[targetField];
    if (isFieldType(t)) return t;
  }
  return "keyword";
}

/** Sigma fields whose values the producer only writes in lower case (targets/elastic.yml). */
export function lowercaseFields(ctx: BackendContext): ReadonlySet<string> {
  const list = ctx.mapping?.settings.lowercase;
  return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : []);
}

/** Target fields the pipeline converts as a whole array (targets/elastic.yml `wholeArrays`). */
export function wholeArrayFields(ctx: BackendContext): ReadonlySet<string> {
  const list = ctx.mapping?.settings.wholeArrays;
  return new Set(Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : []);
}

export function isStringType(t: FieldType): boolean {
  return t === "keyword" || t === "text";
}
