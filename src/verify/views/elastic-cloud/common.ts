import { isObject, type Json, type JsonObject } from "../elastic-windows/ingest.js";

/**
 * Steps the cloud integrations' ingest pipelines share: the JSON processor's copy of the raw
 * record, their first script (drop null and "" recursively, then the objects and lists left
 * empty), and the conversions of the `flattened` field type.
 */

export function clone(x: unknown): Json {
  if (Array.isArray(x)) return x.map(clone);
  if (isObject(x)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(x)) if (v !== undefined) out[k] = clone(v);
    return out;
  }
  if (typeof x === "string" || typeof x === "number" || typeof x === "boolean") return x;
  return null;
}

/** The pipelines' "Drops null/empty values recursively" script: null and "" go, then empty maps and lists. */
export function dropNullEmpty(v: Json): Json | undefined {
  if (v === null || v === "") return undefined;
  if (Array.isArray(v)) {
    const items = v.map(dropNullEmpty).filter((x): x is Json => x !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) {
      const y = dropNullEmpty(x);
      if (y !== undefined) out[k] = y;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v;
}

/**
 * What a `flattened` field indexes of an object: every leaf as a keyword, so booleans and numbers
 * as their text (Elasticsearch "Flattened field type"); the object's shape is kept for the paths.
 */
export function flattenedLeaves(v: Json): Json {
  if (Array.isArray(v)) return v.map(flattenedLeaves);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) out[k] = flattenedLeaves(x);
    return out;
  }
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return v;
}

/** Elasticsearch stores no field for null, [] or {}: leave them out of the document. */
export function pruned(v: Json): Json {
  if (Array.isArray(v)) return v.map(pruned).filter((x) => !isEmpty(x));
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) {
      const y = pruned(x);
      if (!isEmpty(y)) out[k] = y;
    }
    return out;
  }
  return v;
}

function isEmpty(v: Json): boolean {
  return (
    v === null ||
    (Array.isArray(v) && v.length === 0) ||
    (isObject(v) && Object.keys(v).length === 0)
  );
}

/** Grok's %{IP}: an IPv4 dotted quad or an IPv6 address, the whole value. */
export function isIpText(s: string): boolean {
  const v4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
  if (v4.test(s)) return true;
  return /^[0-9A-Fa-f:.]+$/.test(s) && s.includes(":") && isIpv6(s);
}

function isIpv6(s: string): boolean {
  const parts = s.split("::");
  if (parts.length > 2) return false;
  const groups = (p: string): string[] => (p === "" ? [] : p.split(":"));
  const all = parts.flatMap(groups);
  const last = all[all.length - 1];
  const v4Tail = last !== undefined && last.includes(".");
  const count = all.length + (v4Tail ? 1 : 0);
  if (parts.length === 1 ? count !== 8 : count > 7) return false;
  return all.every((g, i) =>
    i === all.length - 1 && v4Tail ? isIpText(g) && !g.includes(":") : /^[0-9A-Fa-f]{1,4}$/.test(g),
  );
}
