import { describe, expect, it } from "vitest";
import { compileForTarget, compileRuleIR } from "../../src/compile.js";
import { parsePipeline } from "../../src/pipelines/load.js";
import { loadSigmaFile } from "../../src/sigma/load.js";
import { sourceFromText } from "../../src/sigma/read-input.js";
import type { SigmaRule } from "../../src/sigma/rule.js";

/**
 * An element-wise field (settings.elementFields) is read as json.value[<pointer>/N]; a user
 * pipeline that maps one to anything else is the user's error, coded and placed at the value.
 */
const RULE = [
  "title: t",
  "id: 0b5f7c52-9c55-4d6b-8a3e-2f7e3c1a9d10",
  "logsource:",
  "  product: kubernetes",
  "  service: audit",
  "detection:",
  "  sel:",
  "    sourceIPs|cidr: 10.0.0.0/8",
  "  condition: sel",
].join("\n");

function compileWith(target: string) {
  const loaded = parsePipeline(
    sourceFromText(
      "mine.yml",
      `name: mine\ntargets: [falco]\nitems:\n  - logsource: {product: kubernetes, service: audit}\n    fields: {sourceIPs: "${target}"}\n`,
    ),
  );
  expect(loaded.diagnostics).toEqual([]);
  const rule = loadSigmaFile(sourceFromText("r.yml", RULE)).documents[0] as SigmaRule;
  return compileForTarget(compileRuleIR(rule, { pipelines: [loaded.pipeline!] }), "falco");
}

describe("Falco element fields mapped by a user pipeline", () => {
  it("a pointer Falco's json plugin cannot read is PIPELINE_INVALID at the value", async () => {
    const out = await compileWith("json.value[/source'IPs]");
    const error = out.diagnostics.find((d) => d.severity === "error");
    expect(error?.code).toBe("PIPELINE_INVALID");
    expect([error?.loc?.line, error?.loc?.col]).toEqual([8, 21]);
    expect(out.artifact).toBe("");
  });

  it("a well-formed pointer is read element by element", async () => {
    const out = await compileWith("json.value[/sourceAddresses]");
    expect(out.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(out.query).toContain("json.value[/sourceAddresses/0]");
  });
});
