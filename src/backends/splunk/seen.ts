import type { BackendContext, SeenEvent } from "../types.js";
import { readNames } from "./dialect.js";

/**
 * What the SPL query can see of a raw event, in Sigma field names (the backend's claim): search-
 * time JSON extraction names nested keys with dots and arrays with `{}`, gives every value as
 * text (numbers as their JSON text, booleans "true"/"false", JSON null "null"), and makes no
 * field for an empty array or object. A leaf is seen only when its Splunk name is one the query
 * reads for its Sigma path (readNames of the mapped name): an array in the middle of a path, or
 * an array at a field mapped as a scalar, is not read.
 */

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function asText(v: unknown): string | undefined {
  if (v === null) return "null";
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  return undefined;
}

/**
 * XML-rendered Windows event logs (settings `extraction: xml`): the add-ons extract one field per
 * System value and named Data element, under the name the mapping gives (EventID as EventCode…),
 * always as text, and none for an empty value or the unnamed Data elements (the fixtures' `Data`
 * list). The data keeps &, < and > as entities (&amp;…); the query writes them so (xml-text.ts),
 * so a value test reads the raw text.
 */
function xmlSeen(raw: unknown): unknown {
  if (!isRecord(raw)) return raw;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    const text = v === null || Array.isArray(v) || isRecord(v) ? undefined : asText(v);
    if (text !== undefined && text !== "") out[k] = text;
  }
  return out;
}

/**
 * The text leaves of an event at a Splunk name: `k{}` is an array at k (its elements), a plain
 * segment an object key (the longest run of segments that is an own key, as extraction names a
 * key that holds dots); an array met at a plain segment has another name and is not read.
 */
function leavesAt(node: unknown, segments: readonly string[]): string[] {
  if (segments.length === 0) {
    const text = asText(node);
    return text === undefined ? [] : [text];
  }
  if (!isRecord(node)) return [];
  for (let j = segments.length; j > 0; j--) {
    const run = segments.slice(0, j).join(".");
    const array = run.endsWith("{}");
    const key = array ? run.slice(0, -2) : run;
    if (!Object.hasOwn(node, key)) continue;
    const v = node[key];
    if (array !== Array.isArray(v)) return [];
    return array
      ? (v as unknown[]).flatMap((x) => leavesAt(x, segments.slice(j)))
      : leavesAt(v, segments.slice(j));
  }
  return [];
}

export function splunkSeen(ctx: BackendContext): SeenEvent {
  if (ctx.mapping?.settings.extraction === "xml") return xmlSeen;
  const fields = ctx.mapping?.fields ?? {};
  const reads = (sigmaPath: string, splunkName: string): boolean =>
    readNames(fields[sigmaPath] ?? sigmaPath).includes(splunkName);
  // A Sigma field the pipeline names otherwise (a renamed JSON path) is seen at that name in the
  // event; `settings.envelope` names the key under which the input indexes the whole record.
  const envelope = ctx.mapping?.settings.envelope;
  const inRecord = (name: string): string[] => {
    const prefix = typeof envelope === "string" ? `${envelope}.` : undefined;
    const path = prefix !== undefined && name.startsWith(prefix) ? name.slice(prefix.length) : name;
    return path.split(".");
  };
  const renamed = Object.entries(fields).filter(
    ([sigma, mapped]) => !readNames(mapped).some((n) => n.replaceAll("{}", "") === sigma),
  );

  const seen = (value: unknown, path: string, name: string): unknown => {
    if (Array.isArray(value)) {
      const items = value.map((v) => seen(v, path, `${name}{}`)).filter((v) => v !== undefined);
      return items.length === 0 ? undefined : items;
    }
    if (isRecord(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        const s = seen(v, path === "" ? k : `${path}.${k}`, name === "" ? k : `${name}.${k}`);
        if (s !== undefined) out[k] = s;
      }
      return Object.keys(out).length === 0 ? undefined : out;
    }
    const text = asText(value);
    return text !== undefined && reads(path, name) ? text : undefined;
  };

  return (raw) => {
    if (!isRecord(raw)) return raw;
    const out = (seen(raw, "", "") ?? {}) as Record<string, unknown>;
    for (const [sigma, mapped] of renamed) {
      const values = readNames(mapped).flatMap((n) => leavesAt(raw, inRecord(n)));
      if (values.length > 0) out[sigma] = values.length === 1 ? values[0] : values;
    }
    return out;
  };
}
