import { describe, expect, it } from "vitest";
import { compileRuleIR, type RuleIR } from "../../src/compile.js";
import { hasErrors } from "../../src/diagnostics.js";
import { verifyRules } from "../../src/parity/run.js";
import { loadRuleSet } from "../../src/rule-set.js";
import { loadFixtures } from "../../src/verify/fixtures.js";
import { CORPUS, HAVE_CORPUS, SKIP_REASON } from "../helpers/shared-data.js";

/**
 * `sigprism verify` over every SigmaHQ corpus rule of a cloud family, on that family's fixtures,
 * with the built-in pipelines: every target's answer equals the reference evaluator's on the
 * target's view of the raw record, except where the backend declared a deviation. Rule/target
 * pairs a target refuses with a coded error are counted, not compared.
 */

interface Family {
  readonly name: string;
  /** Folders or rule files under the corpus. */
  readonly folders: readonly string[];
  readonly fixtures: string;
  /** At least this many rules compile and are checked (the corpus holds more for some). */
  readonly minRules: number;
  /**
   * Elastic and Splunk compare at least this share of rule × fixture cases (default one half);
   * lower where many of the family's rules name fields the record lacks and are refused.
   */
  readonly comparedShare?: number;
  /** Rules js refuses too (fields no record of the logsource has); default 0. */
  readonly jsRefused?: number;
  /** Targets that refuse every rule of the family, with the reason in their pipeline. */
  readonly refusedBy?: readonly ("elastic" | "splunk")[];
}

const FAMILIES: readonly Family[] = [
  {
    name: "AWS CloudTrail",
    folders: ["rules/cloud/aws", "rules-placeholder/cloud/aws"],
    fixtures: "test/fixtures/cloud/aws.ndjson",
    minRules: 57,
  },
  {
    name: "Okta",
    folders: [
      "rules/identity/okta",
      "rules-placeholder/identity/okta",
      "rules-threat-hunting/cloud/okta",
      "rules-emerging-threats/2023/TA/Okta-Support-System-Breach",
    ],
    fixtures: "test/fixtures/cloud/okta.ndjson",
    minRules: 23,
  },
  {
    name: "GCP audit",
    folders: ["rules/cloud/gcp/audit"],
    fixtures: "test/fixtures/cloud/gcp.ndjson",
    minRules: 16,
  },
  {
    name: "Azure activity logs and Identity Protection",
    folders: ["rules/cloud/azure/activity_logs", "rules/cloud/azure/identity_protection"],
    fixtures: "test/fixtures/cloud/azure.ndjson",
    minRules: 54,
  },
  {
    name: "Azure Entra ID sign-in and audit logs",
    folders: [
      "rules/cloud/azure/signin_logs",
      "rules/cloud/azure/audit_logs",
      "rules-threat-hunting/cloud/azure/signin_logs",
    ],
    fixtures: "test/fixtures/cloud/azure-entra.ndjson",
    minRules: 60,
    // 26 of the 63 rules name properties.message, Status or Sentinel's TargetResources paths:
    // refused in Elastic and Splunk (FIELD_NOT_AVAILABLE), so fewer cases are compared.
    comparedShare: 0.33,
  },
  {
    name: "OpenCanary",
    folders: ["rules/application/opencanary"],
    fixtures: "test/fixtures/cloud/opencanary.ndjson",
    minRules: 24,
    // Every rule tests logtype, which Elastic's integration replaces by its name: refused there.
    refusedBy: ["elastic"],
  },
  {
    name: "Bitbucket audit",
    folders: ["rules/application/bitbucket"],
    fixtures: "test/fixtures/cloud/bitbucket.ndjson",
    minRules: 14,
  },
  {
    name: "Microsoft 365",
    folders: ["rules/cloud/m365", "rules-threat-hunting/cloud/m365"],
    fixtures: "test/fixtures/cloud/m365.ndjson",
    minRules: 21,
    // Elastic rewrites Operation (every rule uses it); the 15 alert rules' eventSource, eventName
    // and status name no field of the record, in any target.
    refusedBy: ["elastic"],
    jsRefused: 15,
    comparedShare: 0.1,
  },
  {
    name: "DNS (Zeek dns.log)",
    folders: [
      "rules/network/dns",
      "rules-emerging-threats/2023/TA/EquationGroup/net_dns_apt_equation_group_triangulation_c2_coms.yml",
      "rules-emerging-threats/2026/Malware/Axios-NPM-Compromise/net_dns_axios_npm_compromise_indicator.yml",
      "rules-emerging-threats/2025/Malware/Katz-Stealer/net_dns_katz_stealer_domain.yml",
      "rules-threat-hunting/network/net_dns_low_reputation_etld.yml",
    ],
    fixtures: "test/fixtures/cloud/dns.ndjson",
    minRules: 11,
  },
  {
    name: "GitHub audit",
    folders: ["rules/application/github"],
    fixtures: "test/fixtures/cloud/github.ndjson",
    minRules: 15,
  },
];

function familyRules(f: Family): RuleIR[] {
  const set = loadRuleSet(f.folders.map((d) => `${CORPUS}${d}`));
  return set.rules
    .map((r) => compileRuleIR(r, { pipelines: [] }))
    .filter((r) => !hasErrors(r.diagnostics));
}

describe.skipIf(!HAVE_CORPUS)("cloud families: parity on the corpus rules", () => {
  if (!HAVE_CORPUS) console.warn(SKIP_REASON);
  for (const family of FAMILIES)
    it(`${family.name}: 0 undeclared disagreements in elastic (KQL, EQL, ES|QL), splunk and js`, async () => {
      const rules = familyRules(family);
      expect(rules.length).toBeGreaterThanOrEqual(family.minRules);
      const { fixtures, diagnostics } = loadFixtures([family.fixtures]);
      expect(diagnostics).toEqual([]);
      const report = await verifyRules(rules, fixtures, {
        targets: ["elastic", "splunk", "js"],
        allowUnsupported: true,
      });
      const undeclared = report.disagreements
        .filter((d) => d.kind !== "declared-deviation")
        .map((d) => `${d.kind} ${d.target} ${d.rule.title} × ${d.fixture}: ${d.detail ?? d.text}`);
      expect(undeclared).toEqual([]);
      expect(report.ok).toBe(true);
      // js reads the raw record: it expresses every rule whose fields the record can hold.
      expect(report.perTarget.js?.unsupported).toBe(family.jsRefused ?? 0);
      // Most rules are compared on every fixture in every target.
      for (const t of ["elastic", "elastic/eql", "elastic/esql", "splunk"]) {
        const base = t.startsWith("elastic") ? "elastic" : "splunk";
        if (family.refusedBy?.includes(base))
          expect(report.perTarget[t]?.unsupported, t).toBe(rules.length);
        else
          expect(report.perTarget[t]?.cases, t).toBeGreaterThan(
            rules.length * fixtures.length * (family.comparedShare ?? 0.5),
          );
      }
    });
});
