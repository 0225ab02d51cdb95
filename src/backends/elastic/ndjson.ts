import { RULE_KIND, type ElasticLanguage } from "./language.js";
import type { ElasticRuleMeta } from "./rule-meta.js";
import { THREAT_FRAMEWORK_NOTE, threatJson } from "./rule-meta.js";

/**
 * One line of a Kibana detection-rules import file (saved-objects NDJSON). Kibana's rule schema
 * (rule_schemas.schema.yaml) requires name, description, risk_score, severity, type and, for eql
 * and esql rules, query and language; the import requires rule_id. An ES|QL rule has no `index`:
 * its FROM command names the indices.
 */
export function kibanaNdjson(
  meta: ElasticRuleMeta,
  query: string,
  language: ElasticLanguage = "kql",
  /** Rule-type parameters beyond the query (an EQL sequence's `timestamp_field`). */
  extra: Readonly<Record<string, string>> = {},
): string {
  const kind = RULE_KIND[language];
  const rule = {
    rule_id: meta.ruleId,
    name: meta.name,
    description: meta.description,
    type: kind.type,
    language: kind.language,
    ...(language === "esql" ? {} : { index: meta.index }),
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
    // Kibana keeps `meta` as given: where the threat entries' ATT&CK version is recorded.
    ...(meta.threat.length > 0 ? { meta: { threat_framework: THREAT_FRAMEWORK_NOTE } } : {}),
    ...extra,
    enabled: false,
    version: 1,
  };
  return JSON.stringify(rule) + "\n";
}
