import type { CapabilityEntry } from "../types.js";

/** One row per construct of src/backends/constructs.ts (a test checks that none is missing). */
export const SPLUNK_CAPABILITIES: readonly CapabilityEntry[] = [
  {
    construct: "boolean logic",
    capability: "exact",
    how: "parenthesized AND/OR/NOT; search binds OR tighter, so every group is explicit",
  },
  {
    construct: "equals, case-insensitive",
    capability: "encoded",
    how: "search field=\"value\" where case folding is lower-casing; else (an s, which folds to ſ too) a search prefilter plus where mvfind with each character's lower-case class ([Ss]); a ? beside İ's halves: FIDELITY_CASE_FOLD",
  },
  {
    construct: "equals |cased",
    capability: "encoded",
    how: "where isnotnull(mvfind('f', \"^…\\z\")): PCRE is case-sensitive",
  },
  {
    construct: "wildcard *",
    capability: "exact",
    how: "search * at either end; inner * and everything else as .* in an anchored PCRE",
  },
  {
    construct: "wildcard ?",
    capability: "encoded",
    how: "search has no one-character wildcard: where mvfind with `.` under (?s), or [^İ] when case-insensitive (Sigma lower-cases İ to two characters)",
  },
  {
    construct: "literal * ? \\",
    capability: "encoded",
    how: "search cannot say a literal *: where mvfind with \\* \\? \\\\",
  },
  {
    construct: "list field (any element)",
    capability: "exact",
    how: "JSON arrays are multivalue fields (`f{}`), scalars `f`: every predicate reads both names; search and mvfind/mvfilter test every value",
  },
  {
    construct: "|re",
    capability: "encoded",
    how: "JavaScript regex rewritten to PCRE (., ^, $, \\s spelled out), in mvfind; backreferences and \\p refused; one that can match true/false: FIDELITY_BOOLEAN_AS_TEXT (booleans are text)",
  },
  {
    construct: "|cidr",
    capability: "deviation",
    how: "IPv4: anchored dotted-quad PCRE (IPv4-mapped IPv6 text does not match, declared); IPv6: mvfilter(cidrmatch()) unless the network overlaps ::ffff:0:0/96 (refused)",
  },
  {
    construct: "number equals",
    capability: "encoded",
    how: "where mvfilter(match(numeric) AND tonumber('f') == n)",
  },
  {
    construct: "|lt |lte |gt |gte",
    capability: "encoded",
    how: "where mvfilter(match(numeric) AND tonumber('f') < n)",
  },
  {
    construct: "boolean value",
    capability: "exact",
    how: 'the text "true"/"false" case-insensitively (values are the JSON text): search for true, lower-case classes in where for false',
  },
  {
    construct: "null",
    capability: "deviation",
    how: "where isnull('f') AND isnull('f{}'); [], {}, [null] and objects give no field either: FIDELITY_EMPTY_VALUE (info)",
  },
  {
    construct: "|exists",
    capability: "deviation",
    how: "where isnotnull('f') OR isnotnull('f{}') (\"\" is a value); [], {}, [null] and objects give no field: FIDELITY_EMPTY_VALUE (info)",
  },
  { construct: "|fieldref", capability: "unsupported", how: "UNSUPPORTED_FIELDREF" },
  { construct: "time parts", capability: "unsupported", how: "UNSUPPORTED_TIMEPART" },
  {
    construct: "keywords",
    capability: "unsupported",
    how: "UNSUPPORTED_KEYWORD: bare terms search raw-text index terms, not values",
  },
];
