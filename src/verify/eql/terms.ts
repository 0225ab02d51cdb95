import { parseIp, type IpValue } from "../kql/ip.js";
import { valuesAt } from "../kql/interpret.js";
import { indexedLength, type EsField } from "../kql/mapping.js";
import { indexedInteger } from "../kql/numeric.js";

/**
 * What Elasticsearch indexes for a field of a document, per field type, as term-level queries
 * (EQL's, like KQL's) see it: every value of a multi-valued field is a term. String values
 * longer than the field's ignore_above are not indexed (mapping.ts indexedLength); a value an ip, integer, long or boolean field cannot
 * parse is not indexed (ignore_malformed in logs-*-*).
 */

export function keywordTerms(doc: unknown, field: string, mapping: EsField): string[] {
  const longest = indexedLength(mapping);
  const out: string[] = [];
  for (const v of valuesAt(doc, field)) {
    const s =
      typeof v === "string"
        ? v
        : typeof v === "number" || typeof v === "boolean"
          ? String(v)
          : undefined;
    if (s === undefined) continue;
    if (s.length > longest) continue;
    out.push(s);
  }
  return out;
}

export function ipTerms(doc: unknown, field: string): IpValue[] {
  const out: IpValue[] = [];
  for (const v of valuesAt(doc, field)) {
    const ip = typeof v === "string" ? parseIp(v) : undefined;
    if (ip !== undefined) out.push(ip);
  }
  return out;
}

export function integerTerms(doc: unknown, field: string, type: "integer" | "long"): number[] {
  const out: number[] = [];
  for (const v of valuesAt(doc, field)) {
    const n = indexedInteger(v, type);
    if (n !== undefined) out.push(n);
  }
  return out;
}

export function booleanTerms(doc: unknown, field: string): boolean[] {
  const out: boolean[] = [];
  for (const v of valuesAt(doc, field)) {
    if (typeof v === "boolean") out.push(v);
    else if (v === "true") out.push(true);
    else if (v === "false") out.push(false);
  }
  return out;
}

/** An exists query: the field has at least one indexed value. */
export function hasTerms(doc: unknown, field: string, mapping: EsField): boolean {
  const type = mapping.type;
  switch (type) {
    case "keyword":
    case "wildcard":
    case "constant_keyword":
    case "text":
      return keywordTerms(doc, field, mapping).length > 0;
    case "ip":
      return ipTerms(doc, field).length > 0;
    case "integer":
    case "long":
      return integerTerms(doc, field, type).length > 0;
    case "boolean":
      return booleanTerms(doc, field).length > 0;
    case "date":
      return valuesAt(doc, field).length > 0;
  }
}
