import type { CapabilityEntry } from "../types.js";

/**
 * One row per construct of constructs.ts. Versions: everything emitted loads on Falco ≥ 0.36.0
 * with k8saudit ≥ 0.7.0 and json ≥ 0.7.0 (json.value[<JSON pointer>] and fnmatch bracket sets
 * in glob predate both), except `regex` (≥ 0.39). The syscall source and the cloud plugins use
 * the same constructs on their own fields (sources.ts, typed.ts for numbers and addresses).
 */
export const FALCO_CAPABILITIES: readonly CapabilityEntry[] = [
  {
    construct: "boolean logic",
    capability: "exact",
    how: "and / or / not with libsinsp precedence (or < and < not)",
  },
  {
    construct: "equals, case-insensitive",
    capability: "encoded",
    how: "glob with [xX] sets per ASCII letter, plus KELVIN SIGN / İ alternatives; icontains for *x*; non-ASCII letters: FIDELITY_CASE_SENSITIVE (iglob/tolower need ≥ 0.38 and fold ASCII only too)",
  },
  {
    construct: "equals |cased",
    capability: "exact",
    how: "= / startswith / endswith / contains, in (…) for value lists",
  },
  {
    construct: "wildcard *",
    capability: "exact",
    how: 'glob (fnmatch, * crosses /); startswith/endswith/contains for simple shapes; a value that would match the text null gets and not f = "null", as JSON null renders "null" (info FIDELITY_NULL_TEXT)',
  },
  {
    construct: "wildcard ?",
    capability: "deviation",
    how: "glob ? is one byte, not one character: widened to * (FIDELITY_ONE_CHAR_WILDCARD)",
  },
  {
    construct: "literal * ? \\",
    capability: "encoded",
    how: '"…" with \\\\ and \\"; in glob as [*] [?] [[] [\\\\]; a value ending in \\ is written as a glob (a string cannot end in \\)',
  },
  {
    construct: "list field (any element)",
    capability: "deviation",
    how: "intersects (…) on ka.user.groups and other list fields (exact values only: UNSUPPORTED_LIST_FIELD_WILDCARD; the field exists only for a non-empty JSON array, elements read as text: info FIDELITY_LIST_SHAPE); sourceIPs and impersonatedUser.groups element by element, json.value[/sourceIPs/0] … /K-1, any test (FIDELITY_ELEMENTS_BOUNDED: elements past K = array-elements, default 4, are not read; ka.sourceips is broken, plugin bug #236); an array at any other field is one compact JSON text, not its elements (info FIDELITY_JSON_TEXT, once per field)",
  },
  {
    construct: "|re",
    capability: "encoded",
    how: "regex operator (Falco ≥ 0.39, the default 0.41.0): RE2 POSIX syntax over the whole value, so the search is written (.|\\n)*(R)(.|\\n)* with classes spelled out, (?: as (, i as letter classes; lookaround, backreferences, \\b, inner anchors and UTF-16-unit patterns are UNSUPPORTED_REGEX with the construct",
  },
  {
    construct: "|cidr",
    capability: "deviation",
    how: "IPv4: globs over dotted-quad text, e.g. 172.1[6-9].*, plus a glob check that the text is a canonical dotted quad (FIDELITY_CIDR_DOTTED_QUAD: IPv4-mapped IPv6 text such as ::ffff:10.0.0.1 does not match); IPv6: UNSUPPORTED_CIDR_IPV6",
  },
  {
    construct: "number equals",
    capability: "deviation",
    how: 'matched as its canonical text, e.g. ka.response.code = "403" (FIDELITY_NUMBER_AS_TEXT)',
  },
  {
    construct: "|lt |lte |gt |gte",
    capability: "deviation",
    how: "globs over canonical integer text, e.g. >= 400 is [1-9]* with digits only and (????* or [5-9]?? or 4[1-9]? or 40[1-9] or 400); Falco's < > compare strings and are not used (FIDELITY_NUMBER_TEXT: 400.0, 4e2, 0400, -0 never match)",
  },
  {
    construct: "boolean value",
    capability: "exact",
    how: "values are text: a case-insensitive glob on true / false",
  },
  {
    construct: "null",
    capability: "encoded",
    how: '(not f exists or f = "null"): JSON null renders as "null", so a literal "null" string counts as null (info FIDELITY_NULL_TEXT); list fields: not f exists, true for an empty or non-array value (info FIDELITY_LIST_SHAPE)',
  },
  {
    construct: "|exists",
    capability: "encoded",
    how: '(f exists and not f = "null"): a literal "null" string counts as missing (info FIDELITY_NULL_TEXT); list fields: f exists, false for an empty or non-array value (info FIDELITY_LIST_SHAPE)',
  },
  {
    construct: "|fieldref",
    capability: "unsupported",
    how: "UNSUPPORTED_FIELDREF (val() needs Falco ≥ 0.39; not emitted)",
  },
  { construct: "time parts", capability: "unsupported", how: "UNSUPPORTED_TIMEPART" },
  {
    construct: "keywords",
    capability: "unsupported",
    how: "UNSUPPORTED_KEYWORDS: no full-text search in conditions",
  },
];
