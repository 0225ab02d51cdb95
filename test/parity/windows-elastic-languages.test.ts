import { beforeAll, describe, expect, it } from "vitest";
import { compileRuleIR } from "../../src/compile.js";
import { verifyRules, type VerifyReport } from "../../src/parity/run.js";
import { loadSigmaFile } from "../../src/sigma/load.js";
import type { SigmaRule } from "../../src/sigma/rule.js";
import { loadFixtures } from "../../src/verify/fixtures.js";
import { corpusRules } from "../helpers/corpus-rules.js";
import { HAVE_CORPUS, corpusTitle } from "../helpers/shared-data.js";

/**
 * Issue 13 on Windows: every SigmaHQ rule the Windows fixtures are labelled for (process
 * creation, files, registry, services, PowerShell and the other channels), through the built-in
 * windows-ecs pipeline, checked in KQL, EQL and ES|QL over every Windows fixture (`sigprism verify
 * <those rules> --fixtures test/fixtures/windows` gives the same verdicts). One report: the rules
 * are compiled once per language and each view document is made once per fixture.
 */

const { fixtures, diagnostics } = loadFixtures(["test/fixtures/windows"]);

/** Rule ids the Windows fixtures are labelled for (those rules are mapped for Elastic). */
const LABELLED = [...new Set(fixtures.flatMap((f) => f.labelled ?? []))];

const causeCodes = (d: VerifyReport["disagreements"][number]): string[] =>
  (d.causes ?? []).flatMap((c) => c.codes);

describe.skipIf(!HAVE_CORPUS)(corpusTitle("Windows fixtures in Elastic's three languages"), () => {
  let report: VerifyReport;
  let processCreation: ReadonlySet<string>;
  beforeAll(async () => {
    expect(diagnostics).toEqual([]);
    const { rules } = corpusRules(LABELLED);
    expect(rules.size).toBeGreaterThan(90);
    processCreation = new Set(
      [...rules.values()]
        .filter((r) => r.rule.logsource.category === "process_creation")
        .map((r) => r.rule.id ?? r.rule.title),
    );
    expect(processCreation.size).toBeGreaterThan(20);
    report = await verifyRules([...rules.values()], fixtures, {
      targets: ["elastic"],
      allowUnsupported: true,
    });
  });

  it("has no disagreement other than a declared deviation, in any of the three languages", () => {
    const undeclared = report.disagreements
      .filter((d) => d.kind !== "declared-deviation")
      .map((d) => `${d.kind} ${d.target} ${d.rule.title} × ${d.fixture}: ${d.detail ?? d.text}`);
    expect(undeclared).toEqual([]);
    for (const label of ["elastic", "elastic/eql", "elastic/esql"])
      expect(report.perTarget[label]?.cases, label).toBeGreaterThan(10_000);
  });

  it("EQL agrees with every label on every fixture", () => {
    const stats = report.perTarget["elastic/eql"];
    expect(stats?.agree).toBe(stats?.cases);
  });

  it("ES|QL differs from a label only where Elastic's PowerShell data does", () => {
    // The script block is trimmed before indexing, and PowerShell 7's channel is not collected:
    // data notes the seen event states (the view checks it), never a predicate of the query.
    const esql = report.disagreements.filter((d) => d.target === "elastic/esql");
    expect(esql.length).toBeGreaterThan(0);
    for (const d of esql) {
      expect(d.rule.file).toMatch(/powershell/);
      expect(d.causes?.every((c) => c.kind === "data")).toBe(true);
      expect(causeCodes(d)).toEqual(
        expect.arrayContaining(["FIDELITY_VALUE_TRIMMED", "FIDELITY_NOT_COLLECTED"]),
      );
    }
  });

  it("KQL's only differences are its declared case-sensitive matches", () => {
    const kql = report.disagreements.filter((d) => d.target === "elastic");
    expect(kql.filter((d) => processCreation.has(d.rule.id)).length).toBeGreaterThan(0);
    for (const d of kql) {
      expect(d.kind).toBe("declared-deviation");
      expect(causeCodes(d)).toContain("FIDELITY_CASE_SENSITIVE");
    }
  });

  it("EQL and ES|QL leave out only rules Elastic's Windows data cannot answer", () => {
    const codes = (label: string) =>
      new Set(
        report.unsupported
          .filter((u) => u.target === label)
          .flatMap((u) => u.errors.map((e) => e.code)),
      );
    // A field the integration does not keep, a field reference (no language compares two
    // fields), and for EQL a text field (PowerShell's script block), which EQL cannot search.
    expect(codes("elastic/eql")).toEqual(
      new Set(["FIELD_NOT_AVAILABLE", "UNSUPPORTED_FIELDREF", "UNSUPPORTED_TEXT_FIELD"]),
    );
    expect(codes("elastic/esql")).toEqual(new Set(["FIELD_NOT_AVAILABLE", "UNSUPPORTED_FIELDREF"]));
  });
});

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
  const sysmon = fixtures.filter((f) => {
    const e = f.event as { Channel?: unknown; EventID?: unknown };
    return e.Channel === "Microsoft-Windows-Sysmon/Operational" && e.EventID === 1;
  });

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
