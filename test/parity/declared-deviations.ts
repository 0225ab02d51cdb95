import type { TargetName } from "../../src/targets/types.js";

/**
 * The one table of known, declared divergences between a target and the Sigma meaning of a rule
 * on the labelled fixtures. test/parity/equivalence.test.ts keeps it true in both directions: a
 * deviation missing here fails, and an entry here that no longer deviates fails too.
 *
 * Each entry also says who declares it, and the suite checks that too:
 * - a fidelity diagnostic: the backend must emit that code at that line of the rule file (the
 *   predicate that deviates), so one declared deviation cannot cover an undeclared one elsewhere
 *   in the same rule;
 * - the target's view: what the target's ingestion does to the event (TargetView.seen) changes
 *   the rule's answer by itself: evaluate(ir, seen(e)) differs from evaluate(ir, e).
 */
export type DeclaredBy =
  | { readonly kind: "diagnostic"; readonly code: string; readonly line: number }
  | { readonly kind: "view" };

export interface DeclaredDeviation {
  readonly rule: string;
  readonly target: TargetName;
  readonly fixture: string;
  readonly by: DeclaredBy;
  readonly reason: string;
}

const diag = (code: string, line: number): DeclaredBy => ({ kind: "diagnostic", code, line });
const VIEW: DeclaredBy = { kind: "view" };

// Rule ids, named for the table below.
const ANONYMOUS = "751cef42-780d-457f-8490-4eb9491d06e6";
const FORBIDDEN_SECRET = "fbf1a9f7-4d11-4cbf-aa3b-a4dd4fecba99";
const NODE_PROXY = "79d16dcc-839b-4df3-8ddc-6e3e111de740";
const SHELL = "d184e1a5-e3bf-4da9-8e62-8f756b6ee03a";
const SECRETS_LISTED = "44978ce1-251c-4e1d-9f21-93dfb4ad359f";
const TOKEN_REQUEST = "b622e4fe-a0c3-487c-a6f1-19b0b815da8b";
const MASTERS = "5fcf4aeb-47d3-4e1c-8641-1d993f4eea42";
const SCRIPTED_CLIENT = "9bcadc93-9bfa-4337-b44d-95fa4340c0f7";
const POD_SESSION = "c1912eff-36b0-4e5f-b9f5-be689194be23";

/** A rule that a target refuses to compile: the construct has no encoding there. */
export interface UnsupportedConstruct {
  readonly rule: string;
  readonly target: TargetName;
  /** The error diagnostic code. */
  readonly code: string;
  readonly reason: string;
}

export const deviationKey = (d: Pick<DeclaredDeviation, "rule" | "target" | "fixture">): string =>
  `${d.rule}|${d.target}|${d.fixture}`;

export const unsupportedKey = (u: Pick<UnsupportedConstruct, "rule" | "target" | "code">): string =>
  `${u.rule}|${u.target}|${u.code}`;

const KQL_CASE = "KQL keyword fields compare exactly; Sigma's plain value is case-insensitive";
const FALCO_CASE = "Falco's in/intersects on ka.user.groups compare exactly; Sigma's value is not";

export const DECLARED_DEVIATIONS: readonly DeclaredDeviation[] = [
  // ---- Elastic KQL: keyword fields are case-sensitive ----
  {
    rule: ANONYMOUS,
    target: "elastic",
    fixture: "anon-006",
    by: diag("FIDELITY_CASE_SENSITIVE", 27),
    reason: `${KQL_CASE}: group System:Unauthenticated is missed`,
  },
  {
    rule: ANONYMOUS,
    target: "elastic",
    fixture: "anon-neg-007",
    by: diag("FIDELITY_CASE_SENSITIVE", 32),
    reason: `${KQL_CASE}: /HEALTHZ escapes the startswith /healthz exclusion, so KQL fires`,
  },
  {
    rule: FORBIDDEN_SECRET,
    target: "elastic",
    fixture: "forbid-neg-008",
    by: diag("FIDELITY_CASE_SENSITIVE", 30),
    reason: `${KQL_CASE}: group System:Nodes escapes the node exclusion, so KQL fires`,
  },
  {
    rule: NODE_PROXY,
    target: "elastic",
    fixture: "proxy-neg-007",
    by: diag("FIDELITY_CASE_SENSITIVE", 28),
    reason: `${KQL_CASE}: .../proxy/METRICS escapes the endswith /proxy/metrics exclusion, so KQL fires`,
  },
  {
    rule: SHELL,
    target: "elastic",
    fixture: "shell-007",
    by: diag("FIDELITY_CASE_SENSITIVE", 33),
    reason: `${KQL_CASE}: command=%2fbin%2fsh& (lower-case percent-encoding) is missed`,
  },
  {
    rule: SHELL,
    target: "elastic",
    fixture: "shell-008",
    by: diag("FIDELITY_CASE_SENSITIVE", 30),
    reason: `${KQL_CASE}: command=BASH& is missed`,
  },
  {
    rule: TOKEN_REQUEST,
    target: "elastic",
    fixture: "tr-resource-003",
    by: diag("FIDELITY_CASE_SENSITIVE", 30),
    reason: `${KQL_CASE}: resource ServiceAccounts is missed (real API servers write lower case)`,
  },
  {
    rule: TOKEN_REQUEST,
    target: "elastic",
    fixture: "tr-subresource-005",
    by: diag("FIDELITY_CASE_SENSITIVE", 31),
    reason: `${KQL_CASE}: subresource Token is missed`,
  },
  {
    rule: TOKEN_REQUEST,
    target: "elastic",
    fixture: "tr-verb-uppercase",
    by: diag("FIDELITY_CASE_SENSITIVE", 29),
    reason: `${KQL_CASE}: verb CREATE is missed (kube-apiserver always writes lower-case verbs)`,
  },
  {
    rule: MASTERS,
    target: "elastic",
    fixture: "masters-case",
    by: diag("FIDELITY_CASE_SENSITIVE", 25),
    reason: `${KQL_CASE}: group System:Masters is missed`,
  },
  // ---- Elastic: what the ingest pipeline and the index mapping do to the event ----
  {
    rule: SECRETS_LISTED,
    target: "elastic",
    fixture: "seclist-neg-003",
    by: diag("FIDELITY_EMPTY_DROPPED", 28),
    reason:
      'Elastic\'s pipeline drops the empty namespace "", so namespace|exists: false holds there and KQL fires',
  },
  {
    rule: SHELL,
    target: "elastic",
    fixture: "shell-long-uri",
    by: VIEW,
    reason:
      "Fleet indexes keyword values only up to 1,024 characters (ignore_above): the 5,000-character requestURI is not searchable",
  },
  // ---- Falco with the k8saudit plugin ----
  {
    rule: FORBIDDEN_SECRET,
    target: "falco",
    fixture: "forbid-neg-008",
    by: diag("FIDELITY_CASE_SENSITIVE", 30),
    reason: `${FALCO_CASE}: group System:Nodes escapes the node exclusion, so Falco fires`,
  },
  {
    rule: TOKEN_REQUEST,
    target: "falco",
    fixture: "tr-hostile-014",
    by: diag("FIDELITY_NULL_TEXT", 32),
    reason:
      'k8saudit renders JSON null as the text "null", so exists is written as not = "null": the username "null" reads as missing',
  },
  {
    rule: TOKEN_REQUEST,
    target: "falco",
    fixture: "shape-no-auditid",
    by: VIEW,
    reason: "the k8saudit plugin makes every ka.* field unavailable on an event without auditID",
  },
  {
    rule: TOKEN_REQUEST,
    target: "falco",
    fixture: "shape-no-stagetimestamp",
    by: VIEW,
    reason: "the k8saudit event source drops events without a valid stageTimestamp",
  },
  {
    rule: TOKEN_REQUEST,
    target: "falco",
    fixture: "shape-no-timestamps",
    by: VIEW,
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
  {
    rule: SCRIPTED_CLIENT,
    target: "falco",
    code: "UNSUPPORTED_REGEX",
    sets: ["rules", "filters"],
    reason:
      "regular expressions are not emitted for Falco (the regex operator needs a newer Falco and RE2 whole-string syntax)",
  },
  {
    rule: ANONYMOUS,
    target: "falco",
    code: "UNSUPPORTED_NUMBER_COMPARISON",
    sets: ["rules", "filters"],
    reason: "every ka.* field is a string: responseStatus.code|lt: 400 would compare text",
  },
  {
    rule: POD_SESSION,
    target: "falco",
    code: "UNSUPPORTED_NUMBER_COMPARISON",
    sets: ["rules", "filters"],
    reason:
      "every ka.* field is a string: a numeric comparison on responseStatus.code would compare text",
  },
  {
    rule: MASTERS,
    target: "falco",
    code: "UNSUPPORTED_SOURCEIPS",
    sets: ["rules", "filters"],
    reason:
      "ka.sourceips reads the wrong path and is empty on real events (falcosecurity/plugins #236)",
  },
  {
    rule: TOKEN_REQUEST,
    target: "falco",
    code: "UNSUPPORTED_SOURCEIPS",
    sets: ["filters"],
    reason:
      "the site filter's sourceIPs|cidr cannot be said on ka.sourceips (falcosecurity/plugins #236)",
  },
];
