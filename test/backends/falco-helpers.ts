import type { BackendContext } from "../../src/backends/types.js";
import type { Expr, Part, Test } from "../../src/ir.js";
import type { SigmaRule } from "../../src/sigma/rule.js";
import { findLogsource, loadTarget } from "../../src/targets/load.js";

export const origin = { offset: 12, length: 4, line: 3, col: 7 };
export const m = (field: string | null, test: Test): Expr => ({
  kind: "match",
  field,
  test,
  origin,
});
export const T = (text: string): Part => ({ kind: "text", text });
export const ANY: Part = { kind: "any" };
export const ONE: Part = { kind: "one" };
export const pat = (parts: Part[], cased = false): Test => ({
  kind: "pattern",
  pattern: parts,
  cased,
});
export const lit = (text: string, cased = false): Test => pat(text === "" ? [] : [T(text)], cased);
export const EXISTS: Test = { kind: "exists" };

export function rule(over: Partial<SigmaRule> = {}): SigmaRule {
  return {
    kind: "rule",
    source: { path: "rules/test.yml", text: "" },
    node: { kind: "map", entries: [], start: 0, end: 0 },
    documentIndex: 0,
    title: "Test rule",
    references: [],
    tags: [],
    falsepositives: [],
    logsource: { product: "kubernetes", service: "audit" },
    custom: {},
    detection: { kind: "map", entries: [], start: 0, end: 0 },
    conditions: [],
    fields: [],
    ...over,
  };
}

export function context(
  options: BackendContext["options"] = {},
  r: SigmaRule = rule(),
): BackendContext {
  const config = loadTarget("falco");
  return { rule: r, config, mapping: findLogsource(config, r), options };
}

const EXCLUDED = [
  "system:kube-controller-manager",
  "system:kube-scheduler",
  "system:node:*",
  "system:serviceaccount:kube-system:*",
  "eks:*",
  "aksService",
  "aks-service",
  "masterclient",
  "nodeclient",
  "system:serviceaccount:gke-managed-system:*",
  "system:serviceaccount:gke-connect:*",
  "system:serviceaccount:anthos-identity-service:*",
  "system:gke-controller-manager",
  "system:serviceaccount:tigera-operator:*",
  "system:serviceaccount:calico-system:*",
];

/** The TokenRequest rule's IR, as the front end builds it. */
export function tokenRequestIR(): Expr {
  const user = (v: string): Expr =>
    m("user.username", pat(v.endsWith("*") ? [T(v.slice(0, -1)), ANY] : [T(v)], true));
  return {
    kind: "and",
    items: [
      m("verb", lit("create")),
      m("objectRef.resource", lit("serviceaccounts")),
      m("objectRef.subresource", lit("token")),
      m("user.username", EXISTS),
      {
        kind: "not",
        item: { kind: "or", items: [...EXCLUDED.map(user), m("user.username", lit("", true))] },
      },
    ],
  };
}
