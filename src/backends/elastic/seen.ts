import { compilePredicate } from "../../sigma/evaluate.js";
import type { BackendContext, SeenEvent } from "../types.js";
import {
  droppedValues,
  fieldType,
  ignoreAboveOf,
  trimmedFields,
  wholeArrayFields,
} from "./fields.js";
import { DEFAULT_IGNORE_ABOVE, indexedValue } from "./indexed.js";

/**
 * What an Elastic query can see of a raw event, in Sigma field names (the backend's claim, from
 * its mapping): every mapped leaf is what its field type indexes (indexed.ts), a field filled
 * from a whole array (`wholeArrays`: `convert type: ip` on the array) is gone when any element is
 * not an address, and, where the logsource's ingest pipeline removes empty values
 * (`dropEmpty`), "", null, [] and {} are gone at every depth, children first. Other values the
 * pipelines say are dropped (Sysmon's "-") are gone from their fields; a keyword value longer than
 * its field's ignore_above is not indexed. The values of the Sigma fields the pipelines list in
 * the setting `trimmed` lose their edge whitespace as the ingest pipeline's trim does (Java's
 * String.trim: code units up to U+0020). An event outside the pipelines' `scope.events` is in no
 * data stream the query reads (PowerShell 7's channel, which the integration does not collect):
 * null, nothing is stored there. A field with a value map (`values:`) keeps only the raw values
 * the map names exactly (the query compares their stored values: src/pipelines/value-maps.ts).
 */

/** Java's String.trim, which Elasticsearch's trim processor and painless .trim() run. */
export function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

type Json = unknown;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isEmpty(v: Json): boolean {
  return (
    v === null ||
    v === undefined ||
    v === "" ||
    (Array.isArray(v) && v.length === 0) ||
    (isObject(v) && Object.keys(v).length === 0)
  );
}

function withoutEmpty(v: Json): Json {
  if (Array.isArray(v)) return v.map(withoutEmpty).filter((x) => !isEmpty(x));
  if (isObject(v)) {
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) {
      const y = withoutEmpty(x);
      if (!isEmpty(y)) out[k] = y;
    }
    return out;
  }
  return v;
}

export function elasticSeen(ctx: BackendContext): SeenEvent {
  const fields = ctx.mapping?.fields ?? {};
  const wholeArrays = wholeArrayFields(ctx);
  const dropEmpty = ctx.mapping?.settings.dropEmpty === true;
  const trimmed = trimmedFields(ctx);
  const scope = ctx.mapping?.events;
  const inScope = scope === undefined ? undefined : compilePredicate(scope);
  const typeAt = (path: string): ReturnType<typeof fieldType> | undefined => {
    const target = fields[path];
    return target === undefined ? undefined : fieldType(ctx, target);
  };
  const limitAt = (path: string): number => {
    const target = fields[path];
    return target === undefined
      ? DEFAULT_IGNORE_ABOVE
      : ignoreAboveOf(ctx, target, DEFAULT_IGNORE_ABOVE);
  };
  const droppedAt = (path: string): readonly string[] =>
    droppedValues(ctx, path).filter((d) => d !== "");
  const wholeArraySources = Object.entries(fields)
    .filter(([, target]) => wholeArrays.has(target))
    .map(([sigma]) => sigma);

  const index = (v: Json, path: string): Json => {
    if (Array.isArray(v)) {
      const out: Json[] = [];
      for (const x of v) {
        const y = leaf(x, path);
        if (y !== undefined) out.push(index(y, path));
      }
      return out;
    }
    if (isObject(v)) {
      const out: Record<string, Json> = {};
      for (const [k, x] of Object.entries(v)) {
        const p = path === "" ? k : `${path}.${k}`;
        const y = leaf(x, p);
        if (y !== undefined) out[k] = index(y, p);
      }
      return out;
    }
    return v;
  };
  const valueMaps = ctx.mapping?.valueMaps ?? {};
  const leaf = (v: Json, path: string): Json => {
    if (Array.isArray(v) || isObject(v) || v === null) return v;
    // A value-mapped field holds the stored value of a raw value the map names, and nothing else.
    const map = Object.hasOwn(valueMaps, path) ? valueMaps[path] : undefined;
    if (map !== undefined && !(typeof v === "string" && Object.hasOwn(map, v))) return undefined;
    if (typeof v === "string" && trimmed.has(path)) v = javaTrim(v);
    if (typeof v === "string" && droppedAt(path).includes(v)) return undefined;
    const type = typeAt(path);
    return type === undefined ? v : indexedValue(v, type, limitAt(path));
  };

  return (raw) => {
    if (!isObject(raw)) return raw;
    if (inScope !== undefined && !inScope(raw)) return null;
    const event: Record<string, Json> = { ...raw };
    for (const sigma of wholeArraySources) {
      // Only top-level sources are filled whole (the Kubernetes pipeline's sourceIPs).
      const v = event[sigma];
      if (v === undefined || v === null) continue;
      const items = Array.isArray(v) ? v : [v];
      if (!items.every((x) => typeof x === "string" && indexedValue(x, "ip", 0) !== undefined))
        delete event[sigma];
    }
    const indexed = index(event, "");
    return dropEmpty ? withoutEmpty(indexed) : indexed;
  };
}
