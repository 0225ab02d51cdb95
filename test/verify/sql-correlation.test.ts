import { describe, expect, it } from "vitest";
import {
  compileCorrelationForTarget,
  compileCorrelationIR,
} from "../../src/compile-correlation.js";
import { expectedCorrelation } from "../../src/parity/correlations.js";
import { loadRuleSet } from "../../src/rule-set.js";
import { correlate } from "../../src/sigma/correlate.js";
import { formatTimestampUs } from "../../src/sigma/correlation-time.js";
import { loadSequences } from "../../src/verify/correlation/sequences.js";
import { runCorrelationSql } from "../../src/verify/correlation/sql.js";
import { ParseError } from "../../src/verify/types.js";
import { correlationIR, correlationText, baseRule } from "../helpers/correlation.js";

/**
 * SQL correlations: DuckDB runs only one SELECT over one table (anything else is a ParseError,
 * never a result); small changes to the emitted statements of the project's correlations are
 * caught by the sequence fixtures; what the SQL target cannot say is a coded error at the
 * correlation.
 */

const set = loadRuleSet(["rules/kubernetes"]);
const irs = set.correlations.map((c) => compileCorrelationIR(c).ir!);
const { sequences } = loadSequences(["test/fixtures/correlation"]);

describe("the SQL correlation interpreter", () => {
  const events = [{ verb: "get", stageTimestamp: "2026-11-21T10:00:00.000000Z" }];
  it.each([
    ["two statements", "SELECT 1 AS sigma_time_us FROM t; SELECT 2 AS sigma_time_us FROM t"],
    ["a write", "CREATE TABLE x AS SELECT 1 AS sigma_time_us"],
    ["two tables", "SELECT 1 AS sigma_time_us FROM a, b"],
    ["a table function", "SELECT 1 AS sigma_time_us FROM read_csv('/etc/passwd')"],
    ["no time column", "SELECT verb FROM k8s_audit"],
  ])("refuses %s", async (_name, text) => {
    await expect(runCorrelationSql(text, [], events)).rejects.toBeInstanceOf(ParseError);
  });

  it("reads the group columns by name and the time in microseconds", async () => {
    const rows = await runCorrelationSql(
      'SELECT verb AS "v", 5 AS sigma_time_us FROM lake.k8s_audit',
      ["v"],
      events,
    );
    expect(rows).toEqual([{ group: { v: "get" }, timeUs: 5 }]);
  });
});

describe("mutations of the emitted statements are caught by the sequence fixtures", async () => {
  const compiled = await Promise.all(
    irs.map(async (ir) => ({ ir, out: await compileCorrelationForTarget(ir, "sql") })),
  );

  /** Whether some sequence shows the mutated statement's matches differ from the reference's. */
  async function caught(pattern: RegExp, replacement: string): Promise<boolean> {
    let applied = 0;
    for (const { ir, out } of compiled) {
      if (!pattern.test(out.query)) continue;
      applied++;
      const text = out.query.replace(pattern, replacement);
      for (const s of sequences) {
        const want = correlate(
          expectedCorrelation(ir, out),
          s.events.map((e) => out.seen(e)),
        ).alerts.map((a) => `${a.group.join()}@${formatTimestampUs(a.time)}`);
        const got = (await runCorrelationSql(text, ir.groupBy, s.events)).map(
          (m) => `${ir.groupBy.map((g) => m.group[g]).join()}@${formatTimestampUs(m.timeUs)}`,
        );
        if (got.sort().join() !== want.sort().join()) return true;
      }
    }
    expect(applied, `pattern ${pattern} appears in no statement`).toBeGreaterThan(0);
    return false;
  }

  it.each([
    ["window start excluded", /BETWEEN a\.sigma_time - (\d+)/, "BETWEEN a.sigma_time - $1 + 1"],
    ["window end excluded", /AND a\.sigma_time\b(?! -)/, "AND a.sigma_time - 1"],
    ["ordered chain start excluded", /s1\.sigma_time >= /, "s1.sigma_time > "],
    ["equal times ordered", /s1\.sigma_time < s2\.sigma_time/, "s1.sigma_time <= s2.sigma_time"],
    ["groups not separated", /b\.sigma_g1 = a\.sigma_g1 AND /, ""],
    ["one event fewer", />= 20\b/, ">= 21"],
  ])("%s", async (_name, pattern, replacement) => {
    expect(await caught(pattern, replacement)).toBe(true);
  });
});

describe("what SQL cannot say is a coded error at the correlation", () => {
  const RULES = {
    "a.yml": baseRule("Rule A", "rule_a", "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", ["verb: create"]),
  };
  const errors = async (
    text: string,
    title: string,
    options: { targetOptions?: Record<string, string> } = {},
  ): Promise<string[]> => {
    const ir = correlationIR({ ...RULES, "c.yml": text }, title);
    const out = await compileCorrelationForTarget(ir, "sql", options);
    expect(out.artifact).toBe("");
    return out.diagnostics
      .filter((d) => d.severity === "error")
      .map((d) => `${d.code} ${d.file}:${d.loc?.line}:${d.loc?.col}`);
  };

  it("a dialect other than DuckDB", async () => {
    const text = correlationText("Burst", "event_count", ["rule_a"], "1m", ["condition: {gte: 2}"]);
    expect(await errors(text, "Burst", { targetOptions: { dialect: "spark" } })).toEqual([
      "CORRELATION_UNSUPPORTED c.yml:2:1",
    ]);
  });

  it("a group-by field with several values per event", async () => {
    const text = correlationText(
      "Groups",
      "event_count",
      ["rule_a"],
      "1m",
      ["condition: {gte: 2}"],
      ["user.groups"],
    );
    expect(await errors(text, "Groups")).toEqual(["CORRELATION_GROUP_BY_MULTIVALUE c.yml:2:1"]);
  });
});
