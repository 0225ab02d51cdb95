import { DiagnosticError } from "../../diagnostics.js";
import type { BackendContext } from "../types.js";

/**
 * A logsource's scope as data, so that EQL and ES|QL write it in their own syntax: read from the
 * verbatim KQL `scope.query` of the pipelines (a test checks the reading against the KQL grammar),
 * or the Elastic setting `scope_fields`: one mapping (every condition holds) or a list of them
 * (any one holds), `[{ data_stream.dataset: windows.sysmon_operational, event.code: "1" }, …]`.
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

/**
 * The scope EQL and ES|QL write: `scope_fields` when the pipelines give it, else the verbatim KQL
 * scope read as `field:"value"` terms; a scope in any other form is UNSUPPORTED_SCOPE (EQL and
 * ES|QL would otherwise read events outside the rule's data).
 */
/** The KQL scope clause: `-O scope=…` replaces the pipelines' ('' removes it). */
export function kqlScope(ctx: BackendContext): string | undefined {
  const override = ctx.options.targetOptions?.["scope"];
  if (override !== undefined) return override === "" ? undefined : `(${override})`;
  return ctx.mapping?.scope;
}

export function scopeOf(ctx: BackendContext): Scope {
  // A scope given as an option is KQL text and replaces the pipelines' scope_fields too.
  const raw =
    ctx.options.targetOptions?.["scope"] === undefined
      ? ctx.mapping?.settings.scope_fields
      : undefined;
  if (raw !== undefined) {
    const alternatives = (Array.isArray(raw) ? raw : [raw]).map(conditions);
    return alternatives.some((a) => a.length === 0) ? [] : alternatives;
  }
  const text = kqlScope(ctx);
  if (text === undefined) return [];
  const read = scopeFromKql(text);
  if (read === undefined)
    throw new DiagnosticError({
      severity: "error",
      code: "UNSUPPORTED_SCOPE",
      message: `the scope '${text}' is not field:"value" terms under and, or and parentheses, which EQL and ES|QL read from it: give the pipeline item settings.scope_fields`,
      file: ctx.rule.source.path,
      target: "elastic",
    });
  return read;
}

type Token = "(" | ")" | "and" | "or" | ScopeCondition;

const TOKEN =
  /\s*(?:(\()|(\))|(and|or)(?![^\s()])|([A-Za-z0-9_.@/-]+):(?:"((?:[^"\\]|\\["\\])*)"|\(((?:\s*(?:"(?:[^"\\]|\\["\\])*"|or))+)\s*\)))/iy;

const unquote = (text: string): string => text.replace(/\\(["\\])/g, "$1");

function tokens(text: string): Token[] | undefined {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const m = TOKEN.exec(text);
    if (m === null) return undefined;
    if (m[1]) out.push("(");
    else if (m[2]) out.push(")");
    else if (m[3]) out.push(m[3].toLowerCase() as "and" | "or");
    else if (m[5] !== undefined) out.push({ field: m[4]!, values: [unquote(m[5])] });
    else {
      // field:("a" or "b"): quoted values joined by `or` only.
      const list = m[6]!;
      const values = [...list.matchAll(/"((?:[^"\\]|\\["\\])*)"/g)].map((v) => unquote(v[1]!));
      const rest = list
        .replace(/"((?:[^"\\]|\\["\\])*)"/g, "")
        .trim()
        .split(/\s+/);
      if (values.length === 0 || rest.some((w) => w !== "" && w.toLowerCase() !== "or"))
        return undefined;
      out.push({ field: m[4]!, values });
    }
  }
  return out;
}

/** A KQL scope of `field:"value"` terms under and/or/parentheses as an OR of ANDs. */
export function scopeFromKql(text: string): Scope | undefined {
  const ts = tokens(text);
  if (ts === undefined || ts.length === 0) return undefined;
  let at = 0;
  const or = (): Scope | undefined => {
    let acc = and();
    while (acc !== undefined && ts[at] === "or") {
      at++;
      const next = and();
      acc = next === undefined ? undefined : [...acc, ...next];
    }
    return acc;
  };
  const and = (): Scope | undefined => {
    let acc = atom();
    while (acc !== undefined && ts[at] === "and") {
      at++;
      const next = atom();
      const left = acc;
      acc = next === undefined ? undefined : left.flatMap((a) => next.map((b) => [...a, ...b]));
    }
    return acc;
  };
  const atom = (): Scope | undefined => {
    const t = ts[at++];
    if (t === "(") {
      const inner = or();
      return ts[at++] === ")" ? inner : undefined;
    }
    return typeof t === "object" ? [[t]] : undefined;
  };
  const scope = or();
  return at === ts.length ? scope : undefined;
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
