import { test } from "vitest";
import { loadRuleSet } from "../../src/rule-set.js";
import { compileRuleIR, compileForTarget } from "../../src/compile.js";
import { loadFixtures } from "../../src/verify/fixtures.js";
import { verifyRules } from "../../src/verify/parity.js";
import { viewFor } from "../../src/verify/registry.js";
import { evaluate } from "../../src/sigma/evaluate.js";
import { TARGET_NAMES } from "../../src/targets/types.js";

test("dump", async () => {
  for (const [paths, fxp, filt] of [[["rules/kubernetes"], "test/fixtures", false], [["rules/kubernetes", "rules/filters"], "test/fixtures/filters", true]] as const) {
    const set = loadRuleSet([...paths]);
    const fx = loadFixtures([fxp]).fixtures;
    const irs = set.rules.map((r) => compileRuleIR(r, { filters: filt ? set.filters : [] }));
    const rep = await verifyRules(irs, fx, { targets: TARGET_NAMES });
    for (const d of rep.disagreements) {
      const r = irs.find((x) => x.rule.id === d.rule.id)!;
      const t = d.target as (typeof TARGET_NAMES)[number];
      const out = await compileForTarget(r, t, {});
      const f = fx.find((x) => x.id === d.fixture)!;
      const viewCaused = evaluate(r.ir, viewFor(t).seen(f.event)) !== evaluate(r.ir, f.event);
      console.log(`${d.kind} ${d.rule.file.split("/").pop()} ${t} ${d.fixture} label=${d.expected} got=${d.got} viewCaused=${viewCaused} :: ${out.diagnostics.filter((x) => x.fidelity).map((x) => `${x.code}@${x.loc?.line}`).join(" ")} :: ${f.why.slice(0, 150)}`);
    }
  }
}, 120000);
