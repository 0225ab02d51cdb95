import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { kqlInterpreter } from "../../src/verify/kql/index.js";
import { viewFor } from "../../src/verify/registry.js";
import { runInProcess as cli } from "../helpers/cli-in-process.js";
import { ROOT, TOKEN_RULE, runCli } from "./run-cli.js";

const tokenRequestEvent = (username: string | null) => ({
  kind: "Event",
  apiVersion: "audit.k8s.io/v1",
  level: "Metadata",
  auditID: "6f1c3a52-2a8e-4a55-9d6a-0a7f2f3b9c11",
  stage: "ResponseComplete",
  requestURI: "/api/v1/namespaces/prod/serviceaccounts/deployer/token",
  verb: "create",
  user: { username, groups: ["system:authenticated"] },
  sourceIPs: ["203.0.113.7"],
  userAgent: "kubectl/v1.30.0 (linux/amd64) kubernetes/abcdef",
  objectRef: {
    resource: "serviceaccounts",
    namespace: "prod",
    name: "deployer",
    apiVersion: "v1",
    subresource: "token",
  },
  responseStatus: { code: 201 },
  requestReceivedTimestamp: "2026-11-28T10:00:00.000000Z",
  stageTimestamp: "2026-11-28T10:00:00.010000Z",
});

const BAD_RULE = `title: bad
logsource:
  product: kubernetes
  service: audit
detection:
  selection:
    verb|contians: create
  condition: selection
`;

/**
 * The CLI as a user runs it. Commands run in this process through main() (stdout, stderr and exit
 * code captured); what is about the process itself (standard input, the bin script, NO_COLOR in the
 * environment) runs as a spawned `node bin/sigprism.js`.
 */
describe("sigprism as a user runs it", () => {
  it("prints its version and help with examples for every command", async () => {
    const version = await cli(["--version"]);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe(
      JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version,
    );
    for (const cmd of ["convert", "lint", "verify", "scan", "targets"]) {
      const help = await cli([cmd, "--help"]);
      expect(help.status, cmd).toBe(0);
      expect(help.stdout, cmd).toContain("Examples:");
    }
  });

  it("exits 2 on a usage error", async () => {
    expect((await cli(["frobnicate"])).status).toBe(2);
    expect((await cli(["convert", "-t", "qradar", TOKEN_RULE])).status).toBe(2);
    expect((await cli(["convert", TOKEN_RULE])).status).toBe(2);
  });

  it("converts the TokenRequest rule to KQL that means what the rule says", async () => {
    const r = await cli(["convert", "-t", "elastic", TOKEN_RULE]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    const predicate = kqlInterpreter.compile(r.stdout);
    const view = viewFor("elastic");
    expect(predicate(view.document(tokenRequestEvent("alice@corp.example")))).toBe(true);
    expect(predicate(view.document(tokenRequestEvent("system:node:ip-10-0-0-1")))).toBe(false);
    expect(predicate(view.document(tokenRequestEvent("System:Node:ip-10-0-0-1")))).toBe(true);
    expect(predicate(view.document(tokenRequestEvent("")))).toBe(false);
    expect(predicate(view.document(tokenRequestEvent(null)))).toBe(false);
  });

  it("reads a rule from standard input", async () => {
    const r = runCli(["convert", "-t", "splunk", "-"], {
      input: readFileSync(join(ROOT, TOKEN_RULE)),
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("serviceaccounts");
  });

  it("reports a bad rule as file:line:col with a suggestion, exits 1 and writes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sigprism-cli-"));
    const file = join(dir, "bad.yml");
    writeFileSync(file, BAD_RULE);
    const out = join(dir, "out");
    const r = await cli(["convert", "-t", "all", file, "-o", `${out}/`]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:7:10: error DETECTION_UNKNOWN_MODIFIER: .*contains`,
        "m",
      ),
    );
    expect(r.stderr).toContain("^");
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(out)).toBe(false);
  });

  it("writes one file per rule and target with -o", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "sigprism-cli-")), "out");
    const r = await cli(["convert", "-t", "elastic,js", TOKEN_RULE, "-o", `${out}/`]);
    expect(r.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      "k8s_serviceaccount_token_created_via_tokenrequest.elastic.kql",
      "k8s_serviceaccount_token_created_via_tokenrequest.js.mjs",
    ]);
  });

  it("lints the project's rules cleanly and a bad rule with exit 1, also as JSON", async () => {
    const ok = await cli(["lint", "rules"]);
    expect(ok.status).toBe(0);
    expect(ok.stderr).toMatch(/15 documents checked in 15 files: 0 errors/);
    const bad = runCli(["lint", "--format", "json", "-"], { input: BAD_RULE });
    expect(bad.status).toBe(1);
    const report = JSON.parse(bad.stdout) as {
      diagnostics: { code: string; line: number; col: number; file: string }[];
    };
    expect(report.diagnostics[0]).toMatchObject({
      code: "DETECTION_UNKNOWN_MODIFIER",
      line: 7,
      col: 10,
      file: "<stdin>",
    });
  });

  it("verifies the rules over the fixtures and writes JUnit; unsupported pairs fail unless allowed", async () => {
    const junit = join(mkdtempSync(join(tmpdir(), "sigprism-cli-")), "verify.xml");
    const args = ["verify", "rules/kubernetes", "--fixtures", "test/fixtures", "--junit", junit];
    const allowed = await cli([...args, "--allow-unsupported"]);
    expect(allowed.stdout).toContain("target");
    expect(allowed.status, allowed.stdout.slice(-3000)).toBe(0);
    expect(allowed.stdout).not.toContain("all agree");
    // KQL, SQL (IPv6 networks as text) and Falco (the same IPv6 network) lack one rule each; the
    // scripted-client regex is written with Falco's regex operator. EQL (text user.groups) and
    // ES|QL (multi-valued user.groups, source.ip) lack three each.
    expect(allowed.stdout).toContain("9 rule/target pairs unsupported");
    expect(allowed.stdout).toMatch(/^elastic\/eql +\d+/m);
    expect(allowed.stdout).toMatch(/^elastic\/esql +\d+/m);
    const xml = readFileSync(junit, "utf8");
    expect(xml).toContain("<testsuites");
    // KQL has no regex: the scripted-client rule is a skipped case with its value's line:col.
    expect(xml).toMatch(
      /<skipped message="unsupported: UNSUPPORTED_REGEX at rules\/kubernetes\/audit\/k8s_secret_read_by_scripted_client\.yml:\d+:\d+/,
    );
    expect(xml).toContain("<system-out>declared deviation at rules/kubernetes/audit/");
    const strict = await cli(args);
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(
      /^rules\/kubernetes\/audit\/k8s_secret_read_by_scripted_client\.yml:\d+:\d+: error UNSUPPORTED_REGEX \[elastic\]/m,
    );
  });

  it("fails verify when one fixture label is wrong", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sigprism-cli-"));
    const ruleId = /^id:\s*(\S+)/m.exec(readFileSync(join(ROOT, TOKEN_RULE), "utf8"))![1]!;
    writeFileSync(
      join(dir, "flipped.ndjson"),
      JSON.stringify({
        id: "flipped",
        why: "a human mints a token, labelled as no match on purpose",
        matches: [],
        event: tokenRequestEvent("alice"),
      }) + "\n",
    );
    const r = await cli(["verify", TOKEN_RULE, "--fixtures", dir, "--json"]);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as {
      disagreements: { kind: string; rule: { id: string } }[];
    };
    expect(report.disagreements.some((d) => d.kind === "label" && d.rule.id === ruleId)).toBe(true);
  });

  it("scans NDJSON (plain, gzip, stdin): matches on stdout, summary and malformed lines on stderr", async () => {
    const lines = [
      JSON.stringify(tokenRequestEvent("alice@corp.example")),
      JSON.stringify(tokenRequestEvent("system:node:ip-10-0-0-1")),
      "{not json",
      JSON.stringify(tokenRequestEvent("bob")),
    ].join("\n");
    const dir = mkdtempSync(join(tmpdir(), "sigprism-scan-"));
    const gz = join(dir, "audit.log.gz");
    writeFileSync(gz, gzipSync(lines));
    for (const [args, input] of [
      [[gz], ""],
      [["-"], lines],
    ] as const) {
      const argv = ["scan", "-r", TOKEN_RULE, "--validate-json", ...args];
      // Standard input is the process's own: that case runs spawned.
      const r = input === "" ? await cli(argv) : runCli(argv, { input });
      const matches = r.stdout
        .trim()
        .split("\n")
        .map(
          (l) =>
            JSON.parse(l) as {
              rule: { title: string; level: string };
              event: { user: { username: string } };
            },
        );
      expect(matches.map((m) => m.event.user.username)).toEqual(["alice@corp.example", "bob"]);
      expect(matches[0]!.rule).toMatchObject({ level: "medium" });
      expect(r.stderr).toMatch(/:3: malformed line/);
      expect(r.stderr).toMatch(/scanned 4 lines/);
      expect(r.status).toBe(1);
    }
    const plain = join(dir, "clean.ndjson");
    writeFileSync(plain, JSON.stringify(tokenRequestEvent("carol")) + "\n");
    const clean = await cli(["scan", "-r", TOKEN_RULE, plain]);
    expect(clean.status).toBe(0);
    expect(clean.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("prints the targets and the capability matrix", async () => {
    const r = await cli(["targets"]);
    expect(r.status).toBe(0);
    for (const t of ["elastic", "splunk", "falco", "js", "|cidr", "wildcard ?"])
      expect(r.stdout).toContain(t);
    const j = JSON.parse((await cli(["targets", "--json"])).stdout) as { capabilities: unknown[] };
    expect(j.capabilities.length).toBeGreaterThan(10);
  });

  it("runs the main job of `npm start`: every rule for every target into out/, then parity", async () => {
    const r = await cli(["main"]);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toMatch(/wrote \d+ files to out\//);
    expect(r.stdout).toContain("all targets agree with every rule on every fixture");
    expect(r.status).toBe(0);
    expect(
      existsSync(
        join(ROOT, "out", "k8s_serviceaccount_token_created_via_tokenrequest.falco.falco.yaml"),
      ),
    ).toBe(true);
  });

  it("never colours output when NO_COLOR is set or output is not a terminal", async () => {
    const r = runCli(["lint", "-"], { input: BAD_RULE });
    expect(r.stderr).not.toContain("\x1b[");
  });
});
