import type { CapabilityEntry } from "../types.js";

/** JavaScript can say every construct exactly: the runtime mirrors the reference evaluator. */
export const JS_CAPABILITIES: readonly CapabilityEntry[] = [
  { construct: "boolean logic", capability: "exact", how: "&&, ||, ! with parentheses" },
  {
    construct: "equals, case-insensitive",
    capability: "exact",
    how: "toLowerCase() on both sides",
  },
  { construct: "equals |cased", capability: "exact", how: "=== on the value's text" },
  { construct: "wildcard *", capability: "exact", how: "startsWith/endsWith/includes or a glob" },
  { construct: "wildcard ?", capability: "exact", how: "glob token: one code point" },
  { construct: "literal * ? \\", capability: "exact", how: "text inside a JSON string literal" },
  { construct: "list field (any element)", capability: "exact", how: "arrays are iterated" },
  { construct: "|re", capability: "exact", how: "new RegExp(source, flags), unanchored" },
  { construct: "|cidr", capability: "exact", how: "IPv4/IPv6 parse, IPv4-mapped compare" },
  { construct: "number equals", capability: "exact", how: "JSON number or numeric string, ===" },
  { construct: "|lt |lte |gt |gte", capability: "exact", how: "< <= > >= on the number" },
  { construct: "boolean value", capability: "exact", how: 'JSON boolean or "true"/"false"' },
  { construct: "null", capability: "exact", how: "no present non-null value" },
  { construct: "|exists", capability: "exact", how: "some present non-null value" },
  {
    construct: "|fieldref",
    capability: "exact",
    how: "compares with every value of the other field",
  },
  { construct: "time parts", capability: "exact", how: "RFC 3339 parse, UTC parts, ISO week" },
  { construct: "keywords", capability: "exact", how: "every string and number leaf of the event" },
];
