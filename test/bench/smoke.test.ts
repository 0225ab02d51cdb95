import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ROOT } from "../cli/run-cli.js";

/**
 * `npm run bench` as it runs, on tiny inputs: the project's rules instead of the corpus, 2,000
 * generated events, one run per figure. Figures are not asserted (no timed tests); the table, the
 * equal match counts and the exit code are. dist/test/bench is built by `pretest`.
 */
describe("npm run bench (smoke)", () => {
  it("prints one table with every section and equal match counts", () => {
    const r = spawnSync(process.execPath, ["dist/test/bench/run.js", "rules"], {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        ...process.env,
        BENCH_EVENTS: "2000",
        BENCH_RUNS: "1",
        BENCH_COMPILE_RUNS: "1",
        BENCH_COLD_RUNS: "1",
      },
      timeout: 120_000,
    });
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    for (const row of [
      "convert -t all (one process)",
      "cold start",
      "scan TokenRequest, 1 thread",
      "scan TokenRequest, 2 workers",
      "scan status>=400 (no literal), 1 thread",
    ])
      expect(r.stdout).toContain(row);
    expect(r.stdout).toMatch(/scan TokenRequest, 1 thread.* = \(c\)/);
  }, 180_000);
});
