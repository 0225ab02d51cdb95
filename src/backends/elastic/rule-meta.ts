import { DiagnosticError, type Diagnostic } from "../../diagnostics.js";
import { locOfKey, locOfListItem } from "../../rule-locations.js";
import type { Level } from "../../sigma/rule.js";
import { ATTACK_VERSION, classifyTag, threatFromTags, type ThreatEntry } from "../attack.js";
import type { BackendContext } from "../types.js";

/** What an Elastic detection rule says about itself, derived once from the Sigma rule. */
export interface ElasticRuleMeta {
  readonly ruleId: string;
  readonly name: string;
  readonly description: string;
  readonly index: readonly string[];
  readonly severity: "low" | "medium" | "high" | "critical";
  readonly riskScore: number;
  readonly threat: readonly ThreatEntry[];
  readonly references: readonly string[];
  readonly falsePositives: readonly string[];
  readonly from: string;
  readonly interval: string;
  readonly tags: readonly string[];
  readonly author: readonly string[];
  readonly timestampOverride?: string;
  readonly creationDate?: string;
  readonly updatedDate?: string;
  readonly integration: readonly string[];
  readonly maturity: string;
}

/** Elastic's severity and risk score for each Sigma level (informational has no Elastic severity). */
const LEVELS: Readonly<Record<Level, { severity: ElasticRuleMeta["severity"]; risk: number }>> = {
  informational: { severity: "low", risk: 21 },
  low: { severity: "low", risk: 21 },
  medium: { severity: "medium", risk: 47 },
  high: { severity: "high", risk: 73 },
  critical: { severity: "critical", risk: 99 },
};

function strings(x: unknown): string[] {
  if (typeof x === "string") return [x];
  return Array.isArray(x) ? x.filter((s): s is string => typeof s === "string") : [];
}

/** The ATT&CK version the threat entries follow, stated in every artifact that carries them. */
export const THREAT_FRAMEWORK_NOTE = `MITRE ATT&CK Enterprise v${ATTACK_VERSION}`;

/**
 * The rule's metadata for a Kibana rule or a detection-rules TOML file, with warnings at the tags
 * that could not be mapped to ATT&CK (the rule is still written, without them). Option overrides
 * (`--option index=…,interval=…,from=…,risk_score=…,severity=…`) have been validated by the
 * caller against src/backends/options.ts.
 */
export function ruleMeta(ctx: BackendContext): {
  meta: ElasticRuleMeta;
  diagnostics: Diagnostic[];
} {
  const rule = ctx.rule;
  const file = rule.source.path;
  if (rule.id === undefined) {
    const loc = locOfKey(rule, "title");
    throw new DiagnosticError({
      severity: "error",
      code: "MISSING_RULE_ID",
      message: "an Elastic rule needs a rule_id: give the Sigma rule an id",
      file,
      ...(loc ? { loc } : {}),
      target: "elastic",
    });
  }
  const { threat, problems } = threatFromTags(rule.tags);
  const diagnostics: Diagnostic[] = problems.map((p) => {
    const loc = locOfListItem(rule, "tags", p.tag);
    return {
      severity: "warning",
      code: p.code,
      message: p.message,
      file,
      ...(loc ? { loc } : {}),
      target: "elastic",
    };
  });
  const option = (key: string): string | undefined => ctx.options.targetOptions?.[key];
  const baseLevel = LEVELS[rule.level ?? "medium"];
  const severityOption = option("severity");
  const level = {
    severity: isSeverity(severityOption) ? severityOption : baseLevel.severity,
    risk: option("risk_score") !== undefined ? Number(option("risk_score")) : baseLevel.risk,
  };
  const settings = ctx.config.settings;
  const lsSettings = ctx.mapping?.settings ?? {};
  const indexOption = option("index");
  const index =
    indexOption !== undefined
      ? indexOption.split(",").map((i) => i.trim())
      : strings(lsSettings.index);
  const tactics = threat.map((t) => `Tactic: ${t.tactic.name}`);
  const otherTags = rule.tags.filter((t) => classifyTag(t).kind === "other");
  const product = rule.logsource.product;
  const tags = [
    ...(product ? [`Data Source: ${product[0]!.toUpperCase()}${product.slice(1)}`] : []),
    ...tactics,
    ...otherTags,
  ];
  const slashDate = (d: string | undefined) => d?.replaceAll("-", "/");
  const creationDate = slashDate(rule.date);
  const updatedDate = slashDate(rule.modified ?? rule.date);
  const timestampOverride =
    typeof lsSettings.timestamp_override === "string" ? lsSettings.timestamp_override : undefined;
  const meta: ElasticRuleMeta = {
    ruleId: rule.id,
    name: rule.title,
    description: rule.description?.trim() || rule.title,
    index: index.length > 0 ? index : ["logs-*"],
    severity: level.severity,
    riskScore: level.risk,
    threat,
    references: rule.references,
    falsePositives: rule.falsepositives,
    from: option("from") ?? (typeof settings.from === "string" ? settings.from : "now-6m"),
    interval:
      option("interval") ?? (typeof settings.interval === "string" ? settings.interval : "5m"),
    tags,
    author: rule.author ? rule.author.split(/\s*,\s*/).filter((a) => a !== "") : [],
    ...(timestampOverride ? { timestampOverride } : {}),
    ...(creationDate ? { creationDate } : {}),
    ...(updatedDate ? { updatedDate } : {}),
    // The data's integration packages come with the logsource's pipelines (none when unmapped).
    integration: ctx.mapping?.integration ?? [],
    maturity: typeof settings.maturity === "string" ? settings.maturity : "development",
  };
  return { meta, diagnostics };
}

function isSeverity(x: string | undefined): x is ElasticRuleMeta["severity"] {
  return x === "low" || x === "medium" || x === "high" || x === "critical";
}

/** The threat block in Kibana's rule schema (also the TOML layout). */
export function threatJson(threat: readonly ThreatEntry[]): unknown[] {
  return threat.map((t) => ({
    framework: "MITRE ATT&CK",
    tactic: { id: t.tactic.id, name: t.tactic.name, reference: t.tactic.reference },
    technique: t.techniques.map((x) => ({
      id: x.technique.id,
      name: x.technique.name,
      reference: x.technique.reference,
      ...(x.subtechniques.length > 0
        ? {
            subtechnique: x.subtechniques.map((s) => ({
              id: s.id,
              name: s.name,
              reference: s.reference,
            })),
          }
        : {}),
    })),
  }));
}
