/**
 * The IR constructs a target is rated on (the rows of the capability matrix). A backend's
 * capability table names every one of them; a test checks that none is missing.
 */
export const CONSTRUCTS = {
  "boolean logic": "and / or / not, any nesting",
  "equals, case-insensitive": "plain Sigma value (default)",
  "equals |cased": "case-sensitive exact value",
  "wildcard *": "* in a value, contains / startswith / endswith",
  "wildcard ?": "? in a value (exactly one character)",
  "literal * ? \\": "escaped wildcard characters and backslashes in a value",
  "list field (any element)": "a predicate on an array field holds if any element matches",
  "|re": "regular expression (with i, m, s flags)",
  "|cidr": "IPv4 / IPv6 network match",
  "number equals": "numeric value",
  "|lt |lte |gt |gte": "numeric comparison",
  "boolean value": "true / false",
  null: "field missing or null",
  "|exists": "field present (true) or absent (false)",
  "|fieldref": "compare with another field",
  "time parts": "|minute |hour |day |week |month |year",
  keywords: "values without a field (full-text search)",
} as const;

export type Construct = keyof typeof CONSTRUCTS;
export const CONSTRUCT_NAMES = Object.keys(CONSTRUCTS) as Construct[];
