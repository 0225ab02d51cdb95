import type { BackendContext } from "../../src/backends/types.js";
import type { Expr, MatchExpr, Pattern, Test } from "../../src/ir.js";
import type { SigmaRule } from "../../src/sigma/rule.js";
import type { Loc } from "../../src/source.js";
import { findLogsource, loadTarget } from "../../src/targets/load.js";

/** Shared by the Elastic backend tests: a minimal rule and context, and IR builders. */

export function loc(line: number, col = 5): Loc {
  return { offset: line * 10 + col, length: 1, line, col };
}

export function rule(overrides: Partial<SigmaRule> = {}): SigmaRule {
  const empty = { kind: "map", entries: [], start: 0, end: 0 } as const;
  return {
    kind: "rule",
    source: { path: "rules/test.yml", text: "" },
    node: empty,
    documentIndex: 0,
    title: "Test rule",
    id: "11111111-2222-3333-4444-555555555555",
    references: [],
    tags: [],
    falsepositives: [],
    logsource: { product: "kubernetes", service: "audit" },
    custom: {},
    detection: empty,
    conditions: [],
    fields: [],
    ...overrides,
  };
}

export function context(
  r: SigmaRule = rule(),
  settings: Record<string, unknown> = {},
): BackendContext {
  const config = loadTarget("elastic");
  const mapping = findLogsource(config, r);
  return {
    rule: r,
    config,
    mapping: mapping && { ...mapping, settings: { ...mapping.settings, ...settings } },
    options: {},
  };
}

let line = 1;

export function m(field: string | null, test: Test): MatchExpr {
  return { kind: "match", field, test, origin: loc(line++) };
}

export function text(t: string): Pattern {
  return t === "" ? [] : [{ kind: "text", text: t }];
}

export const any = { kind: "any" } as const;
export const one = { kind: "one" } as const;

export function eq(field: string, value: string, cased = true): MatchExpr {
  return m(field, { kind: "pattern", pattern: text(value), cased });
}

export function glob(field: string, pattern: Pattern, cased = true): MatchExpr {
  return m(field, { kind: "pattern", pattern, cased });
}

export function exists(field: string): MatchExpr {
  return m(field, { kind: "exists" });
}

export const TOKEN_EXCLUSIONS: readonly (readonly [string, boolean])[] = [
  ["system:kube-controller-manager", false],
  ["system:kube-scheduler", false],
  ["system:node:", true],
  ["system:serviceaccount:kube-system:", true],
  ["eks:", true],
  ["aksService", false],
  ["aks-service", false],
  ["masterclient", false],
  ["nodeclient", false],
  ["system:serviceaccount:gke-managed-system:", true],
  ["system:serviceaccount:gke-connect:", true],
  ["system:serviceaccount:anthos-identity-service:", true],
  ["system:gke-controller-manager", false],
  ["system:serviceaccount:tigera-operator:", true],
  ["system:serviceaccount:calico-system:", true],
];

/** The TokenRequest rule's IR as the front end builds it: selection and not 1 of filter_*. */
export function tokenRequestIR(): Expr {
  const exclusions: Expr[] = TOKEN_EXCLUSIONS.map(([t, star]) =>
    glob("user.username", star ? [...text(t), any] : text(t), true),
  );
  return {
    kind: "and",
    items: [
      eq("verb", "create", true),
      eq("objectRef.resource", "serviceaccounts", true),
      eq("objectRef.subresource", "token", true),
      exists("user.username"),
      { kind: "not", item: { kind: "or", items: [...exclusions, eq("user.username", "", true)] } },
    ],
  };
}
