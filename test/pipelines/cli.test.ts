import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/run-cli.js";

/** -p, `sigprism pipelines` and `lint --coverage` as a user runs them. */

const DIR = "test/data/pipelines/";
const WHOAMI = DIR + "whoami_from_system.yml";

describe("pipelines on the command line", () => {
  it("`sigprism pipelines` lists the built-ins with their targets and logsources", () => {
    const r = runCli(["pipelines", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const list = JSON.parse(r.stdout) as {
      name: string;
      targets: string[];
      default: boolean;
      items: { logsource: Record<string, string> }[];
    }[];
    const ecs = list.find((p) => p.name === "windows-ecs");
    expect(ecs).toMatchObject({ targets: ["elastic"], default: true });
    expect(ecs?.items[0]?.logsource).toEqual({ product: "windows", category: "process_creation" });
    expect(list.find((p) => p.name === "splunk-windows-cim")?.default).toBe(false);
    const table = runCli(["pipelines"]);
    expect(table.stdout).toMatch(/^kubernetes-ecs\s+elastic\s+by default/m);
  });

  it("a bad pipeline file is file:line:col with a code, and nothing is written", () => {
    const dir = mkdtempSync(join(tmpdir(), "sigprism-pipeline-"));
    const bad = join(dir, "bad.yml");
    writeFileSync(
      bad,
      "name: bad\ntargets: [elastic]\nitems:\n  - logsource: {product: windows}\n    fieldz: {Image: x}\n",
    );
    const r = runCli(["convert", "-t", "elastic", "-p", bad, WHOAMI]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${bad}:5:5: error PIPELINE_UNKNOWN_KEY`);
    expect(r.stderr).toContain("did you mean 'fields'?");
    const check = runCli(["pipelines", "-p", bad]);
    expect(check.status).toBe(1);
  });

  it("-p takes built-ins by name and files by path, in order", () => {
    const r = runCli([
      "convert",
      "-t",
      "elastic",
      "-p",
      "test/data/pipeline-files/my-fields.yml",
      WHOAMI,
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("process.name:");
    expect(r.stdout).not.toContain("process.executable:");
    const cim = runCli(["convert", "-t", "splunk", "-p", "splunk-windows-cim", WHOAMI]);
    expect(cim.status, cim.stderr).toBe(0);
    expect(cim.stdout.startsWith("(tag=process tag=report)")).toBe(true);
  });

  it("scan reads only the rule's own events from a mixed stream (the js scope)", () => {
    const base = {
      Channel: "Microsoft-Windows-Sysmon/Operational",
      Image: "C:\\Windows\\System32\\whoami.exe",
      CommandLine: "whoami /all",
      OriginalFileName: "whoami.exe",
      ParentImage: "C:\\Windows\\System32\\cmd.exe",
    };
    const lines = [
      { ...base, EventID: 1 },
      { ...base, EventID: 11, TargetFilename: "C:\\x.txt" },
    ]
      .map((e) => JSON.stringify(e))
      .join("\n");
    const r = runCli(["scan", "-r", WHOAMI, "-"], { input: lines + "\n" });
    expect(r.status, r.stderr).toBe(0);
    const matches = r.stdout
      .trim()
      .split("\n")
      .filter((l) => l !== "");
    expect(matches).toHaveLength(1);
    expect(JSON.parse(matches[0]!).event.EventID).toBe(1);
  });

  it("lint --coverage counts per target: real mapping, fidelity warning, unmapped, refused by code", () => {
    const r = runCli(["lint", "--coverage", "--format", "json", DIR, "rules/kubernetes"]);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      targets: {
        target: string;
        rules: number;
        mapped: number;
        counts: Record<string, number>;
        refusedBy: Record<string, number>;
      }[];
    };
    const elastic = report.targets.find((t) => t.target === "elastic")!;
    const rules = elastic.rules;
    expect(rules).toBe(14);
    for (const t of report.targets) {
      const c = t.counts;
      expect(c.exact! + c.deviation! + c.unmapped! + c.refused!, t.target).toBe(rules);
    }
    // hashes.yml: Hashes is removed by Elastic's Windows integration, and NoSuchField is not mapped.
    expect(elastic.refusedBy).toMatchObject({ FIELD_NOT_AVAILABLE: 1, UNMAPPED_FIELD: 1 });
    expect(elastic.mapped).toBe(rules);
    // Falco cannot load names passed through: a logsource no pipeline maps is refused there.
    const falco = report.targets.find((t) => t.target === "falco")!;
    expect(falco.counts.unmapped).toBe(0);
    expect(falco.refusedBy).toMatchObject({ UNKNOWN_LOGSOURCE: 4 });
  });
});
