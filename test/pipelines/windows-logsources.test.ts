import { describe, expect, it } from "vitest";
import { compileForTarget, compileRuleIR, type TargetOutput } from "../../src/compile.js";
import { loadRuleSet } from "../../src/rule-set.js";
import type { TargetName } from "../../src/targets/types.js";
import { documentInterpreter } from "../../src/verify/registry.js";
import { elasticView } from "../../src/verify/views/elastic.js";
import { splunkView } from "../../src/verify/views/splunk.js";
import { runInProcess as cli } from "../helpers/cli-in-process.js";

/**
 * Windows logsources beyond process creation, through the built-in pipelines with no flag. The
 * target documents are written by hand from the vendors' transformations (Elastic's Sysmon and
 * Defender ingest pipelines and their tests, Splunk's XML extraction), and the emitted text is
 * read back by each target's own interpreter.
 */

const DIR = "test/data/windows-pipelines/";

async function compile(file: string, target: TargetName): Promise<TargetOutput> {
  const set = loadRuleSet([DIR + file]);
  expect(set.diagnostics).toEqual([]);
  return compileForTarget(compileRuleIR(set.rules[0]!, {}), target, {});
}

const errors = (o: TargetOutput) => o.diagnostics.filter((d) => d.severity === "error");

/** Sysmon 13 by Sigma's names (the raw record). */
const rawSet = (overrides: Record<string, unknown> = {}) => ({
  EventID: 13,
  Channel: "Microsoft-Windows-Sysmon/Operational",
  EventType: "SetValue",
  Image: "C:\\Windows\\System32\\wscript.exe",
  TargetObject: "HKU\\S-1-5-21-1\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\updater",
  Details: "C:\\Users\\bob\\AppData\\updater.js",
  ...overrides,
});

describe("registry_set (Sysmon 13) in every target", () => {
  it("elastic: registry.path and process.executable in the Sysmon data stream, event code 13", async () => {
    const o = await compile("run_key_set.yml", "elastic");
    expect(errors(o)).toEqual([]);
    expect(o.pipelines).toEqual(["windows-ecs"]);
    const match = documentInterpreter("elastic").compile(o.query);
    // The Sysmon pipeline moves TargetObject to registry.path and Image to process.executable;
    // EventType stays in winlog.event_data.
    const doc = (code: string, path: string) => ({
      data_stream: { dataset: "windows.sysmon_operational" },
      event: { code },
      process: { executable: "C:\\Windows\\System32\\wscript.exe" },
      registry: { path },
      winlog: { event_data: { EventType: "SetValue" } },
    });
    const run = "HKU\\S-1-5-21-1\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\updater";
    expect(match(doc("13", run))).toBe(true);
    expect(match(doc("12", run))).toBe(false);
    expect(match(doc("13", "HKU\\S-1-5-21-1\\Software\\Other"))).toBe(false);
  });

  it("splunk: the add-on's names under the Sysmon source and EventCode 13", async () => {
    const o = await compile("run_key_set.yml", "splunk");
    expect(errors(o)).toEqual([]);
    const match = documentInterpreter("splunk").compile(o.query);
    const doc = (code: string) => ({
      source: ["XmlWinEventLog:Microsoft-Windows-Sysmon/Operational"],
      EventCode: [code],
      EventType: ["SetValue"],
      Image: ["C:\\Windows\\System32\\WScript.exe"],
      TargetObject: [rawSet().TargetObject],
    });
    expect(match(doc("13"))).toBe(true);
    expect(match(doc("14"))).toBe(false);
  });

  it("js: the raw record, scoped to Sysmon 13", async () => {
    const o = await compile("run_key_set.yml", "js");
    expect(errors(o)).toEqual([]);
    const match = documentInterpreter("js").compile(o.artifact);
    expect(match(rawSet())).toBe(true);
    expect(match(rawSet({ EventID: 12 }))).toBe(false);
    expect(match(rawSet({ Channel: "Security" }))).toBe(false);
  });
});

describe("splunk on XML-rendered records", () => {
  it("a value with &, < or > is searched as the entities the extraction holds", async () => {
    const o = await compile("cmd_chain.yml", "splunk");
    expect(errors(o)).toEqual([]);
    const match = documentInterpreter("splunk").compile(o.query);
    const raw = (CommandLine: string) => ({
      EventID: 1,
      Channel: "Microsoft-Windows-Sysmon/Operational",
      Image: "C:\\Windows\\System32\\cmd.exe",
      CommandLine,
    });
    // Splunk's own document of the record (the add-on's regex extraction keeps &amp; and &gt;).
    expect(match(splunkView.document(raw("cmd /c whoami & hostname > out.txt")))).toBe(true);
    expect(match(splunkView.document(raw("cmd /c whoami and hostname > out.txt")))).toBe(false);
  });
});

/** Defender 1116 as Windows records it, by the names Sigma's rules use (no spaces). */
const rawDefender = {
  EventID: 1116,
  Channel: "Microsoft-Windows-Windows Defender/Operational",
  Provider_Name: "Microsoft-Windows-Windows Defender",
  ThreatName: "Virus:DOS/EICAR_Test_File",
  SourceName: "Real-Time Protection",
  ProcessName: "C:\\Users\\topsy\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe",
  DetectionUser: "NT AUTHORITY\\SYSTEM",
  Path: "file:_C:\\Users\\Topsy\\Desktop\\eat_more_yams.exe",
};

describe("windefend in Elastic: the windows_defender data stream", () => {
  it("the view writes Defender's names with underscores and derives file.*, user.* and process.*", () => {
    // Values from the integration's own pipeline test (test-events-windows-defender-events.json-
    // expected.json): Path keeps its "file:_" prefix in event_data, file.path drops it.
    const doc = elasticView.document(rawDefender) as Record<string, unknown>;
    expect(doc).toMatchObject({
      data_stream: { dataset: "windows.windows_defender" },
      event: { code: "1116" },
      file: {
        path: "C:\\Users\\Topsy\\Desktop\\eat_more_yams.exe",
        name: "eat_more_yams.exe",
        extension: "exe",
      },
      user: { domain: "NT AUTHORITY", name: "SYSTEM" },
      process: { executable: rawDefender.ProcessName, name: "OneDrive.exe" },
      winlog: {
        event_data: {
          Threat_Name: "Virus:DOS/EICAR_Test_File",
          Source_Name: "Real-Time Protection",
          Path: rawDefender.Path,
        },
      },
    });
  });

  it("the rule reads those fields, in that data stream", async () => {
    const o = await compile("defender_threat.yml", "elastic");
    expect(errors(o)).toEqual([]);
    const match = documentInterpreter("elastic").compile(o.query);
    expect(match(elasticView.document(rawDefender))).toBe(true);
    expect(match(elasticView.document({ ...rawDefender, EventID: 1117 }))).toBe(false);
    expect(match(elasticView.document({ ...rawDefender, ThreatName: "Trojan:Win32/X" }))).toBe(
      false,
    );
  });
});

describe("verify over rules the front end rejects", () => {
  const args = [
    "verify",
    DIR + "redos.yml",
    DIR + "run_key_set.yml",
    "--fixtures",
    "test/fixtures/windows",
    "--targets",
    "js",
  ];

  it("reports the rejected rule, checks the others, and fails without --allow-unsupported", async () => {
    const r = await cli(args);
    expect(r.stderr).toMatch(/redos\.yml:\d+:\d+: error DETECTION_REGEX_REDOS/);
    expect(r.stderr).toMatch(/1 rule rejected by the front end and not checked/);
    expect(r.stdout).toMatch(/^1 rule × \d+ fixtures/m);
    expect(r.status).toBe(1);
  });

  it("passes with --allow-unsupported, the rejection shown as a warning", async () => {
    const r = await cli([...args, "--allow-unsupported"]);
    expect(r.stderr).toMatch(/redos\.yml:\d+:\d+: warning DETECTION_REGEX_REDOS/);
    expect(r.status, r.stderr).toBe(0);
  });
});
