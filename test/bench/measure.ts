import { spawnSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

/** Measuring whole processes for the benchmark, as a user runs them. */

export interface Sample {
  /** Wall time of the process, from spawn to exit. */
  readonly ms: number;
  /** CPU time (user + system, all threads) of the child, when it could be measured. */
  readonly cpuMs: number | null;
  /** Peak resident set size of the child process in KiB, when it could be measured. */
  readonly rssKiB: number | null;
  /** Bytes the process wrote to stdout and stderr. */
  readonly stdoutBytes: number;
  readonly stderrBytes: number;
  /** Lines the process wrote to stdout (matches of a scan, the count of a baseline). */
  readonly stdoutLines: number;
  /** The first line of stdout (a baseline prints its count there). */
  readonly firstLine: string;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
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

/** Whether CPU time and peak RSS can be measured (GNU time is installed). */
export const HAVE_GNU_TIME = existsSync(GNU_TIME);

/**
 * Runs a command to completion once, its stdout and stderr into files (as a user redirecting
 * them would), and measures its wall time and, through GNU time's %U %S %M, its CPU time and
 * peak RSS. `okCodes` are the exit codes that count as a finished run (converting a corpus with a
 * few broken rules exits 1 after compiling the rest).
 */
export async function timeProcess(
  command: string,
  args: readonly string[],
  okCodes: readonly number[] = [0],
): Promise<Sample> {
  const scratch = mkdtempSync(join(tmpdir(), "sigprism-bench-time-"));
  const statsFile = join(scratch, "stats");
  const outFile = join(scratch, "stdout");
  const errFile = join(scratch, "stderr");
  const out = openSync(outFile, "w");
  const err = openSync(errFile, "w");
  try {
    const [cmd, argv] = HAVE_GNU_TIME
      ? [GNU_TIME, ["-f", "%U %S %M", "-o", statsFile, command, ...args]]
      : [command, [...args]];
    const t = performance.now();
    const result = spawnSync(cmd, argv, { stdio: ["ignore", out, err] });
    const ms = performance.now() - t;
    closeSync(out);
    closeSync(err);
    if (result.error !== undefined) throw result.error;
    if (result.status === null || !okCodes.includes(result.status))
      throw new Error(
        `${command} ${args.join(" ")} exited with ${result.status ?? result.signal ?? "?"}: ${readFileSync(errFile, "utf8").slice(0, 500)}`,
      );
    const stdout = readFileSync(outFile);
    let lines = 0;
    for (let i = stdout.indexOf(10); i !== -1; i = stdout.indexOf(10, i + 1)) lines++;
    const base = {
      ms,
      stdoutBytes: stdout.length,
      stderrBytes: statSync(errFile).size,
      stdoutLines: lines,
      firstLine: stdout.toString("utf8", 0, Math.min(stdout.length, 200)).split("\n")[0] ?? "",
    };
    if (!HAVE_GNU_TIME) return { ...base, cpuMs: null, rssKiB: null };
    // GNU time writes "Command exited with non-zero status 1" first when the exit code is not 0.
    const last = readFileSync(statsFile, "utf8").trim().split("\n").pop() ?? "";
    const [user, system, rss] = last.split(" ").map(Number);
    const cpuMs = user !== undefined && system !== undefined ? (user + system) * 1000 : NaN;
    return {
      ...base,
      cpuMs: Number.isFinite(cpuMs) ? cpuMs : null,
      rssKiB: rss !== undefined && Number.isFinite(rss) ? rss : null,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
