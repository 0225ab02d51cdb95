import { beforeAll, describe, expect, it } from "vitest";
import { compileRuleIR } from "../../src/compile.js";
import { verifyRules, type VerifyReport } from "../../src/parity/run.js";
import { loadSigmaFile } from "../../src/sigma/load.js";
import type { SigmaRule } from "../../src/sigma/rule.js";
import { loadFixtures } from "../../src/verify/fixtures.js";
import { corpusRules } from "../helpers/corpus-rules.js";
import { HAVE_CORPUS, corpusTitle } from "../helpers/shared-data.js";

/**
 * Issue 13 on Windows: the SigmaHQ process-creation rules the Windows fixtures are labelled for,
 * through the built-in windows-ecs pipeline, checked in KQL, EQL and ES|QL over the
 * process-creation fixtures (Sysmon 1 and Security 4688, with their own scope cases; `sigprism
 * verify` over all Windows fixtures gives the same verdicts). EQL and ES|QL agree with every label
 * where KQL declares case-sensitive misses.
 */

const { fixtures, diagnostics } = loadFixtures(["test/fixtures/windows/process-creation.ndjson"]);

/** Rule ids the process-creation fixtures are labelled for (those rules are mapped for Elastic). */
const PROCESS_CREATION_RULES = [
  ...new Set(fixtures.filter((f) => f.id.startsWith("pc-")).flatMap((f) => f.labelled ?? [])),
];

describe.skipIf(!HAVE_CORPUS)(
  corpusTitle("Windows process creation in Elastic's three languages"),
  () => {
    let report: VerifyReport;
    beforeAll(async () => {
      expect(diagnostics).toEqual([]);
      const { rules } = corpusRules(PROCESS_CREATION_RULES);
      const processCreation = [...rules.values()].filter(
        (r) => r.rule.logsource.category === "process_creation",
      );
      expect(processCreation.length).toBeGreaterThan(20);
      report = await verifyRules(processCreation, fixtures, {
        targets: ["elastic"],
        allowUnsupported: true,
      });
    });

    it("EQL and ES|QL agree with every label on every fixture", () => {
      for (const label of ["elastic/eql", "elastic/esql"]) {
        const stats = report.perTarget[label];
        expect(stats?.cases, label).toBeGreaterThan(500);
        expect(stats?.agree, label).toBe(stats?.cases);
        expect(report.disagreements.filter((d) => d.target === label)).toEqual([]);
      }
    });

    it("KQL's only differences are its declared case-sensitive matches", () => {
      const kql = report.disagreements.filter((d) => d.target === "elastic");
      expect(kql.length).toBeGreaterThan(0);
      for (const d of kql) {
        expect(d.kind).toBe("declared-deviation");
        const codes = (d.causes ?? []).flatMap((c) => c.codes);
        expect(codes).toContain("FIDELITY_CASE_SENSITIVE");
      }
    });

    it("leaves out only the rules that need a field Elastic's Windows data does not have", () => {
      const codes = report.unsupported
        .filter((u) => u.target !== "elastic")
        .flatMap((u) => u.errors.map((e) => e.code));
      expect(new Set(codes)).toEqual(new Set(["FIELD_NOT_AVAILABLE"]));
    });
  },
);

/**
 * A one-to-many field (windows-ecs maps User to user.domain and user.name): each language says a
 * value test as an OR over the two fields and a null test as an AND. On Sysmon events, whose User
 * Elastic splits, every language agrees with the rule. (On Security 4688 documents user.* is the
 * creating account, the mapping's declared FIDELITY_FIELD_MAPPING: not checked here.)
 */
describe("a one-to-many field in KQL, EQL and ES|QL", () => {
  const text = [
    "title: User split",
    "id: 4a1f0b7e-3c55-4f0e-9d42-7b1e9c0d2a61",
    "logsource:",
    "    product: windows",
    "    category: process_creation",
    "detection:",
    "    named:",
    "        User|contains: 'SYSTEM'",
    "    domain:",
    "        User|endswith: 'AUTHORITY'",
    "    none:",
    "        User: null",
    "    condition: named or (not domain and not none)",
  ].join("\n");
  const rule = loadSigmaFile({ path: "user-split.yml", text }).documents[0] as SigmaRule;
  const sysmon = fixtures.filter(
    (f) => (f.event as { Channel?: unknown }).Channel === "Microsoft-Windows-Sysmon/Operational",
  );

  it("agrees with the rule on every Sysmon process-creation fixture", async () => {
    expect(sysmon.length).toBeGreaterThan(10);
    const report = await verifyRules([compileRuleIR(rule)], sysmon, { targets: ["elastic"] });
    expect(report.disagreements).toEqual([]);
    expect(Object.keys(report.perTarget).sort()).toEqual([
      "elastic",
      "elastic/eql",
      "elastic/esql",
    ]);
    expect(report.ok).toBe(true);
  });
});
