import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { instrument, sitesOf, type Sites } from "./instrument.js";
import { applyMutant, type Mutant, type MutantResult, type Outcome } from "./mutant.js";
import { makeScratch, removeScratch } from "./scratch.js";
import { TestServer, type FileRequest } from "./test-server.js";

/**
 * A mutation run: a coverage pass (which test evaluates which mutated expression, and how long
 * each takes), then every mutant in a scratch copy against the tests that evaluate its code,
 * cheapest file first, stopping at the first failure; `workers` mutants at a time.
 */

export interface EngineOptions {
  readonly repo: string;
  readonly mutants: readonly Mutant[];
  /** Test files, repository-relative. */
  readonly tests: readonly string[];
  readonly workers: number;
  /** Hang guard: this many times the selected tests' baseline time, plus 30 s (at least 60 s). */
  readonly timeoutFactor: number;
  /** False: every mutant runs the whole test set (the coverage pass still times the files). */
  readonly coverage: boolean;
  /** Stop after the coverage pass: only the mutants no test evaluates get a result. */
  readonly coverageOnly?: boolean;
  /** The type check: the first error of an invalid mutant. */
  readonly typeError: (m: Mutant) => string | undefined;
  readonly keepScratch?: boolean;
  /**
   * Time budget: no mutant starts after this moment (epoch ms); the ones not started get no
   * result. Give the mutants in a random order so the part that ran is a random sample.
   */
  readonly deadline?: number;
  /** The installed packages the scratch copies use (default: the repository's node_modules). */
  readonly nodeModules?: string;
  readonly onResult?: (r: MutantResult, done: number, total: number) => void;
  readonly log?: (line: string) => void;
}

/** The tests of one file that evaluate a site: all of them, or these task ids. */
type Coverers = "all" | Set<string>;

export interface Baseline {
  /** Wall time of each test file alone (instrumented), in ms. */
  readonly fileMs: Readonly<Record<string, number>>;
  /** The part of it outside the tests: loading the modules, collecting the tests. */
  readonly importMs: Readonly<Record<string, number>>;
  /** Time of each test (vitest task id), in ms. */
  readonly testMs: Readonly<Record<string, number>>;
  /** Site id → test file → the tests that evaluated it. */
  readonly covered: ReadonlyMap<number, ReadonlyMap<string, Coverers>>;
}

export interface EngineResult {
  readonly results: readonly MutantResult[];
  readonly baseline: Baseline;
  readonly scratch: string;
}

/** Runs `job` on every item with `n` concurrent workers; each job gets its worker's index. */
async function pool<T>(
  items: readonly T[],
  n: number,
  job: (item: T, worker: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(n, items.length)) }, async (_, worker) => {
      while (next < items.length) await job(items[next++]!, worker);
    }),
  );
}

const GUARD_FLOOR_MS = 60_000;
const GUARD_EXTRA_MS = 30_000;
/** A coverage run is the unmutated code: only a real hang is stopped. */
const COVERAGE_GUARD_MS = 30 * 60_000;

export async function runMutants(o: EngineOptions): Promise<EngineResult> {
  const scratch = makeScratch(o.repo, Math.max(1, o.workers), o.nodeModules);
  const servers: TestServer[] = [];
  try {
    const sites = sitesOf(o.mutants);
    const originals = new Map<string, string>();
    for (const file of new Set(o.mutants.map((m) => m.file)))
      originals.set(file, readFileSync(join(o.repo, file), "utf8"));

    const baseline = await coveragePass(o, scratch.copies, sites, originals);
    if (o.coverageOnly) {
      const results = o.mutants
        .filter((m) => !baseline.covered.has(sites.ofMutant.get(m.id)!))
        .map((m): MutantResult => ({ ...m, status: "no-coverage", tests: [] }));
      return { results, baseline, scratch: scratch.dir };
    }
    const env = { MUTATE_TESTS: JSON.stringify(o.tests) };
    servers.push(...scratch.copies.map((c) => new TestServer(c, env)));

    /** The files to run for a mutant, each with its estimated cost, cheapest first. */
    const plan = (m: Mutant): { req: FileRequest; ms: number }[] => {
      const covered = baseline.covered.get(sites.ofMutant.get(m.id)!);
      const entries: [string, Coverers][] = o.coverage
        ? [...(covered ?? [])]
        : o.tests.map((t) => [t, "all"]);
      return entries
        .map(([file, who]) => {
          if (who === "all") return { req: { file }, ms: baseline.fileMs[file] ?? 0 };
          const ids = [...who].sort();
          const own = ids.reduce((s, id) => s + (baseline.testMs[id] ?? 0), 0);
          return { req: { file, testIds: ids }, ms: (baseline.importMs[file] ?? 0) + own };
        })
        .sort((a, b) => a.ms - b.ms || a.req.file.localeCompare(b.req.file));
    };

    const results: MutantResult[] = [];
    await pool(o.mutants, o.workers, async (m, worker) => {
      if (o.deadline !== undefined && Date.now() >= o.deadline) return;
      const outcome = await judge(m, scratch.copies[worker]!, servers[worker]!);
      const r: MutantResult = { ...m, ...outcome };
      results.push(r);
      o.onResult?.(r, results.length, o.mutants.length);
    });

    async function judge(m: Mutant, copy: string, server: TestServer): Promise<Outcome> {
      const typeError = o.typeError(m);
      if (typeError !== undefined) return { status: "invalid", detail: typeError };
      const steps = plan(m);
      const tests = steps.map((s) => s.req.file);
      if (steps.length === 0) return { status: "no-coverage", tests };
      const estimate = steps.reduce((s, x) => s + x.ms, 0);
      const timeoutMs = Math.max(GUARD_FLOOR_MS, o.timeoutFactor * estimate + GUARD_EXTRA_MS);
      const path = join(copy, m.file);
      writeFileSync(path, applyMutant(originals.get(m.file)!, m));
      try {
        const run = await server.run(
          steps.map((s) => s.req),
          { bail: true, timeoutMs, changed: [m.file] },
        );
        const ms = run.ms;
        if (run.timedOut)
          return {
            status: "timeout",
            tests,
            ms,
            detail: `stopped after ${Math.round(ms / 1000)} s`,
          };
        if (run.passed) return { status: "survived", tests, ms };
        return { status: "killed", tests, ms, ...(run.failure ? { detail: run.failure } : {}) };
      } finally {
        writeFileSync(path, originals.get(m.file)!);
      }
    }

    results.sort((a, b) => a.id - b.id);
    return { results, baseline, scratch: scratch.dir };
  } finally {
    for (const s of servers) s.close();
    if (!o.keepScratch) removeScratch(scratch);
  }
}

/**
 * Each test file alone on the instrumented code: its time, each test's time and the sites each
 * test evaluates. The instrumented code must pass every test (the probes change no value), or the
 * run stops: a test that fails without a mutant cannot judge one.
 */
async function coveragePass(
  o: EngineOptions,
  copies: readonly string[],
  sites: Sites,
  originals: ReadonlyMap<string, string>,
): Promise<Baseline> {
  for (const copy of copies)
    for (const [file, list] of sites.ofFile)
      writeFileSync(join(copy, file), instrument(originals.get(file)!, list));
  const fileMs: Record<string, number> = {};
  const importMs: Record<string, number> = {};
  const testMs: Record<string, number> = {};
  const covered = new Map<number, Map<string, Coverers>>();
  const cover = (site: number, file: string, test: string | null): void => {
    const byFile = covered.get(site) ?? new Map<string, Coverers>();
    covered.set(site, byFile);
    const now = byFile.get(file);
    if (test === null || now === "all") byFile.set(file, "all");
    else byFile.set(file, (now ?? new Set()).add(test));
  };
  const servers = copies.map(
    (c) =>
      new TestServer(c, {
        MUTATE_TESTS: JSON.stringify(o.tests),
        MUTATE_HITS: join(c, ".mutate-hits.jsonl"),
      }),
  );
  try {
    await pool(o.tests, copies.length, async (test, worker) => {
      const hitsFile = join(copies[worker]!, ".mutate-hits.jsonl");
      writeFileSync(hitsFile, "");
      const run = await servers[worker]!.run([{ file: test }], {
        bail: false,
        timeoutMs: COVERAGE_GUARD_MS,
      });
      if (!run.passed)
        throw new Error(
          `${test} fails on the unmutated (instrumented) code, so it cannot judge a mutant: ` +
            (run.failure ?? "timed out"),
        );
      const report = run.files[0]!;
      let inTests = 0;
      for (const t of report.tests) {
        testMs[t.id] = t.ms;
        inTests += t.ms;
      }
      fileMs[test] = report.ms;
      importMs[test] = Math.max(0, report.ms - inTests);
      for (const line of readFileSync(hitsFile, "utf8").split("\n")) {
        if (line.trim() === "") continue;
        const rec = JSON.parse(line) as { test: string | null; hits: number[] };
        for (const site of rec.hits) cover(site, test, rec.test);
      }
      o.log?.(`coverage: ${test} ${(report.ms / 1000).toFixed(1)} s`);
    });
  } finally {
    for (const s of servers) s.close();
    for (const copy of copies)
      for (const [file, text] of originals) writeFileSync(join(copy, file), text);
  }
  return { fileMs, importMs, testMs, covered };
}
