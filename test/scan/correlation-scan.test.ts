import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileCorrelationIR } from "../../src/compile-correlation.js";
import { loadRuleSet } from "../../src/rule-set.js";
import { correlate } from "../../src/sigma/correlate.js";
import { formatTimestampUs } from "../../src/sigma/correlation-time.js";
import { generateCorrelationLog } from "../bench/correlation-log.js";
import { runInProcess } from "../helpers/cli-in-process.js";

/**
 * `sigprism scan` with the project's correlation rules over a generated log (background events of
 * a busy cluster with correlation episodes woven in) finds exactly the matches of the reference
 * correlator. Counted, not timed; npm run bench does the 1,000,000-event log.
 */
describe("scan runs correlations like the reference correlator", () => {
  const lines = [...generateCorrelationLog({ events: 20_000, seed: 7, episodeEvery: 60 })];
  const dir = mkdtempSync(join(tmpdir(), "sigprism-corr-scan-"));
  const log = join(dir, "audit.ndjson");
  writeFileSync(log, lines.join("\n") + "\n");

  it("the same matches, every correlation firing, no event late", async () => {
    const r = await runInProcess(["scan", "-r", "rules/kubernetes", log]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toContain("warning");
    const got = r.stdout
      .split("\n")
      .filter((l) => l.startsWith('{"correlation"'))
      .map((l) => {
        const m = JSON.parse(l) as {
          correlation: { id: string };
          group: Record<string, string>;
          time: string;
        };
        return `${m.correlation.id} ${JSON.stringify(Object.values(m.group))} ${m.time}`;
      })
      .sort();

    const set = loadRuleSet(["rules/kubernetes"]);
    const events = lines.map((l) => JSON.parse(l) as unknown);
    const want: string[] = [];
    const perCorrelation = new Map<string, number>();
    for (const c of set.correlations) {
      const ir = compileCorrelationIR(c).ir!;
      const result = correlate(ir, events);
      expect(result.untimed).toBe(0);
      perCorrelation.set(c.correlation.title, result.alerts.length);
      for (const a of result.alerts)
        want.push(`${c.correlation.id} ${JSON.stringify(a.group)} ${formatTimestampUs(a.time)}`);
    }
    expect(got).toEqual(want.sort());
    for (const [title, n] of perCorrelation) expect(n, title).toBeGreaterThan(3);
  });

  it("base rules a correlation names without generate: true print no match of their own", async () => {
    const rule = lines.find((l) => l.includes('"reason":"Forbidden"') && l.includes("secrets"))!;
    const onlyCorrelation = join(dir, "only.yml");
    writeFileSync(
      onlyCorrelation,
      [
        "title: Forbidden read",
        "name: forbidden",
        "logsource: {product: kubernetes, service: audit}",
        "detection:",
        "  selection: {objectRef.resource: secrets, responseStatus.code: 403}",
        "  condition: selection",
        "---",
        "title: Two forbidden reads",
        "correlation:",
        "  type: event_count",
        "  rules: [forbidden]",
        "  group-by: [user.username]",
        "  timespan: 5m",
        "  condition: {gte: 2}",
        "",
      ].join("\n"),
    );
    const input = join(dir, "two.ndjson");
    writeFileSync(input, `${rule}\n${rule}\n`);
    const r = await runInProcess(["scan", "-r", onlyCorrelation, input]);
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout.trim().split("\n");
    expect(out.map((l) => Object.keys(JSON.parse(l) as object)[0])).toEqual(["correlation"]);
  });
});
