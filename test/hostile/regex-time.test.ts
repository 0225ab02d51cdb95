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
import { runInProcess } from "../helpers/cli-in-process.js";
import { headlines } from "./cli-run.js";

/**
 * Issue 7, item 4: no `|re` value can hang the evaluator, `sigprism scan` or `sigprism verify`.
 * The evaluator runs RE2JS instead of V8, and exponential shapes are refused at the value's
 * line:col. Nothing here is timed: the values are 4,000,000 characters long, where V8's
 * backtracking needs about 5 hours for the quadratic `a+b` (1 s at 30,000 characters, measured)
 * and longer than anyone waits for the cubic `.*a.*b`, so a super-linear engine cannot finish
 * before vitest's hang guard (5 minutes, vitest.config.ts); RE2JS answers in milliseconds.
 */

const HEAD =
  "title: t\nid: 5c0f0e0e-0000-4000-8000-000000000001\nlogsource:\n    product: kubernetes\n    service: audit\n";
const N = 4_000_000;

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

describe("accepted polynomial patterns run in linear time", () => {
  for (const [pattern, value, expected] of ACCEPTED) {
    it(`/${pattern}/ on ${value.length} characters: evaluate and compilePredicate`, () => {
      const loaded = loadSigmaFile({ path: "re.yml", text: rule(pattern) });
      expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const ir = compileRuleIR(loaded.documents[0] as SigmaRule).ir;
      const event = { requestURI: value };
      expect(evaluate(ir, event)).toBe(expected);
      const predicate = compilePredicate(ir);
      expect([predicate(event), predicate(event), predicate(event)]).toEqual([
        expected,
        expected,
        expected,
      ]);
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

/**
 * The SPL interpreter models PCRE2 as a backtracking machine with memoisation and a step budget
 * (DEFAULT_STEP_BUDGET, 2×10^7): the budget is the count. On 100,000 characters a quadratic search
 * needs 10^10 steps and throws instead of answering; a linear one answers.
 */
const N_SPL = 100_000;

describe("the SPL interpreter's PCRE runs in linear time too", () => {
  const at = (offset: number): ParseError => new ParseError("outside", offset, 1, offset + 1);
  it("(?i)\\A.*a.*b\\z and a final $ (PCRE: before a final newline)", () => {
    const a = "a".repeat(N_SPL);
    expect(pcreToSearch("(?i).*a.*b\\z", at).test(a)).toBe(false);
    const dollar = pcreToSearch("a+b$", at);
    expect(dollar.test(a)).toBe(false);
    expect(dollar.test("aab\n")).toBe(true);
    expect(dollar.test("aab\n\n")).toBe(false);
  });
  it("the Splunk backend's multiline anchors (lookbehind, final lookahead)", () => {
    const s = pcreToSearch("(?:\\A|(?<=[\\n\\r]))a+b(?=[\\n\\r]|\\z)", at);
    expect(s.test("x\raab\ny")).toBe(true);
    expect(s.test("xaab")).toBe(false);
    expect(s.test("\n" + "a".repeat(N_SPL))).toBe(false);
  });
});

describe("the CLI, in process", () => {
  const dir = mkdtempSync(join(tmpdir(), "sigprism-regex-"));
  const rulePath = join(dir, "slow.yml");
  writeFileSync(rulePath, rule(".*a.*b"));
  const event = (id: string, uri: string) =>
    JSON.stringify({
      id,
      matches: [],
      event: { kind: "Event", apiVersion: "audit.k8s.io/v1", verb: "get", requestURI: uri },
    });
  // verify reads fixtures through the SPL interpreter too, whose step budget holds 100 KB values.
  const fixtures = join(dir, "fixtures.ndjson");
  writeFileSync(
    fixtures,
    event("hostile", "a".repeat(N_SPL)) + "\n" + event("plain", "/api") + "\n",
  );

  it("scan: a 4 MB hostile value is answered (no match), not hung", async () => {
    const logs = join(dir, "audit.ndjson");
    writeFileSync(logs, JSON.stringify({ kind: "Event", requestURI: "a".repeat(N) }) + "\n");
    const r = await runInProcess(["scan", "-r", rulePath, logs]);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/scanned 1 lines/);
    expect(r.status).toBe(0);
  });

  it("verify (Splunk's interpreter): the hostile fixture is answered, not hung", async () => {
    const r = await runInProcess([
      "verify",
      rulePath,
      "--fixtures",
      fixtures,
      "--targets",
      "splunk",
    ]);
    expect(headlines(r.stderr).filter((h) => h.severity === "error")).toEqual([]);
    expect(r.stdout).toMatch(/all agree/);
    expect(r.status).toBe(0);
  });

  it("verify (the JS module, V8's backtracking): a search past the step budget is an unchecked case, a warning, never a failure", async () => {
    const r = await runInProcess([
      "verify",
      rulePath,
      "--fixtures",
      fixtures,
      "--targets",
      "js",
      "--json",
    ]);
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      disagreements: unknown[];
      perTarget: Record<string, { cases: number; agree: number }>;
      diagnostics: { severity: string; code: string; message: string }[];
    };
    expect(report.disagreements).toEqual([]);
    expect(report.ok).toBe(true);
    expect(r.status).toBe(0);
    // The plain fixture is checked; the hostile one is counted out before V8 starts, so the
    // warning comes from the step count (VERIFY_JS_STEP_BUDGET), not from the wall-clock guard.
    expect(report.perTarget["js"]).toEqual(expect.objectContaining({ cases: 2, agree: 1 }));
    expect(report.diagnostics.filter((d) => d.severity !== "info")).toEqual([
      expect.objectContaining({
        severity: "warning",
        code: "VERIFY_JS_STEP_BUDGET",
        message: expect.stringContaining("fixture hostile:"),
      }),
    ]);
  });
});
