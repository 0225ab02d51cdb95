/**
 * Field lookup for the reference evaluator: which values a Sigma field name denotes in a raw JSON
 * event. The rules (also written out in evaluate.ts) are:
 * - a field is a dotted path; at every object level the longest dotted run of the remaining
 *   segments that is an OWN key of the object wins (`{"a.b": 1}` answers `a.b`), and only that key
 *   is followed (no fall-back to shorter keys);
 * - only own properties count (`Object.hasOwn`), so `__proto__` and `constructor` are plain keys;
 * - arrays met before the end of the path are traversed element by element (nested arrays too),
 *   so one field may denote several values;
 * - for value predicates, arrays at the end of the path are flattened (nested arrays too) and
 *   null leaves skipped.
 */

export interface Accessor {
  /** Some value at the field is present and not null (an array, even empty, is present). */
  present(event: unknown): boolean;
  /** `test` holds for some non-null leaf value (arrays at the leaf are iterated). */
  some(event: unknown, test: (value: unknown) => boolean): boolean;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Some non-null leaf of `value` (arrays flattened) satisfies `test`. */
function someLeaf(value: unknown, test: (value: unknown) => boolean): boolean {
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (someLeaf(item, test)) return true;
    return false;
  }
  return test(value);
}

/**
 * The accessor for one dotted path. Candidate keys are joined once here: `candidates[i]` lists the
 * keys to try when segments i.. remain, longest first, with the index after each key.
 */
export function fieldAccessor(path: string): Accessor {
  const segments = path.split(".");
  const n = segments.length;
  const candidates: { key: string; next: number }[][] = [];
  for (let i = 0; i < n; i++) {
    const list: { key: string; next: number }[] = [];
    for (let j = n; j > i; j--) list.push({ key: segments.slice(i, j).join("."), next: j });
    candidates.push(list);
  }

  // Visits every value the path denotes until `visit` returns true.
  const walk = (node: unknown, i: number, visit: (value: unknown) => boolean): boolean => {
    if (i === n) return visit(node);
    if (Array.isArray(node)) {
      for (const item of node) if (walk(item, i, visit)) return true;
      return false;
    }
    if (!isObject(node)) return false;
    for (const c of candidates[i]!) {
      if (Object.hasOwn(node, c.key)) return walk(node[c.key], c.next, visit);
    }
    return false;
  };

  const isPresent = (value: unknown): boolean => value !== null && value !== undefined;
  return {
    present: (event) => walk(event, 0, isPresent),
    some: (event, test) => walk(event, 0, (value) => someLeaf(value, test)),
  };
}

/** Every string or number leaf of the event, at any depth (object keys are not searched). */
function someKeywordLeaf(node: unknown, test: (value: unknown) => boolean): boolean {
  if (typeof node === "string" || typeof node === "number") return test(node);
  if (Array.isArray(node)) {
    for (const item of node) if (someKeywordLeaf(item, test)) return true;
    return false;
  }
  if (isObject(node)) {
    for (const key of Object.keys(node)) if (someKeywordLeaf(node[key], test)) return true;
  }
  return false;
}

/** Keyword search (a Match without a field): the values are the event's string and number leaves. */
export const keywordAccessor: Accessor = {
  present: (event) => someKeywordLeaf(event, () => true),
  some: someKeywordLeaf,
};
