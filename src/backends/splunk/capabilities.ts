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
    capability: "exact",
    how: 'search field="value" (printable ASCII), else where mvfind with (?i) PCRE (Unicode simple case folding)',
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
    how: "search has no one-character wildcard: where mvfind with `.` under (?s)",
  },
  {
    construct: "literal * ? \\",
    capability: "encoded",
    how: "search cannot say a literal *: where mvfind with \\* \\? \\\\",
  },
  {
    construct: "list field (any element)",
    capability: "exact",
    how: "JSON arrays are multivalue fields (`f{}`): search and mvfind/mvfilter test every value",
  },
  {
    construct: "|re",
    capability: "encoded",
    how: "JavaScript regex rewritten to PCRE (., ^, $, \\s spelled out), in mvfind; backreferences and \\p refused",
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
    how: 'search f="true" (values are the JSON text, compared case-insensitively)',
  },
  {
    construct: "null",
    capability: "exact",
    how: "where isnull('f') (JSON null gives no field: see the view)",
  },
  {
    construct: "|exists",
    capability: "exact",
    how: "where isnotnull('f') (an empty string is a value; null, empty arrays and objects give no field)",
  },
  { construct: "|fieldref", capability: "unsupported", how: "UNSUPPORTED_FIELDREF" },
  { construct: "time parts", capability: "unsupported", how: "UNSUPPORTED_TIMEPART" },
  {
    construct: "keywords",
    capability: "unsupported",
    how: "UNSUPPORTED_KEYWORD: bare terms search raw-text index terms, not values",
  },
];
