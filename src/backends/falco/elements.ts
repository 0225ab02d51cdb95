import { DiagnosticError, type Diagnostic } from "../../diagnostics.js";
import type { Loc } from "../../source.js";
import { targetField, targetFields } from "../../pipelines/fields.js";
import type { BackendContext } from "../types.js";

/**
 * Array fields read element by element through the json plugin. k8saudit's ka.sourceips never
 * reads the top-level `sourceIPs` (falcosecurity/plugins#236), but `json.value[/sourceIPs/N]`
 * reads element N (not available past the end). Sigma's "any element" becomes an OR over the
 * first K elements, K = the `array-elements` target option (targets/falco.yml `arrayElements`).
 *
 * In the effective IR element N of array field F is the Sigma field `F.N`; the Falco view
 * (src/verify/views/falco.ts) shows every element of the event under that name, so the reference
 * evaluator reads exactly what `json.value[<pointer>/N]` reads.
 */
export const DEFAULT_ARRAY_ELEMENTS = 4;
export const MAX_ARRAY_ELEMENTS = 64;

/** Sigma fields the logsource declares as element-wise (`settings.elementFields`). */
export function elementFields(ctx: BackendContext): ReadonlySet<string> {
  const raw = ctx.mapping?.settings.elementFields;
  return new Set(Array.isArray(raw) ? raw.filter((x): x is string => typeof x === "string") : []);
}

const JSON_POINTER = /^json\.value\[(\/[^\][\s"']*)\]$/;

/** The json.value pointer of a declared element field, e.g. `/sourceIPs`. */
function pointerOf(ctx: BackendContext, field: string, origin: Loc | undefined): string {
  const mapped = targetField(ctx.mapping, field, "falco", ctx.rule.source.path, origin);
  const m = JSON_POINTER.exec(mapped);
  // Reachable only through a user pipeline: the pipeline is wrong, reported where the rule uses it.
  if (!m)
    throw new DiagnosticError({
      severity: "error",
      code: "PIPELINE_INVALID",
      message: `the pipelines (${ctx.mapping?.pipelines.join(", ")}) declare ${field} element-wise (settings.elementFields) but map it to ${mapped}; an element field must map to json.value[/pointer] (a JSON pointer without quotes, brackets or spaces)`,
      file: ctx.rule.source.path,
      ...(origin ? { loc: origin } : {}),
      target: "falco",
    });
  return m[1]!;
}

/** `F.N` for a declared element field F, else undefined. */
function elementOf(
  ctx: BackendContext,
  field: string,
): { base: string; index: string } | undefined {
  const m = /^(.+)\.(0|[1-9][0-9]*)$/.exec(field);
  if (!m || !elementFields(ctx).has(m[1]!)) return undefined;
  return { base: m[1]!, index: m[2]! };
}

/** Sigma field → Falco field, with element fields `F.N` read as `json.value[<pointer>/N]`. */
export function falcoFieldName(
  ctx: BackendContext,
  field: string,
  origin: Loc | undefined,
): string {
  const el = elementOf(ctx, field);
  if (el !== undefined) return `json.value[${pointerOf(ctx, el.base, origin)}/${el.index}]`;
  return targetField(ctx.mapping, field, "falco", ctx.rule.source.path, origin);
}

/** Every Falco field of a Sigma field: several for a one-to-many mapping (any of them holds it). */
export function falcoFieldNames(
  ctx: BackendContext,
  field: string,
  origin: Loc | undefined,
): readonly string[] {
  if (elementOf(ctx, field) !== undefined) return [falcoFieldName(ctx, field, origin)];
  return targetFields(ctx.mapping, field, "falco", ctx.rule.source.path, origin);
}

export function elementName(field: string, index: number): string {
  return `${field}.${index}`;
}

type Bound =
  { readonly ok: true; readonly k: number } | { readonly ok: false; readonly error: Diagnostic };

/** K: `--option array-elements=K`, else targets/falco.yml `arrayElements`, else 4. */
export function arrayElements(ctx: BackendContext): Bound {
  const option = ctx.options.targetOptions?.["array-elements"];
  const fromConfig = ctx.config.settings.arrayElements;
  const text =
    option ??
    (typeof fromConfig === "number" ? String(fromConfig) : String(DEFAULT_ARRAY_ELEMENTS));
  const k = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (k >= 1 && k <= MAX_ARRAY_ELEMENTS) return { ok: true, k };
  return {
    ok: false,
    error: {
      severity: "error",
      code: "INVALID_TARGET_OPTION",
      message: `array-elements '${text}' is not a whole number from 1 to ${MAX_ARRAY_ELEMENTS}`,
      file: ctx.rule.source.path,
      target: "falco",
    },
  };
}

/**
 * The presence field of a list field (a pipeline setting `presenceFields`): the json.value field
 * that holds the whole value at the list's path, so that exists / null say Sigma's "present and
 * not null" even where k8saudit leaves the list field unavailable (an empty or non-array value).
 */
export function presenceField(ctx: BackendContext, field: string): string | undefined {
  const raw = ctx.mapping?.settings.presenceFields;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;
  const p: unknown = (raw as Record<string, unknown>)[field];
  if (p === undefined) return undefined;
  if (typeof p !== "string" || !JSON_POINTER.test(p))
    throw new Error(`pipeline: presence field of ${field} must be json.value[/…]`);
  return p;
}
