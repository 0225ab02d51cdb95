import type { BackendContext } from "../../src/backends/types.js";
import type { SigmaRule } from "../../src/sigma/rule.js";
import { resolveMapping } from "../../src/pipelines/resolve.js";
import { loadTarget } from "../../src/targets/load.js";
import type { TargetName } from "../../src/targets/types.js";

/**
 * A minimal Kubernetes audit rule and the backend context for it, so that backend and verifier
 * tests can compile hand-written IR without going through the YAML front end.
 */

const EMPTY_MAP = { kind: "map", entries: [], start: 0, end: 0 } as const;

/** A rule with every required field empty, logsource kubernetes/audit; `overrides` replace fields. */
export function testRule(overrides: Partial<SigmaRule> = {}): SigmaRule {
  return {
    kind: "rule",
    source: { path: "rules/test.yml", text: "" },
    node: EMPTY_MAP,
    documentIndex: 0,
    title: "Test rule",
    references: [],
    tags: [],
    falsepositives: [],
    logsource: { product: "kubernetes", service: "audit" },
    custom: {},
    detection: EMPTY_MAP,
    conditions: [],
    fields: [],
    ...overrides,
  };
}

export interface ContextSettings {
  /** Compile options as the CLI passes them (`targetOptions`, …). */
  readonly options?: BackendContext["options"];
  /** Merged over the matched logsource mapping's `settings` (ignored when nothing matched). */
  readonly mapping?: Readonly<Record<string, unknown>>;
  /** Compile as if no logsource mapping matched: fields keep their Sigma names. */
  readonly unmapped?: boolean;
}

/** The context a backend gets for `rule` on `target`, with the mapping its default pipelines give. */
export function backendContext(
  target: TargetName,
  rule: SigmaRule = testRule(),
  settings: ContextSettings = {},
): BackendContext {
  const config = loadTarget(target);
  const found = settings.unmapped === true ? undefined : resolveMapping(rule.logsource, target);
  const mapping =
    found && settings.mapping !== undefined
      ? { ...found, settings: { ...found.settings, ...settings.mapping } }
      : found;
  return { rule, config, mapping, options: settings.options ?? {} };
}
