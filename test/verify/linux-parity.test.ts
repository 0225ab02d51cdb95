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

  it("has no disagreement other than a declared deviation, for elastic, splunk and js", async () => {
    const { rules } = corpusRules(ids);
    const report = await verifyRules([...rules.values()], fixtures, {
      targets: ["elastic", "splunk", "js"],
      allowUnsupported: true,
    });
    // EQL and ES|QL interpreters know the index mappings of the Kubernetes and Windows data
    // streams only: on the Linux ones they refuse every query as naming unmapped fields (a parse
    // disagreement, never a verdict). Modelling the sysmon_linux and auditd mappings is left open.
    const unmodelled = (d: (typeof report.disagreements)[number]): boolean =>
      (d.target === "elastic/eql" || d.target === "elastic/esql") && d.kind === "parse";
    const failures = report.disagreements
      .filter((d) => d.kind !== "declared-deviation" && !unmodelled(d))
      .map((d) => `${d.kind} ${d.target} ${d.rule.title} × ${d.fixture}: ${d.detail ?? ""}`);
    expect(failures).toEqual([]);
    // Every target checked the JS-runnable rules on every fixture.
    expect(report.perTarget.js?.cases).toBe(rules.size * fixtures.length);
    // Every field these rules use is mapped or refused with the vendor's reason: no refusal is
    // an unmapped field of a strict item.
    const codes = report.unsupported.flatMap((u) => u.errors.map((e) => `${u.target} ${e.code}`));
    expect(codes.filter((c) => c.endsWith("UNMAPPED_FIELD"))).toEqual([]);
    expect(codes.some((c) => c === "elastic FIELD_NOT_AVAILABLE")).toBe(true);
    expect(report.ok).toBe(report.disagreements.every((d) => !unmodelled(d)));
  });
});
