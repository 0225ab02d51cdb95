import { describe, expect, it } from "vitest";
import { compileForTarget, compileRuleIR } from "../../src/compile.js";
import { evaluate } from "../../src/sigma/evaluate.js";
import { builtinCandidates, builtinPipelines } from "../../src/pipelines/builtins.js";
import { parsePipeline } from "../../src/pipelines/load.js";
import { resolveMapping } from "../../src/pipelines/resolve.js";
import { applicableItems, selectPipelines } from "../../src/pipelines/select.js";
import type { Pipeline } from "../../src/pipelines/types.js";
import { loadSigmaFile } from "../../src/sigma/load.js";
import { sourceFromText } from "../../src/sigma/read-input.js";
import type { SigmaRule } from "../../src/sigma/rule.js";
import { TARGET_NAMES, type TargetName } from "../../src/targets/types.js";
import { interpretAll, interpreterFor, viewFor } from "../../src/verify/registry.js";

function pipeline(text: string, name = "p.yml"): Pipeline {
  const loaded = parsePipeline(sourceFromText(name, text));
  expect(loaded.diagnostics).toEqual([]);
  return loaded.pipeline!;
}

function rule(
  detection: string,
  logsource = "  product: kubernetes\n  service: audit\n",
): SigmaRule {
  const text = `title: t\nid: 0b5f7c52-9c55-4d6b-8a3e-2f7e3c1a9d10\nlogsource:\n${logsource}detection:\n${detection}`;
  const loaded = loadSigmaFile(sourceFromText("r.yml", text));
  expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return loaded.documents[0] as SigmaRule;
}

const WIN = { product: "windows", category: "process_creation" };

describe("which pipelines apply, in which order", () => {
  const late = pipeline(
    "name: late\ntargets: [elastic]\npriority: 90\nitems:\n  - logsource: {product: windows}\n    fields: {Image: late.image}\n",
  );
  const early = pipeline(
    "name: early\ntargets: [elastic]\npriority: 5\nitems:\n  - logsource: {product: windows}\n    fields: {Image: early.image, CommandLine: early.cmd}\n",
  );

  it("defaults first, then -p in order; sorted by priority (stable); later items win per field", () => {
    // Built-ins whose file merely mentions the category (linux-ecs) are candidates with no item
    // for this logsource: only the pipelines that apply are compared.
    const applying = selectPipelines("elastic", [late, early], WIN).filter(
      (p) => applicableItems([p], "elastic", WIN).length > 0,
    );
    expect(applying.map((p) => p.name)).toEqual(["early", "windows-ecs", "late"]);
    const m = resolveMapping(WIN, "elastic", [late, early])!;
    expect(m.pipelines).toEqual(["early", "windows-ecs", "late"]);
    expect(m.targetsOf.Image).toEqual(["late.image"]);
    // windows-ecs (priority 20) came after early (5): its CommandLine wins over early's.
    expect(m.targetsOf.CommandLine).toEqual(["process.command_line"]);
    expect(m.unmapped).toBe("strict");
  });

  it("only built-ins that may know the logsource are read, and every item's own is among them", () => {
    // Each value an item names, on its own, with each target of its file, finds the file: the
    // prefilter is sound for any rule logsource that holds the item's values.
    for (const p of builtinPipelines())
      for (const item of p.items)
        for (const key of ["product", "category", "service"] as const) {
          const value = item.logsource[key];
          if (value === undefined) continue;
          for (const t of TARGET_NAMES) {
            const found = builtinCandidates({ [key]: value.toUpperCase() }, t).includes(p);
            const wanted = p.replaces.length > 0 || (p.default && p.targets.includes(t));
            // A file for other targets (or not applied by default) is not read at all.
            if (p.replaces.length === 0)
              expect(found, `${p.name} ${item.id} ${key} ${t}`).toBe(wanted);
            else expect(found).toBe(true);
          }
        }
    expect(builtinCandidates({ product: "beos" }).map((p) => p.name)).toEqual([
      "splunk-windows-cim",
    ]);
  });

  it("a pipeline for another target is not applied; an unknown logsource has no mapping", () => {
    expect(resolveMapping(WIN, "splunk", [late])?.pipelines).toEqual(["splunk-windows"]);
    expect(resolveMapping({ product: "beos" }, "elastic", [late])).toBeUndefined();
  });

  it("a user pipeline named like a built-in takes its place; `replaces` leaves one out", () => {
    const mine = pipeline(
      "name: windows-ecs\ntargets: [elastic]\nitems:\n  - logsource: {product: windows}\n    unmapped: passthrough\n",
    );
    const m = resolveMapping(WIN, "elastic", [mine])!;
    expect(m.pipelines).toEqual(["windows-ecs"]);
    expect(m.targetsOf.Image).toBeUndefined();
    expect(m.unmapped).toBe("passthrough");
    expect(selectPipelines("splunk", [], WIN).map((p) => p.name)).toContain("splunk-windows");
    const cim = selectPipelines(
      "splunk",
      [
        pipeline(
          "name: x\ntargets: [splunk]\nreplaces: [splunk-windows]\nitems:\n  - logsource: {product: y}\n",
        ),
      ],
      WIN,
    );
    expect(cim.map((p) => p.name)).not.toContain("splunk-windows");
  });

  it("placeholders of the rule's logsource fill |expand", () => {
    const ph = pipeline(
      "name: site\ntargets: [js]\nitems:\n  - logsource: {product: kubernetes}\n    placeholders:\n      admins: [alice, bob]\n",
    );
    const r = rule("  selection:\n    user.username|expand: '%admins%'\n  condition: selection\n");
    const ir = compileRuleIR(r, { pipelines: [ph] });
    expect(ir.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(evaluate(ir.ir, { user: { username: "bob" } })).toBe(true);
    expect(evaluate(ir.ir, { user: { username: "carol" } })).toBe(false);
    const without = compileRuleIR(r);
    expect(without.diagnostics.map((d) => d.code)).toContain("DETECTION_UNRESOLVED_PLACEHOLDER");
  });
});

/**
 * One-to-many: the target checks the value in any of the fields. Each target's own interpreter
 * reads the emitted text on the target's view of raw audit events: a value test holds when the
 * value is in either field, `null` only when both are missing.
 */
describe("one field mapped to two, in every target", () => {
  const both = pipeline(`name: both
targets: [elastic, splunk, falco, js, sql]
items:
  - logsource: {product: kubernetes, service: audit}
    targets: [elastic]
    fields:
      objectRef.name: [kubernetes.audit.objectRef.name, kubernetes.audit.objectRef.namespace]
  - logsource: {product: kubernetes, service: audit}
    targets: [splunk, js, sql]
    fields:
      objectRef.name: [objectRef.name, objectRef.namespace]
  - logsource: {product: kubernetes, service: audit}
    targets: [falco]
    fields:
      objectRef.name: [ka.target.name, ka.target.namespace]
`);

  const event = (objectRef: Record<string, string>) => ({
    kind: "Event",
    apiVersion: "audit.k8s.io/v1",
    level: "Metadata",
    auditID: "6f1c3a52-2a8e-4a55-9d6a-0a7f2f3b9c11",
    stage: "ResponseComplete",
    verb: "get",
    user: { username: "alice" },
    objectRef: { resource: "secrets", ...objectRef },
    requestReceivedTimestamp: "2026-11-28T10:00:00.000000Z",
    stageTimestamp: "2026-11-28T10:00:00.010000Z",
  });
  const events = [
    { e: event({ name: "web" }), name: true, none: false },
    { e: event({ namespace: "web" }), name: true, none: false },
    { e: event({ name: "db", namespace: "prod" }), name: false, none: false },
    { e: event({}), name: false, none: true },
  ];

  async function predicate(detection: string, target: TargetName) {
    const r = compileRuleIR(rule(detection), { pipelines: [both] });
    const o = await compileForTarget(r, target, {
      format: target === "falco" ? "rules" : target === "js" ? "module" : "query",
    });
    expect(
      o.diagnostics.filter((d) => d.severity === "error"),
      target,
    ).toEqual([]);
    const text = target === "falco" || target === "js" ? o.artifact : o.query;
    const answers = await interpretAll(
      interpreterFor(target),
      events.map(({ e }) => viewFor(target).document(e)),
      text,
    );
    return (i: number) => answers[i];
  }

  it("sql: refuses the field at its value rather than reading one of the two columns", async () => {
    const r = compileRuleIR(
      rule("  selection:\n    objectRef.name|cased: web\n  condition: selection\n"),
      { pipelines: [both] },
    );
    const o = await compileForTarget(r, "sql", { format: "query" });
    expect(o.diagnostics.filter((d) => d.severity === "error")).toMatchObject([
      { code: "UNSUPPORTED_FIELD_MAPPING", loc: { line: 8, col: 27 } },
    ]);
  });

  it("falco: a list field (or a field the plugin reads wrongly) among several is refused at its value", async () => {
    for (const names of ["[ka.user.groups, ka.user.name]", "[ka.user.name, ka.user.groups]"]) {
      const p = pipeline(`name: lists
targets: [falco]
items:
  - logsource: {product: kubernetes, service: audit}
    targets: [falco]
    fields:
      user.groups: ${names}
`);
      const r = compileRuleIR(
        rule("  selection:\n    user.groups|cased: admins\n  condition: selection\n"),
        { pipelines: [p] },
      );
      const o = await compileForTarget(r, "falco", { format: "rules" });
      expect(
        o.diagnostics.filter((d) => d.severity === "error"),
        names,
      ).toMatchObject([{ code: "UNSUPPORTED_FIELD_MAPPING", loc: { line: 8, col: 24 } }]);
    }
  });

  for (const target of TARGET_NAMES.filter((t) => t !== "sql"))
    it(`${target}: a value in either field matches; null needs both missing`, async () => {
      const value = await predicate(
        "  selection:\n    objectRef.name|cased: web\n  condition: selection\n",
        target,
      );
      const missing = await predicate(
        "  selection:\n    objectRef.name: null\n  condition: selection\n",
        target,
      );
      events.forEach(({ e, name, none }, i) => {
        expect(value(i), JSON.stringify(e.objectRef)).toBe(name);
        expect(missing(i), JSON.stringify(e.objectRef)).toBe(none);
      });
    });
});
