import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

/** Timing helpers for the benchmark: in-process runs and whole child processes. */

export interface Sample {
  readonly ms: number;
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

export async function timeRuns(runs: number, run: () => Promise<number>): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const count = await run();
    samples.push({ ms: performance.now() - t, rssKiB: null, count });
  }
  return samples;
}

const GNU_TIME = "/usr/bin/time";

/**
 * Runs a command to completion `runs` times and measures its wall time and (through GNU time's
 * %M, when /usr/bin/time exists) its peak RSS. `okCodes` are the exit codes that count as a
 * finished run (converting a corpus with a few broken rules exits 1 after compiling the rest).
 */
export function timeProcess(
  runs: number,
  command: string,
  args: readonly string[],
  okCodes: readonly number[] = [0],
): Sample[] {
  const scratch = mkdtempSync(join(tmpdir(), "sigprism-bench-time-"));
  const rssFile = join(scratch, "rss");
  const gnuTime = existsSync(GNU_TIME);
  const samples: Sample[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const [cmd, argv] = gnuTime
        ? [GNU_TIME, ["-f", "%M", "-o", rssFile, command, ...args]]
        : [command, [...args]];
      const t = performance.now();
      const result = spawnSync(cmd, argv, { stdio: "ignore" });
      const ms = performance.now() - t;
      if (result.error !== undefined) throw result.error;
      if (result.status === null || !okCodes.includes(result.status))
        throw new Error(
          `${command} ${args.join(" ")} exited with ${result.status ?? result.signal ?? "?"}`,
        );
      const rss = gnuTime ? Number(readFileSync(rssFile, "utf8").trim().split("\n").pop()) : NaN;
      samples.push({ ms, rssKiB: Number.isFinite(rss) ? rss : null, count: 0 });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return samples;
}
