import type { CapabilityEntry } from "../../types.js";

/** How each IR construct fares in ES|QL on Elastic's documents. */
export const ESQL_CAPABILITIES: readonly CapabilityEntry[] = [
  {
    construct: "boolean logic",
    capability: "exact",
    how: "AND / OR / NOT; a comparison on a missing field is null, so under NOT it is COALESCE(…, FALSE)",
  },
  {
    construct: "equals, case-insensitive",
    capability: "exact",
    how: 'TO_LOWER(f) == "v" (Java lower-cases as JavaScript does, İ included); lists TO_LOWER(f) IN (…)',
  },
  {
    construct: "equals |cased",
    capability: "exact",
    how: 'f == "v"; lists f IN ("a", "b")',
  },
  {
    construct: "wildcard *",
    capability: "exact",
    how: 'f LIKE "a*b" (|cased), TO_LOWER(f) LIKE "a*b"',
  },
  {
    construct: "wildcard ?",
    capability: "exact",
    how: 'LIKE "a?c" (one character of the lower-cased value, as Sigma counts it)',
  },
  {
    construct: "literal * ? \\",
    capability: "exact",
    how: 'LIKE """a\\*b""": a backslash escapes *, ? and \\',
  },
  {
    construct: "list field (any element)",
    capability: "deviation",
    how: "a comparison on a field holding several values is null (info FIDELITY_MULTI_VALUE); fields declared multiValued use MV_CONTAINS (elastic-version ≥ 9.2, equality only; else UNSUPPORTED_MULTI_VALUE)",
  },
  {
    construct: "|re",
    capability: "encoded",
    how: 'f RLIKE """…""" (Lucene syntax, whole value: unanchored patterns are padded with .*); lookaround, backreferences, \\b: UNSUPPORTED_REGEX',
  },
  {
    construct: "|cidr",
    capability: "exact",
    how: 'CIDR_MATCH(f, "10.0.0.0/8") on ip fields (info FIDELITY_IP_ARRAY_DROPPED for source.ip)',
  },
  {
    construct: "number equals",
    capability: "exact",
    how: "numeric fields: f == 200 (info FIDELITY_NUMBER_COERCED); keyword fields: the exact text (FIDELITY_NUMBER_AS_TEXT)",
  },
  {
    construct: "|lt |lte |gt |gte",
    capability: "exact",
    how: "numeric fields: f >= 400 (info FIDELITY_NUMBER_COERCED)",
  },
  {
    construct: "boolean value",
    capability: "exact",
    how: 'boolean fields: f == true (info FIDELITY_BOOLEAN_STRICT); keyword fields: TO_LOWER(f) == "true"',
  },
  {
    construct: "null",
    capability: "deviation",
    how: 'f IS NULL (Elastic drops "", [] and {} at ingest: FIDELITY_EMPTY_DROPPED)',
  },
  {
    construct: "|exists",
    capability: "exact",
    how: "f IS NOT NULL (exact beside not f: ''; else FIDELITY_EMPTY_DROPPED)",
  },
  {
    construct: "|fieldref",
    capability: "unsupported",
    how: "UNSUPPORTED_FIELDREF",
  },
  {
    construct: "time parts",
    capability: "unsupported",
    how: "UNSUPPORTED_TIMEPART",
  },
  {
    construct: "keywords",
    capability: "unsupported",
    how: "ES|QL compares fields (UNSUPPORTED_KEYWORDS)",
  },
];
