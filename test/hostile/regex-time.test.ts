import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { predicateFromYaml } from "../../src/api.js";
import { compileRuleIR } from "../../src/compile.js";
import { compilePredicate, evaluate } from "../../src/sigma/evaluate.js";
import { loadSigmaFile } from "../../src/sigma/load.js";
import type { SigmaRule } from "../../src/sigma/rule.js";
import { pcreToSearch } from "../../src/verify/spl/pcre.js";
import { ParseError } from "../../src/verify/types.js";
import { headlines, runCli } from "./cli-run.js";

/**
 * Issue 7, item 4: no `|re` value can hang the evaluator, `sigprism scan` or `sigprism verify`.
 * V8 needs hours for `.*a.*b` on a 100 KB value (cubic) and seconds for `a+b` (quadratic); the
 * evaluator runs RE2JS instead, and exponential shapes are refused at the value's line:col.
 */

const HEAD =
  "title: t\nid: 5c0f0e0e-0000-4000-8000-000000000001\nlogsource:\n    product: kubernetes\n    service: audit\n";
const N = 100_000;

function rule(pattern: string): string {
  // A single-quoted YAML scalar keeps every backslash; a quote is doubled.
  return `${HEAD}detection:\n    selection:\n        requestURI|re: '${pattern.replace(/'/g, "''")}'\n    condition: selection\n`;
}

/** Hostile values: long runs of what the pattern's quantifiers eat, never completing a match. */
const ACCEPTED: readonly [string, string, boolean][] = [
  [".*a.*b", "a".repeat(N), false],
  ["\\s+\\s+\\s+$", " ".repeat(N) + "x", false],
  ["a+b", "a".repeat(N), false],
  ["\\\\.*\\\\.*\\.exe", "\\".repeat(N), false],
  // Real SigmaHQ patterns (windows process_creation / powershell rules).
  [
    '(?:set).*&&\\s?set.*(?:environment|invoke|\\$\\{?input).*&&.*"',
    "set&&set".repeat(N / 8),
    false,
  ],
  ["echo.*clip.*&&.*(?:Clipboard|i`?n`?v`?o`?k`?e`?)", "echoclip&&".repeat(N / 10), false],
  ["\\w+`(?:\\w+|-|.)`[\\w+|\\s]", "a".repeat(N), false],
  [".+:assumed-role/aws:.+", "a".repeat(N), false],
  // Still correct when the value does match.
  [".*a.*b", "a".repeat(N) + "b", true],
];

function timed<T>(f: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = f();
  return { value, ms: performance.now() - started };
}

describe("accepted polynomial patterns run in linear time", () => {
  for (const [pattern, value, expected] of ACCEPTED) {
    it(`/${pattern}/ on ${value.length} characters: evaluate and compilePredicate`, () => {
      const loaded = loadSigmaFile({ path: "re.yml", text: rule(pattern) });
      expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const ir = compileRuleIR(loaded.documents[0] as SigmaRule).ir;
      const event = { requestURI: value };
      const once = timed(() => evaluate(ir, event));
      expect(once.value).toBe(expected);
      expect(once.ms).toBeLessThan(1_000);
      const predicate = compilePredicate(ir);
      const many = timed(() => [predicate(event), predicate(event), predicate(event)]);
      expect(many.value).toEqual([expected, expected, expected]);
      expect(many.ms).toBeLessThan(1_000);
      expect(predicateFromYaml(rule(pattern))(event)).toBe(expected);
    });
  }
});

describe("exponential shapes are refused at the value's line:col", () => {
  const REFUSED = [
    "(?:.*a){3}x",
    "(a|a)*$",
    "(.*a){20}",
    "^(\\s*,\\s*)*$",
    "(a+)+$",
    "(\\w+\\s?)+$",
  ];
  for (const pattern of REFUSED) {
    it(`/${pattern}/`, () => {
      const loaded = loadSigmaFile({ path: "re.yml", text: rule(pattern) });
      const errors = loaded.diagnostics.filter((d) => d.severity === "error");
      const compiled = errors.length
        ? []
        : compileRuleIR(loaded.documents[0] as SigmaRule).diagnostics;
      const all = [...errors, ...compiled.filter((d) => d.severity === "error")];
      expect(all.map((d) => [d.code, d.loc?.line, d.loc?.col])).toEqual([
        ["DETECTION_REGEX_REDOS", 8, 25],
      ]);
    });
  }

  it("a construct RE2 lacks, with unbounded repetition, is refused and named", () => {
    const loaded = loadSigmaFile({ path: "re.yml", text: rule("x(?!y).*z") });
    const d = [
      ...loaded.diagnostics,
      ...compileRuleIR(loaded.documents[0] as SigmaRule).diagnostics,
    ].filter((x) => x.severity === "error");
    expect(d.map((x) => [x.code, x.loc?.line, x.loc?.col])).toEqual([
      ["DETECTION_REGEX_REDOS", 8, 25],
    ]);
    expect(d[0]!.message).toContain("negative lookahead");
  });
});

describe("the SPL interpreter's PCRE runs in linear time too", () => {
  const at = (offset: number): ParseError => new ParseError("outside", offset, 1, offset + 1);
  it("(?i)\\A.*a.*b\\z and a final $ (PCRE: before a final newline)", () => {
    const a = "a".repeat(N);
    const r = timed(() => pcreToSearch("(?i).*a.*b\\z", at).test(a));
    expect(r.value).toBe(false);
    expect(r.ms).toBeLessThan(1_000);
    const dollar = pcreToSearch("a+b$", at);
    expect(timed(() => dollar.test(a)).ms).toBeLessThan(1_000);
    expect(dollar.test("aab\n")).toBe(true);
    expect(dollar.test("aab\n\n")).toBe(false);
  });
  it("the Splunk backend's multiline anchors (lookbehind, final lookahead)", () => {
    const s = pcreToSearch("(?:\\A|(?<=[\\n\\r]))a+b(?=[\\n\\r]|\\z)", at);
    expect(s.test("x\raab\ny")).toBe(true);
    expect(s.test("xaab")).toBe(false);
    expect(timed(() => s.test("\n" + "a".repeat(N))).ms).toBeLessThan(1_000);
  });
});

describe("the built CLI (npm run build first)", () => {
  const dir = mkdtempSync(join(tmpdir(), "sigprism-regex-"));
  const rulePath = join(dir, "slow.yml");
  writeFileSync(rulePath, rule(".*a.*b"));
  const event = (id: string, uri: string) =>
    JSON.stringify({
      id,
      matches: [],
      event: { kind: "Event", apiVersion: "audit.k8s.io/v1", verb: "get", requestURI: uri },
    });

  it("scan: a 100 KB hostile value in well under a second of matching", async () => {
    const logs = join(dir, "audit.ndjson");
    writeFileSync(logs, JSON.stringify({ kind: "Event", requestURI: "a".repeat(N) }) + "\n");
    const r = await runCli(["scan", "-r", rulePath, logs], { timeoutMs: 10_000 });
    expect(r.signal).toBeNull();
    expect(r.stdout).toBe("");
    expect(r.ms).toBeLessThan(5_000);
  });

  it("verify (Splunk's interpreter): the hostile fixture is answered, not hung", async () => {
    const fixtures = join(dir, "fixtures.ndjson");
    writeFileSync(fixtures, event("hostile", "a".repeat(N)) + "\n" + event("plain", "/api") + "\n");
    const r = await runCli(["verify", rulePath, "--fixtures", fixtures, "--targets", "splunk"], {
      timeoutMs: 10_000,
    });
    expect(r.signal).toBeNull();
    expect(headlines(r.stderr).filter((h) => h.severity === "error")).toEqual([]);
    expect(r.status).toBe(0);
    expect(r.ms).toBeLessThan(5_000);
  });

  it("verify (the JS module, V8's backtracking): a slow match() is a reported timeout, not a hang", async () => {
    const fixtures = join(dir, "fixtures-js.ndjson");
    writeFileSync(fixtures, event("hostile", "a".repeat(N)) + "\n" + event("plain", "/api") + "\n");
    const r = await runCli(
      ["verify", rulePath, "--fixtures", fixtures, "--targets", "js", "--json"],
      {
        timeoutMs: 20_000,
      },
    );
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as { disagreements: { kind: string; fixture: string }[] };
    expect(report.disagreements).toEqual([
      expect.objectContaining({ kind: "timeout", fixture: "hostile" }),
    ]);
    expect(r.ms).toBeLessThan(10_000);
  });
});
