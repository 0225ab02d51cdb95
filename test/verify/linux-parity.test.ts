import { describe, expect, it } from "vitest";
import { verifyRules } from "../../src/parity/run.js";
import { loadFixtures } from "../../src/verify/fixtures.js";
import { corpusRules } from "../helpers/corpus-rules.js";
import { HAVE_CORPUS, SKIP_REASON } from "../helpers/shared-data.js";

/**
 * Parity on the Linux fixtures: the SigmaHQ rules they are labelled for, compiled with the
 * default built-in pipelines (linux-ecs, splunk-linux, js-linux), interpreted on each target's
 * view of every Linux fixture (the sysmon_linux and auditd integrations, the Sysmon for Linux
 * add-on and linux:audit extraction, the raw record). Every answer equals the reference on the
 * declared effective rule; a pair a target cannot express is a coded refusal, never a guess.
 * (`sigprism verify` over the whole Linux corpus folder runs the same check on 188 rules.)
 */

const { fixtures } = loadFixtures(["test/fixtures/linux"]);

describe.skipIf(!HAVE_CORPUS)("Linux parity (SigmaHQ rules × Linux fixtures)", () => {
  if (!HAVE_CORPUS) console.warn(SKIP_REASON);
  const ids = new Set(fixtures.flatMap((f) => f.labelled ?? []));

  it("has no disagreement other than a declared deviation, for elastic (KQL, EQL, ES|QL), splunk and js", async () => {
    const { rules } = corpusRules(ids);
    const report = await verifyRules([...rules.values()], fixtures, {
      targets: ["elastic", "splunk", "js"],
      allowUnsupported: true,
    });
    const failures = report.disagreements
      .filter((d) => d.kind !== "declared-deviation")
      .map((d) => `${d.kind} ${d.target} ${d.rule.title} × ${d.fixture}: ${d.detail ?? ""}`);
    expect(failures).toEqual([]);
    // Every target checked the JS-runnable rules on every fixture.
    expect(report.perTarget.js?.cases).toBe(rules.size * fixtures.length);
    // EQL and ES|QL read the sysmon_linux and auditd data streams by their own mappings
    // (kql/mapping-linux.ts): every rule KQL runs, they run on every fixture.
    for (const label of ["elastic/eql", "elastic/esql"])
      expect(report.perTarget[label]?.cases, label).toBeGreaterThanOrEqual(
        report.perTarget.elastic?.cases ?? Infinity,
      );
    // Every field these rules use is mapped or refused with the vendor's reason: no refusal is
    // an unmapped field of a strict item.
    const codes = report.unsupported.flatMap((u) => u.errors.map((e) => `${u.target} ${e.code}`));
    expect(codes.filter((c) => c.endsWith("UNMAPPED_FIELD"))).toEqual([]);
    expect(codes.some((c) => c === "elastic FIELD_NOT_AVAILABLE")).toBe(true);
    expect(report.ok).toBe(true);
  });
});
