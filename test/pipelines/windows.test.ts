import { describe, expect, it } from "vitest";
import { compileForTarget, compileRuleIR, type TargetOutput } from "../../src/compile.js";
import type { Diagnostic } from "../../src/diagnostics.js";
import { pipelinesFromArgs } from "../../src/pipelines/builtins.js";
import type { Pipeline } from "../../src/pipelines/types.js";
import { loadRuleSet } from "../../src/rule-set.js";
import type { TargetName } from "../../src/targets/types.js";
import { parseKql } from "../../src/verify/kql/parse.js";
import { documentInterpreter } from "../../src/verify/registry.js";

/**
 * Windows process creation end to end through the built-in pipelines. The documents below are
 * written by hand from the vendors' documented transformations (Elastic's Sysmon and Security
 * ingest pipelines, Splunk's add-ons), not produced by sigprism, and the emitted text is read back
 * by each target's own interpreter.
 */

const DIR = "test/data/pipelines/";

async function compile(
  file: string,
  target: TargetName,
  options: { format?: string; pipelines?: readonly Pipeline[]; strict?: boolean } = {},
): Promise<TargetOutput> {
  const set = loadRuleSet([DIR + file]);
  expect(set.diagnostics).toEqual([]);
  const r = compileRuleIR(set.rules[0]!, { pipelines: options.pipelines ?? [] });
  return compileForTarget(r, target, {
    ...(options.format ? { format: options.format } : {}),
    ...(options.strict ? { strict: true } : {}),
  });
}

const errors = (o: TargetOutput): Diagnostic[] =>
  o.diagnostics.filter((d) => d.severity === "error");
const at = (d: Diagnostic) => [d.code, d.loc?.line, d.loc?.col];

/** Every field name a KQL text tests (parse-back through the KQL grammar). */
function kqlFields(text: string): string[] {
  const out = new Set<string>();
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (typeof n === "object" && n !== null) {
      const o = n as Record<string, unknown>;
      const f = o.field as { text?: unknown } | null | undefined;
      if ((o.kind === "is" || o.kind === "range") && typeof f?.text === "string") out.add(f.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(parseKql(text));
  return [...out].sort();
}

/** Sysmon event 1 as the Windows integration indexes it (winlog.event_data moved into ECS). */
const sysmonDoc = (overrides: Record<string, unknown> = {}) => ({
  data_stream: { dataset: "windows.sysmon_operational" },
  event: { code: "1" },
  process: {
    executable: "C:\\Windows\\System32\\whoami.exe",
    command_line: "whoami /all",
    working_directory: "C:\\Windows\\system32\\",
    pe: { original_file_name: "whoami.exe" },
    parent: { executable: "C:\\Windows\\System32\\cmd.exe" },
  },
  user: { domain: "NT AUTHORITY", name: "SYSTEM" },
  ...overrides,
});

/** The same process as a raw Sysmon event by Sigma's field names (what scan reads). */
const rawSysmon = (overrides: Record<string, unknown> = {}) => ({
  EventID: 1,
  Channel: "Microsoft-Windows-Sysmon/Operational",
  Image: "C:\\Windows\\System32\\whoami.exe",
  CommandLine: "whoami /all",
  CurrentDirectory: "C:\\Windows\\system32\\",
  OriginalFileName: "whoami.exe",
  ParentImage: "C:\\Windows\\System32\\cmd.exe",
  User: "NT AUTHORITY\\SYSTEM",
  ...overrides,
});

describe("windows-ecs (default for elastic on Windows process creation)", () => {
  it("names ECS fields as Elastic's integrations write them, and scopes to both data streams", async () => {
    const o = await compile("whoami_from_system.yml", "elastic");
    expect(errors(o)).toEqual([]);
    expect(o.pipelines).toEqual(["windows-ecs"]);
    expect(kqlFields(o.query)).toEqual([
      "data_stream.dataset",
      "event.code",
      "process.command_line",
      "process.executable",
      "process.parent.executable",
      "process.pe.original_file_name",
      "process.working_directory",
    ]);
    const match = documentInterpreter("elastic").compile(o.query);
    expect(match(sysmonDoc())).toBe(true);
    // Security 4688 fills the same ECS fields (no original file name there, so not this rule).
    const security = sysmonDoc({
      data_stream: { dataset: "system.security" },
      event: { code: "4688" },
    });
    expect(match(security)).toBe(true);
    // Another Sysmon event with the same fields is not a process creation.
    expect(match(sysmonDoc({ event: { code: "11" } }))).toBe(false);
    expect(match(sysmonDoc({ data_stream: { dataset: "kubernetes.audit_logs" } }))).toBe(false);
    // The filter: a working directory under C:\Users\ excludes the event.
    const inUsers = sysmonDoc();
    inUsers.process.working_directory = "C:\\Users\\bob\\";
    expect(match(inUsers)).toBe(false);
  });

  it("gives the rule the data streams' index, integrations and timestamp override", async () => {
    const ndjson = await compile("whoami_from_system.yml", "elastic", { format: "kibana-ndjson" });
    const rule = JSON.parse(ndjson.artifact.split("\n")[0]!) as Record<string, unknown>;
    expect(rule.index).toEqual(["logs-windows.sysmon_operational-*", "logs-system.security-*"]);
    expect(rule.timestamp_override).toBe("event.ingested");
    const toml = await compile("whoami_from_system.yml", "elastic", { format: "toml" });
    expect(toml.artifact).toMatch(/^integration = \["windows", "system"\]$/m);
  });

  it("a user's pipeline file overrides one field; the rest stays the built-in's", async () => {
    const own = pipelinesFromArgs(["test/data/pipeline-files/my-fields.yml"]);
    expect(own.diagnostics).toEqual([]);
    const o = await compile("whoami_from_system.yml", "elastic", { pipelines: own.pipelines });
    expect(o.pipelines).toEqual(["windows-ecs", "my-fields"]);
    const fields = kqlFields(o.query);
    expect(fields).toContain("process.name");
    expect(fields).not.toContain("process.executable");
    expect(fields).toContain("process.command_line");
  });

  it("User is split over user.domain and user.name: either part matches, declared at the value", async () => {
    const o = await compile("user_split.yml", "elastic");
    expect(o.diagnostics.filter((d) => d.code === "FIDELITY_FIELD_MAPPING").map(at)).toEqual([
      ["FIDELITY_FIELD_MAPPING", 12, 21],
    ]);
    const match = documentInterpreter("elastic").compile(o.query);
    expect(match(sysmonDoc())).toBe(true);
    expect(match(sysmonDoc({ user: { domain: "CORP", name: "AUTHORITY-svc" } }))).toBe(true);
    expect(match(sysmonDoc({ user: { domain: "CORP", name: "bob" } }))).toBe(false);
    const strict = await compile("user_split.yml", "elastic", { strict: true });
    expect(errors(strict).map((d) => d.code)).toContain("FIDELITY_FIELD_MAPPING");
  });

  it("Hashes (removed by the integration) and a field outside the taxonomy are coded errors at the value", async () => {
    const o = await compile("hashes.yml", "elastic");
    expect(errors(o).map(at)).toEqual([
      ["FIELD_NOT_AVAILABLE", 12, 23],
      ["UNMAPPED_FIELD", 13, 18],
    ]);
    expect(o.artifact).toBe("");
  });

  it("a test that can see a value Sysmon's pipeline drops ('-') is a data note", async () => {
    const o = await compile("parent_dash.yml", "elastic");
    expect(o.diagnostics.map((d) => [d.severity, d.code])).toContainEqual([
      "info",
      "FIDELITY_VALUE_DROPPED",
    ]);
  });
});

describe("splunk-windows (default) and splunk-windows-cim (-p)", () => {
  it("reads the Sysmon add-on's fields under source XmlWinEventLog and EventCode 1", async () => {
    const o = await compile("whoami_from_system.yml", "splunk");
    expect(errors(o)).toEqual([]);
    expect(o.pipelines).toEqual(["splunk-windows"]);
    const match = documentInterpreter("splunk").compile(o.query);
    const doc = (code: string) => ({
      source: ["XmlWinEventLog:Microsoft-Windows-Sysmon/Operational"],
      sourcetype: ["xmlwineventlog"],
      EventCode: [code],
      Image: ["C:\\Windows\\System32\\WHOAMI.EXE"],
      CommandLine: ["WhoAmI /all"],
      CurrentDirectory: ["C:\\Windows\\system32\\"],
      OriginalFileName: ["whoami.exe"],
      ParentImage: ["C:\\Windows\\System32\\cmd.exe"],
    });
    expect(match(doc("1"))).toBe(true);
    expect(match(doc("11"))).toBe(false);
  });

  it("the CIM pipeline replaces it: Endpoint.Processes names under tag=process tag=report", async () => {
    const cim = pipelinesFromArgs(["splunk-windows-cim"]);
    const o = await compile("whoami_from_system.yml", "splunk", { pipelines: cim.pipelines });
    expect(o.pipelines).toEqual(["splunk-windows-cim"]);
    const match = documentInterpreter("splunk").compile(o.query);
    const doc = (tags: string[]) => ({
      tag: tags,
      process_path: ["C:\\Windows\\System32\\whoami.exe"],
      process: ["whoami /all"],
      process_current_directory: ["C:\\Windows\\system32\\"],
      original_file_name: ["whoami.exe"],
      parent_process_path: ["C:\\Windows\\System32\\cmd.exe"],
    });
    expect(match(doc(["process", "report"]))).toBe(true);
    expect(match(doc(["process"]))).toBe(false);
  });
});

describe("js-windows (default for js): Sigma's names, and the event's own scope", () => {
  it("matches the Sysmon process creation, not a file event or another channel that looks alike", async () => {
    const o = await compile("whoami_from_system.yml", "js");
    expect(errors(o)).toEqual([]);
    const match = documentInterpreter("js").compile(o.artifact);
    expect(match(rawSysmon())).toBe(true);
    expect(match(rawSysmon({ EventID: 11 }))).toBe(false);
    expect(match(rawSysmon({ Channel: "Security" }))).toBe(false);
    expect(o.scope).toBeDefined();
  });
});
