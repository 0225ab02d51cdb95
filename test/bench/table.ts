import { median, type Sample } from "./measure.js";

/** One line of the benchmark table. Times come from `samples`; the rest is already computed. */
export interface Row {
  readonly section: string;
  readonly name: string;
  readonly samples: readonly Sample[];
  /** The row's speed from the median wall time (MB/s, rules/s). */
  readonly rate?: { readonly value: number; readonly unit: string };
  /** The row against the baselines of the same run, e.g. "1.9× node -e 0". */
  readonly ratios?: string;
  readonly goal?: string;
  readonly note?: string;
}

const COLUMNS = [
  "section",
  "benchmark",
  "wall",
  "spread (min–max)",
  "cpu",
  "peak RSS",
  "rate",
  "time / baseline's (wall; cpu)",
  "goal",
  "note",
] as const;

function ms(x: number): string {
  return x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(0)} ms`;
}

function cells(r: Row): string[] {
  const times = r.samples.map((s) => s.ms);
  const cpu = r.samples.map((s) => s.cpuMs).filter((x): x is number => x !== null);
  const rss = r.samples.map((s) => s.rssKiB).filter((x): x is number => x !== null);
  return [
    r.section,
    r.name,
    ms(median(times)),
    `${ms(Math.min(...times))}–${ms(Math.max(...times))}`,
    cpu.length === 0 ? "" : ms(median(cpu)),
    rss.length === 0 ? "" : `${(median(rss) / 1024).toFixed(0)} MiB`,
    r.rate === undefined ? "" : `${r.rate.value.toFixed(0)} ${r.rate.unit}`,
    r.ratios ?? "",
    r.goal ?? "",
    r.note ?? "",
  ];
}

/** A plain-text table: text columns left-aligned, figures right-aligned. */
export function renderTable(rows: readonly Row[]): string {
  const body = rows.map(cells);
  const widths = COLUMNS.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const left = new Set([0, 1, 7, 8, 9]);
  const line = (row: readonly string[]): string =>
    row
      .map((c, i) => (left.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(COLUMNS), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}
