/**
 * The few Elasticsearch ingest processors the Windows and System pipelines use, on a plain JSON
 * document with dotted paths (objects are created on the way, as the processors do). Each helper
 * behaves as its processor does with `ignore_missing`/`ignore_failure` set, which is how the
 * pipelines call them: a missing source or an existing rename target leaves the document alone.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(x: unknown): x is JsonObject {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

export function get(doc: JsonObject, path: string): Json | undefined {
  let cur: Json | undefined = doc;
  for (const k of path.split(".")) {
    if (!isObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** The value at `path` if it is a string. */
export function str(doc: JsonObject, path: string): string | undefined {
  const v = get(doc, path);
  return typeof v === "string" ? v : undefined;
}

export function set(doc: JsonObject, path: string, value: Json): void {
  const keys = path.split(".");
  let cur = doc;
  for (const k of keys.slice(0, -1)) {
    const next = cur[k];
    if (isObject(next)) cur = next;
    else {
      const made: JsonObject = {};
      cur[k] = made;
      cur = made;
    }
  }
  cur[keys[keys.length - 1]!] = value;
}

export function remove(doc: JsonObject, path: string): void {
  const keys = path.split(".");
  const parent = keys.length === 1 ? doc : get(doc, keys.slice(0, -1).join("."));
  if (isObject(parent)) delete parent[keys[keys.length - 1]!];
}

/** `present`: the pipelines' `!= null && != ""` guard. */
export function present(v: Json | undefined): v is Json {
  return v !== undefined && v !== null && v !== "";
}

/** `rename` (ignore_missing, ignore_failure): moves a non-empty value unless the target exists. */
export function rename(doc: JsonObject, from: string, to: string): void {
  const v = get(doc, from);
  if (!present(v) || get(doc, to) !== undefined) return;
  set(doc, to, v);
  remove(doc, from);
}

/** `set copy_from … ignore_empty_value`: copies a non-empty value, the source stays. */
export function copy(doc: JsonObject, from: string, to: string): void {
  const v = get(doc, from);
  if (present(v)) set(doc, to, structuredClone(v));
}

/** `append … allow_duplicates: false`: adds a value to a list field (a scalar becomes a list). */
export function appendUnique(doc: JsonObject, path: string, value: Json): void {
  const cur = get(doc, path);
  const list: Json[] = cur === undefined || cur === null ? [] : Array.isArray(cur) ? cur : [cur];
  if (!list.some((x) => x === value)) list.push(value);
  set(doc, path, list);
}

/** Java's Long.decode for the pipelines' hex/decimal pids ("0x1a2c", "4711"); undefined if it throws. */
export function longDecode(text: string): number | undefined {
  const m = /^([+-]?)(0[xX]|#|0(?=[0-7]))?([0-9a-fA-F]+)$/.exec(text);
  if (!m) return undefined;
  const radix = m[2] === undefined ? 10 : m[2] === "0" ? 8 : 16;
  const digits = m[3]!;
  const valid = radix === 10 ? /^\d+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9a-fA-F]+$/;
  if (!valid.test(digits)) return undefined;
  const n = parseInt(digits, radix);
  return m[1] === "-" ? -n : n;
}

/** `convert type: long` on a string: a decimal integer, else the processor fails (ignored). */
export function convertLong(text: string): number | undefined {
  const t = text.trim();
  return /^[+-]?\d+$/.test(t) ? Number(t) : undefined;
}

/** The trim processor: Java's String.trim, which removes code units up to U+0020 at both ends. */
export function trimProcessor(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return text.slice(start, end);
}
