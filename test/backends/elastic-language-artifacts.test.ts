import { describe, expect, it } from "vitest";
import { compileForTarget, compileRuleIR } from "../../src/compile.js";
import { loadRuleSet } from "../../src/rule-set.js";
import { scopeFromKql } from "../../src/backends/elastic/scope.js";
import { builtinPipelines } from "../../src/pipelines/builtins.js";
import { resolveMapping } from "../../src/pipelines/resolve.js";
import { eqlInterpreter } from "../../src/verify/eql/index.js";
import { esqlInterpreter } from "../../src/verify/esql/index.js";
import { parseKql } from "../../src/verify/kql/index.js";
import type { KqlNode } from "../../src/verify/kql/ast.js";

/**
 * The EQL and ES|QL artifacts hold what Kibana's detection-rule import requires for their rule
 * types (Kibana rule_schemas.schema.yaml: name, description, risk_score and severity for every
 * rule; type, language and query for eql and esql rules; rule_id for an import), and nothing an
 * ES|QL rule does not take (it has no index: FROM names the indices). The query inside parses
 * with the language's grammar.
 */

const TOKEN_REQUEST =
  "rules/kubernetes/audit/k8s_serviceaccount_token_created_via_tokenrequest.yml";

async function artifact(format: string): Promise<string> {
  const set = loadRuleSet([TOKEN_REQUEST]);
  const out = await compileForTarget(compileRuleIR(set.rules[0]!), "elastic", { format });
  expect(out.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return out.artifact;
}

const REQUIRED_BY_KIBANA = [
  "name",
  "description",
  "risk_score",
  "severity",
  "type",
  "language",
  "query",
];

describe("Kibana NDJSON and detection-rules TOML for EQL and ES|QL", () => {
  it("an EQL rule: type and language eql, an index, a query the EQL grammar reads", async () => {
    const rule = JSON.parse(await artifact("kibana-ndjson-eql")) as Record<string, unknown>;
    for (const key of [...REQUIRED_BY_KIBANA, "rule_id", "index"])
      expect(rule, key).toHaveProperty(key);
    expect(rule).toMatchObject({
      type: "eql",
      language: "eql",
      rule_id: "b622e4fe-a0c3-487c-a6f1-19b0b815da8b",
    });
    expect(rule.index).toEqual(["logs-kubernetes.audit_logs-*"]);
    expect(() => eqlInterpreter.compile(rule.query as string)).not.toThrow();
  });

  it("an ES|QL rule: type and language esql, no index, FROM … METADATA _id, _index, _version", async () => {
    const rule = JSON.parse(await artifact("kibana-ndjson-esql")) as Record<string, unknown>;
    for (const key of [...REQUIRED_BY_KIBANA, "rule_id"]) expect(rule, key).toHaveProperty(key);
    expect(rule).toMatchObject({ type: "esql", language: "esql" });
    expect(rule).not.toHaveProperty("index");
    expect(rule.query).toMatch(
      /^FROM logs-kubernetes\.audit_logs-\* METADATA _id, _index, _version\n/,
    );
    expect(() => esqlInterpreter.compile(rule.query as string)).not.toThrow();
  });

  it("the TOML files say the same (language, type; index only for EQL)", async () => {
    const eql = await artifact("toml-eql");
    expect(eql).toMatch(/^language = "eql"$/m);
    expect(eql).toMatch(/^type = "eql"$/m);
    expect(eql).toMatch(/^index = \["logs-kubernetes\.audit_logs-\*"\]$/m);
    const esql = await artifact("toml-esql");
    expect(esql).toMatch(/^language = "esql"$/m);
    expect(esql).toMatch(/^type = "esql"$/m);
    expect(esql).not.toMatch(/^index = /m);
    expect(esql).toMatch(/^query = '''\nFROM logs-kubernetes/m);
  });

  it("KQL artifacts are unchanged in kind: type query, language kuery", async () => {
    const rule = JSON.parse(await artifact("kibana-ndjson")) as Record<string, unknown>;
    expect(rule).toMatchObject({ type: "query", language: "kuery" });
  });
});

/** A KQL scope of `field:"value"` terms under and/or, as a set of alternatives (OR of ANDs). */
function alternatives(node: KqlNode, text: string): Record<string, string>[] {
  switch (node.kind) {
    case "or":
      return node.items.flatMap((i) => alternatives(i, text));
    case "and":
      return node.items.reduce<Record<string, string>[]>(
        (acc, i) => acc.flatMap((a) => alternatives(i, text).map((b) => ({ ...a, ...b }))),
        [{}],
      );
    case "is":
      if (node.field?.kind === "string" && node.value.kind === "string")
        return [{ [node.field.text]: node.value.text }];
      throw new Error(`scope ${text} is not field:"value" terms`);
    default:
      throw new Error(`scope ${text} holds a ${node.kind}`);
  }
}

const key = (alts: readonly Record<string, unknown>[]): string[] =>
  alts.map((a) => JSON.stringify(Object.entries(a).sort())).sort();

describe("the built-in Elastic pipelines", () => {
  const items = builtinPipelines()
    .filter((p) => p.targets.includes("elastic"))
    .flatMap((p) => p.items.filter((i) => i.targets.includes("elastic")));

  it("give a scope EQL and ES|QL read as the KQL grammar reads it", () => {
    let read = 0;
    for (const item of items) {
      const text = item.scope?.query;
      if (text === undefined) continue;
      const fields = item.settings.scope_fields;
      const data =
        fields !== undefined
          ? ((Array.isArray(fields) ? fields : [fields]) as Record<string, unknown>[])
          : (scopeFromKql(text) ?? []).flatMap((cs) =>
              cs.reduce<Record<string, string>[]>(
                (acc, c) => acc.flatMap((a) => c.values.map((v) => ({ ...a, [c.field]: v }))),
                [{}],
              ),
            );
      expect(key(data), item.id).toEqual(key(alternatives(parseKql(text), text)));
      read++;
    }
    expect(read).toBeGreaterThanOrEqual(2);
  });

  it("list the multi-valued fields ES|QL must test with MV_CONTAINS among the mapped fields", () => {
    const mapping = resolveMapping({ product: "kubernetes", service: "audit" }, "elastic")!;
    const targets = new Set(Object.values(mapping.targetsOf).flat());
    const multi = mapping.settings.multiValued as string[];
    expect(multi.length).toBeGreaterThan(0);
    for (const f of multi) expect(targets.has(f), f).toBe(true);
  });
});

describe("choosing the language", () => {
  const RULE = "rules/kubernetes/audit/k8s_secrets_listed_cluster_wide.yml";
  const compile = async (format: string) =>
    compileForTarget(compileRuleIR(loadRuleSet([RULE]).rules[0]!), "elastic", { format });

  it("KQL's case warning names EQL and ES|QL, which say the same values exactly", async () => {
    const kql = (await compile("query")).diagnostics.filter(
      (d) => d.code === "FIDELITY_CASE_SENSITIVE",
    );
    expect(kql.length).toBeGreaterThan(0);
    for (const d of kql) expect(d.message).toMatch(/-f eql or -f esql/);
    for (const format of ["eql", "esql"]) {
      const out = await compile(format);
      expect(out.diagnostics.filter((d) => d.code.startsWith("FIDELITY_CASE"))).toEqual([]);
      expect(out.deviations).toEqual([]);
    }
  });
});
