import fc from "fast-check";
import {
  and,
  normalizePattern,
  not,
  or,
  type Expr,
  type MatchExpr,
  type NumberOp,
  type Part,
  type Test,
} from "../../src/ir.js";
import type { Loc } from "../../src/source.js";

/**
 * Random IR detection trees and random raw audit events for the differential fuzz. Both draw
 * their strings from one hostile alphabet: the characters and words that each target language
 * treats as syntax (quotes, escapes, wildcards, keywords, list separators), case pairs whose
 * lower-casing is not ASCII, and values that look like numbers, booleans, null and IPs.
 */

/** The Sigma fields the fuzz uses; every target maps them for kubernetes/audit. */
export const FIELDS = [
  "verb",
  "objectRef.resource",
  "user.username",
  "user.groups",
  "sourceIPs",
  "responseStatus.code",
  "requestURI",
] as const;
export type FuzzField = (typeof FIELDS)[number];

export const HOSTILE_FRAGMENTS: readonly string[] = [
  "a",
  "A",
  "create",
  "CREATE",
  "system:node:",
  "x",
  "*",
  "?",
  "\\",
  "\\*",
  '"',
  "'",
  " ",
  "(",
  ")",
  ":",
  "{",
  "}",
  "[",
  "]",
  "<",
  ">",
  "=",
  "!",
  "|",
  "&",
  ",",
  ";",
  "/",
  "-",
  "%",
  "$",
  "#",
  "`",
  ".",
  "\n",
  "\t",
  " not ",
  " or ",
  "and",
  "NOT",
  "null",
  "true",
  "1",
  "403",
  "é",
  "É",
  "ß",
  "İ",
  "\u212a", // KELVIN SIGN: lower-cases to ASCII k
  "ſ",
  "😀",
  "10.20.1.2",
  "::1",
];

/** Whole values that sit on a boundary of some target's semantics. */
const SPECIAL_VALUES: readonly string[] = [
  "",
  " ",
  "null",
  "NULL",
  "true",
  "False",
  "0",
  "-1",
  "400",
  "403",
  "1e3",
  "0.5",
  "10.20.1.2",
  "10.0.0.1",
  "192.168.1.5",
  "::1",
  "::ffff:10.0.0.1",
  "fd00::1",
  "2001:db8::1",
  "1.2.3",
  "010.0.0.1",
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .array(fc.constantFrom(...HOSTILE_FRAGMENTS), { minLength: 1, maxLength: 4 })
      .map((xs) => xs.join("")),
  },
  { weight: 1, arbitrary: fc.constantFrom(...SPECIAL_VALUES) },
);

/** A fixed origin: fuzzed IR has no rule file; diagnostics still carry a position. */
const ORIGIN: Loc = { offset: 0, length: 0, line: 1, col: 1 };

const part: fc.Arbitrary<Part> = fc.oneof(
  { weight: 3, arbitrary: hostileString.map((text): Part => ({ kind: "text", text })) },
  { weight: 1, arbitrary: fc.constant<Part>({ kind: "any" }) },
  { weight: 1, arbitrary: fc.constant<Part>({ kind: "one" }) },
);

const patternTest: fc.Arbitrary<Test> = fc
  .record({ parts: fc.array(part, { maxLength: 4 }), cased: fc.boolean() })
  .map(({ parts, cased }) => ({ kind: "pattern", pattern: normalizePattern(parts), cased }));

/** Regexes that every target with regex support can say (no lookaround, no backreferences). */
const REGEX_SOURCES: readonly string[] = [
  "^a",
  "a$",
  "^$",
  "a.c",
  "[:/]",
  "\\d+",
  "^\\d{3}$",
  "(?:x|y)z",
  "^system:node:",
  "\\*",
  "\\\\",
  '"',
  "é",
  "A",
  "^(create|get)$",
  " ",
];

const regexTest: fc.Arbitrary<Test> = fc
  .record({ source: fc.constantFrom(...REGEX_SOURCES), i: fc.boolean() })
  .map(({ source, i }) => ({ kind: "regex", source, flags: { i, m: false, s: false } }));

const NETWORKS: readonly { network: string; prefix: number; version: 4 | 6 }[] = [
  { network: "10.0.0.0", prefix: 8, version: 4 },
  { network: "10.20.0.0", prefix: 16, version: 4 },
  { network: "192.168.1.0", prefix: 24, version: 4 },
  { network: "0.0.0.0", prefix: 0, version: 4 },
  { network: "10.20.1.2", prefix: 32, version: 4 },
  { network: "::1", prefix: 128, version: 6 },
  { network: "fd00::", prefix: 8, version: 6 },
];

const cidrTest: fc.Arbitrary<Test> = fc
  .constantFrom(...NETWORKS)
  .map((n) => ({ kind: "cidr", network: n.network, prefix: n.prefix, version: n.version }));

const numberTest: fc.Arbitrary<Test> = fc
  .record({
    op: fc.constantFrom<NumberOp>("eq", "lt", "lte", "gt", "gte"),
    value: fc.constantFrom(0, 1, -1, 200, 400, 403, 0.5, 1000),
  })
  .map(({ op, value }) => ({ kind: "number", op, value }));

export const test: fc.Arbitrary<Test> = fc.oneof(
  { weight: 6, arbitrary: patternTest },
  { weight: 1, arbitrary: regexTest },
  { weight: 1, arbitrary: cidrTest },
  { weight: 1, arbitrary: numberTest },
  { weight: 1, arbitrary: fc.boolean().map((value): Test => ({ kind: "bool", value })) },
  { weight: 1, arbitrary: fc.constant<Test>({ kind: "null" }) },
  { weight: 1, arbitrary: fc.constant<Test>({ kind: "exists" }) },
);

export const match: fc.Arbitrary<MatchExpr> = fc
  .record({
    // sourceIPs is rarer: Falco refuses every rule that names it (plugins#236).
    field: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...FIELDS.filter((f) => f !== "sourceIPs")) },
      { weight: 1, arbitrary: fc.constant("sourceIPs") },
    ),
    test,
  })
  .map(({ field, test }) => ({ kind: "match", field, test, origin: ORIGIN }));

/** A detection tree of depth ≤ 3, built with the IR's folding constructors. */
export const expr: fc.Arbitrary<Expr> = fc.letrec<{ node: Expr }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 4, arbitrary: match },
    { weight: 1, arbitrary: tie("node").map(not) },
    { weight: 2, arbitrary: fc.array(tie("node"), { minLength: 2, maxLength: 3 }).map(and) },
    { weight: 2, arbitrary: fc.array(tie("node"), { minLength: 2, maxLength: 3 }).map(or) },
  ),
})).node;

// ---- events ----

/** A JSON scalar as it can appear in an audit event field. */
const scalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, -1, 200, 400, 403, 0.5, 1000) },
  { weight: 1, arbitrary: fc.boolean() },
);

/** missing (undefined), null, "", a scalar, or an array of them (with nulls inside). */
const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constant("") },
  { weight: 5, arbitrary: scalar },
  {
    weight: 2,
    arbitrary: fc.array(
      fc.oneof({ weight: 5, arbitrary: scalar }, { weight: 1, arbitrary: fc.constant(null) }),
      {
        maxLength: 3,
      },
    ),
  },
);

function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

/** A string field as kube-apiserver writes it: a string, "", null or missing. */
const stringField: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constant("") },
  { weight: 6, arbitrary: hostileString },
);

/** A list field (groups, sourceIPs): a list of strings (maybe empty), null or missing. */
const listField: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 6, arbitrary: fc.array(hostileString, { maxLength: 3 }) },
);

const codeField: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 6, arbitrary: fc.constantFrom(0, 200, 201, 399, 400, 403, 404, 500) },
);

interface EventParts {
  readonly verb: unknown;
  readonly resource: unknown;
  readonly objectRefShape: "object" | "null" | "missing";
  readonly username: unknown;
  readonly groups: unknown;
  readonly sourceIPs: unknown;
  readonly code: unknown;
  readonly requestURI: unknown;
}

/**
 * A raw audit event with the envelope Falco's event source needs (kind, auditID, a valid
 * stageTimestamp): dropping whole events is a target-wide deviation the fixtures cover, and it
 * would hide every other difference here.
 */
function assemble(r: EventParts): Record<string, unknown> {
  const e: Record<string, unknown> = {
    kind: "Event",
    apiVersion: "audit.k8s.io/v1",
    auditID: "6f1c1c9e-2b1c-4a5e-9a60-000000000000",
    stage: "ResponseComplete",
    stageTimestamp: "2026-11-20T09:03:00.972904Z",
  };
  put(e, "verb", r.verb);
  put(e, "requestURI", r.requestURI);
  put(e, "sourceIPs", r.sourceIPs);
  if (r.objectRefShape === "null") e.objectRef = null;
  else if (r.objectRefShape === "object") {
    const o: Record<string, unknown> = {};
    put(o, "resource", r.resource);
    e.objectRef = o;
  }
  const user: Record<string, unknown> = {};
  put(user, "username", r.username);
  put(user, "groups", r.groups);
  e.user = user;
  const status: Record<string, unknown> = {};
  put(status, "code", r.code);
  e.responseStatus = status;
  return e;
}

const objectRefShape = fc.constantFrom<EventParts["objectRefShape"]>(
  "object",
  "object",
  "null",
  "missing",
);

/** Events with the types kube-apiserver writes (strings, string lists, an integer code). */
export const typedEvent: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    verb: stringField,
    resource: stringField,
    objectRefShape,
    username: stringField,
    groups: listField,
    sourceIPs: listField,
    code: codeField,
    requestURI: stringField,
  })
  .map(assemble);

/** Events where any field may hold any JSON type (a scalar list field, an array verb, …). */
export const untypedEvent: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    verb: fieldValue,
    resource: fieldValue,
    objectRefShape,
    username: fieldValue,
    groups: fieldValue,
    sourceIPs: fieldValue,
    code: fieldValue,
    requestURI: fieldValue,
  })
  .map(assemble);

export const event: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 3, arbitrary: typedEvent },
  { weight: 1, arbitrary: untypedEvent },
);
