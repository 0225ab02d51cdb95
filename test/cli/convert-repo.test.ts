import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { interpretAll, interpreterFor, viewFor } from "../../src/verify/registry.js";
import { splInterpreter } from "../../src/verify/spl/index.js";
import { runInProcess as cli } from "../helpers/cli-in-process.js";
import { runCli, TOKEN_RULE } from "./run-cli.js";

/**
 * `sigprism convert` over a folder of rules, as sigma-cli users work: --skip-unsupported, -o FILE
 * or DIR/, labelled standard output, per-target options, placeholders, grouped warnings. Every
 * assertion is on behaviour (exit code, files written, codes and positions), never on prose.
 */

const REGEX_RULE = "rules/kubernetes/audit/k8s_secret_read_by_scripted_client.yml";

const rule = (id: string, detection: string, extra = ""): string => `title: Rule ${id}
id: ${id}
status: test
description: for the CLI tests
logsource:
  product: kubernetes
  service: audit
detection:
${detection}
level: high
${extra}`;

const GOOD = rule(
  "7d1c1f5e-0c55-4e55-9a0a-111111111111",
  "  selection:\n    verb: create\n    objectRef.resource: pods\n  condition: selection",
);
/** KQL cannot say a regular expression (UNSUPPORTED_REGEX at line 11, col 20); Falco 0.39+ can. */
const REGEX = rule(
  "7d1c1f5e-0c55-4e55-9a0a-222222222222",
  "  selection:\n    verb: get\n    userAgent|re: '^curl/'\n  condition: selection",
);
/** A typo: a real error in the rule (DETECTION_UNKNOWN_MODIFIER at line 10, col 10). */
const BROKEN = rule(
  "7d1c1f5e-0c55-4e55-9a0a-333333333333",
  "  selection:\n    verb|contians: get\n  condition: selection",
);
/** |expand needs the site's values (DETECTION_UNRESOLVED_PLACEHOLDER). */
const PLACEHOLDER = rule(
  "7d1c1f5e-0c55-4e55-9a0a-444444444444",
  "  selection:\n    user.username|expand: '%admins%'\n  condition: selection",
);

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "sigprism-repo-"));
  mkdirSync(join(dir, "rules"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, "rules", name), text);
  return dir;
}

const summary = (stderr: string): { total: number; parts: number[] } => {
  const m = /= (\d+): (\d+) converted, (\d+) not expressible.*?, (\d+) errors?/.exec(stderr);
  if (!m) throw new Error(`no summary in:\n${stderr}`);
  return { total: Number(m[1]), parts: [Number(m[2]), Number(m[3]), Number(m[4])] };
};

describe("convert --skip-unsupported", () => {
  it("writes every pair that converts, reports the others at their position, exits 0", async () => {
    const dir = folder({ "good.yml": GOOD, "regex.yml": REGEX });
    const out = join(dir, "out");
    const r = await cli(["convert", "-t", "all", "-s", join(dir, "rules"), "-o", `${out}/`]);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      "good.elastic.kql",
      "good.falco.falco.yaml",
      "good.js.mjs",
      "good.splunk.spl",
      "good.sql.sql",
      "regex.falco.falco.yaml",
      "regex.js.mjs",
      "regex.splunk.spl",
      "regex.sql.sql",
    ]);
    expect(r.stderr).toMatch(/regex\.yml:11:20: skipped UNSUPPORTED_REGEX \[elastic\]/);
    const s = summary(r.stderr);
    expect(s.total).toBe(2 * 5);
    expect(s.parts).toEqual([9, 1, 0]);
    expect(s.parts.reduce((a, b) => a + b)).toBe(s.total);
  });

  it("without -s keeps the nothing-partial contract: exit 1, no file", async () => {
    const dir = folder({ "good.yml": GOOD, "regex.yml": REGEX });
    const out = join(dir, "out");
    const r = await cli(["convert", "-t", "all", join(dir, "rules"), "-o", `${out}/`]);
    expect(r.status).toBe(1);
    expect(existsSync(out)).toBe(false);
    expect(r.stderr).toMatch(/regex\.yml:11:20: error UNSUPPORTED_REGEX/);
  });

  it("still fails on a real error in a rule, after writing what converts", async () => {
    const dir = folder({ "good.yml": GOOD, "broken.yml": BROKEN });
    const out = join(dir, "out");
    const r = await cli(["convert", "-t", "splunk,js", "-s", join(dir, "rules"), "-o", `${out}/`]);
    expect(r.status).toBe(1);
    expect(readdirSync(out).sort()).toEqual(["good.js.mjs", "good.splunk.spl"]);
    expect(r.stderr).toMatch(/broken\.yml:10:10: error DETECTION_UNKNOWN_MODIFIER/);
    expect(summary(r.stderr).parts).toEqual([2, 0, 2]);
  });

  it("a broken pipeline fails the run even with -s: nothing is compiled or written", async () => {
    const dir = folder({ "good.yml": GOOD });
    const pipeline = join(dir, "broken-pipeline.yml");
    writeFileSync(pipeline, "name: broken\nitems: []\n");
    const out = join(dir, "out");
    const r = await cli(["convert", "-t", "splunk", "-s", "-p", pipeline, join(dir, "rules")]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/broken-pipeline\.yml:\d+:\d+: error PIPELINE_/);
    const toDir = await cli([
      "convert",
      "-t",
      "js",
      "-s",
      "-p",
      pipeline,
      join(dir, "rules"),
      "-o",
      `${out}/`,
    ]);
    expect(toDir.status).toBe(1);
    expect(existsSync(out)).toBe(false);
  });

  it("skips a rule whose placeholders have no values, and --placeholder resolves them", async () => {
    const dir = folder({ "expand.yml": PLACEHOLDER });
    const skipped = await cli(["convert", "-t", "js", "-s", join(dir, "rules")]);
    expect(skipped.status).toBe(0);
    expect(skipped.stdout).toBe("");
    expect(skipped.stderr).toMatch(/expand\.yml:10:28: skipped DETECTION_UNRESOLVED_PLACEHOLDER/);
    const resolved = await cli([
      "convert",
      "-t",
      "splunk",
      "--placeholder",
      "admins=alice,bob",
      join(dir, "rules"),
    ]);
    expect(resolved.status, resolved.stderr).toBe(0);
    const run = splInterpreter.compile(resolved.stdout.trim());
    const doc = (u: string) => ({ sourcetype: ["kube:apiserver-audit"], "user.username": [u] });
    expect(run(doc("Bob"))).toBe(true);
    expect(run(doc("carol"))).toBe(false);
  });
});

describe("convert -o and standard output", () => {
  it("-o FILE takes one artifact; several need DIR/ (usage error, nothing written)", async () => {
    const dir = folder({ "good.yml": GOOD, "regex.yml": REGEX });
    const file = join(dir, "one.spl");
    const one = await cli(["convert", "-t", "splunk", join(dir, "rules", "good.yml"), "-o", file]);
    expect(one.status).toBe(0);
    expect(readFileSync(file, "utf8")).toContain('verb="create"');
    const many = join(dir, "many.spl");
    const r = await cli(["convert", "-t", "splunk", join(dir, "rules"), "-o", many]);
    expect(r.status).toBe(2);
    expect(existsSync(many)).toBe(false);
    // An existing directory needs no trailing slash.
    mkdirSync(join(dir, "existing"));
    const d = await cli([
      "convert",
      "-t",
      "splunk",
      join(dir, "rules"),
      "-o",
      join(dir, "existing"),
    ]);
    expect(d.status).toBe(0);
    expect(readdirSync(join(dir, "existing"))).toHaveLength(2);
  });

  it("labels each artifact with a comment naming rule and target, in its own syntax", async () => {
    const r = await cli([
      "convert",
      "-t",
      "splunk,js",
      TOKEN_RULE,
      "rules/kubernetes/audit/k8s_forbidden_secret_read.yml",
    ]);
    expect(r.status, r.stderr).toBe(0);
    const spl = r.stdout.split("\n").filter((l) => l.startsWith("```"));
    const js = r.stdout.split("\n").filter((l) => l.startsWith("// "));
    expect(spl).toHaveLength(2);
    expect(spl.every((l) => l.endsWith("```") && l.includes("[splunk query]"))).toBe(true);
    expect(js.filter((l) => l.includes("[js module]"))).toHaveLength(2);
    expect(spl[0]).toContain("k8s_serviceaccount_token_created_via_tokenrequest.yml");
    // The line after an SPL label is that rule's query, which parses on its own.
    const lines = r.stdout.split("\n");
    const query = lines[lines.indexOf(spl[0]!) + 1]!;
    expect(() => splInterpreter.compile(query)).not.toThrow();
  });

  it("labels SQL queries with -- comments and ends each with ';': one script that runs", async () => {
    const forbidden = "rules/kubernetes/audit/k8s_forbidden_secret_read.yml";
    const r = await cli(["convert", "-t", "sql", TOKEN_RULE, forbidden]);
    expect(r.status, r.stderr).toBe(0);
    const labels = r.stdout.split("\n").filter((l) => l.startsWith("-- "));
    expect(labels).toHaveLength(2);
    expect(labels.every((l) => l.endsWith("[sql query]"))).toBe(true);
    const statements = r.stdout
      .split(/^-- .*$/m)
      .map((b) => b.trim())
      .filter((b) => b !== "");
    expect(statements).toHaveLength(2);
    // Each statement is its rule's query: the token request event matches the first only.
    const event = {
      verb: "create",
      user: { username: "alice" },
      objectRef: { resource: "serviceaccounts", subresource: "token" },
    };
    const docs = [viewFor("sql").document(event)];
    const answers: unknown[] = [];
    for (const st of statements) {
      expect(st.endsWith(";")).toBe(true);
      answers.push(...(await interpretAll(interpreterFor("sql"), docs, st.slice(0, -1))));
    }
    expect(answers).toEqual([true, false]);
  });

  it("refuses several KQL queries on standard output (KQL has no comments)", async () => {
    const r = await cli(["convert", "-t", "elastic", "rules/kubernetes/audit"]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    const ndjson = await cli([
      "convert",
      "-t",
      "elastic",
      "-f",
      "kibana-ndjson",
      "-s",
      "rules/kubernetes/audit",
    ]);
    expect(ndjson.status).toBe(0);
    const lines = ndjson.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) expect(JSON.parse(l)).toHaveProperty("rule_id");
  });
});

describe("convert options", () => {
  it("an unknown option key is a usage error with a suggestion; -O is --option", async () => {
    for (const args of [
      ["--option", "nonsense=1"],
      ["-O", "scop=x"],
    ]) {
      const r = await cli(["convert", "-t", "elastic", ...args, TOKEN_RULE]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("did you mean");
    }
    const badValue = await cli(["convert", "-t", "elastic", "-O", "severity=urgent", TOKEN_RULE]);
    expect(badValue.status).toBe(2);
    const twoLanguages = await cli([
      "convert",
      "-t",
      "elastic,splunk",
      "-O",
      "scope=x",
      TOKEN_RULE,
      "-o",
      "/tmp/never/",
    ]);
    expect(twoLanguages.status).toBe(2);
  });

  it("Elastic honours index, interval, from, scope, risk_score and severity", async () => {
    const r = await cli([
      "convert",
      "-t",
      "elastic",
      "-f",
      "kibana-ndjson",
      ...["-O", "index=logs-a-*,logs-b-*", "-O", "interval=1m", "-O", "from=now-2m"],
      ...[
        "-O",
        "risk_score=5",
        "-O",
        "severity=critical",
        "-O",
        'elastic.scope=event.dataset:"k8s"',
      ],
      TOKEN_RULE,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const k = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(k).toMatchObject({
      index: ["logs-a-*", "logs-b-*"],
      interval: "1m",
      from: "now-2m",
      risk_score: 5,
      severity: "critical",
    });
    expect(String(k.query).startsWith('(event.dataset:"k8s") and ')).toBe(true);
    expect(k.query).not.toContain("kubernetes.audit_logs");
  });
});

describe("diagnostics output", () => {
  it("groups warnings per rule and code by default; --verbose lists each; --quiet none", async () => {
    const file = "rules/kubernetes/audit/k8s_pod_exec_interactive_shell.yml";
    const normal = await cli(["convert", "-t", "elastic", file]);
    const verbose = await cli(["convert", "-t", "elastic", "--verbose", file]);
    const quiet = await cli(["convert", "-t", "elastic", "-q", file]);
    for (const r of [normal, verbose, quiet]) expect(r.status).toBe(0);
    const heads = (s: string): string[] => s.split("\n").filter((l) => / warning [A-Z_]+/.test(l));
    const grouped = heads(normal.stderr).filter((l) => l.includes("FIDELITY_CASE_SENSITIVE"));
    const each = heads(verbose.stderr).filter((l) => l.includes("FIDELITY_CASE_SENSITIVE"));
    expect(grouped).toHaveLength(1);
    expect(each.length).toBeGreaterThan(1);
    expect(grouped[0]).toContain(`(and ${each.length - 1} more)`);
    // The first position of the group is the first of the list.
    expect(grouped[0]!.split(": ")[0]).toBe(each[0]!.split(": ")[0]);
    expect(verbose.stderr).toMatch(/^\s+\| +\^+/m);
    expect(quiet.stderr).toBe("");
  });

  it("lists targets, formats, options and pipelines", async () => {
    const formats = await cli(["list", "formats", "--json"]);
    expect(formats.status).toBe(0);
    const rows = JSON.parse(formats.stdout) as { target: string; format: string }[];
    expect(rows).toContainEqual(expect.objectContaining({ target: "elastic", format: "toml" }));
    const options = JSON.parse((await cli(["list", "options", "--json"])).stdout) as {
      target: string;
      option: string;
    }[];
    expect(options).toContainEqual(
      expect.objectContaining({ target: "falco", option: "falco-version" }),
    );
    expect((await cli(["list", "targets"])).stdout).toContain("splunk");
    const pipelines = JSON.parse((await cli(["list", "pipelines", "--json"])).stdout) as {
      name: string;
    }[];
    expect(pipelines.map((p) => p.name)).toContain("windows-ecs");
    expect((await cli(["list", "nothing"])).status).toBe(2);
  });
});

describe("scan --skip-unsupported", () => {
  it("scans with the rules that compile and exits 0 when the others only need values", async () => {
    const dir = folder({
      "token.yml": readFileSync(TOKEN_RULE, "utf8"),
      "expand.yml": PLACEHOLDER,
    });
    const event = {
      verb: "create",
      user: { username: "alice" },
      objectRef: { resource: "serviceaccounts", subresource: "token" },
    };
    const input = JSON.stringify(event) + "\n";
    const strict = runCli(["scan", "-r", join(dir, "rules"), "-"], { input });
    expect(strict.status).toBe(1);
    expect(strict.stdout).toBe("");
    const r = runCli(["scan", "-s", "-r", join(dir, "rules"), "-"], { input });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/skipped DETECTION_UNRESOLVED_PLACEHOLDER/);
  });
});

describe("verify with options and -s", () => {
  it("takes each target's options, refuses unknown keys, and skips rules no target can express", async () => {
    const typo = await cli(["verify", TOKEN_RULE, "--fixtures", "test/fixtures", "-O", "scop=x"]);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain("did you mean");
    // A Falco option given once applies to Falco only: the other targets still verify.
    const dir = folder({
      "token.yml": readFileSync(TOKEN_RULE, "utf8"),
      "expand.yml": PLACEHOLDER,
    });
    const args = ["verify", join(dir, "rules"), "--fixtures", "test/fixtures"];
    const withOption = ["-O", "falco-version=0.39.0", "--json"];
    const strict = await cli([...args, ...withOption]);
    expect(strict.status).toBe(1);
    const r = await cli([...args, "-s", ...withOption]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/expand\.yml:10:28: warning DETECTION_UNRESOLVED_PLACEHOLDER/);
    const report = JSON.parse(r.stdout) as { unsupported: unknown[]; ok: boolean };
    expect(report.ok).toBe(true);
    expect(report.unsupported).toEqual([]);
  });
});
