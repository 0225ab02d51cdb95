import { describe, expect, it } from "vitest";
import { compileRuleIR } from "../../src/compile.js";
import { verifyRules } from "../../src/parity/run.js";
import { loadRuleSet } from "../../src/rule-set.js";
import { loadFixtures } from "../../src/verify/fixtures.js";
import { CORPUS, HAVE_CORPUS, corpusTitle } from "../helpers/shared-data.js";

/**
 * Falco beyond Kubernetes: every SigmaHQ rule of a source's corpus folders, on that source's
 * labelled raw events (test/fixtures/falco-sources/<source>/), through the Falco rules file and
 * the independent view (src/verify/views/falco-*.ts). No undeclared disagreement: translation is
 * exact on every rule × event, and where Falco's answer differs from a fixture's label, a declared
 * deviation says why.
 */
const SOURCES: Readonly<Record<string, readonly string[]>> = {
  syscall: ["linux/process_creation", "linux/file_event", "linux/network_connection"],
  aws_cloudtrail: ["cloud/aws"],
  okta: ["identity/okta"],
  gcp_auditlog: ["cloud/gcp"],
};

/** Rules of each source's folders that convert to a Falco rules file (the others stop at a code). */
const CONVERTING: Readonly<Record<string, number>> = {
  // The audit rules but two (authorizationInfo is an array, resource.type is no protoPayload
  // field); Google Workspace's logs have no Falco plugin (UNKNOWN_LOGSOURCE).
  gcp_auditlog: 14,
};

describe.skipIf(!HAVE_CORPUS)(corpusTitle("Falco event sources: parity on labelled events"), () => {
  for (const [source, folders] of Object.entries(SOURCES)) {
    it(`${source}: ≥ 60 labelled events, every rule exact, every label difference declared`, async () => {
      const { fixtures, diagnostics } = loadFixtures([`test/fixtures/falco-sources/${source}`]);
      expect(diagnostics).toEqual([]);
      expect(fixtures.length).toBeGreaterThanOrEqual(60);
      const set = loadRuleSet(folders.map((f) => `${CORPUS}rules/${f}`));
      const rules = set.rules.map((r) => compileRuleIR(r));
      const labelled = new Set(fixtures.flatMap((f) => f.labelled ?? []));
      // Every rule a fixture is labelled for is in the folders run here.
      expect([...labelled].filter((id) => !rules.some((r) => r.rule.id === id))).toEqual([]);
      const report = await verifyRules(rules, fixtures, {
        targets: ["falco"],
        allowUnsupported: true,
      });
      const failing = report.disagreements
        .filter((d) => d.kind !== "declared-deviation")
        .map(
          (d) =>
            `${d.kind} ${d.fixture} ${d.rule.file.split("/").pop()}: expected ${d.expected}, got ${d.got} ${d.detail ?? ""}`,
        );
      expect(failing).toEqual([]);
      // The labelled rules convert: their labels were checked on Falco's answer, not skipped.
      const unsupported = report.unsupported
        .filter((u) => labelled.has(u.rule.id))
        .map((u) => `${u.rule.file}: ${u.errors[0]?.code}`);
      expect(unsupported).toEqual([]);
      expect(report.perTarget.falco?.cases ?? 0).toBeGreaterThan(0);
      // Rules that load are the rules run here (a file Falco would refuse is a "parse" failure
      // above); what does not convert stops at a coded error.
      for (const u of report.unsupported) expect(u.errors[0]?.code).toMatch(/^[A-Z_]+$/);
      const converting = CONVERTING[source];
      if (converting !== undefined) {
        const refused = new Set(report.unsupported.map((u) => u.rule.id));
        expect(rules.length - refused.size).toBe(converting);
        expect(labelled.size).toBe(converting);
      }
      if (source === "syscall") {
        const proc = rules.filter((r) => r.rule.logsource.category === "process_creation");
        const refused = report.unsupported.filter((u) =>
          proc.some((r) => r.rule.id === u.rule.id),
        ).length;
        expect(proc.length - refused).toBeGreaterThanOrEqual(0.8 * proc.length);
      }
    });
  }
});
