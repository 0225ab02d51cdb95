import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { runMutants } from "./engine.js";
import { expandGlobs } from "./globs.js";
import type { Mutant } from "./mutant.js";
import { collectMutants, loadProject, selectFiles } from "./program.js";
import {
  groupLines,
  killerLines,
  summarize,
  summarizeByGroup,
  summaryLines,
  survivorLines,
} from "./report.js";
import { DEFAULT_FILES, DEFAULT_TESTS, EXCLUDED_FILES, METADATA_FUNCTIONS } from "./scope.js";
import { sample, shuffled } from "./sample.js";
import { removeAllScratch } from "./scratch.js";
import { MutantTypeChecker } from "./typecheck.js";
import { stopAll } from "./test-server.js";

/**
 * `npm run mutate`: how much of the emitters' behaviour the proof pins down. Every mutant (see
 * mutant.ts for the operators) of the selected files is type-checked (invalid ones are not
 * scored), then run against the test files that evaluate the mutated code; a mutant that no
 * test notices survives. Prints the score and every survivor, writes a JSON report.
 *
 *   npm run mutate                                  all of src/backends, the default test set
 *   npm run mutate -- --files src/backends/splunk   one backend (files or folders, repeatable)
 *   npm run mutate -- --sample 150 --seed 7         a seeded random sample of the mutants
 *   npm run mutate -- --tests 'test/backends/**\/*.test.ts'   another test set (globs, repeatable)
 *   npm run mutate -- --list                        only count and list the mutants
 *   npm run mutate -- --coverage-only               only the coverage pass: what no test runs
 *   npm run mutate -- --at src/backends/js/runtime.ts:383   the mutants at a line (or line:col)
 *   npm run mutate -- --minutes 35                  a time budget: mutants in a seeded random order,
 *                                                   none started after 35 minutes (a random part)
 * More: --workers N (2), --timeout-factor F (3), --all-tests (no coverage-based selection),
 * --report FILE (out/mutate/report.json), --keep (keep the scratch copies under the temp folder).
 */

const { values } = parseArgs({
  options: {
    files: { type: "string", multiple: true },
    at: { type: "string", multiple: true },
    tests: { type: "string", multiple: true },
    sample: { type: "string" },
    minutes: { type: "string" },
    seed: { type: "string", default: "1" },
    workers: { type: "string", default: "2" },
    "timeout-factor": { type: "string", default: "3" },
    "all-tests": { type: "boolean", default: false },
    report: { type: "string", default: "out/mutate/report.json" },
    list: { type: "boolean", default: false },
    "coverage-only": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});

function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number`);
  return n;
}

/** `file:line` or `file:line:col` names the mutant's position. */
function isAt(m: Mutant, at: string): boolean {
  return at === `${m.file}:${m.line}` || at === `${m.file}:${m.line}:${m.col}`;
}

function countBy(mutants: readonly Mutant[], key: "file" | "operator"): string[] {
  const m = new Map<string, number>();
  for (const x of mutants) m.set(x[key], (m.get(x[key]) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => `  ${String(n).padStart(5)}  ${k}`);
}

async function main(): Promise<void> {
  const repo = process.cwd();
  const started = Date.now();
  const project = loadProject(repo);
  const files = selectFiles(project, values.files ?? DEFAULT_FILES, EXCLUDED_FILES);
  if (files.length === 0)
    throw new Error(`no source file matches --files ${values.files?.join(" ")}`);
  const all = collectMutants(project, files, METADATA_FUNCTIONS);
  const seed = positiveInt("seed", values.seed);
  const at = values.at ?? [];
  const located = at.length === 0 ? all : all.filter((m) => at.some((a) => isAt(m, a)));
  const size = values.sample ? positiveInt("sample", values.sample) : located.length;
  const minutesBudget = values.minutes ? positiveInt("minutes", values.minutes) : undefined;
  // With a time budget the order is random, so whatever part runs is a random sample.
  const chosen =
    minutesBudget !== undefined
      ? shuffled(located, size, seed)
      : values.sample
        ? sample(located, size, seed)
        : located;
  const tests = expandGlobs(repo, values.tests ?? DEFAULT_TESTS);
  if (tests.length === 0) throw new Error("no test file matches --tests");

  console.log(
    `${all.length} mutants in ${files.length} files; running ${chosen.length}` +
      (values.sample ? ` (sample, seed ${seed})` : "") +
      (minutesBudget !== undefined
        ? `, in a random order (seed ${seed}), none started after ${minutesBudget} min`
        : ""),
  );
  if (values.list) {
    console.log(["by operator:", ...countBy(all, "operator")].join("\n"));
    console.log(["by file:", ...countBy(all, "file")].join("\n"));
    for (const m of chosen)
      console.log(
        `#${m.id} ${m.file}:${m.line}:${m.col} ${m.operator}: ${m.before} → ${m.after}`.replace(
          /\s+/g,
          " ",
        ),
      );
    return;
  }
  console.log(`test set: ${tests.length} files`);

  const checker = new MutantTypeChecker(project);
  const interrupted = (): void => {
    stopAll();
    if (!values.keep) removeAllScratch();
    process.exit(130);
  };
  process.on("SIGINT", interrupted);
  process.on("SIGTERM", interrupted);
  const run = await runMutants({
    repo,
    mutants: chosen,
    tests,
    workers: positiveInt("workers", values.workers),
    timeoutFactor: Number(values["timeout-factor"]),
    coverage: !values["all-tests"],
    coverageOnly: values["coverage-only"],
    typeError: (m) => checker.check(m),
    keepScratch: values.keep,
    ...(minutesBudget !== undefined ? { deadline: started + minutesBudget * 60_000 } : {}),
    log: (line) => console.log(line),
    onResult: (r, done, total) =>
      console.log(
        `[${done}/${total}] ${r.status.padEnd(11)} ${r.file}:${r.line}:${r.col} ${r.operator}` +
          (r.status === "killed" && r.detail ? `  by ${r.detail.slice(0, 90)}` : ""),
      ),
  });

  const summary = summarize(run.results);
  const minutes = (Date.now() - started) / 60_000;
  const reportPath = resolve(repo, values.report);
  mkdirSync(dirname(reportPath), { recursive: true });
  writeFileSync(
    reportPath,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        minutes: Number(minutes.toFixed(1)),
        files,
        tests,
        totalMutants: all.length,
        sample: values.sample ? { size: chosen.length, seed } : null,
        budget:
          minutesBudget !== undefined
            ? { minutes: minutesBudget, seed, ran: run.results.length, of: chosen.length }
            : null,
        summary,
        byPart: Object.fromEntries(summarizeByGroup(run.results)),
        baselineMs: run.baseline.fileMs,
        results: run.results,
      },
      null,
      2,
    ) + "\n",
  );
  console.log("");
  const survivors = survivorLines(run.results);
  if (values["coverage-only"]) {
    if (survivors.length > 0) console.log(["evaluated by no test:", ...survivors].join("\n"));
    console.log(`${run.results.length} of ${chosen.length} mutants are evaluated by no test`);
  } else {
    if (survivors.length > 0) console.log(["survivors:", ...survivors].join("\n"));
    console.log(["killed first by:", ...killerLines(run.results)].join("\n"));
    console.log(["by part:", ...groupLines(summarizeByGroup(run.results))].join("\n"));
    console.log(summaryLines(summary).join("\n"));
    if (run.results.length < chosen.length)
      console.log(
        `time budget: ${run.results.length} of ${chosen.length} mutants ran (a random part of them)`,
      );
  }
  console.log(
    `${minutes.toFixed(1)} min; report: ${reportPath}` +
      (values.keep ? `; scratch: ${run.scratch}` : ""),
  );
}

main().catch((e: unknown) => {
  stopAll();
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
