import type { TargetName } from "../../src/targets/types.js";

/**
 * The one table of known, declared divergences between a target and the Sigma meaning of a rule
 * on the labelled fixtures. test/parity/equivalence.test.ts keeps it true in both directions: a
 * deviation missing here fails, and an entry here that no longer deviates fails too.
 *
 * Each entry also names its cause, and the suite proves it:
 * - a predicate: the backend declares a deviation with that code at the predicate on the named
 *   line of the rule file (found by its text), and replacing that predicate alone by its
 *   declared effective form is what turns the rule's answer on the seen event (the label) into
 *   the target's answer;
 * - data: the target's seen event (the backend's claim of what its data holds, checked against
 *   the independent view by every translation check) changes the rule's answer by itself, and the
 *   backend gives that data note.
 */
export type DeclaredBy =
  /** `at`: text of the rule line holding the deviating predicate (robust to edits above it). */
  | { readonly kind: "predicate"; readonly code: string; readonly at: string }
  | { readonly kind: "data"; readonly code: string };

/**
 * What a deviation is checked in: a target, or `target/format` for another language of a target
 * (src/verify/registry.ts parityLanguages: Elastic's EQL and ES|QL).
 */
export type Checked = TargetName | "elastic/eql" | "elastic/esql";

export interface DeclaredDeviation {
  readonly rule: string;
  readonly target: Checked;
  readonly fixture: string;
  readonly by: DeclaredBy;
  readonly reason: string;
}

const diag = (code: string, at: string): DeclaredBy => ({ kind: "predicate", code, at });
const data = (code: string): DeclaredBy => ({ kind: "data", code });

// Rule ids, named for the table below.
const ANONYMOUS = "751cef42-780d-457f-8490-4eb9491d06e6";
const FORBIDDEN_SECRET = "fbf1a9f7-4d11-4cbf-aa3b-a4dd4fecba99";
const NODE_PROXY = "79d16dcc-839b-4df3-8ddc-6e3e111de740";
const SHELL = "d184e1a5-e3bf-4da9-8e62-8f756b6ee03a";
const SECRETS_LISTED = "44978ce1-251c-4e1d-9f21-93dfb4ad359f";
const TOKEN_REQUEST = "b622e4fe-a0c3-487c-a6f1-19b0b815da8b";
const MASTERS = "5fcf4aeb-47d3-4e1c-8641-1d993f4eea42";
const SCRIPTED_CLIENT = "9bcadc93-9bfa-4337-b44d-95fa4340c0f7";

/** A rule that a target refuses to compile: the construct has no encoding there. */
export interface UnsupportedConstruct {
  readonly rule: string;
  readonly target: Checked;
  /** The error diagnostic code. */
  readonly code: string;
  readonly reason: string;
}

export const deviationKey = (d: Pick<DeclaredDeviation, "rule" | "target" | "fixture">): string =>
  `${d.rule}|${d.target}|${d.fixture}`;

export const unsupportedKey = (u: Pick<UnsupportedConstruct, "rule" | "target" | "code">): string =>
  `${u.rule}|${u.target}|${u.code}`;

const KQL_CASE = "KQL keyword fields compare exactly; Sigma's plain value is case-insensitive";
const KQL_TEXT =
  "KQL on a text field is match_phrase on lower-cased words ('-' splits a word, ':' does not)";
const FALCO_CASE = "Falco's in/intersects on ka.user.groups compare exactly; Sigma's value is not";

export const DECLARED_DEVIATIONS: readonly DeclaredDeviation[] = [
  // ---- Elastic KQL: keyword fields are case-sensitive ----
  {
    rule: ANONYMOUS,
    target: "elastic",
    fixture: "anon-neg-007",
    by: diag("FIDELITY_CASE_SENSITIVE", '- "/healthz"'),
    reason: `${KQL_CASE}: /HEALTHZ escapes the startswith /healthz exclusion, so KQL fires`,
  },
  {
    rule: NODE_PROXY,
    target: "elastic",
    fixture: "proxy-neg-007",
    by: diag("FIDELITY_CASE_SENSITIVE", '- "/proxy/metrics"'),
    reason: `${KQL_CASE}: .../proxy/METRICS escapes the endswith /proxy/metrics exclusion, so KQL fires`,
  },
  {
    rule: SHELL,
    target: "elastic",
    fixture: "shell-007",
    by: diag("FIDELITY_CASE_SENSITIVE", '- "command=%2Fbin%2Fsh&"'),
    reason: `${KQL_CASE}: command=%2fbin%2fsh& (lower-case percent-encoding) is missed`,
  },
  {
    rule: SHELL,
    target: "elastic",
    fixture: "shell-008",
    by: diag("FIDELITY_CASE_SENSITIVE", '- "command=bash&"'),
    reason: `${KQL_CASE}: command=BASH& is missed`,
  },
  // ---- Elastic: user.groups is a text field, matched as a phrase of analysed words ----
  // (Case is not one of its differences: System:Masters, System:Nodes and
  // System:Unauthenticated match their lower-case values there, as in Sigma.)
  {
    rule: MASTERS,
    target: "elastic",
    fixture: "masters-neg-lookalike-group",
    by: diag("FIDELITY_TEXT_FIELD", 'user.groups: "system:masters"'),
    reason: `${KQL_TEXT}: system:masters-readonly analyses to system:masters, readonly, which holds the phrase, so KQL fires`,
  },
  {
    rule: FORBIDDEN_SECRET,
    target: "elastic",
    fixture: "forbid-005",
    by: diag("FIDELITY_TEXT_FIELD", 'user.groups: "system:nodes"'),
    reason: `${KQL_TEXT}: system:nodes-viewers analyses to system:nodes, viewers, so the node exclusion hides it and KQL misses`,
  },
  // ---- Elastic: what the ingest pipeline and the index mapping do to the event ----
  {
    rule: SECRETS_LISTED,
    target: "elastic",
    fixture: "seclist-neg-003",
    by: data("FIDELITY_EMPTY_DROPPED"),
    reason:
      'Elastic\'s pipeline drops the empty namespace "", so namespace|exists: false holds there and KQL fires',
  },
  {
    rule: SHELL,
    target: "elastic",
    fixture: "shell-long-uri",
    by: data("FIDELITY_IGNORE_ABOVE"),
    reason:
      "Fleet indexes keyword values only up to 1,024 characters (ignore_above): the 5,000-character requestURI is not searchable",
  },
  // ---- Elastic EQL and ES|QL: case-insensitive values are exact; the data is the same ----
  ...(["elastic/eql", "elastic/esql"] as const).flatMap((target): DeclaredDeviation[] => [
    {
      rule: SECRETS_LISTED,
      target,
      fixture: "seclist-neg-003",
      by: data("FIDELITY_EMPTY_DROPPED"),
      reason:
        'Elastic\'s pipeline drops the empty namespace "", so namespace|exists: false holds there and the query fires',
    },
    {
      rule: SHELL,
      target,
      fixture: "shell-long-uri",
      by: data("FIDELITY_IGNORE_ABOVE"),
      reason:
        "Fleet indexes keyword values only up to 1,024 characters (ignore_above): the 5,000-character requestURI is not searchable",
    },
    {
      rule: SCRIPTED_CLIENT,
      target,
      fixture: "script-neg-008",
      by: data("FIDELITY_IGNORE_ABOVE"),
      reason:
        "the 5,000-character user agent is not indexed (ignore_above), so userAgent: null holds and the query fires",
    },
  ]),
  // ---- Falco with the k8saudit plugin ----
  {
    rule: ANONYMOUS,
    target: "falco",
    fixture: "anon-006",
    by: diag("FIDELITY_CASE_SENSITIVE", 'user.groups: "system:unauthenticated"'),
    reason: `${FALCO_CASE}: group System:Unauthenticated is missed`,
  },
  {
    rule: FORBIDDEN_SECRET,
    target: "falco",
    fixture: "forbid-neg-008",
    by: diag("FIDELITY_CASE_SENSITIVE", 'user.groups: "system:nodes"'),
    reason: `${FALCO_CASE}: group System:Nodes escapes the node exclusion, so Falco fires`,
  },
  {
    rule: TOKEN_REQUEST,
    target: "falco",
    fixture: "tr-hostile-014",
    by: diag("FIDELITY_NULL_TEXT", "user.username|exists: true"),
    reason:
      'k8saudit renders JSON null as the text "null", so exists is written as not = "null": the username "null" reads as missing',
  },
  // ---- Splunk ----
  {
    rule: TOKEN_REQUEST,
    target: "splunk",
    fixture: "tr-hostile-014",
    by: diag("FIDELITY_NULL_TEXT", "user.username|exists: true"),
    reason:
      'Splunk extracts JSON null as the text "null", so exists excludes that text: the username "null" reads as missing',
  },
  {
    rule: TOKEN_REQUEST,
    target: "falco",
    fixture: "shape-no-auditid",
    by: data("FIDELITY_NO_AUDITID"),
    reason: "the k8saudit plugin makes every ka.* field unavailable on an event without auditID",
  },
  {
    rule: TOKEN_REQUEST,
    target: "falco",
    fixture: "shape-no-stagetimestamp",
    by: data("FIDELITY_EVENT_DROPPED"),
    reason: "the k8saudit event source drops events without a valid stageTimestamp",
  },
  {
    rule: TOKEN_REQUEST,
    target: "falco",
    fixture: "shape-no-timestamps",
    by: data("FIDELITY_EVENT_DROPPED"),
    reason: "the k8saudit event source drops events without a valid stageTimestamp",
  },
];

export type RuleSetName = "rules" | "filters";

export const UNSUPPORTED: readonly (UnsupportedConstruct & {
  readonly sets: readonly RuleSetName[];
})[] = [
  {
    rule: SCRIPTED_CLIENT,
    target: "elastic",
    code: "UNSUPPORTED_REGEX",
    sets: ["rules", "filters"],
    reason: "KQL has no regular expressions (userAgent|re)",
  },
  ...[ANONYMOUS, FORBIDDEN_SECRET, MASTERS].map((rule) => ({
    rule,
    target: "elastic/eql" as const,
    code: "UNSUPPORTED_TEXT_FIELD",
    sets: ["rules", "filters"] as RuleSetName[],
    reason:
      "kubernetes.audit.user.groups is a text field (the integration's fields.yml), which EQL cannot search",
  })),
  ...[ANONYMOUS, FORBIDDEN_SECRET, MASTERS].map((rule) => ({
    rule,
    target: "elastic/esql" as const,
    code: "UNSUPPORTED_MULTI_VALUE",
    sets: ["rules", "filters"] as RuleSetName[],
    reason:
      "user.groups (and sourceIPs) hold several values, which ES|QL compares as null; MV_CONTAINS needs elastic-version 9.2",
  })),
  {
    rule: TOKEN_REQUEST,
    target: "elastic/esql",
    code: "UNSUPPORTED_MULTI_VALUE",
    sets: ["filters"],
    reason:
      "the site filter's sourceIPs|cidr tests one of several addresses, which ES|QL cannot (CIDR_MATCH on a multi-valued field is null)",
  },
  {
    rule: MASTERS,
    target: "falco",
    code: "UNSUPPORTED_CIDR_IPV6",
    sets: ["rules", "filters"],
    reason:
      "Falco has no CIDR match on strings; IPv4 networks are encoded as dotted-quad prefixes, IPv6 networks (::1/128, fd00::/8) cannot be",
  },
  {
    rule: MASTERS,
    target: "sql",
    code: "UNSUPPORTED_CIDR_IPV6",
    sets: ["rules", "filters"],
    reason:
      "no SQL dialect here reads IPv6 text as an address (DuckDB's inet extension is not bundled); IPv4 networks are dotted-quad regexes, IPv6 networks (::1/128, fd00::/8) cannot be",
  },
];
