import { describe, expect, it } from "vitest";
import { compileForTarget, compileRuleIR } from "../../src/compile.js";
import { verifyRules } from "../../src/parity/run.js";
import { parsePipeline } from "../../src/pipelines/load.js";
import type { Pipeline } from "../../src/pipelines/types.js";
import { loadSigmaFile } from "../../src/sigma/load.js";
import { sourceFromText } from "../../src/sigma/read-input.js";
import type { SigmaRule } from "../../src/sigma/rule.js";
import { loadFixtures } from "../../src/verify/fixtures.js";

/**
 * Value maps: Elastic's Windows integration keeps Sysmon's Initiated only as network.direction
 * ("true" → egress, "false" → ingress). A predicate becomes the stored values of the raw values
 * it holds for; the Windows fixtures' network events prove it in KQL, EQL and ES|QL, and a
 * pipeline that swaps the two stored values is caught by the same proof.
 */

function rule(detection: string): SigmaRule {
  const text = [
    "title: connection",
    "id: 6f1d0c1e-2b8a-4c55-9e0b-7f3d2a1c4b90",
    "logsource:",
    "    product: windows",
    "    category: network_connection",
    "detection:",
    "    sel:",
    ...detection.split("\n").map((l) => `        ${l}`),
    "    condition: sel",
  ].join("\n");
  const loaded = loadSigmaFile(sourceFromText("r.yml", text));
  expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return loaded.documents[0] as SigmaRule;
}

function pipeline(text: string): { pipeline?: Pipeline; codes: string[] } {
  const loaded = parsePipeline(sourceFromText("mine.yml", text));
  return {
    ...(loaded.pipeline ? { pipeline: loaded.pipeline } : {}),
    codes: loaded.diagnostics.map((d) => d.code),
  };
}

async function kql(detection: string, pipelines: readonly Pipeline[] = []) {
  return compileForTarget(compileRuleIR(rule(detection), { pipelines }), "elastic");
}

const SCOPE = '(data_stream.dataset:"windows.sysmon_operational" and event.code:"3")';

describe("value maps in pipelines", () => {
  it("a predicate holds on the target for the stored values of the raw values it holds for", async () => {
    expect((await kql("Initiated: 'TRUE'")).query).toBe(`${SCOPE} and network.direction:"egress"`);
    // 'u' is in "true" only; the regex holds for both; 'maybe' for neither.
    expect((await kql("Initiated|contains: 'u'")).query).toBe(
      `${SCOPE} and network.direction:"egress"`,
    );
    expect((await kql("Initiated|re: '^(true|false)$'")).query).toBe(
      `${SCOPE} and network.direction:("egress" or "ingress")`,
    );
    const never = await kql("Initiated: 'maybe'");
    expect(never.diagnostics.filter((d) => d.severity === "error").map((d) => d.code)).toEqual([
      "RULE_NEVER_MATCHES",
    ]);
    // Presence keeps its meaning: the field is there exactly for a raw value the map names.
    expect((await kql("Initiated|exists: true")).query).toBe(`${SCOPE} and network.direction:*`);
  });

  it("says what the data keeps at each predicate, and refuses a comparison with another field", async () => {
    const out = await kql("Initiated: 'true'");
    const note = out.diagnostics.find((d) => d.code === "FIDELITY_VALUE_MAP");
    expect([note?.severity, note?.loc?.line, note?.loc?.col]).toEqual(["info", 8, 21]);
    const ref = await kql("Initiated|fieldref: SourceIsIpv6");
    expect(ref.diagnostics.find((d) => d.severity === "error")?.code).toBe(
      "UNSUPPORTED_VALUE_MAP_FIELDREF",
    );
  });

  it("a map needs 'to' and at least one value", () => {
    const head = "name: mine\ntargets: [elastic]\nitems:\n  - logsource: {product: windows}\n";
    expect(
      pipeline(`${head}    fields:\n      Initiated: {refuse: gone, values: {"true": egress}}\n`)
        .codes,
    ).toContain("PIPELINE_INVALID");
    expect(
      pipeline(`${head}    fields:\n      Initiated: {to: network.direction, values: {}}\n`).codes,
    ).toContain("PIPELINE_INVALID");
  });

  it("the Windows network fixtures agree in KQL, EQL and ES|QL, and a swapped map is caught", async () => {
    const { fixtures } = loadFixtures(["test/fixtures/windows/services-and-other.ndjson"]);
    const network = fixtures.filter((f) => (f.event as { EventID?: unknown }).EventID === 3);
    expect(network.length).toBeGreaterThan(2);
    const detection = "Initiated: 'true'\nImage|endswith: '\\certutil.exe'";
    const right = await verifyRules([compileRuleIR(rule(detection))], network, {
      targets: ["elastic"],
    });
    expect(right.disagreements.filter((d) => d.kind !== "declared-deviation")).toEqual([]);
    expect(right.perTarget["elastic/eql"]?.cases).toBe(network.length);
    const swapped = pipeline(
      'name: windows-ecs\ntargets: [elastic]\ndefault: true\nitems:\n  - logsource: {product: windows, category: network_connection}\n    scope:\n      query: \'(data_stream.dataset:"windows.sysmon_operational" and event.code:"3")\'\n      events: {Channel: Microsoft-Windows-Sysmon/Operational, EventID: 3}\n    fields:\n      Initiated: {to: network.direction, values: {"true": ingress, "false": egress}}\n      Image: process.executable\n',
    );
    expect(swapped.codes).toEqual([]);
    const wrong = await verifyRules(
      [compileRuleIR(rule(detection), { pipelines: [swapped.pipeline!] })],
      network,
      { targets: ["elastic"] },
    );
    const failures = wrong.disagreements.filter((d) => d.kind === "translation");
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((d) => d.loc?.line === 8)).toBe(true);
  });
});
