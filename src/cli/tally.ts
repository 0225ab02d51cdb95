import type { PairOutcome } from "../unsupported.js";

/**
 * The count of what became of every rule × target pair, for the line a run ends with. The three
 * counts always add up to rules × targets.
 */
export class Tally {
  converted = 0;
  readonly unsupported = new Map<string, number>();
  readonly errors = new Map<string, number>();

  constructor(
    readonly rules: number,
    readonly targets: number,
  ) {}

  add(outcome: PairOutcome): void {
    if (outcome.kind === "converted") {
      this.converted++;
      return;
    }
    const map = outcome.kind === "unsupported" ? this.unsupported : this.errors;
    map.set(outcome.cause.code, (map.get(outcome.cause.code) ?? 0) + 1);
  }

  get skipped(): number {
    return sum(this.unsupported);
  }

  get failed(): number {
    return sum(this.errors);
  }

  /** `3780 rules × 4 targets = 15120: 11203 converted, 3890 not expressible (…), 27 errors (…)` */
  line(unit: string, doneWord: string, skippedWord: string): string {
    const plural = (n: number, w: string): string => `${n} ${w}${n === 1 ? "" : "s"}`;
    const total = this.rules * this.targets;
    const head =
      this.targets === 1
        ? `${plural(this.rules, unit)}`
        : `${plural(this.rules, unit)} × ${plural(this.targets, "target")} = ${total}`;
    const parts = [`${this.converted} ${doneWord}`];
    parts.push(`${this.skipped} ${skippedWord}${byCode(this.unsupported)}`);
    parts.push(`${plural(this.failed, "error")}${byCode(this.errors)}`);
    return `${head}: ${parts.join(", ")}`;
  }
}

function sum(m: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const v of m.values()) n += v;
  return n;
}

function byCode(m: ReadonlyMap<string, number>): string {
  if (m.size === 0) return "";
  const list = [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return ` (${list.map(([code, n]) => `${code} ${n}`).join(", ")})`;
}
