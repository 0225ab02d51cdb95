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

export function splunkSeen(ctx: BackendContext): SeenEvent {
  if (ctx.mapping?.settings.extraction === "xml") return xmlSeen;
  const fields = ctx.mapping?.fields ?? {};
  const reads = (sigmaPath: string, splunkName: string): boolean =>
    readNames(fields[sigmaPath] ?? sigmaPath).includes(splunkName);

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

  return (raw) => (isRecord(raw) ? (seen(raw, "", "") ?? {}) : raw);
}
