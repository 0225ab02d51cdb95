import { spawnSync } from "node:child_process";
import { median, roundRobin, timeProcess, type Sample } from "./measure.js";
import type { Row } from "./table.js";

/**
 * The hunt section of `npm run bench`: `sigprism hunt` (DuckDB embedded) against `sigprism scan`
 * (the JS scanner) with the ten rules of rules/kubernetes over the same generated audit log, each
 * run a fresh process, round-robin: wall time, CPU and peak RSS, and the ratios of the same run.
 * Both must write the same rule matches (sorted NDJSON lines), or the section fails; scan's
 * correlation matches (`{"correlation":…}` lines: hunt runs no correlation) are left aside.
 */

const CLI = "bin/sigprism.js";
const RULES = "rules/kubernetes";

function sortedMatches(command: string, log: string): string[] {
  const r = spawnSync(process.execPath, [CLI, command, "-r", RULES, log], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  return r.stdout
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith('{"correlation":'))
    .sort();
}

const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;

export async function huntRows(
  log: string,
  runs: number,
  bytes: number,
): Promise<{ rows: Row[]; ok: boolean; header: string }> {
  const hunted = sortedMatches("hunt", log);
  const scanned = sortedMatches("scan", log);
  const same = hunted.length === scanned.length && hunted.every((l, i) => l === scanned[i]);
  const samples = await roundRobin(runs, {
    hunt: () => timeProcess(process.execPath, [CLI, "hunt", "-r", RULES, log], [0, 1]),
    scan: () => timeProcess(process.execPath, [CLI, "scan", "-r", RULES, log], [0, 1]),
  });
  const med = (xs: readonly Sample[], f: (s: Sample) => number | null): number =>
    median(xs.map(f).filter((x): x is number => x !== null));
  const wall = { hunt: med(samples.hunt, (s) => s.ms), scan: med(samples.scan, (s) => s.ms) };
  const rss = {
    hunt: med(samples.hunt, (s) => s.rssKiB),
    scan: med(samples.scan, (s) => s.rssKiB),
  };
  const mb = bytes / 1e6;
  return {
    ok: same,
    header: `hunt: ${hunted.length} matches, ${same ? "the same lines as scan" : "DIFFERENT from scan"}`,
    rows: [
      {
        section: "hunt",
        name: "scan -r rules/kubernetes (JS)",
        samples: samples.scan,
        rate: { value: mb / (wall.scan / 1000), unit: "MB/s" },
        note: `${scanned.length} matches`,
      },
      {
        section: "hunt",
        name: "hunt -r rules/kubernetes (DuckDB)",
        samples: samples.hunt,
        rate: { value: mb / (wall.hunt / 1000), unit: "MB/s" },
        ratios: `time ${ratio(wall.hunt, wall.scan)} scan, peak RSS ${ratio(rss.hunt, rss.scan)} scan`,
        note: `${hunted.length} matches${same ? " = scan" : " != scan"}`,
      },
    ],
  };
}
