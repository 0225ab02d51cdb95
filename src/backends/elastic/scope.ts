import type { BackendContext } from "../types.js";

/**
 * A logsource's scope as data (the pipelines' Elastic setting `scope_fields`), so that EQL and
 * ES|QL write it in their own syntax; KQL keeps the verbatim `scope.query`, and a test checks that
 * both say the same thing. `scope_fields` is one mapping (every condition holds) or a list of them
 * (any one holds): `{ data_stream.dataset: kubernetes.audit_logs }`, or for Windows process
 * creation `[{ data_stream.dataset: windows.sysmon_operational, event.code: "1" }, { … }]`.
 */

export interface ScopeCondition {
  readonly field: string;
  /** Any of these exact values (case-sensitive, as a term query or `==`). */
  readonly values: readonly string[];
}

/** The scope as an OR of ANDs of conditions; [] when there is none. */
export type Scope = readonly (readonly ScopeCondition[])[];

function conditions(raw: unknown): ScopeCondition[] {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return [];
  const out: ScopeCondition[] = [];
  for (const [field, v] of Object.entries(raw as Record<string, unknown>)) {
    const values = (Array.isArray(v) ? v : [v])
      .filter((x) => typeof x === "string" || typeof x === "number")
      .map(String);
    if (values.length > 0) out.push({ field, values });
  }
  return out;
}

export function scopeOf(ctx: BackendContext): Scope {
  const raw = ctx.mapping?.settings.scope_fields;
  const alternatives = (Array.isArray(raw) ? raw : [raw]).map(conditions);
  return alternatives.some((a) => a.length === 0) ? [] : alternatives;
}

/** EQL's event category field (the EQL search API default, ECS `event.category`). */
export const EVENT_CATEGORY_FIELD = "event.category";

/**
 * The EQL event category (`process where …`): the pipelines' Elastic setting `eql_category`, a
 * value every document of the logsource holds in event.category (EQL matches any of its values),
 * else `any`. Only a plain name that is no EQL keyword can be written there.
 */
export function eqlCategory(ctx: BackendContext): string {
  const value = ctx.mapping?.settings.eql_category;
  if (typeof value !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value) || RESERVED.has(value))
    return "any";
  return value;
}

const RESERVED = new Set([
  "any",
  "where",
  "sequence",
  "sample",
  "join",
  "until",
  "with",
  "by",
  "and",
  "or",
  "not",
  "in",
  "like",
  "regex",
  "true",
  "false",
  "null",
  "maxspan",
  "of",
]);
