import { RULE_KIND, type ElasticLanguage } from "./language.js";
import { THREAT_FRAMEWORK_NOTE, type ElasticRuleMeta } from "./rule-meta.js";

/**
 * A small TOML printer for the layout of Elastic's detection-rules repository
 * ([metadata], [rule], query = '''…''', [[rule.threat]] …). Only what that layout needs:
 * strings, string arrays, integers.
 */

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  '"': '\\"',
  "\b": "\\b",
  "\t": "\\t",
  "\n": "\\n",
  "\f": "\\f",
  "\r": "\\r",
};

function isControl(c: string): boolean {
  const code = c.codePointAt(0)!;
  return code <= 0x1f || code === 0x7f;
}

function escapeChar(c: string, keepNewline: boolean): string {
  if (keepNewline && c === "\n") return c;
  const short = SHORT_ESCAPES[c];
  if (short !== undefined) return short;
  if (isControl(c)) return `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0").toUpperCase()}`;
  return c;
}

/** A TOML basic string; multi-line ("""…""") when the text has line breaks. */
export function tomlString(s: string): string {
  if (!s.includes("\n")) return `"${[...s].map((c) => escapeChar(c, false)).join("")}"`;
  // The newline right after the opening delimiter is trimmed by TOML.
  return `"""\n${[...s].map((c) => escapeChar(c, true)).join("")}"""`;
}

/** A multi-line literal string ('''…''') when the text allows it, else a basic string. */
export function tomlLiteralBlock(s: string): string {
  const allowed =
    !s.includes("'''") && ![...s].some((c) => c !== "\t" && c !== "\n" && isControl(c));
  return allowed ? `'''\n${s}\n'''` : tomlString(s);
}

export function tomlStringArray(items: readonly string[], multiline = false): string {
  if (items.length === 0) return "[]";
  if (!multiline) return `[${items.map(tomlString).join(", ")}]`;
  return `[\n${items.map((i) => `    ${tomlString(i)},`).join("\n")}\n]`;
}

function kv(key: string, value: string): string {
  return `${key} = ${value}`;
}

/** The detection-rules TOML file for one rule. */
export function detectionRuleToml(
  meta: ElasticRuleMeta,
  query: string,
  language: ElasticLanguage = "kql",
  /** An EQL sequence's `timestamp_field` (detection-rules' EQL rule data). */
  timestampField?: string,
): string {
  const kind = RULE_KIND[language];
  const lines: string[] = ["[metadata]"];
  if (meta.creationDate) lines.push(kv("creation_date", tomlString(meta.creationDate)));
  if (meta.integration.length > 0) lines.push(kv("integration", tomlStringArray(meta.integration)));
  lines.push(kv("maturity", tomlString(meta.maturity)));
  if (meta.updatedDate) lines.push(kv("updated_date", tomlString(meta.updatedDate)));
  lines.push("", "[rule]");
  lines.push(kv("author", tomlStringArray(meta.author)));
  lines.push(kv("description", tomlString(meta.description)));
  if (meta.falsePositives.length > 0)
    lines.push(kv("false_positives", tomlStringArray(meta.falsePositives, true)));
  lines.push(kv("from", tomlString(meta.from)));
  if (language !== "esql") lines.push(kv("index", tomlStringArray(meta.index)));
  lines.push(kv("interval", tomlString(meta.interval)));
  lines.push(kv("language", tomlString(kind.language)));
  lines.push(kv("name", tomlString(meta.name)));
  if (meta.references.length > 0)
    lines.push(kv("references", tomlStringArray(meta.references, true)));
  lines.push(kv("risk_score", String(meta.riskScore)));
  lines.push(kv("rule_id", tomlString(meta.ruleId)));
  lines.push(kv("severity", tomlString(meta.severity)));
  lines.push(kv("tags", tomlStringArray(meta.tags, true)));
  if (timestampField) lines.push(kv("timestamp_field", tomlString(timestampField)));
  if (meta.timestampOverride)
    lines.push(kv("timestamp_override", tomlString(meta.timestampOverride)));
  lines.push(kv("type", tomlString(kind.type)));
  lines.push(kv("query", tomlLiteralBlock(query)));
  if (meta.threat.length > 0) lines.push("", `# threat: ${THREAT_FRAMEWORK_NOTE}`);
  for (const t of meta.threat) {
    lines.push("", "[[rule.threat]]", kv("framework", tomlString("MITRE ATT&CK")));
    for (const x of t.techniques) {
      lines.push("", "[[rule.threat.technique]]");
      lines.push(
        kv("id", tomlString(x.technique.id)),
        kv("name", tomlString(x.technique.name)),
        kv("reference", tomlString(x.technique.reference)),
      );
      for (const s of x.subtechniques) {
        lines.push("", "[[rule.threat.technique.subtechnique]]");
        lines.push(
          kv("id", tomlString(s.id)),
          kv("name", tomlString(s.name)),
          kv("reference", tomlString(s.reference)),
        );
      }
    }
    lines.push("", "[rule.threat.tactic]");
    lines.push(
      kv("id", tomlString(t.tactic.id)),
      kv("name", tomlString(t.tactic.name)),
      kv("reference", tomlString(t.tactic.reference)),
    );
  }
  return lines.join("\n") + "\n";
}
