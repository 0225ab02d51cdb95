import { spawnSync } from "node:child_process";
import {
  closeSync,
  copyFileSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileCorrelationIR } from "../../src/compile-correlation.js";
import { compileRuleIR } from "../../src/compile.js";
import { loadRuleSet } from "../../src/rule-set.js";
import { correlate } from "../../src/sigma/correlate.js";
import { formatTimestampUs } from "../../src/sigma/correlation-time.js";
import { compilePredicate } from "../../src/sigma/evaluate.js";
import { inLogsource } from "../../src/sigma/logsource-membership.js";
import { ensureCorrelationLog } from "./correlation-log.js";
import { median, roundRobin, timeProcess, type Sample } from "./measure.js";
import type { Row } from "./table.js";

/**
 * The `correlate` section of npm run bench: `sigprism scan -r rules/kubernetes` (10 rules and the 4
 * correlations built on them) over the generated log with correlation episodes woven in
 * (correlation-log.ts), as a whole process; beside it the same scan of the 10 rules alone and the
 * JSON.parse loop. Untimed, once: the reference evaluator and the reference correlator over the
 * same log; the scan must print exactly their matches (every correlation match, group and time),
 * or the run fails.
 */

const RULES = "rules/kubernetes";

/** The base rules' matches and the correlation matches, by the reference (untimed). */
function reference(log: string): { base: number; correlations: string[] } {
  const set = loadRuleSet([RULES]);
  const rules = set.rules.map((r) => {
    const p = compilePredicate(compileRuleIR(r).ir);
    return (e: unknown) => inLogsource(r.logsource, e) && p(e);
  });
  const kept: unknown[] = [];
  let base = 0;
  const fd = openSync(log, "r");
  const chunk = Buffer.allocUnsafe(1 << 22);
  let carry = "";
  const line = (text: string): void => {
    if (text === "") return;
    const event = JSON.parse(text) as unknown;
    const n = rules.filter((p) => p(event)).length;
    base += n;
    if (n > 0) kept.push(event);
  };
  try {
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) {
      const lines = (carry + chunk.toString("utf8", 0, n)).split("\n");
      carry = lines.pop() ?? "";
      lines.forEach(line);
    }
    line(carry);
  } finally {
    closeSync(fd);
  }
  const correlations: string[] = [];
  for (const c of set.correlations) {
    const ir = compileCorrelationIR(c).ir!;
    for (const a of correlate(ir, kept).alerts)
      correlations.push(
        `${c.correlation.id} ${JSON.stringify(a.group)} ${formatTimestampUs(a.time)}`,
      );
  }
  return { base, correlations: correlations.sort() };
}

/** The correlation matches a scan prints (untimed run, stdout kept). */
function printed(node: string, cli: string, log: string): string[] {
  const r = spawnSync(node, [cli, "scan", "-r", RULES, log], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  return r.stdout
    .split("\n")
    .filter((l) => l.startsWith('{"correlation"'))
    .map((l) => {
      const m = JSON.parse(l) as {
        correlation: { id: string };
        group: Record<string, string>;
        time: string;
      };
      return `${m.correlation.id} ${JSON.stringify(Object.values(m.group))} ${m.time}`;
    })
    .sort();
}

export async function correlationRows(options: {
  readonly events: number;
  readonly runs: number;
  readonly node: string;
  readonly cli: string;
  readonly parseLoop: string;
}): Promise<{ rows: Row[]; ok: boolean; header: string }> {
  const { node, cli } = options;
  const log = await ensureCorrelationLog({ events: options.events, seed: 1 });
  const bytes = statSync(log).size;
  // The same rules without the correlations: a folder with the rule files only.
  const plain = mkdtempSync(join(tmpdir(), "sigprism-bench-plain-"));
  for (const f of readdirSync(join(RULES, "audit"))) {
    const path = join(RULES, "audit", f);
    if (!/^correlation:/m.test(readFileSync(path, "utf8"))) copyFileSync(path, join(plain, f));
  }
  const ok = [0, 1];
  let runs: Record<"parse" | "rules" | "correlations", Sample[]>;
  try {
    runs = await roundRobin(options.runs, {
      parse: () => timeProcess(node, [options.parseLoop, log]),
      rules: () => timeProcess(node, [cli, "scan", "-r", plain, log], ok),
      correlations: () => timeProcess(node, [cli, "scan", "-r", RULES, log], ok),
    });
  } finally {
    rmSync(plain, { recursive: true, force: true });
  }
  const want = reference(log);
  const got = printed(node, cli, log);
  const same = got.join("\n") === want.correlations.join("\n");
  const lines = want.base + want.correlations.length;
  const counted = runs.correlations.every((s) => s.stdoutLines === lines);
  if (!same || !counted)
    console.log(
      `MISMATCH: scan printed ${got.length} correlation matches (${runs.correlations.map((s) => s.stdoutLines).join("/")} lines), the reference ${want.correlations.length} (${lines} lines)`,
    );
  const wall = (s: readonly Sample[]): number => median(s.map((x) => x.ms));
  const cpu = (s: readonly Sample[]): number => median(s.map((x) => x.cpuMs ?? NaN));
  const vs = (s: readonly Sample[], base: readonly Sample[], name: string): string => {
    const c = cpu(s) / cpu(base);
    return `${(wall(s) / wall(base)).toFixed(2)}× ${name}${Number.isFinite(c) ? `; ${c.toFixed(2)}×` : ""}`;
  };
  const speed = (s: readonly Sample[]) => ({ value: bytes / 1e6 / (wall(s) / 1000), unit: "MB/s" });
  return {
    rows: [
      {
        section: "baseline",
        name: "JSON.parse loop, correlation log",
        samples: runs.parse,
        rate: speed(runs.parse),
        note: `${runs.parse[0]!.firstLine} objects`,
      },
      {
        section: "correlate",
        name: "scan the 10 rules alone",
        samples: runs.rules,
        rate: speed(runs.rules),
        ratios: vs(runs.rules, runs.parse, "JSON.parse loop"),
        note: `${runs.rules[0]!.stdoutLines} matches`,
      },
      {
        section: "correlate",
        name: "scan 10 rules + 4 correlations",
        samples: runs.correlations,
        rate: speed(runs.correlations),
        ratios: `${vs(runs.correlations, runs.parse, "JSON.parse loop")}, ${vs(runs.correlations, runs.rules, "rules alone")}`,
        note: `${want.correlations.length} correlation matches ${same && counted ? "= reference" : "≠ reference!"}`,
      },
    ],
    ok: same && counted,
    header: `correlation log ${log}: ${options.events} events + correlation episodes, ${(bytes / 1e6).toFixed(0)} MB`,
  };
}
