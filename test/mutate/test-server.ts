import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { WORKER } from "./scratch.js";

/**
 * A long-lived vitest in one scratch copy (mutate.worker.mjs, see scratch.ts), driven over IPC: it
 * keeps its transformed modules between runs, so a mutant costs only the re-transform of its own
 * file and the tests it runs. Each test file is one run; with `bail` the first failing file ends
 * the request. A hang guard kills the process (and its group) after `timeoutMs`; the next request
 * starts a new one.
 */

export interface FileRequest {
  readonly file: string;
  /** Only these tests of the file (vitest task ids); undefined: all. */
  readonly testIds?: readonly string[];
}

export interface TestReport {
  readonly id: string;
  readonly state: string;
  readonly ms: number;
}

export interface FileReport {
  readonly file: string;
  readonly ms: number;
  readonly tests: readonly TestReport[];
  /** The first failing test as "file > suite test", or why the file did not load. */
  readonly failure?: string;
}

export interface RunResult {
  readonly passed: boolean;
  readonly timedOut: boolean;
  readonly failure?: string;
  readonly files: readonly FileReport[];
  readonly ms: number;
}

type Reply =
  | { readonly ready: true }
  | { readonly results: readonly FileReport[] }
  | { readonly error: string };

const servers = new Set<TestServer>();

/** Stops every server this process started (on Ctrl-C). */
export function stopAll(): void {
  for (const s of servers) s.close();
}

export class TestServer {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private pending: ((r: Reply) => void) | undefined;
  private lastChanged: readonly string[] = [];

  /** `env`: extra environment of the vitest process (MUTATE_HITS for a coverage run). */
  constructor(
    readonly copy: string,
    private readonly env: Readonly<Record<string, string>> = {},
  ) {}

  private start(): Promise<void> {
    const child = fork(join(this.copy, WORKER), [], {
      cwd: this.copy,
      env: { ...process.env, ...this.env, NO_COLOR: "1", FORCE_COLOR: "0" },
      detached: true,
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    this.child = child;
    servers.add(this);
    let stderr = "";
    child.stderr?.on("data", (b: Buffer) => {
      if (stderr.length < 20_000) stderr += b.toString("utf8");
    });
    child.on("message", (m: Reply) => {
      const p = this.pending;
      this.pending = undefined;
      p?.(m);
    });
    child.on("exit", (code, signal) => {
      if (this.child === child) this.child = undefined;
      const p = this.pending;
      this.pending = undefined;
      p?.({
        error: `vitest exited (${signal ?? code}): ${stderr.trim().split("\n").slice(-5).join(" | ")}`,
      });
    });
    return new Promise((resolve, reject) => {
      this.pending = (m) =>
        "ready" in m ? resolve() : reject(new Error("error" in m ? m.error : "no ready"));
    });
  }

  /**
   * Runs the files in order. `changed`: the files written since the last request (re-read now,
   * together with the ones changed for the last request, which have been restored since).
   */
  async run(
    files: readonly FileRequest[],
    o: { readonly bail: boolean; readonly timeoutMs: number; readonly changed?: readonly string[] },
  ): Promise<RunResult> {
    if (this.child === undefined) {
      this.ready = this.start();
      this.lastChanged = [];
    }
    await this.ready;
    const child = this.child;
    if (child === undefined) throw new Error("vitest did not start");
    const changed = o.changed ?? [];
    const invalidate = [...new Set([...this.lastChanged, ...changed])].map((f) =>
      join(this.copy, f),
    );
    this.lastChanged = changed;
    const started = Date.now();
    let timedOut = false;
    const reply = await new Promise<Reply>((resolve) => {
      this.pending = resolve;
      child.send({ files, invalidate, bail: o.bail });
      const guard = setTimeout(() => {
        timedOut = true;
        this.close();
      }, o.timeoutMs);
      const done = this.pending;
      this.pending = (r) => {
        clearTimeout(guard);
        done(r);
      };
    });
    const ms = Date.now() - started;
    if (timedOut) return { passed: false, timedOut, files: [], ms };
    if ("error" in reply) return { passed: false, timedOut, failure: reply.error, files: [], ms };
    if (!("results" in reply)) throw new Error("unexpected reply from vitest");
    const failure = reply.results.find((f) => f.failure !== undefined)?.failure;
    return {
      passed: failure === undefined,
      timedOut,
      files: reply.results,
      ms,
      ...(failure ? { failure } : {}),
    };
  }

  /** Kills the process and its group (vitest's workers), by the group's id. */
  close(): void {
    const child = this.child;
    this.child = undefined;
    servers.delete(this);
    if (child?.pid === undefined) return;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}
