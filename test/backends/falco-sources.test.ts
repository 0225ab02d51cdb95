import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { compileForTarget, compileRuleIR, type TargetOutput } from "../../src/compile.js";
import { parsePipeline } from "../../src/pipelines/load.js";
import type { Pipeline } from "../../src/pipelines/types.js";
import { compileRegexSearch } from "../../src/sigma/eval-regex.js";
import { loadSigmaFile } from "../../src/sigma/load.js";
import { sourceFromText } from "../../src/sigma/read-input.js";
import type { SigmaRule } from "../../src/sigma/rule.js";
import { falcoInterpreter } from "../../src/verify/falco/index.js";
import { falcoRegex } from "../../src/backends/falco/regex.js";
import { quote } from "../../src/backends/falco/constants.js";
import { runInProcess } from "../helpers/cli-in-process.js";

/**
 * Falco beyond Kubernetes: a logsource Falco cannot read is refused (never a file Falco would
 * not load), fields are checked against the rule's event source, string constants stay within
 * 255 bytes, the syscall source and the cloud plugins get their source, plugins and config, and
 * `|re` is Falco's regex operator exactly (or refused with the construct).
 */
function rule(logsource: string, detection: string): SigmaRule {
  const text = `title: t\nid: 0b5f7c52-9c55-4d6b-8a3e-2f7e3c1a9d10\nlogsource:\n${logsource}detection:\n${detection}`;
  const loaded = loadSigmaFile(sourceFromText("r.yml", text));
  expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return loaded.documents[0] as SigmaRule;
}

const LINUX_PROC = "  product: linux\n  category: process_creation\n";
const CLOUDTRAIL = "  product: aws\n  service: cloudtrail\n";

async function falco(
  r: SigmaRule,
  format = "rules",
  options: { pipelines?: readonly Pipeline[]; targetOptions?: Record<string, string> } = {},
): Promise<TargetOutput> {
  const ir = compileRuleIR(r, options.pipelines ? { pipelines: options.pipelines } : {});
  return compileForTarget(ir, "falco", {
    format,
    ...(options.targetOptions ? { targetOptions: options.targetOptions } : {}),
  });
}

const errors = (o: TargetOutput): string[] =>
  o.diagnostics.filter((d) => d.severity === "error").map((d) => d.code);

describe("never a rules file Falco would refuse", () => {
  it("refuses a Windows or Azure rule with exit 1 and nothing on stdout", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sigprism-falco-"));
    const win = join(dir, "win.yml");
    writeFileSync(
      win,
      "title: w\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n  sel:\n    CommandLine|contains: certutil\n  condition: sel\n",
    );
    const azure = join(dir, "azure.yml");
    writeFileSync(
      azure,
      "title: a\nlogsource:\n  product: azure\n  service: activitylogs\ndetection:\n  sel:\n    operationName: MICROSOFT.COMPUTE/VIRTUALMACHINES/DELETE\n  condition: sel\n",
    );
    for (const file of [win, azure]) {
      const r = await runInProcess(["convert", "-t", "falco", file]);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("error UNKNOWN_LOGSOURCE");
      expect(r.stderr).toMatch(/:2:1: error UNKNOWN_LOGSOURCE/);
    }
  });

  it("checks every field against the rule's event source, at the value", async () => {
    const p = parsePipeline(
      sourceFromText(
        "mine.yml",
        "name: mine\ntargets: [falco]\nitems:\n  - logsource: {product: linux, category: process_creation}\n    fields: {Image: ka.verb, CommandLine: Image}\n",
      ),
    );
    expect(p.diagnostics).toEqual([]);
    const out = await falco(
      rule(LINUX_PROC, "  sel:\n    Image: /bin/sh\n  condition: sel\n"),
      "rules",
      {
        pipelines: [p.pipeline!],
      },
    );
    const d = out.diagnostics.find((x) => x.code === "FIELD_NOT_IN_SOURCE");
    expect(d?.message).toContain("no field ka.verb");
    expect([d?.loc?.line, d?.loc?.col]).toEqual([8, 12]);
    expect(out.artifact).toBe("");
    const bare = await falco(
      rule(LINUX_PROC, "  sel:\n    CommandLine: x\n  condition: sel\n"),
      "rules",
      {
        pipelines: [p.pipeline!],
      },
    );
    expect(bare.diagnostics.find((x) => x.code === "FIELD_NOT_IN_SOURCE")?.message).toContain(
      "is not a Falco field name",
    );
  });

  it("refuses a string constant over 255 bytes at the value; 255 bytes load", async () => {
    const long = await falco(
      rule(
        LINUX_PROC,
        `  sel:\n    CommandLine|contains|cased: '${"x".repeat(256)}'\n  condition: sel\n`,
      ),
    );
    const d = long.diagnostics.find((x) => x.code === "UNSUPPORTED_VALUE_LENGTH");
    expect([d?.loc?.line, d?.loc?.col]).toEqual([8, 34]);
    const fits = await falco(
      rule(
        LINUX_PROC,
        `  sel:\n    CommandLine|contains|cased: '${"x".repeat(255)}'\n  condition: sel\n`,
      ),
    );
    expect(errors(fits)).toEqual([]);
    expect(() => falcoInterpreter.compile(fits.artifact)).not.toThrow();
    // The interpreter refuses what Falco refuses.
    expect(() =>
      falcoInterpreter.compile(`proc.exeline contains ${quote("x".repeat(255))}x`),
    ).toThrow();
    expect(() => falcoInterpreter.compile(`proc.exeline contains "${"x".repeat(256)}"`)).toThrow(
      /too long/,
    );
  });
});

describe("event sources, plugins and config", () => {
  it("writes a Linux process rule for the syscall source with no plugin", async () => {
    const out = await falco(
      rule(
        LINUX_PROC,
        "  sel:\n    Image|endswith: /curl\n    CommandLine|contains: ' -T '\n  condition: sel\n",
      ),
    );
    expect(errors(out)).toEqual([]);
    const doc = load(out.artifact) as Record<string, unknown>[];
    expect(doc.some((x) => "required_plugin_versions" in x)).toBe(false);
    const r = doc.find((x) => "rule" in x)!;
    expect(r.source).toBe("syscall");
    expect(String(r.condition)).toMatch(/^\(evt\.type in \(execve, execveat\)\) and /);
    const config = load(
      (await falco(rule(LINUX_PROC, "  sel:\n    Image: /bin/sh\n  condition: sel\n"), "config"))
        .artifact,
    );
    expect(config).toEqual({ rules_files: ["/etc/falco/rules.d/t.yaml"] });
  });

  it("writes a CloudTrail rule with the cloudtrail and json plugins, and their falco.yaml block", async () => {
    const r = rule(
      CLOUDTRAIL,
      "  sel:\n    eventName: StopLogging\n    additionalEventData.MFAUsed: 'No'\n  condition: sel\n",
    );
    const out = await falco(r);
    expect(errors(out)).toEqual([]);
    const doc = load(out.artifact) as Record<string, unknown>[];
    expect(doc[0]).toEqual({
      required_plugin_versions: [
        { name: "cloudtrail", version: "0.17.1" },
        { name: "json", version: "0.7.0" },
      ],
    });
    expect(doc.find((x) => "rule" in x)!.source).toBe("aws_cloudtrail");
    const config = load((await falco(r, "config")).artifact) as Record<string, unknown>;
    expect(config.load_plugins).toEqual(["cloudtrail", "json"]);
    expect((config.plugins as { name: string }[]).map((p) => p.name)).toEqual([
      "cloudtrail",
      "json",
    ]);
  });

  it("prints one falco.yaml block with the plugins of exactly the sources the rules use", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sigprism-falco-"));
    const write = (name: string, logsource: string, detection: string): string => {
      const file = join(dir, name);
      writeFileSync(file, `title: ${name}\nlogsource:\n${logsource}detection:\n${detection}`);
      return file;
    };
    const files = [
      write("a.yml", LINUX_PROC, "  sel:\n    Image: /bin/sh\n  condition: sel\n"),
      write("b.yml", CLOUDTRAIL, "  sel:\n    eventName: StopLogging\n  condition: sel\n"),
      write("c.yml", CLOUDTRAIL, "  sel:\n    eventName: DeleteTrail\n  condition: sel\n"),
      write(
        "d.yml",
        "  product: okta\n  service: okta\n",
        "  sel:\n    eventType: user.lifecycle.create\n  condition: sel\n",
      ),
    ];
    const r = await runInProcess(["convert", "-t", "falco", "-f", "config", ...files]);
    expect(r.status, r.stderr).toBe(0);
    const config = load(r.stdout) as Record<string, unknown>;
    expect(config.load_plugins).toEqual(["cloudtrail", "json", "okta"]);
    expect((config.plugins as { name: string }[]).map((p) => p.name)).toEqual([
      "cloudtrail",
      "json",
      "okta",
    ]);
    expect(config.rules_files).toHaveLength(4);
    const linuxOnly = await runInProcess(["convert", "-t", "falco", "-f", "config", files[0]!]);
    expect(load(linuxOnly.stdout)).toEqual({ rules_files: ["/etc/falco/rules.d/a_yml.yaml"] });
  });

  it("says why a GitHub audit-log rule has no Falco field", async () => {
    const out = await falco(
      rule(
        "  product: github\n  service: audit\n",
        "  sel:\n    action: repo.destroy\n  condition: sel\n",
      ),
    );
    const d = out.diagnostics.find((x) => x.code === "FIELD_NOT_AVAILABLE");
    expect(d?.message).toContain("webhook");
  });
});

describe("|re as Falco's regex operator", () => {
  const FLAGS = { i: false, m: false, s: false };
  const PATTERNS: readonly [string, { i: boolean; m: boolean; s: boolean }][] = [
    ["-D", FLAGS],
    ["\\s-O\\s", FLAGS],
    ["(?:\\s-[^-\\s]{0,20}i|\\s--inode\\s)", FLAGS],
    ["-(W|R)\\s?(\\s|\"|')([0-9a-fA-F]{2}\\s?){2,20}(\\s|\"|')", FLAGS],
    ["(.){3,}", FLAGS],
    ["(^0oa.*|[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,10})", FLAGS],
    ["^ab|c$", FLAGS],
    ["a.b", { i: false, m: false, s: true }],
    ["sk", { i: true, m: false, s: false }],
    ["[a-c]\\d+?x*", { i: true, m: false, s: false }],
    ["x\\w", { i: true, m: false, s: false }],
    ["a\\.b\\*\\[", FLAGS],
    ["a\\-b", FLAGS],
  ];
  const ALPHABET = [
    "a",
    "b",
    "c",
    "s",
    "S",
    "\u017f",
    "k",
    "K",
    "\u212a",
    "x",
    "0",
    "9",
    "-",
    " ",
    "\t",
    "\n",
    "\r",
    "\u2028",
    ".",
    "*",
    "[",
    "@",
    "o",
    "D",
    "O",
    "R",
    '"',
    "i",
    "d",
    "\u00a0",
    "😀",
  ];

  it("matches exactly what the rule's regex finds, on every text tried", () => {
    for (const [source, flags] of PATTERNS) {
      const tr = falcoRegex(source, flags);
      expect(tr.ok, source).toBe(true);
      if (!tr.ok) continue;
      const falcoRun = falcoInterpreter.compile(`proc.exeline regex ${quote(tr.text)}`);
      const ref = compileRegexSearch(source, flags);
      if (!ref.ok) throw new Error(source);
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...ALPHABET), { maxLength: 12 }), (parts) => {
          const text = parts.join("");
          expect(
            falcoRun({ "evt.source": "syscall", "proc.exeline": text }),
            `${source} on ${JSON.stringify(text)}`,
          ).toBe(ref.search.test(text));
        }),
        { numRuns: 150 },
      );
    }
  });

  it("refuses what RE2's POSIX syntax cannot say, with the construct", () => {
    for (const [source, why] of [
      ["\\bword", "word boundary"],
      ["(?<=a)b", "lookaround"],
      ["(a)\\1", "backreference"],
      ["a^b", "inside the pattern"],
      ["\\p{L}", "Unicode property"],
    ] as const) {
      const tr = falcoRegex(source, FLAGS);
      expect(tr.ok, source).toBe(false);
      if (!tr.ok) expect(tr.reason).toContain(why);
    }
  });

  it("is refused below Falco 0.39 and written from it on", async () => {
    const r = rule(LINUX_PROC, "  sel:\n    CommandLine|re: '\\s-O\\s'\n  condition: sel\n");
    const old = await falco(r, "rules", { targetOptions: { "falco-version": "0.38.1" } });
    expect(errors(old)).toEqual(["UNSUPPORTED_REGEX"]);
    expect(old.diagnostics.find((d) => d.code === "UNSUPPORTED_REGEX")?.message).toContain(
      "0.39.0",
    );
    const now = await falco(r);
    expect(errors(now)).toEqual([]);
    expect(now.artifact).toContain("regex");
    // The interpreter refuses Perl-only syntax, as RE2 in POSIX mode does.
    expect(() => falcoInterpreter.compile('proc.exeline regex "(?:a)"')).toThrow();
    expect(() => falcoInterpreter.compile('proc.exeline regex "\\\\d"')).toThrow();
  });
});
