import { describe, expect, it } from "vitest";
import { classifyTag, threatFromTags } from "../../src/backends/attack.js";
import { elasticBackend } from "../../src/backends/elastic/index.js";
import { tomlLiteralBlock, tomlString } from "../../src/backends/elastic/toml.js";
import { parseKql } from "../../src/verify/kql/parse.js";
import { any, context, eq, glob, rule, text } from "./elastic-helpers.js";

const r = rule({
  title: 'Token "minted"',
  id: "4df91789-7859-4bc4-9c5a-6b56bfa81a8b",
  description: "Line one\nLine \\two",
  references: ["https://example.com/a"],
  falsepositives: ["Automation"],
  author: "Ann, Bob",
  date: "2026-05-05",
  level: "high",
  tags: ["attack.credential-access", "attack.t1552.007", "cve.2024-1"],
});
const ctx = context(r);
const QUERY = 'data_stream.dataset:"kubernetes.audit_logs" and user.name:"a\'\'\'b"';

describe("kibana-ndjson", () => {
  it("is one importable JSON line with the rule's metadata", () => {
    const out = elasticBackend.artifact(
      "kibana-ndjson",
      "user.name:x",
      eq("verb", "get"),
      ctx,
    ) as string;
    expect(out.endsWith("\n")).toBe(true);
    expect(out.trimEnd().includes("\n")).toBe(false);
    expect(JSON.parse(out)).toEqual({
      rule_id: "4df91789-7859-4bc4-9c5a-6b56bfa81a8b",
      name: 'Token "minted"',
      description: "Line one\nLine \\two",
      type: "query",
      language: "kuery",
      index: ["logs-kubernetes.audit_logs-*"],
      query: "user.name:x",
      severity: "high",
      risk_score: 73,
      threat: [
        {
          framework: "MITRE ATT&CK",
          tactic: {
            id: "TA0006",
            name: "Credential Access",
            reference: "https://attack.mitre.org/tactics/TA0006/",
          },
          technique: [
            {
              id: "T1552",
              name: "Unsecured Credentials",
              reference: "https://attack.mitre.org/techniques/T1552/",
              subtechnique: [
                {
                  id: "T1552.007",
                  name: "Container API",
                  reference: "https://attack.mitre.org/techniques/T1552/007/",
                },
              ],
            },
          ],
        },
      ],
      references: ["https://example.com/a"],
      false_positives: ["Automation"],
      from: "now-6m",
      interval: "5m",
      tags: ["Data Source: Kubernetes", "Tactic: Credential Access", "cve.2024-1"],
      author: ["Ann", "Bob"],
      timestamp_override: "event.ingested",
      meta: { threat_framework: "MITRE ATT&CK Enterprise v19.1" },
      enabled: false,
      version: 1,
    });
  });

  it("an unknown ATT&CK tag is a warning, and the rule is still written without it", () => {
    const bad = context(rule({ tags: ["attack.t9999", "attack.t1609"] }));
    expect(elasticBackend.artifactDiagnostics?.("kibana-ndjson", bad)).toMatchObject([
      { severity: "warning", code: "UNKNOWN_ATTACK_TAG", target: "elastic" },
    ]);
    const out = JSON.parse(
      elasticBackend.artifact("kibana-ndjson", "x:y", eq("verb", "get"), bad) as string,
    ) as { threat: { technique: { id: string }[] }[] };
    expect(out.threat.flatMap((t) => t.technique.map((x) => x.id))).toEqual(["T1609"]);
  });
});

describe("toml", () => {
  it("follows the detection-rules layout", () => {
    const q = 'user.name:"a"';
    const out = elasticBackend.artifact("toml", q, eq("verb", "get"), ctx) as string;
    expect(out).toBe(`[metadata]
creation_date = "2026/05/05"
integration = ["kubernetes"]
maturity = "development"
updated_date = "2026/05/05"

[rule]
author = ["Ann", "Bob"]
description = """
Line one
Line \\\\two"""
false_positives = [
    "Automation",
]
from = "now-6m"
index = ["logs-kubernetes.audit_logs-*"]
interval = "5m"
language = "kuery"
name = "Token \\"minted\\""
references = [
    "https://example.com/a",
]
risk_score = 73
rule_id = "4df91789-7859-4bc4-9c5a-6b56bfa81a8b"
severity = "high"
tags = [
    "Data Source: Kubernetes",
    "Tactic: Credential Access",
    "cve.2024-1",
]
timestamp_override = "event.ingested"
type = "query"
query = '''
user.name:"a"
'''

# threat: MITRE ATT&CK Enterprise v19.1

[[rule.threat]]
framework = "MITRE ATT&CK"

[[rule.threat.technique]]
id = "T1552"
name = "Unsecured Credentials"
reference = "https://attack.mitre.org/techniques/T1552/"

[[rule.threat.technique.subtechnique]]
id = "T1552.007"
name = "Container API"
reference = "https://attack.mitre.org/techniques/T1552/007/"

[rule.threat.tactic]
id = "TA0006"
name = "Credential Access"
reference = "https://attack.mitre.org/tactics/TA0006/"
`);
  });

  it("falls back to an escaped basic string when the query holds ''' or control characters", () => {
    expect(tomlLiteralBlock(QUERY)).toBe(
      '"data_stream.dataset:\\"kubernetes.audit_logs\\" and user.name:\\"a\'\'\'b\\""',
    );
    expect(tomlLiteralBlock("a\u0001b")).toBe('"a\\u0001b"');
    expect(tomlString("tab\there")).toBe('"tab\\there"');
  });
});

describe("ATT&CK table", () => {
  it("classifies tactics (old spellings too), techniques and other tags", () => {
    expect(classifyTag("attack.defense_evasion")).toMatchObject({
      kind: "tactic",
      tactic: { id: "TA0005", name: "Stealth" },
    });
    expect(classifyTag("attack.defense-impairment")).toMatchObject({
      kind: "tactic",
      tactic: { id: "TA0112" },
    });
    expect(classifyTag("attack.T1078.004")).toMatchObject({
      kind: "technique",
      technique: { name: "Cloud Accounts" },
    });
    expect(classifyTag("attack.g0001")).toMatchObject({ kind: "other" });
    expect(classifyTag("attack.nosuch")).toMatchObject({ kind: "unknown" });
  });

  it("a technique without its tactic in the rule goes under its usual tactic", () => {
    const { threat } = threatFromTags(["attack.t1609"]);
    expect(threat.map((t) => t.tactic.id)).toEqual(["TA0002"]);
  });
});

describe("unquoted values ending in 'not'", () => {
  it("escape the n so the word is not read as the keyword", () => {
    const ir = {
      kind: "or",
      items: [glob("userAgent", [any, ...text("cannot")]), eq("userAgent", "x")],
    } as const;
    const lowered = elasticBackend.lower(ir, context());
    const q = elasticBackend.query(lowered.effective, context());
    expect(q).toBe(
      'data_stream.dataset:"kubernetes.audit_logs" and user_agent.original:(*can\\u006eot or "x")',
    );
    expect(parseKql(q)).toMatchObject({
      kind: "and",
      items: [
        {},
        {
          kind: "or",
          items: [
            {
              value: {
                kind: "wildcard",
                parts: [{ kind: "any" }, { kind: "text", text: "cannot" }],
              },
            },
            {},
          ],
        },
      ],
    });
  });
});
