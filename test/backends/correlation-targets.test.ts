import { describe, expect, it } from "vitest";
import {
  compileCorrelationForTarget,
  compileCorrelationIR,
} from "../../src/compile-correlation.js";
import { loadRuleSet } from "../../src/rule-set.js";
import { loadCorrelationModule } from "../../src/verify/correlation/js.js";
import { compileCorrelationSpl } from "../../src/verify/correlation/spl-run.js";

/**
 * What each target gives for a correlation, read back: Splunk's savedsearches stanza holds the
 * pipeline and suppresses a group's repeats; the JS module streams its matches and checks its
 * option; Falco refuses at the correlation (Elastic: elastic-correlation.test.ts). The specification's examples load.
 */

const set = loadRuleSet(["rules/kubernetes"]);
const byTitle = (t: string) => {
  const c = set.correlations.find((x) => x.correlation.title.startsWith(t))!;
  return compileCorrelationIR(c).ir!;
};

/** A .conf stanza's `key = value` pairs, continuation lines (trailing backslash) joined. */
function conf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split("\n");
  for (let i = 1; i < lines.length; i++) {
    let line = lines[i]!;
    while (line.endsWith("\\") && i + 1 < lines.length)
      line = line.slice(0, -1) + "\n" + lines[++i]!;
    const m = /^([^=]+?) = ([\s\S]*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

describe("correlation targets", () => {
  it("the specification's correlation examples load without errors", () => {
    const spec = loadRuleSet(["test/data/correlation/spec"]);
    expect(spec.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(spec.correlations.map((c) => c.correlation.type).sort()).toEqual([
      "event_count",
      "event_count",
      "event_count",
      "temporal",
      "temporal",
      "temporal_ordered",
      "temporal_ordered",
      "value_avg",
      "value_count",
      "value_percentile",
      "value_sum",
    ]);
  });

  it("Splunk savedsearches: the pipeline, a look-back of a window plus 10 minutes, repeats suppressed per group", async () => {
    const ir = byTitle("Kubernetes Burst");
    const query = await compileCorrelationForTarget(ir, "splunk", { format: "query" });
    const stanza = await compileCorrelationForTarget(ir, "splunk", { format: "savedsearches" });
    expect(stanza.artifact.split("\n")[0]).toBe(`[${ir.correlation.title}]`);
    const c = conf(stanza.artifact);
    expect(c.get("search")).toBe(query.query);
    expect(() => compileCorrelationSpl(c.get("search")!)).not.toThrow();
    expect(c.get("dispatch.earliest_time")).toBe("-15m@m");
    expect(c.get("alert.suppress.fields")).toBe("user.username");
    expect(c.get("alert.suppress.period")).toBe("5m");
  });

  it("JS: push returns matches as they become final, flush the rest; maxLatenessMs is checked", async () => {
    const ir = byTitle("Kubernetes Token Minted, Then");
    const out = await compileCorrelationForTarget(ir, "js");
    const module = loadCorrelationModule(out.artifact);
    const c = module.create({ maxLatenessMs: 0 });
    const event = (verb: string, resource: string, at: string, extra: object = {}) => ({
      kind: "Event",
      apiVersion: "audit.k8s.io/v1",
      verb,
      user: { username: "trudy" },
      objectRef: { resource, ...extra },
      stageTimestamp: at,
    });
    const mint = event("create", "serviceaccounts", "2026-11-21T10:00:00.000000Z", {
      subresource: "token",
      name: "backup",
    });
    const list = event("list", "secrets", "2026-11-21T10:01:00.000000Z");
    const later = event("list", "secrets", "2026-11-21T10:05:00.000000Z");
    expect(c.push(mint)).toEqual([]);
    // With no lateness the list is released at once, but its batch closes only when time moves on.
    expect(c.push(list)).toEqual([]);
    expect(c.push(later).map((m) => m.group)).toEqual([{ "user.username": "trudy" }]);
    expect(c.flush()).toEqual([]);
    expect(() => module.create({ maxLatenessMs: -1 })).toThrow();
  });

  it("Falco refuses a correlation with a coded error at its correlation key", async () => {
    const ir = byTitle("Kubernetes Burst");
    for (const target of ["falco"] as const) {
      const out = await compileCorrelationForTarget(ir, target);
      expect(out.artifact).toBe("");
      expect(
        out.diagnostics.map((d) => `${d.severity} ${d.code} ${d.loc?.line}:${d.loc?.col}`),
      ).toEqual(["error CORRELATION_UNSUPPORTED 17:1"]);
    }
  });
});
