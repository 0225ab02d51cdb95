import { describe, expect, it } from "vitest";
import { compileCorrelationForTarget } from "../../src/compile-correlation.js";
import { parsePipeline } from "../../src/pipelines/load.js";
import type { Pipeline } from "../../src/pipelines/types.js";
import { sourceFromText } from "../../src/sigma/read-input.js";
import { loadCorrelationModule } from "../../src/verify/correlation/js.js";
import { baseRule, correlationIR, correlationText } from "../helpers/correlation.js";

/**
 * A correlation's rule steps read their fields through the processing pipelines, as the rules do
 * on their own: a site pipeline that renames the group-by field changes where the correlation
 * looks, and a field the pipelines cannot give as one value is a coded error at the correlation.
 */

function pipeline(text: string): Pipeline {
  const loaded = parsePipeline(sourceFromText("site.yml", text));
  expect(loaded.diagnostics).toEqual([]);
  return loaded.pipeline!;
}

const site = (targets: string, fields: string, unmapped = "passthrough"): Pipeline =>
  pipeline(
    [
      "name: site",
      `targets: [${targets}]`,
      "items:",
      "  - logsource: {product: kubernetes, service: audit}",
      `    unmapped: ${unmapped}`,
      `    fields: {${fields}}`,
      "",
    ].join("\n"),
  );

const ir = correlationIR(
  {
    "a.yml": baseRule("Rule A", "rule_a", "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", ["verb: create"]),
    "c.yml": correlationText("Burst", "event_count", ["rule_a"], "1m", ["condition: {gte: 2}"]),
  },
  "Burst",
);

/** Two creates 10 s apart by the user named at `actor.name` (the site's field). */
const events = [0, 10].map((s) => ({
  verb: "create",
  actor: { name: "mallory" },
  stageTimestamp: `2026-11-21T10:00:${String(s).padStart(2, "0")}.000000Z`,
}));

describe("correlation steps through processing pipelines", () => {
  it("JS: a site pipeline's field name is where the group-by value is read", async () => {
    const groups = async (pipelines: readonly Pipeline[]): Promise<unknown[]> => {
      const out = await compileCorrelationForTarget(ir, "js", { pipelines });
      expect(out.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      return loadCorrelationModule(out.artifact)
        .create()
        .run(events)
        .map((m) => m.group);
    };
    expect(await groups([site("js", "user.username: actor.name")])).toEqual([
      { "user.username": "mallory" },
    ]);
    // Without it, the events have no user.username: no group, no match.
    expect(await groups([])).toEqual([]);
  });

  it.each([
    ["js", "strict", "verb: verb", "UNMAPPED_FIELD"],
    ["js", "passthrough", "user.username: [a.name, b.name]", "UNSUPPORTED_FIELD_MAPPING"],
    ["splunk", "passthrough", "user.username: [a.name, b.name]", "UNSUPPORTED_FIELD_MAPPING"],
    ["sql", "passthrough", "user.username: [a.name, b.name]", "UNSUPPORTED_FIELD_MAPPING"],
  ] as const)("%s (%s, %s): %s at the correlation", async (target, unmapped, fields, code) => {
    const out = await compileCorrelationForTarget(ir, target, {
      pipelines: [site(target, fields, unmapped)],
    });
    expect(out.artifact).toBe("");
    expect(
      out.diagnostics
        .filter((d) => d.severity === "error")
        .map((d) => `${d.code} ${d.file}:${d.loc?.line}:${d.loc?.col}`),
    ).toEqual([`${code} c.yml:2:1`]);
  });
});
