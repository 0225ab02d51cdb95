import { open } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import type { Expr } from "../ir.js";
import type { EngineOptions, Sink, SourceCounts } from "./engine.js";
import { splitAtLines } from "./ranges.js";
import type { RangeResult, RangeTask, WorkerInit } from "./worker-protocol.js";

/**
 * Worker threads for one large plain file: the file is cut into ranges at line boundaries, the
 * workers take ranges as they become free, and the results are handed to the sink strictly in
 * range order (so matches come out per file, in line order, exactly as a one-thread scan gives
 * them). At most WINDOW_PER_WORKER ranges per worker are in flight or waiting to be emitted, which
 * bounds the memory held for out-of-order results.
 */

export const CHUNK_BYTES = 32 << 20;
const WINDOW_PER_WORKER = 3;

/**
 * The compiled worker. Under vitest the sources run as TypeScript and a worker thread cannot load
 * a .ts file, so the build's copy is used (`npm test` builds first).
 */
function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith(".ts")
    ? new URL("../../dist/src/scan/worker.js", here)
    : new URL("./worker.js", here);
}

export interface FileCounts extends SourceCounts {
  readonly error: string | null;
}

export class WorkerPool {
  private readonly workers: Worker[];
  private failure: Error | null = null;
  private readonly exited = new Set<Worker>();

  constructor(size: number, irs: readonly Expr[], options: EngineOptions) {
    const init: WorkerInit = { irs, options };
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(workerUrl(), { workerData: init });
      worker.on("error", (e) => (this.failure = e));
      worker.on("exit", () => this.exited.add(worker));
      return worker;
    });
  }

  async scanFile(
    path: string,
    size: number,
    chunkBytes: number,
    sink: Sink,
    onRange: (bytes: number) => void,
  ): Promise<FileCounts> {
    const handle = await open(path, "r");
    let ranges;
    try {
      ranges = await splitAtLines(handle, size, chunkBytes);
    } finally {
      await handle.close();
    }
    const results = new Map<number, RangeResult>();
    const totals = { lines: 0, parsed: 0, bytes: 0 };
    let error: string | null = null;
    let next = 0;
    let emitted = 0;
    const window = this.workers.length * WINDOW_PER_WORKER;

    await new Promise<void>((resolve, reject) => {
      const idle: Worker[] = [];
      const dispatch = (): void => {
        while (idle.length > 0 && next < ranges.length && next - emitted < window) {
          const range = ranges[next]!;
          const task: RangeTask = { id: next, path, start: range.start, end: range.end };
          idle.pop()!.postMessage(task);
          next++;
        }
      };
      const drain = (): void => {
        for (let r = results.get(emitted); r !== undefined; r = results.get(emitted)) {
          results.delete(emitted);
          emitted++;
          // After a range that could not be read completely, later lines would be misnumbered.
          if (error !== null) continue;
          for (const [rule, line, text] of r.matches) sink.match(rule, text, totals.lines + line);
          for (const [line, reason] of r.malformed) sink.malformed(totals.lines + line, reason);
          totals.lines += r.lines;
          totals.parsed += r.parsed;
          totals.bytes += r.bytes;
          error = r.error;
          onRange(totals.bytes);
        }
      };
      const listeners = this.workers.map((worker) => {
        const onMessage = (result: RangeResult): void => {
          results.set(result.id, result);
          idle.push(worker);
          try {
            // The sink runs the caller's callbacks, which may throw: that ends the scan.
            drain();
          } catch (e) {
            finish(e instanceof Error ? e : new Error(String(e)));
            return;
          }
          if (emitted === ranges.length) finish();
          else dispatch();
        };
        const onExit = (): void => finish(this.failure ?? new Error("scan worker exited"));
        worker.on("message", onMessage);
        worker.on("exit", onExit);
        return { worker, onMessage, onExit };
      });
      const finish = (failure?: Error): void => {
        for (const l of listeners) {
          l.worker.off("message", l.onMessage);
          l.worker.off("exit", l.onExit);
        }
        if (failure === undefined) resolve();
        else reject(failure);
      };
      idle.push(...this.workers);
      if (ranges.length === 0) finish();
      else dispatch();
    });
    return { ...totals, error };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (this.exited.has(w)) return resolve();
            w.once("exit", () => resolve());
            w.postMessage("close");
          }),
      ),
    );
  }
}
