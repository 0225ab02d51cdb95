import { DiagnosticError, assertNever } from "../diagnostics.js";
import type { Expr, MatchExpr, RefPosition, Test } from "../ir.js";
import { compileGlob, globTokens } from "./eval-glob.js";
import { inNetwork, parseAddress, parseNetwork } from "./eval-ip.js";
import { fieldAccessor, keywordAccessor, type Accessor } from "./eval-lookup.js";
import { compileRegexSearch } from "./eval-regex.js";
import { asBoolean, asNumber, asSearchText, asText } from "./eval-scalar.js";
import { parseDateTime, timePart } from "./eval-time.js";
import { analyze, containsPhrase } from "./standard-analyzer.js";

/**
 * The reference evaluator: the meaning of an IR expression on a raw JSON event (Sigma semantics).
 * Every backend is judged against it, so every choice is written down here.
 *
 * Field lookup (eval-lookup.ts)
 * - A field is a dotted path. At each object level the longest dotted run of the remaining
 *   segments that is an own key wins (`{"a.b": 1}` answers `a.b`), and only that key is followed.
 * - Own properties only (Object.hasOwn): `__proto__`, `constructor`, `toString` are ordinary keys.
 * - Arrays met along the path are traversed element by element; a field may denote several values
 *   and a value test holds when it holds for ANY of them. Arrays at the end of the path are
 *   flattened (nested arrays too); null elements are skipped.
 * - `null` holds when no value at the field is present and non-null; `exists` is its negation. An
 *   array (even empty) and an empty string are present.
 * - Every value test is false on a missing or null field, so `not selection` is true there.
 *
 * Value tests (a leaf value is a string, number, boolean or object; objects match nothing)
 * - pattern: the value as text (strings as is, numbers by String(n), booleans "true"/"false")
 *   matches the whole-value glob; `*` is any run (also empty), `?` exactly one code point.
 *   Case-insensitive means both sides are compared after `toLowerCase()` (so `?` counts code
 *   points of the lower-cased value; locale-independent).
 * - regex: JS RegExp search anywhere in the value, flags from i/m/s plus `u` when the source
 *   compiles with it (eval-regex.ts), run in linear time on RE2JS with that exact meaning.
 *   Strings, and numbers by String(n); not booleans.
 * - cidr: a string that is an IPv4/IPv6 address inside the network; IPv4 is compared as its
 *   IPv4-mapped IPv6 form, so `::ffff:1.2.3.4` matches IPv4 networks (eval-ip.ts).
 * - number: a JSON number, or a string that is exactly `-?\d+(\.\d+)?([eE][-+]?\d+)?`, compared
 *   with the operator (eval-scalar.ts).
 * - bool: a JSON boolean, or the string "true"/"false" in any case.
 * - fieldref: the value as text equals / starts with / ends with / contains the text of a value of
 *   the other field (any pair), case-insensitive unless cased; a missing other field: false.
 * - timepart: a string in RFC 3339 date-time form with an offset; the UTC part equals the number
 *   (eval-time.ts).
 * - phrase: the value as text, analysed like Elasticsearch's standard analyzer, holds the tokens
 *   consecutively (standard-analyzer.ts); a value with a character outside the analyzer's model
 *   is an error (PHRASE_UNMODELLED), never a guess.
 * - keywords (no field): the values are every string and number leaf of the event at any depth.
 *
 * compilePredicate builds the closures once (globs, regexes, networks, paths); evaluate is the
 * one-shot form.
 */

type ValueTest = (value: unknown, event: unknown) => boolean;

function invalid(m: MatchExpr, code: string, message: string): never {
  throw new DiagnosticError({ severity: "error", code, message, file: "", loc: m.origin });
}

function refHolds(position: RefPosition, value: string, other: string): boolean {
  switch (position) {
    case "equal":
      return value === other;
    case "startswith":
      return value.startsWith(other);
    case "endswith":
      return value.endsWith(other);
    case "contains":
      return value.includes(other);
    default:
      return assertNever(position);
  }
}

function compileValueTest(
  m: MatchExpr,
  test: Exclude<Test, { kind: "null" | "exists" }>,
): ValueTest {
  switch (test.kind) {
    case "pattern": {
      const matches = compileGlob(globTokens(test.pattern, test.cased));
      if (test.cased) {
        return (v) => {
          const t = asText(v);
          return t !== undefined && matches(t);
        };
      }
      return (v) => {
        const t = asText(v);
        return t !== undefined && matches(t.toLowerCase());
      };
    }
    case "regex": {
      const compiled = compileRegexSearch(test.source, test.flags);
      if (!compiled.ok) invalid(m, compiled.code, compiled.message);
      const re = compiled.search;
      return (v) => {
        const t = asSearchText(v);
        return t !== undefined && re.test(t);
      };
    }
    case "cidr": {
      const net = parseNetwork(test.network, test.prefix, test.version);
      if (net === undefined)
        invalid(m, "CIDR_INVALID", `invalid network ${test.network}/${test.prefix}`);
      return (v) => {
        if (typeof v !== "string") return false;
        const address = parseAddress(v);
        return address !== undefined && inNetwork(address, net);
      };
    }
    case "number": {
      const n = test.value;
      switch (test.op) {
        case "eq":
          return (v) => asNumber(v) === n;
        case "lt":
          return (v) => asNumber(v) < n;
        case "lte":
          return (v) => asNumber(v) <= n;
        case "gt":
          return (v) => asNumber(v) > n;
        case "gte":
          return (v) => asNumber(v) >= n;
        default:
          return assertNever(test.op);
      }
    }
    case "bool": {
      const b = test.value;
      return (v) => asBoolean(v) === b;
    }
    case "fieldref": {
      const other = fieldAccessor(test.other);
      const { position, cased } = test;
      const fold = (s: string): string => (cased ? s : s.toLowerCase());
      return (v, event) => {
        const t = asText(v);
        if (t === undefined) return false;
        const value = fold(t);
        return other.some(event, (w) => {
          const o = asText(w);
          return o !== undefined && refHolds(position, value, fold(o));
        });
      };
    }
    case "phrase": {
      const phrase = test.tokens;
      return (v) => {
        const t = asText(v);
        if (t === undefined) return false;
        const tokens = analyze(t);
        if (tokens === undefined)
          invalid(
            m,
            "PHRASE_UNMODELLED",
            `${JSON.stringify(t)} holds a character outside the modelled standard analyzer`,
          );
        return containsPhrase(tokens, phrase);
      };
    }
    case "timepart": {
      const { part, value } = test;
      return (v) => {
        if (typeof v !== "string") return false;
        const date = parseDateTime(v);
        return date !== undefined && timePart(date, part) === value;
      };
    }
    default:
      return assertNever(test);
  }
}

function compileMatch(m: MatchExpr): (event: unknown) => boolean {
  const accessor: Accessor = m.field === null ? keywordAccessor : fieldAccessor(m.field);
  const test = m.test;
  switch (test.kind) {
    case "null":
      return (event) => !accessor.present(event);
    case "exists":
      return (event) => accessor.present(event);
    default: {
      const holds = compileValueTest(m, test);
      return (event) => accessor.some(event, (v) => holds(v, event));
    }
  }
}

/** Compile an expression into a predicate; all per-rule work happens here, once. */
export function compilePredicate(expr: Expr): (event: unknown) => boolean {
  switch (expr.kind) {
    case "const": {
      const value = expr.value;
      return () => value;
    }
    case "not": {
      const item = compilePredicate(expr.item);
      return (event) => !item(event);
    }
    case "and": {
      const items = expr.items.map(compilePredicate);
      return (event) => items.every((f) => f(event));
    }
    case "or": {
      const items = expr.items.map(compilePredicate);
      return (event) => items.some((f) => f(event));
    }
    case "match":
      return compileMatch(expr);
    default:
      return assertNever(expr);
  }
}

/** Evaluate once; for many events use compilePredicate. */
export function evaluate(expr: Expr, event: unknown): boolean {
  return compilePredicate(expr)(event);
}
