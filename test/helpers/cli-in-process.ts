import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.js";

/**
 * The CLI's `main` run inside the test process: its stdout, stderr and exit code captured, as a
 * spawned `node bin/sigprism.js` would give them, for a few milliseconds instead of a process
 * start each. Only for what does not test process behaviour itself (standard input, heap limits,
 * signals and the bin script stay spawned). Runs are serialised: the capture swaps the process's
 * write functions while one run lasts.
 */

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

let queue: Promise<unknown> = Promise.resolve();

export function runInProcess(args: readonly string[]): Promise<CliResult> {
  const run = queue.then(() => captured(args));
  queue = run.catch(() => undefined);
  return run;
}

type Write = typeof process.stdout.write;

async function captured(args: readonly string[]): Promise<CliResult> {
  if (process.cwd() !== ROOT.replace(/\/$/, ""))
    throw new Error(`run the tests from ${ROOT} (relative rule paths are resolved against it)`);
  const out: string[] = [];
  const err: string[] = [];
  const sink =
    (into: string[]): Write =>
    (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
      into.push(
        typeof chunk === "string"
          ? chunk
          : Buffer.from(chunk as Uint8Array).toString(
              typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8",
            ),
      );
      const done = typeof encoding === "function" ? encoding : callback;
      if (typeof done === "function") (done as () => void)();
      return true;
    };
  const line =
    (into: string[]) =>
    (...parts: unknown[]): void => {
      into.push(parts.map(String).join(" ") + "\n");
    };
  const saved = {
    out: process.stdout.write,
    err: process.stderr.write,
    log: console.log,
    info: console.info,
    error: console.error,
    warn: console.warn,
  };
  // yargs prints help, version and usage errors through console; the commands write to the streams.
  process.stdout.write = sink(out);
  process.stderr.write = sink(err);
  console.log = console.info = line(out);
  console.error = console.warn = line(err);
  let status: number;
  try {
    status = await main([...args]);
  } catch (e) {
    // What bin/sigprism.js does with an exception that escapes main.
    err.push(`sigprism: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    status = 70;
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    console.log = saved.log;
    console.info = saved.info;
    console.error = saved.error;
    console.warn = saved.warn;
  }
  return { status, stdout: out.join(""), stderr: err.join("") };
}
