import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { HANG_GUARD_MS } from "../helpers/hang-guard.js";

/**
 * Runs the built CLI (`npm run build` first) the way a user does, with a heap cap and a hang guard,
 * for what is about the process itself (standard input, heap and stack limits). The guard is
 * generous (test/helpers/hang-guard.ts): it catches an algorithm that would never finish, it is
 * not a speed requirement, so a busy machine cannot fail a test; speed lives in `npm run bench`.
 */

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface CliRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** V8 heap limit in MiB: a blow-up crashes the process instead of passing slowly. */
  readonly heapMiB?: number;
  readonly stdin?: Uint8Array;
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [`--max-old-space-size=${options.heapMiB ?? 256}`, "bin/sigprism.js", ...args],
      {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
        timeout: HANG_GUARD_MS,
        killSignal: "SIGKILL",
      },
    );
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (status, signal) =>
      resolve({
        status,
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      }),
    );
    child.stdin.end(options.stdin ?? new Uint8Array());
  });
}

const HEAD = /^(.*?):(?:(\d+):(\d+):)? (error|warning|info) ([A-Z0-9_]+)(?: \[[a-z]+\])?: /;

export interface Headline {
  readonly file: string;
  readonly line?: number;
  readonly col?: number;
  readonly severity: string;
  readonly code: string;
}

/** The diagnostic headlines on stderr (`file:line:col: severity CODE: message`), in order. */
export function headlines(stderr: string): Headline[] {
  const out: Headline[] = [];
  for (const line of stderr.split("\n")) {
    const m = HEAD.exec(line);
    if (m === null) continue;
    out.push({
      file: m[1]!,
      ...(m[2] === undefined ? {} : { line: Number(m[2]), col: Number(m[3]) }),
      severity: m[4]!,
      code: m[5]!,
    });
  }
  return out;
}

/** A stack trace line, which a user must never see. */
export const STACK_LINE = /^\s{4}at /m;
