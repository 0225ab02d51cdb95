import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * Long differential-fuzz runs without a build: this file is a vitest config that runs only
 * test/fuzz/differential.test.ts with the run count and seed taken from the command line.
 *
 *   package.json:  "fuzz": "vitest run -c test/fuzz/run-differential.ts --"
 *   usage:         npm run fuzz -- --runs 20000 [--seed 42]
 *
 * Arguments after `--` are not parsed by vitest, so they are read here from process.argv. Without
 * --seed a fresh random seed is drawn (and printed by the test), so repeated long runs explore
 * new cases; the seed reproduces a failure.
 */

function option(name: string): string | undefined {
  const argv = process.argv;
  const dashdash = argv.indexOf("--");
  const args = dashdash < 0 ? [] : argv.slice(dashdash + 1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === `--${name}`) return args[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

function positiveInteger(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new Error(`--${name} must be a positive integer, got '${text}'`);
  }
  return n;
}

const runs = positiveInteger("runs", option("runs"), 10_000);
const seed = positiveInteger("seed", option("seed"), Math.floor(Math.random() * 2 ** 31) + 1);

export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["test/fuzz/differential.test.ts"],
    env: { FUZZ_RUNS: String(runs), FUZZ_SEED: String(seed) },
    testTimeout: 0,
    pool: "threads",
  },
});
