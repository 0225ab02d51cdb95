import { escapeRuns } from "../escape.js";

/**
 * The Splunk dialect as data. Two sub-languages are emitted: the `search` command (field=value,
 * case-insensitive, `*` the only wildcard, OR binding tighter than AND) and the `where` command
 * (eval expressions, case-sensitive, NOT > AND > OR, dotted field names single-quoted).
 */
export const SPL = {
  search: {
    and: " AND ",
    or: " OR ",
    not: "NOT ",
    eq: "=",
    quote: '"',
    /** Inside a double-quoted search value only `\"` and `\\` are escapes. */
    escapes: { '"': '\\"', "\\": "\\\\" } as Readonly<Record<string, string>>,
    wildcard: "*",
    /** A query with no search clause at all still needs a first term: `*` matches every event. */
    everything: "*",
    /** Field names made only of these characters are written bare; others double-quoted. */
    bareField: /^[A-Za-z_][A-Za-z0-9_.]*$/,
    /**
     * Characters a search value may hold. Search looks a value's terms up in the index of the raw
     * text, breaking both at the segmenters' breakers (segmenters.conf: `\\` and `"` are breakers,
     * minor at index time and major at search time), so JSON's `\\` and `\"` escapes leave the
     * terms intact. What a writer may turn into `\uXXXX` glues letters to a term and is left to
     * `where`: control characters, non-ASCII, and `<`, `>`, `&` (Go's encoding/json, which writes
     * Kubernetes audit logs, escapes them). `*` cannot be written literally in search at all.
     */
    safeText: /^[\x20-\x7e]*$/,
    unsafeText: /[<>&*]/,
  },
  where: {
    command: " | where ",
    and: " AND ",
    or: " OR ",
    not: "NOT ",
    quote: '"',
    /** Eval string literals: `\\` is one backslash, `\"` a quote; every backslash is doubled. */
    escapes: { '"': '\\"', "\\": "\\\\" } as Readonly<Record<string, string>>,
    /** Field names in eval are single-quoted; these characters cannot appear inside. */
    badFieldChar: /['"\\\x00-\x1f\x7f]/,
    isnull: (f: string): string => `isnull(${f})`,
    isnotnull: (f: string): string => `isnotnull(${f})`,
    /** Any value of a (multivalue) field matches the PCRE; null-safe: never returns null. */
    anyMatches: (f: string, re: string): string => `isnotnull(mvfind(${f}, ${re}))`,
    /** Any value satisfies the predicate (mvfilter keeps matching values, null when none). */
    anyValue: (pred: string): string => `isnotnull(mvfilter(${pred}))`,
    true: "true()",
    false: "false()",
  },
} as const;

/** Splunk alert.severity: 1 debug, 2 info, 3 warning, 4 error, 5 severe, 6 fatal. */
export const ALERT_SEVERITY = {
  informational: 2,
  low: 3,
  medium: 4,
  high: 5,
  critical: 6,
} as const;

/**
 * The field names a query reads for one mapped name. JSON extraction names an array `f{}` and a
 * scalar `f`. A field the map names as an array (`sourceIPs{}`) is read under both names, so a
 * lone value is not missed. A field the map names as a scalar is read under that name only: the
 * audit schema makes it a single value, and reading `f{}` too would double every query for data
 * that does not occur (lower() declares it as a data note, FIDELITY_SCALAR_NAME).
 */
export function readNames(mapped: string): readonly string[] {
  return mapped.endsWith("{}") ? [mapped, mapped.slice(0, -2)] : [mapped];
}

/** Quote a string with the given escape table (one pass over the characters, never `.replace`). */
export function quote(text: string, q: string, escapes: Readonly<Record<string, string>>): string {
  return q + escapeRuns(text, escapes) + q;
}
