import type { CapabilityEntry } from "../types.js";

/** How each IR construct fares in KQL on Elastic's documents (the declared deviations). */
export const ELASTIC_CAPABILITIES: readonly CapabilityEntry[] = [
  {
    construct: "boolean logic",
    capability: "exact",
    how: "and / or / not with Kibana's precedence, value lists f:(a or b)",
  },
  {
    construct: "equals, case-insensitive",
    capability: "deviation",
    how: "keyword fields are case-sensitive: exact only for values without cased letters or fields declared lower-case; else FIDELITY_CASE_SENSITIVE. Text fields: match_phrase on lower-cased words (FIDELITY_TEXT_FIELD)",
  },
  {
    construct: "equals |cased",
    capability: "exact",
    how: 'quoted value f:"v" (keyword fields; text fields are match_phrase on lower-cased words: FIDELITY_TEXT_FIELD)',
  },
  {
    construct: "wildcard *",
    capability: "exact",
    how: "unquoted value with * (edge whitespace is trimmed by Kibana: FIDELITY_TRIMMED_WHITESPACE); on text fields a query_string over single words: UNSUPPORTED_TEXT_FIELD_WILDCARD",
  },
  {
    construct: "wildcard ?",
    capability: "deviation",
    how: "no single-character wildcard: widened to * (FIDELITY_SINGLE_WILDCARD)",
  },
  {
    construct: "literal * ? \\",
    capability: "exact",
    how: 'quoted values are literal; unquoted: \\* \\\\ and \\( \\) \\: \\< \\> \\" \\{ \\}',
  },
  {
    construct: "list field (any element)",
    capability: "exact",
    how: "Elasticsearch matches any value of a multi-valued field",
  },
  {
    construct: "|re",
    capability: "unsupported",
    how: "KQL has no regular expressions (UNSUPPORTED_REGEX)",
  },
  {
    construct: "|cidr",
    capability: "exact",
    how: 'ip fields: f:"10.0.0.0/8"; the pipeline drops all of source.ip when one sourceIPs element is not an address (info FIDELITY_IP_ARRAY_DROPPED); UNSUPPORTED_CIDR on other types',
  },
  {
    construct: "number equals",
    capability: "exact",
    how: "numeric fields: f:200 on the integer Elasticsearch indexes (0.5 as 0, ' 403' as 403: info FIDELITY_NUMBER_COERCED); keyword fields: the exact text (FIDELITY_NUMBER_AS_TEXT)",
  },
  {
    construct: "|lt |lte |gt |gte",
    capability: "exact",
    how: "numeric fields: f >= 400 on the indexed integer (info FIDELITY_NUMBER_COERCED); unsupported on other types",
  },
  {
    construct: "boolean value",
    capability: "exact",
    how: 'boolean fields: f:true, where only true/false/"true"/"false" are indexed (info FIDELITY_BOOLEAN_STRICT); keyword fields: FIDELITY_BOOLEAN_AS_TEXT',
  },
  {
    construct: "null",
    capability: "deviation",
    how: 'not f:* (Elastic drops "", [] and {} at ingest: FIDELITY_EMPTY_DROPPED; typed fields do not index a malformed value: FIDELITY_MALFORMED_IGNORED)',
  },
  {
    construct: "|exists",
    capability: "exact",
    how: "f:* (exact beside not f: ''; else FIDELITY_EMPTY_DROPPED); keyword values over 1024 characters are not indexed; numeric, ip and boolean fields do not index a malformed value (FIDELITY_MALFORMED_IGNORED)",
  },
  {
    construct: "|fieldref",
    capability: "unsupported",
    how: "KQL cannot compare two fields (UNSUPPORTED_FIELDREF)",
  },
  {
    construct: "time parts",
    capability: "unsupported",
    how: "KQL cannot extract date parts (UNSUPPORTED_TIMEPART)",
  },
  {
    construct: "keywords",
    capability: "unsupported",
    how: "KQL free text searches default fields, not every value (UNSUPPORTED_KEYWORDS)",
  },
];
