import type { ElasticRuleMeta } from "./rule-meta.js";
import { threatJson } from "./rule-meta.js";

/** One line of a Kibana detection-rules import file (saved-objects NDJSON). */
export function kibanaNdjson(meta: ElasticRuleMeta, query: string): string {
  const rule = {
    rule_id: meta.ruleId,
    name: meta.name,
    description: meta.description,
    type: "query",
    language: "kuery",
    index: meta.index,
    query,
    severity: meta.severity,
    risk_score: meta.riskScore,
    threat: threatJson(meta.threat),
    references: meta.references,
    false_positives: meta.falsePositives,
    from: meta.from,
    interval: meta.interval,
    tags: meta.tags,
    author: meta.author,
    ...(meta.timestampOverride ? { timestamp_override: meta.timestampOverride } : {}),
    enabled: false,
    version: 1,
  };
  return JSON.stringify(rule) + "\n";
}
