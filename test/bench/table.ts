import { median, type Sample } from "./measure.js";

/** One line of the benchmark table. Times come from `samples`; the rest is already computed. */
export interface Row {
  readonly section: string;
  readonly name: string;
  readonly samples: readonly Sample[];
  /** The row's speed from the median time (MB/s, rules/s). */
  readonly rate?: { readonly value: number; readonly unit: string };
  readonly eventsPerSec?: number;
  /** The speed against the baselines of the same run, e.g. "0.62× a, 1.90× b". */
  readonly ratios?: string;
  readonly goal?: string;
  readonly note?: string;
}

const COLUMNS = [
  "section",
  "benchmark",
  "median",
  "spread (min–max)",
  "cpu",
  "rate",
  "events/s",
  "vs baselines",
  "peak RSS",
  "count",
  "goal",
] as const;

function ms(x: number): string {
  return x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(0)} ms`;
}

function cells(r: Row): string[] {
  const times = r.samples.map((s) => s.ms);
  const cpu = r.samples.map((s) => s.cpuMs).filter((x): x is number => x !== null);
  const rss = r.samples.map((s) => s.rssKiB).filter((x): x is number => x !== null);
  const count = r.samples[r.samples.length - 1]?.count ?? 0;
  return [
    r.section,
    r.name,
    ms(median(times)),
    `${ms(Math.min(...times))}–${ms(Math.max(...times))}`,
    cpu.length === 0 ? "" : ms(median(cpu)),
    r.rate === undefined ? "" : `${r.rate.value.toFixed(0)} ${r.rate.unit}`,
    r.eventsPerSec === undefined ? "" : `${(r.eventsPerSec / 1000).toFixed(0)}k`,
    r.ratios ?? "",
    rss.length === 0
      ? ""
      : `${(median(rss) / 1024).toFixed(0)} MiB (${(Math.min(...rss) / 1024).toFixed(0)}–${(Math.max(...rss) / 1024).toFixed(0)})`,
    count === 0 ? "" : `${count}${r.note === undefined ? "" : ` ${r.note}`}`,
    r.goal ?? "",
  ];
}

/** A plain-text table: text columns left-aligned, figures right-aligned. */
export function renderTable(rows: readonly Row[]): string {
  const body = rows.map(cells);
  const widths = COLUMNS.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const left = new Set([0, 1, 7, 10]);
  const line = (row: readonly string[]): string =>
    row
      .map((c, i) => (left.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(COLUMNS), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}
