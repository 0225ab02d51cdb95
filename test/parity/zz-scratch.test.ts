import { test } from "vitest";
import { loadRuleSet } from "../../src/rule-set.js";
import { compileRuleIR, compileForTarget } from "../../src/compile.js";
import { loadFixtures } from "../../src/verify/fixtures.js";
import { verifyRules } from "../../src/verify/parity.js";
import type { TargetName } from "../../src/targets/types.js";

test("scratch", async () => {
  const set = loadRuleSet(["rules/kubernetes"]);
  console.log(set.rules.length, set.filters.length, set.diagnostics);
  const fx = loadFixtures(["test/fixtures"]);
  console.log(fx.fixtures.length, fx.diagnostics.slice(0, 3));
  const irs = set.rules.map((r) => compileRuleIR(r));
  const targets = (process.env.T ?? "js").split(",") as TargetName[];
  const only = process.env.R;
  for (const t of targets) {
    for (const r of irs.filter((x) => !only || x.rule.id === only)) {
      const out = await compileForTarget(r, t, {});
      console.log(t, r.rule.id, out.diagnostics.map((d) => `${d.severity} ${d.code} ${d.fidelity ? "F" : ""} ${d.loc?.line}:${d.loc?.col} ${d.message}`));
      if (process.env.Q) console.log(process.env.A ? (await compileForTarget(r, t, { format: process.env.A })).artifact : out.query);
    }
  }
  const rep = await verifyRules(irs, fx.fixtures, { targets });
  console.log(rep.cases, rep.ok, JSON.stringify(rep.perTarget));
  const counts = new Map<string, number>();
  for (const d of rep.disagreements) { const k = `${d.kind} ${d.target} ${d.rule.title}`; counts.set(k, (counts.get(k) ?? 0) + 1); }
  console.log([...counts]);
  for (const d of rep.disagreements.slice(0, Number(process.env.N ?? 5))) console.log(JSON.stringify(d).slice(0, 600));
}, 120000);
