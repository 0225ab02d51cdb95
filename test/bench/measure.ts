import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

/** Timing helpers for the benchmark: in-process runs and whole child processes. */

export interface Sample {
  readonly ms: number;
  /** CPU time (user + system, all threads) of the run, when it could be measured. */
  readonly cpuMs: number | null;
  /** Peak resident set size of the child process in KiB, when it could be measured. */
  readonly rssKiB: number | null;
  /** What the run counted (matches, events, rules…). */
  readonly count: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** One in-process run: wall and CPU time (the CPU time includes worker threads). */
export async function timeRun(run: () => Promise<number>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const count = await run();
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, rssKiB: null, count };
}

/**
 * Runs every job `runs` times, round-robin (job 1, job 2, …, job 1, job 2, …), so that load from
 * other processes on a shared machine spreads over all rows instead of skewing one of them.
 */
export async function roundRobin<K extends string>(
  runs: number,
  jobs: Readonly<Record<K, () => Promise<Sample>>>,
): Promise<Record<K, Sample[]>> {
  const keys = Object.keys(jobs) as K[];
  const out = Object.fromEntries(keys.map((k) => [k, [] as Sample[]])) as Record<K, Sample[]>;
  for (let i = 0; i < runs; i++) for (const k of keys) out[k].push(await jobs[k]());
  return out;
}

const GNU_TIME = "/usr/bin/time";

/**
 * Runs a command to completion once and measures its wall time and (through GNU time's %U %S %M,
 * when /usr/bin/time exists) its CPU time and peak RSS. `okCodes` are the exit codes that count
 * as a finished run (converting a corpus with a few broken rules exits 1 after compiling the rest).
 */
export async function timeProcess(
  command: string,
  args: readonly string[],
  okCodes: readonly number[] = [0],
): Promise<Sample> {
  const scratch = mkdtempSync(join(tmpdir(), "sigprism-bench-time-"));
  const statsFile = join(scratch, "stats");
  const gnuTime = existsSync(GNU_TIME);
  try {
    const [cmd, argv] = gnuTime
      ? [GNU_TIME, ["-f", "%U %S %M", "-o", statsFile, command, ...args]]
      : [command, [...args]];
    const t = performance.now();
    const result = spawnSync(cmd, argv, { stdio: "ignore" });
    const ms = performance.now() - t;
    if (result.error !== undefined) throw result.error;
    if (result.status === null || !okCodes.includes(result.status))
      throw new Error(
        `${command} ${args.join(" ")} exited with ${result.status ?? result.signal ?? "?"}`,
      );
    if (!gnuTime) return { ms, cpuMs: null, rssKiB: null, count: 0 };
    // GNU time writes "Command exited with non-zero status 1" first when the exit code is not 0.
    const last = readFileSync(statsFile, "utf8").trim().split("\n").pop() ?? "";
    const [user, system, rss] = last.split(" ").map(Number);
    const cpuMs = user !== undefined && system !== undefined ? (user + system) * 1000 : NaN;
    return {
      ms,
      cpuMs: Number.isFinite(cpuMs) ? cpuMs : null,
      rssKiB: rss !== undefined && Number.isFinite(rss) ? rss : null,
      count: 0,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
