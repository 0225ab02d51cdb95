import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { beforeAll, describe, expect, it } from "vitest";
import { loadRuleSet } from "../../src/rule-set.js";
import { planHunt } from "../../src/hunt/plan.js";
import { hunt, type HuntSummary } from "../../src/hunt/run.js";
import { compileRuleIR } from "../../src/compile.js";
import { compilePredicate } from "../../src/sigma/evaluate.js";
import { inLogsource } from "../../src/sigma/logsource-membership.js";
import { generateEvents } from "../bench/generate.js";
import { runCli } from "../cli/run-cli.js";

/**
 * `sigprism hunt` against the reference evaluator on generated audit logs: the same (rule, event)
 * pairs, from plain NDJSON, gzip, Parquet, a folder and a glob; malformed lines stop the hunt with
 * file and line, or are reported one by one and skipped with --skip-bad-lines.
 */

const dir = mkdtempSync(join(tmpdir(), "sigprism-hunt-"));
const EVENTS = 3000;
let lines: string[];
let ndjson: string;

interface Run {
  readonly pairs: string[];
  readonly malformed: string[];
  readonly summary: HuntSummary;
}

const set = loadRuleSet(["rules/kubernetes"]);

async function run(inputs: string[], skipBadLines = false): Promise<Run> {
  const plan = planHunt(set.rules, []);
  const pairs: string[] = [];
  const malformed: string[] = [];
  const summary = await hunt(
    plan,
    inputs,
    { skipBadLines },
    {
      onMatch: (rule, event) => pairs.push(`${rule.id} ${JSON.stringify(JSON.parse(event))}`),
      onMalformed: (file, line) => malformed.push(`${file}:${line}`),
      onFile: () => undefined,
    },
  );
  return { pairs: pairs.sort(), malformed, summary };
}

/** What the reference evaluator says for the rules hunt can run (same ids), on the same lines. */
function expected(events: readonly string[]): string[] {
  const plan = planHunt(set.rules, []);
  const hunted = new Set(plan.groups.flatMap((g) => g.rules.map((r) => r.id)));
  const rules = set.rules
    .filter((r) => hunted.has(r.id ?? r.title))
    .map((r) => ({ rule: r, holds: compilePredicate(compileRuleIR(r).ir) }));
  const out: string[] = [];
  for (const line of events) {
    const e: unknown = JSON.parse(line);
    for (const { rule, holds } of rules)
      if (inLogsource(rule.logsource, e) && holds(e)) out.push(`${rule.id} ${JSON.stringify(e)}`);
  }
  return out.sort();
}

beforeAll(async () => {
  // A higher share of suspicious TokenRequests so that the small log holds matches.
  lines = [...generateEvents({ events: EVENTS, seed: 11, suspiciousShare: 0.02 })];
  ndjson = lines.join("\n") + "\n";
  writeFileSync(join(dir, "audit.ndjson"), ndjson);
  writeFileSync(join(dir, "audit.json.gz"), gzipSync(ndjson));
  mkdirSync(join(dir, "folder", "day1"), { recursive: true });
  writeFileSync(join(dir, "folder", "day1", "a.ndjson"), lines.slice(0, 1000).join("\n") + "\n");
  writeFileSync(join(dir, "folder", "b.ndjson"), lines.slice(1000).join("\n") + "\n");
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  const shape = planHunt(set.rules, []).groups[0]!.structure;
  await c.run(
    `COPY (SELECT unnest(json_transform(json, '${shape}')) FROM read_ndjson_objects('${join(dir, "audit.ndjson")}')) TO '${join(dir, "audit.parquet")}' (FORMAT parquet)`,
  );
  c.closeSync();
}, 120_000);

describe("sigprism hunt", () => {
  it("finds exactly the reference evaluator's matches in NDJSON", async () => {
    const r = await run([join(dir, "audit.ndjson")]);
    expect(r.pairs.length).toBeGreaterThan(10);
    expect(r.pairs).toEqual(expected(lines));
    expect(r.summary.errors).toEqual([]);
  });

  it("reads gzip, a folder and a glob alike", async () => {
    const want = expected(lines);
    expect((await run([join(dir, "audit.json.gz")])).pairs).toEqual(want);
    expect((await run([join(dir, "folder")])).pairs).toEqual(want);
    const glob = await run([join(dir, "folder", "**", "*.ndjson")]);
    expect(glob.pairs).toEqual(want);
    expect(glob.summary.files).toBe(2);
  });

  it("reads Parquet written in the table's shape, with the same matches per rule", async () => {
    const r = await run([join(dir, "audit.parquet")]);
    const ids = (pairs: string[]): string[] => pairs.map((p) => p.split(" ")[0]!);
    expect(ids(r.pairs)).toEqual(ids(expected(lines)));
  });

  it("stops at a malformed line with its file and line, or skips and reports it", async () => {
    const bad = [
      ...lines.slice(0, 10),
      '{"kind": "Event", "verb":',
      ...lines.slice(10, 20),
      "not json",
    ];
    const file = join(dir, "bad.ndjson");
    writeFileSync(file, bad.join("\n") + "\n");
    const stopped = await run([file]);
    expect(stopped.summary.errors).toHaveLength(1);
    expect(stopped.summary.errors[0]!.message).toMatch(/line 11/);
    const skipped = await run([file], true);
    expect(skipped.summary.errors).toEqual([]);
    expect(skipped.malformed).toEqual([`${file}:11`, `${file}:22`]);
    expect(skipped.pairs).toEqual(expected([...lines.slice(0, 10), ...lines.slice(10, 20)]));
  });

  it("reports a missing file and a glob that matches nothing", async () => {
    const r = await run([join(dir, "nope.ndjson"), join(dir, "*.nothing")]);
    expect(r.summary.errors.map((e) => e.file)).toEqual([
      join(dir, "nope.ndjson"),
      join(dir, "*.nothing"),
    ]);
  });

  it("as a command: matches on stdout as scan writes them, exit 1 on a malformed line", () => {
    const hunted = runCli(["hunt", "-r", "rules/kubernetes", join(dir, "audit.ndjson")]);
    const scanned = runCli(["scan", "-r", "rules/kubernetes", join(dir, "audit.ndjson")]);
    expect(hunted.status).toBe(1); // the IPv6 networks of one rule have no SQL form: reported
    expect(hunted.stderr).toMatch(/UNSUPPORTED_CIDR_IPV6/);
    // The correlations among the rules are named as not hunted, each at its correlation key.
    expect(hunted.stderr.match(/\.yml:\d+:1: warning HUNT_CORRELATION_SKIPPED/g)).toHaveLength(4);
    const sorted = (s: string): string[] => s.split("\n").filter(Boolean).sort();
    // scan also prints the correlations' matches, which hunt does not run.
    const ruleMatches = (s: string): string => s.replace(/^\{"correlation":.*\n/gm, "");
    expect(sorted(hunted.stdout)).toEqual(sorted(ruleMatches(scanned.stdout)));
    expect(sorted(scanned.stdout).length).toBeGreaterThan(sorted(hunted.stdout).length);
    // -s: what SQL cannot express is reported as skipped, the rest hunted, exit 0.
    const skipping = runCli(["hunt", "-s", "-r", "rules/kubernetes", join(dir, "audit.ndjson")]);
    expect(skipping.status, skipping.stderr).toBe(0);
    expect(skipping.stderr).toMatch(/skipped UNSUPPORTED_CIDR_IPV6/);
    expect(sorted(skipping.stdout)).toEqual(sorted(ruleMatches(scanned.stdout)));
    const token = runCli([
      "hunt",
      "-r",
      "rules/kubernetes/audit/k8s_serviceaccount_token_created_via_tokenrequest.yml",
      join(dir, "bad.ndjson"),
    ]);
    expect(token.status).toBe(1);
    expect(token.stderr).toMatch(/bad\.ndjson.*line 11/);
  });
});
