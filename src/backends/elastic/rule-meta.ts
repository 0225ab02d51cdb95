import { DiagnosticError } from "../../diagnostics.js";
import type { Level } from "../../sigma/rule.js";
import { classifyTag, threatFromTags, type ThreatEntry } from "../attack.js";
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

function fail(ctx: BackendContext, code: string, message: string): never {
  throw new DiagnosticError({
    severity: "error",
    code,
    message,
    file: ctx.rule.source.path,
    target: "elastic",
  });
}

export function ruleMeta(ctx: BackendContext): ElasticRuleMeta {
  const rule = ctx.rule;
  if (rule.id === undefined)
    fail(ctx, "MISSING_RULE_ID", "an Elastic rule needs a rule_id: give the Sigma rule an id");
  const { threat, unknown } = threatFromTags(rule.tags);
  if (unknown.length > 0)
    fail(
      ctx,
      "UNKNOWN_ATTACK_TAG",
      `ATT&CK tag(s) ${unknown.join(", ")} are not in the offline table (src/backends/attack.ts)`,
    );
  const level = LEVELS[rule.level ?? "medium"];
  const settings = ctx.config.settings;
  const lsSettings = ctx.mapping?.settings ?? {};
  const index = strings(lsSettings.index);
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
  return {
    ruleId: rule.id,
    name: rule.title,
    description: rule.description?.trim() || rule.title,
    index: index.length > 0 ? index : ["logs-*"],
    severity: level.severity,
    riskScore: level.risk,
    threat,
    references: rule.references,
    falsePositives: rule.falsepositives,
    from: typeof settings.from === "string" ? settings.from : "now-6m",
    interval: typeof settings.interval === "string" ? settings.interval : "5m",
    tags,
    author: rule.author ? rule.author.split(/\s*,\s*/).filter((a) => a !== "") : [],
    ...(timestampOverride ? { timestampOverride } : {}),
    ...(creationDate ? { creationDate } : {}),
    ...(updatedDate ? { updatedDate } : {}),
    // The data's integration packages come with the logsource's pipelines (none when unmapped).
    integration: ctx.mapping?.integration ?? [],
    maturity: typeof settings.maturity === "string" ? settings.maturity : "development",
  };
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
