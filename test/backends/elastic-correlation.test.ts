import { describe, expect, it } from "vitest";
import {
  compileCorrelationForTarget,
  compileCorrelationIR,
} from "../../src/compile-correlation.js";
import { loadRuleSet } from "../../src/rule-set.js";
import { compileElasticCorrelation } from "../../src/verify/correlation/elastic.js";
import { parseEqlSequence } from "../../src/verify/eql/sequence.js";
import { parseEsqlStats } from "../../src/verify/esql/stats.js";

/**
 * Elastic correlations read back: the EQL sequence and the ES|QL aggregation parse with the
 * project's grammars, the Kibana rule carries what Kibana's rule schema requires for its type
 * (and an EQL rule the timestamp field of its sequences), the TOML says the same, and what Elastic
 * cannot say is a coded error at its position.
 */

const set = loadRuleSet(["rules/kubernetes"]);
const byTitle = (t: string) => {
  const c = set.correlations.find((x) => x.correlation.title.startsWith(t))!;
  return compileCorrelationIR(c).ir!;
};
const V92 = { targetOptions: { "elastic-version": "9.2" } };

/** "line:col" of an offset in the correlation's file. */
function at(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

const KIBANA_REQUIRED = [
  "rule_id",
  "name",
  "description",
  "risk_score",
  "severity",
  "type",
  "language",
  "query",
];

describe("Elastic correlations", () => {
  it("temporal_ordered: an EQL sequence by the group field with maxspan, read back term by term", async () => {
    const ir = byTitle("Kubernetes Token Minted, Then");
    const out = await compileCorrelationForTarget(ir, "elastic", { format: "eql" });
    expect(out.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const seq = parseEqlSequence(out.query);
    expect(seq.maxspanMs).toBe(ir.timespanUs / 1000);
    expect(seq.terms.map((t) => t.keys.map((k) => (k.kind === "field" ? k.name : k.kind)))).toEqual(
      [["user.name"], ["user.name"]],
    );
    // One term per rule, each an event query over the whole audit stream (`any`).
    expect(seq.terms.map((t) => t.query.category)).toEqual(ir.steps.map(() => null));
    expect(out.window).toBe("sliding");
    expect(out.chains).toBe("consume");
    expect(out.diagnostics.map((d) => `${d.severity} ${d.code}`)).toContain(
      "warning FIDELITY_SEQUENCE_PAIRING",
    );
  });

  it("event_count and value_count: ES|QL STATS … BY group, BUCKET(time, span), then the condition", async () => {
    for (const [title, agg, span, cond] of [
      ["Kubernetes Burst", "COUNT(*)", "5 minutes", "sigma_count >= 20"],
      [
        "Kubernetes Tokens Minted",
        "COUNT_DISTINCT(kubernetes.audit.objectRef.name, 40000)",
        "10 minutes",
        "sigma_count > 5",
      ],
    ] as const) {
      const ir = byTitle(title);
      const out = await compileCorrelationForTarget(ir, "elastic", { format: "esql", ...V92 });
      expect(
        out.diagnostics.filter((d) => d.severity === "error"),
        title,
      ).toEqual([]);
      const q = parseEsqlStats(out.query);
      expect(q.rows.startsWith("FROM logs-kubernetes.audit_logs-*")).toBe(true);
      expect(q.commands.map((c) => c.kind)).toEqual(["stats", "where"]);
      const stats = q.commands[0]!;
      if (stats.kind !== "stats") throw new Error("STATS first");
      expect(stats.aggregates.map((a) => a.name)).toEqual(["sigma_count"]);
      expect(stats.by.map((b) => b.name)).toEqual(["user.name", "sigma_window"]);
      expect(out.query).toContain(`sigma_count = ${agg}`);
      expect(out.query).toContain(`BUCKET(kubernetes.audit.stageTimestamp, ${span})`);
      expect(out.query.endsWith(`| WHERE ${cond}`)).toBe(true);
      expect(out.window).toBe("fixed");
      const fixed = out.diagnostics.find((d) => d.code === "FIDELITY_FIXED_WINDOW")!;
      expect(fixed.severity).toBe("warning");
      const c = ir.correlation;
      expect(`${fixed.loc?.line}:${fixed.loc?.col}`).toBe(at(c.source.text, c.timespan.at.start));
    }
  });

  it("Kibana NDJSON: the fields Kibana's rule import requires, type and language by the correlation", async () => {
    for (const [title, type, options] of [
      ["Kubernetes Token Minted, Then", "eql", {}],
      ["Kubernetes Burst", "esql", V92],
      ["Kubernetes Tokens Minted", "esql", {}],
    ] as const) {
      const ir = byTitle(title);
      const out = await compileCorrelationForTarget(ir, "elastic", {
        format: "kibana-ndjson",
        ...options,
      });
      expect(
        out.diagnostics.filter((d) => d.severity === "error"),
        title,
      ).toEqual([]);
      const rule = JSON.parse(out.artifact) as Record<string, unknown>;
      for (const k of KIBANA_REQUIRED) expect(rule, `${title} ${k}`).toHaveProperty(k);
      expect(rule.rule_id).toBe(ir.correlation.id);
      expect(rule.name).toBe(ir.correlation.title);
      expect([rule.type, rule.language]).toEqual([type, type]);
      expect(rule.query).toBe(out.query);
      if (type === "eql") {
        expect(rule.index).toEqual(["logs-kubernetes.audit_logs-*"]);
        expect(rule.timestamp_field).toBe("kubernetes.audit.stageTimestamp");
      } else expect(rule).not.toHaveProperty("index");
      // The look-back covers one window beyond the schedule.
      expect(rule.from).toBe(`now-${ir.timespanUs / 60_000_000 + 6}m`);
      expect(() => compileElasticCorrelation(out.artifact)).not.toThrow();
      const toml = await compileCorrelationForTarget(ir, "elastic", { format: "toml", ...options });
      expect(toml.artifact).toContain(`type = "${type}"`);
      expect(toml.artifact).toContain(`language = "${type}"`);
      expect(toml.artifact.includes('timestamp_field = "kubernetes.audit.stageTimestamp"')).toBe(
        type === "eql",
      );
    }
  });

  it("temporal: every rule marked per row (CASE), the bucket's marks (MAX) added, then the condition", async () => {
    const ir = byTitle("Kubernetes Node-Level");
    const out = await compileCorrelationForTarget(ir, "elastic", { format: "esql" });
    expect(out.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const q = parseEsqlStats(out.query);
    expect(q.commands.map((c) => c.kind)).toEqual(["eval", "stats", "eval", "where"]);
    const [marks, stats, sum] = q.commands;
    if (marks?.kind !== "eval" || stats?.kind !== "stats" || sum?.kind !== "eval")
      throw new Error("EVAL, STATS, EVAL");
    const names = ir.steps.map((_, i) => `sigma_r${i + 1}`);
    expect(marks.columns.map((c) => [c.name, c.expr.kind === "call" && c.expr.name])).toEqual(
      names.map((n) => [n, "CASE"]),
    );
    expect(stats.aggregates.map((a) => a.name)).toEqual(names);
    expect(sum.columns[0]?.expr.kind).toBe("add");
    expect(out.query.endsWith("| WHERE sigma_count >= 2")).toBe(true);
    expect(out.window).toBe("fixed");
  });

  it("refusals at their position: a format of the other language, a version before BUCKET", async () => {
    const ordered = byTitle("Kubernetes Token Minted, Then");
    const wrong = await compileCorrelationForTarget(ordered, "elastic", {
      format: "kibana-ndjson-esql",
    });
    expect(wrong.diagnostics.filter((d) => d.severity === "error").map((d) => d.code)).toEqual([
      "CORRELATION_LANGUAGE",
    ]);
    expect(wrong.diagnostics.find((d) => d.severity === "error")?.message).toContain(
      "-f kibana-ndjson-eql",
    );
    const old = await compileCorrelationForTarget(byTitle("Kubernetes Tokens Minted"), "elastic", {
      targetOptions: { "elastic-version": "8.13" },
    });
    expect(old.diagnostics.filter((d) => d.severity === "error").map((d) => d.code)).toEqual([
      "UNSUPPORTED_ELASTIC_VERSION",
    ]);
  });
});
