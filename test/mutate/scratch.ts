import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { HITS_GLOBAL } from "./instrument.js";

/**
 * Scratch copies of the repository (under the system's temporary folder), one per worker, where
 * mutated files are written and the tests run; node_modules is a link to the repository's and
 * ../shared (reference data, corpus) a link to the repository's neighbour, so the tests read what
 * they read in the checkout. The checkout itself is never written.
 */

/** Not copied: installed or generated files, and the version-control data. */
const SKIP = new Set(["node_modules", ".git", "dist", "out", ".cache", "coverage"]);

export const CONFIG = "mutate.vitest.config.mjs";
export const WORKER = "mutate.worker.mjs";
const SETUP = "mutate.setup.mjs";

/**
 * The vitest configuration of a copy: the project's own (timeouts, pool) when it has one, with
 * exactly the test files given in MUTATE_TESTS, one worker, and the setup below.
 */
function configText(hasBase: boolean): string {
  return `${hasBase ? 'import base from "./vitest.config.ts";\n' : "const base = {};\n"}
const files = JSON.parse(process.env.MUTATE_TESTS ?? "[]");
const test = base.test ?? {};
export default {
  ...base,
  cacheDir: ".mutate-cache",
  test: {
    ...test,
    include: files,
    setupFiles: [...(test.setupFiles ?? []), "./${SETUP}"],
    maxWorkers: 1,
    fileParallelism: false,
    watch: false,
  },
};
`;
}

/**
 * Runs before each test file. A failing fast-check property ends at its first counterexample (no
 * shrinking: a mutant needs one failure, not the smallest). When MUTATE_HITS names a file, the
 * coverage probes' hits are appended to it as JSON lines `{ test, hits }`: `test` is the vitest
 * task id for the hits made between a test's first beforeEach and last afterEach, null for the
 * others (import, collection, beforeAll: they serve every test of the file). When tests overlap
 * (concurrent tests) no hit can be told apart and all count for the whole file.
 */
const SETUP_TEXT = `import { appendFileSync } from "node:fs";
import { afterAll, afterEach, beforeEach } from "vitest";

try {
  const fc = (await import("fast-check")).default;
  fc.configureGlobal({ ...fc.readConfigureGlobal(), endOnFailure: true });
} catch {
  // fast-check is not installed: nothing to configure.
}

const out = process.env.MUTATE_HITS;
if (out) {
  const hits = () => (globalThis.${HITS_GLOBAL} ??= new Set());
  let open = 0;
  let overlapped = false;
  const flush = (test) => {
    const h = hits();
    if (h.size > 0) appendFileSync(out, JSON.stringify({ test, hits: [...h] }) + "\\n");
    h.clear();
  };
  beforeEach(() => {
    if (open++ > 0) overlapped = true;
    else flush(null);
  });
  afterEach((ctx) => {
    open--;
    flush(overlapped ? null : ctx.task.id);
  });
  afterAll(() => flush(null));
}
`;

/**
 * The long-lived vitest of a copy (see test-server.ts): one run per requested test file (only the
 * given test ids when there are some), results as data over IPC; nothing is printed.
 */
const WORKER_TEXT = `import { resolve } from "node:path";
import { createVitest } from "vitest/node";

const silent = {};
const vitest = await createVitest("test", {
  config: "${CONFIG}",
  watch: false,
  bail: 1,
  reporters: [silent],
});
const project = vitest.getRootProject();

function firstLine(x) {
  return String(x?.message ?? x).split("\\n")[0].slice(0, 300);
}

async function runFile(file, testIds) {
  const spec = project.createSpecification(resolve(file), testIds ? { testIds } : undefined);
  const started = Date.now();
  const r = await vitest.runTestSpecifications([spec]);
  const tests = [];
  let failure;
  let ran = 0;
  // The result lists every module this vitest has run so far: only this file's counts.
  for (const m of r.testModules.filter((x) => x.moduleId === spec.moduleId)) {
    for (const t of m.children.allTests()) {
      const state = t.result().state;
      if (state === "passed" || state === "failed") ran++;
      tests.push({ id: t.id, state, ms: t.diagnostic()?.duration ?? 0 });
      if (state === "failed" && failure === undefined) failure = file + " > " + t.fullName;
    }
    if (failure === undefined && m.state() === "failed")
      failure = file + ": " + firstLine(m.errors()[0] ?? "failed to load");
  }
  if (failure === undefined && r.unhandledErrors.length > 0)
    failure = file + ": unhandled error: " + firstLine(r.unhandledErrors[0]);
  if (failure === undefined && testIds && ran === 0) failure = file + ": no test ran (unknown test ids?)";
  return { file, ms: Date.now() - started, tests, ...(failure === undefined ? {} : { failure }) };
}

process.on("message", async (req) => {
  try {
    for (const f of req.invalidate) vitest.invalidateFile(f);
    const results = [];
    for (const { file, testIds } of req.files) {
      const r = await runFile(file, testIds);
      results.push(r);
      if (r.failure !== undefined && req.bail) break;
    }
    process.send({ results });
  } catch (e) {
    process.send({ error: String(e?.stack ?? e) });
  }
});
process.send({ ready: true });
`;

export interface Scratch {
  readonly dir: string;
  /** One copy per worker. */
  readonly copies: readonly string[];
}

/** `nodeModules`: the installed packages the copies link to (default: the repository's). */
export function makeScratch(
  repo: string,
  copies: number,
  nodeModules = join(repo, "node_modules"),
): Scratch {
  const dir = mkdtempSync(join(tmpdir(), "sigprism-mutate-"));
  const shared = join(repo, "..", "shared");
  if (existsSync(shared)) symlinkSync(realpathSync(shared), join(dir, "shared"));
  const out: string[] = [];
  for (let i = 0; i < copies; i++) {
    const copy = join(dir, `w${i}`);
    mkdirSync(copy);
    for (const entry of readdirSync(repo)) {
      if (SKIP.has(entry)) continue;
      cpSync(join(repo, entry), join(copy, entry), {
        recursive: true,
        filter: (src) => !SKIP.has(basename(src)),
      });
    }
    symlinkSync(realpathSync(nodeModules), join(copy, "node_modules"));
    writeFileSync(join(copy, CONFIG), configText(existsSync(join(repo, "vitest.config.ts"))));
    writeFileSync(join(copy, SETUP), SETUP_TEXT);
    writeFileSync(join(copy, WORKER), WORKER_TEXT);
    out.push(copy);
  }
  live.add(dir);
  return { dir, copies: out };
}

const live = new Set<string>();

export function removeScratch(s: Scratch): void {
  rmSync(s.dir, { recursive: true, force: true });
  live.delete(s.dir);
}

/** Removes every scratch folder this process made and has not removed yet (on Ctrl-C). */
export function removeAllScratch(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}
