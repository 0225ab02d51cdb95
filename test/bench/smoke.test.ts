import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ROOT } from "../cli/run-cli.js";
import { HANG_GUARD_MS } from "../helpers/hang-guard.js";

/**
 * `npm run bench` as it runs, on tiny inputs: the project's rules instead of the corpus, 2,000
 * generated events, one run per figure, all four targets at once only. Figures are not asserted
 * (no timed tests); the table, its baselines, the scans' match counts against the reference
 * evaluator and the exit code are. dist/test/bench is built by `pretest`.
 */
describe("npm run bench (smoke)", () => {
  it("prints one table of whole processes beside their baselines, with equal match counts", () => {
    const r = spawnSync(process.execPath, ["dist/test/bench/run.js", "rules"], {
      cwd: ROOT,
      encoding: "utf8",
      env: {
        ...process.env,
        BENCH_EVENTS: "2000",
        BENCH_RUNS: "1",
        BENCH_COLD_RUNS: "1",
        BENCH_PER_TARGET: "0",
      },
      timeout: HANG_GUARD_MS,
    });
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const row = (name: string): string =>
      r.stdout.split("\n").find((l) => l.includes(name)) ?? `(no row ${name})`;
    expect(row("node -e 0")).toMatch(/^baseline/);
    expect(row("JSON.parse loop")).toMatch(/2000 objects/);
    expect(row("grep -c")).toMatch(/^baseline/);
    expect(row("convert -t elastic TokenRequest")).toMatch(/× node -e 0/);
    expect(row("convert -t all (5 targets, one process)")).toMatch(/rules\/s/);
    expect(row("lint (loading only)")).toMatch(/^compile/);
    for (const scan of [
      "scan TokenRequest, --workers 1",
      "scan TokenRequest, default workers",
      "scan status>=400 (no literal), --workers 1",
    ])
      expect(row(scan)).toMatch(/× JSON\.parse loop.*× grep -c.* = reference/);
    expect(row("scan 10 rules + 4 correlations")).toMatch(/× rules alone.* = reference/);
  });
});
