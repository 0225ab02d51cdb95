import { isIP } from "node:net";
import type { BackendContext, SeenEvent } from "../../types.js";
import { fieldType, type FieldType } from "../fields.js";
import { elasticSeen } from "../seen.js";
import { multiValuedFields } from "./fields.js";

/**
 * What ES|QL reads of a raw event (the backend's claim, noted FIDELITY_MULTI_VALUE by the
 * lowering): what Elastic indexes (seen.ts), read as columns. A field that holds two or more
 * values makes every comparison on it null (ES|QL's "single-value function encountered
 * multi-value"), which the printer keeps false under NOT: in the seen event such a field holds
 * one opaque value that no value test matches but that exists. Keyword and ip doc values are
 * sets (a repeated value is one value); other types keep each value. Fields the mapping declares
 * multi-valued keep their values: the query tests them with MV_CONTAINS.
 */

/** The one value a multi-valued field reads as: an object, which no value test matches. */
export const MULTI_VALUED: Readonly<Record<string, true>> = Object.freeze({
  "(multi-valued)": true,
});

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function leaves(v: unknown): unknown[] {
  if (Array.isArray(v)) return v.flatMap(leaves);
  return v === null || v === undefined || isObject(v) ? [] : [v];
}

/** The 16 bytes Elasticsearch stores for an address, as 8 groups (IPv4 is IPv4-mapped). */
function ipBytes(text: string): string {
  const v6 = isIP(text) === 4 ? `::ffff:${text}` : text;
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(v6);
  const hex = tail
    ? v6.slice(0, tail.index) +
      [1, 3].map((k) => ((Number(tail[k]) << 8) | Number(tail[k + 1])).toString(16)).join(":")
    : v6;
  const [head = "", rest] = hex.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = rest === undefined || rest === "" ? [] : rest.split(":");
  const zeros =
    rest === undefined ? [] : new Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16)).join(":");
}

function loadedCount(values: readonly unknown[], type: FieldType): number {
  switch (type) {
    case "keyword":
      return new Set(values.map(String)).size;
    case "ip":
      return new Set(values.map((v) => (typeof v === "string" ? ipBytes(v) : String(v)))).size;
    default:
      return values.length;
  }
}

export function esqlSeen(ctx: BackendContext): SeenEvent {
  const indexed = elasticSeen(ctx);
  const fields = ctx.mapping?.fields;
  const multi = multiValuedFields(ctx);
  const targetOf = (path: string): string | undefined =>
    fields === undefined ? path : fields[path];
  const collapse = (node: unknown, prefix: string): unknown => {
    if (Array.isArray(node)) return node.map((n) => collapse(n, prefix));
    if (!isObject(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const path = prefix === "" ? key : `${prefix}.${key}`;
      const target = targetOf(path);
      if (target !== undefined && !multi.has(target) && !isObject(value)) {
        const many = loadedCount(leaves(value), fieldType(ctx, target)) >= 2;
        out[key] = many ? MULTI_VALUED : value;
      } else out[key] = collapse(value, path);
    }
    return out;
  };
  return (raw) => {
    const seen = indexed(raw);
    return seen === null ? null : collapse(seen, "");
  };
}
