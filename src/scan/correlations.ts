import { compileCorrelationForTarget } from "../compile-correlation.js";
import { hasErrors, type Diagnostic } from "../diagnostics.js";
import type { CorrelationIR } from "../sigma/correlation-ir.js";
import type { Pipeline } from "../pipelines/types.js";

/**
 * Correlations in `sigprism scan`: each one runs as the JS target's own module (imported from its
 * text), fed with the events its base rules matched, in the order the scanner reads them. Matches
 * of one line arrive together from the scanner; the line goes to every correlator that has one of
 * them as a base rule. Memory per correlation is the module's: a reorder buffer of the latest
 * `maxLatenessMs` of matched events and, per group, what its window holds.
 */

export interface CorrelationMatch {
  readonly time: string;
  readonly timeUs: number;
  readonly group: Readonly<Record<string, string>>;
  readonly count: number;
}

interface Correlator {
  pushMatched(event: unknown, rules: number[]): CorrelationMatch[];
  flush(): CorrelationMatch[];
  stats(): { late: number; untimed: number; matches: number };
}

export interface LoadedModule {
  readonly baseIds: readonly string[];
  readonly create: (options: { maxLatenessMs: number }) => Correlator;
}

function isLoaded(
  m: unknown,
): m is { createCorrelator: LoadedModule["create"]; rules: { id: string }[] } {
  const x = m as { createCorrelator?: unknown; rules?: unknown };
  return typeof x.createCorrelator === "function" && Array.isArray(x.rules);
}

/** The correlation's JS module, compiled and imported; errors come back as diagnostics. */
export async function loadCorrelationModule(
  ir: CorrelationIR,
  pipelines: readonly Pipeline[] = [],
): Promise<{ module?: LoadedModule; diagnostics: readonly Diagnostic[] }> {
  // The module is imported, not read: prettier's layout would only cost start-up time.
  const output = await compileCorrelationForTarget(ir, "js", {
    targetOptions: { "module-layout": "compact" },
    pipelines,
  });
  if (hasErrors(output.diagnostics)) return { diagnostics: output.diagnostics };
  const url = `data:text/javascript;base64,${Buffer.from(output.artifact, "utf8").toString("base64")}`;
  const m: unknown = await import(url);
  if (!isLoaded(m)) throw new Error("the generated correlation module has no createCorrelator");
  return {
    module: { baseIds: m.rules.map((r) => r.id), create: (o) => m.createCorrelator(o) },
    diagnostics: output.diagnostics,
  };
}

export interface CorrelationRun<C> {
  readonly correlation: C;
  matches: number;
  late: number;
  untimed: number;
}

/**
 * Feeds scanner matches to correlators. `ruleIds[k]` is the id of the scanner's rule k; a line's
 * matches must come one after the other (as the scanner reports them), then `line()` is called
 * with the next line or `end()` at the end.
 */
export class CorrelationStage<C> {
  private readonly runs: {
    run: CorrelationRun<C>;
    correlator: Correlator;
    map: Map<number, number>;
  }[];
  private pending: { file: string; line: number; text: string; rules: number[] } | undefined;

  constructor(
    loaded: readonly { correlation: C; module: LoadedModule }[],
    ruleIds: readonly string[],
    maxLatenessMs: number,
    private readonly emit: (correlation: C, match: CorrelationMatch) => void,
  ) {
    this.runs = loaded.map(({ correlation, module }) => {
      const map = new Map<number, number>();
      ruleIds.forEach((id, k) => {
        const i = module.baseIds.indexOf(id);
        if (i !== -1) map.set(k, i);
      });
      return {
        run: { correlation, matches: 0, late: 0, untimed: 0 },
        correlator: module.create({ maxLatenessMs }),
        map,
      };
    });
  }

  get results(): readonly CorrelationRun<C>[] {
    return this.runs.map((r) => r.run);
  }

  /** One scanner match of rule `k` on a line. */
  match(k: number, text: string, line: number, file: string): void {
    const p = this.pending;
    if (p !== undefined && p.file === file && p.line === line) {
      p.rules.push(k);
      return;
    }
    this.flushLine();
    this.pending = { file, line, text, rules: [k] };
  }

  /** The end of the input: the last line, then every correlator's remaining matches. */
  end(): void {
    this.flushLine();
    for (const r of this.runs) {
      this.report(r, r.correlator.flush());
      const s = r.correlator.stats();
      r.run.late = s.late;
      r.run.untimed = s.untimed;
    }
  }

  private flushLine(): void {
    const p = this.pending;
    this.pending = undefined;
    if (p === undefined) return;
    let event: unknown;
    for (const r of this.runs) {
      const base = p.rules.flatMap((k) => (r.map.has(k) ? [r.map.get(k)!] : []));
      if (base.length === 0) continue;
      event ??= JSON.parse(p.text) as unknown;
      this.report(r, r.correlator.pushMatched(event, base));
    }
  }

  private report(r: (typeof this.runs)[number], matches: readonly CorrelationMatch[]): void {
    for (const m of matches) {
      r.run.matches++;
      this.emit(r.run.correlation, m);
    }
  }
}
