import { findLogsource, loadTarget } from "../../targets/load.js";
import type { SigmaRule } from "../../sigma/rule.js";
import type { TargetView } from "../types.js";

/**
 * How Splunk sees a raw Kubernetes audit event, indexed as JSON with search-time JSON extraction
 * (KV_MODE=json / spath naming). The model, declared here once:
 * - nested keys are joined with dots (`objectRef.resource`, `annotations.authorization.k8s.io/decision`);
 * - an array becomes a multivalue field named with `{}` (`sourceIPs{}`), objects inside arrays
 *   give `a{}.b`; an empty array or object gives no field at all;
 * - every value is text: numbers as their JSON text (String(n)), booleans "true"/"false"; an
 *   empty string is kept as an empty value; a JSON null gives no value (a field that is only null
 *   does not exist), so JSON null and the string "null" stay distinct;
 * - the event carries its sourcetype (from targets/splunk.yml), which the scope clause tests.
 * seen() applies the same value changes to the raw event in Sigma names: nulls removed, numbers
 * and booleans → text, arrays/objects left empty removed (Sigma calls `[]` and `[null]` present).
 * It also removes every leaf that Splunk names otherwise than the query reads it: a query reads a
 * Sigma field under its mapped name (and, for an array name `f{}`, also `f`: see the Splunk
 * dialect's readNames), so a leaf behind an array in the middle of the path (`objectRef{}.resource`)
 * or in a nested array (`verb{}{}`) is invisible to it. The field map is targets/splunk.yml's
 * kubernetes/audit one (a field outside it is read under its own name).
 * Not modelled: a literal dotted key next to the same nested path (Splunk merges both into one
 * multivalue field).
 */

type Doc = Record<string, string[]>;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function scalarText(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  return undefined;
}

function flatten(value: unknown, name: string, out: Doc): void {
  if (Array.isArray(value)) {
    for (const item of value) flatten(item, `${name}{}`, out);
    return;
  }
  if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, name === "" ? k : `${name}.${k}`, out);
    return;
  }
  const text = scalarText(value);
  if (text === undefined || name === "") return;
  (out[name] ??= []).push(text);
}

let fieldMap: Readonly<Record<string, string>> | undefined;

function auditFieldMap(): Readonly<Record<string, string>> {
  const probe = { logsource: { product: "kubernetes", service: "audit" } } as unknown as SigmaRule;
  fieldMap ??= findLogsource(loadTarget("splunk"), probe)?.fields ?? {};
  return fieldMap;
}

/**
 * The names a query reads for a Sigma field (the Splunk dialect's rule, restated): an array name
 * `f{}` is read as `f{}` and `f`; a scalar name `f` as `f` only.
 */
function readNames(sigmaPath: string): readonly string[] {
  const mapped = auditFieldMap()[sigmaPath] ?? sigmaPath;
  return mapped.endsWith("{}") ? [mapped, mapped.slice(0, -2)] : [mapped];
}

/**
 * The raw value as a query can see it; undefined when Splunk would have no field for it, or
 * names it otherwise than the query reads the Sigma field. `path` is the Sigma path (object keys
 * joined with dots), `name` the Splunk field name (with `{}` for each array).
 */
function seenValue(value: unknown, path: string, name: string): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => seenValue(v, path, `${name}{}`)).filter((v) => v !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const s = seenValue(v, path === "" ? k : `${path}.${k}`, name === "" ? k : `${name}.${k}`);
      if (s !== undefined) out[k] = s;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  const text = scalarText(value);
  return text !== undefined && readNames(path).includes(name) ? text : undefined;
}

function sourcetype(): string | undefined {
  for (const ls of loadTarget("splunk").logsources) {
    const st = ls.settings["sourcetype"];
    if (typeof st === "string") return st;
  }
  return undefined;
}

export const splunkView: TargetView = {
  target: "splunk",
  seen(raw) {
    if (!isRecord(raw)) return raw;
    return seenValue(raw, "", "") ?? {};
  },
  document(raw) {
    const doc: Doc = {};
    flatten(raw, "", doc);
    const st = sourcetype();
    if (st !== undefined) doc["sourcetype"] = [st];
    return doc;
  },
};
