import { suggest } from "../diagnostics.js";
import {
  describe,
  isEmptyScalar,
  valueSpan,
  type LoadCode,
  type LoadContext,
  type Span,
} from "./load-context.js";
import type { YEntry, YNode, YScalar } from "./yaml-tree.js";

/**
 * Readers for typed values. Each reports a coded diagnostic at the offending node and returns
 * undefined, so a document with several mistakes gets all of them at once.
 */

/** A node and where to point at it (the key when the value is empty). */
export interface Located {
  readonly node: YNode;
  readonly at: Span;
  /** How the value is named in messages: "'title'", "an item of 'tags'". */
  readonly what: string;
}

export function entryValue(entry: YEntry): Located {
  return { node: entry.value, at: valueSpan(entry), what: `'${entry.key.text}'` };
}

function itemOf(item: YNode, listName: string, fallback: Span): Located {
  return { node: item, at: isEmptyScalar(item) ? fallback : item, what: `an item of ${listName}` };
}

export function readString(ctx: LoadContext, v: Located): string | undefined {
  const { node } = v;
  if (node.kind === "scalar" && typeof node.value === "string") return node.value;
  ctx.error("RULE_TYPE", v.at, `${v.what} must be a string, got ${describe(node)}`);
  return undefined;
}

/** A string with something in it: an empty title or status is a mistake, not a value. */
export function readNonEmptyString(ctx: LoadContext, v: Located): string | undefined {
  const s = readString(ctx, v);
  if (s !== undefined && s.trim() === "") {
    ctx.error("RULE_EMPTY_VALUE", v.at, `${v.what} is empty`);
    return undefined;
  }
  return s;
}

export interface ListOptions {
  /** Accept a lone string as a one-item list (Sigma allows it for falsepositives). */
  readonly allowSingle?: boolean;
}

export function readStringList(
  ctx: LoadContext,
  v: Located,
  options: ListOptions = {},
): string[] | undefined {
  const { node } = v;
  if (options.allowSingle && node.kind === "scalar" && typeof node.value === "string")
    return [node.value];
  if (node.kind !== "seq") {
    const expected = options.allowSingle ? "a string or a list of strings" : "a list of strings";
    ctx.error("RULE_TYPE", v.at, `${v.what} must be ${expected}, got ${describe(node)}`);
    return undefined;
  }
  const out: string[] = [];
  let ok = true;
  const seen = new Set<string>();
  for (const item of node.items) {
    const s = readString(ctx, itemOf(item, v.what, v.at));
    if (s === undefined) {
      ok = false;
      continue;
    }
    if (seen.has(s)) {
      ctx.warn("RULE_DUPLICATE_ITEM", item, `'${s}' appears twice in ${v.what}`);
      continue;
    }
    seen.add(s);
    out.push(s);
  }
  return ok ? out : undefined;
}

/** The items of a list, each with where to point at it. */
export function readList(ctx: LoadContext, v: Located): Located[] | undefined {
  if (v.node.kind !== "seq") {
    ctx.error("RULE_TYPE", v.at, `${v.what} must be a list, got ${describe(v.node)}`);
    return undefined;
  }
  return v.node.items.map((item) => itemOf(item, v.what, v.at));
}

export function readEnum<T extends string>(
  ctx: LoadContext,
  v: Located,
  allowed: readonly T[],
  code: LoadCode,
): T | undefined {
  const s = readString(ctx, v);
  if (s === undefined) return undefined;
  if ((allowed as readonly string[]).includes(s)) return s as T;
  const guess = suggest(s, allowed);
  const hint = guess === undefined ? "" : ` — did you mean '${guess}'?`;
  ctx.error(code, v.at, `${v.what} is '${s}', which is not one of ${allowed.join(", ")}${hint}`);
  return undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Any UUID version; the case of the hex digits is kept as written. */
export function readUuid(ctx: LoadContext, v: Located): string | undefined {
  const s = readString(ctx, v);
  if (s === undefined) return undefined;
  if (UUID.test(s)) return s;
  ctx.error("RULE_BAD_ID", v.at, `${v.what} '${s}' is not a UUID (expected 8-4-4-4-12 hex digits)`);
  return undefined;
}

const DATE = /^(\d{4})([-/])(\d{2})\2(\d{2})$/;

/** YYYY-MM-DD or YYYY/MM/DD, a real calendar day; returned with dashes. */
export function readDate(ctx: LoadContext, v: Located): string | undefined {
  const s = readString(ctx, v);
  if (s === undefined) return undefined;
  const m = DATE.exec(s);
  if (m !== null) {
    const [year, month, day] = [Number(m[1]), Number(m[3]), Number(m[4])];
    const d = new Date(Date.UTC(year, month - 1, day));
    if (d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day) {
      return `${m[1]}-${m[3]}-${m[4]}`;
    }
  }
  ctx.error(
    "RULE_BAD_DATE",
    v.at,
    `${v.what} '${s}' is not a date written YYYY-MM-DD (or YYYY/MM/DD)`,
  );
  return undefined;
}

/** The scalar(s) of a `condition`: one string, or a list of strings meaning their OR. */
export function readConditions(ctx: LoadContext, v: Located): YScalar[] | undefined {
  const items =
    v.node.kind === "seq" ? v.node.items.map((item) => itemOf(item, v.what, v.at)) : [v];
  if (items.length === 0) {
    ctx.error(
      "RULE_EMPTY_CONDITION",
      v.at,
      `${v.what} is an empty list; write at least one condition`,
    );
    return undefined;
  }
  const out: YScalar[] = [];
  for (const item of items) {
    const { node } = item;
    if (node.kind !== "scalar" || typeof node.value !== "string") {
      const expected = v.node.kind === "seq" ? "a string" : "a string or a list of strings";
      ctx.error("RULE_TYPE", item.at, `${item.what} must be ${expected}, got ${describe(node)}`);
      continue;
    }
    if (node.value.trim() === "") {
      ctx.error("RULE_EMPTY_CONDITION", item.at, `${item.what} is empty`);
      continue;
    }
    out.push(node);
  }
  return out.length === items.length ? out : undefined;
}
