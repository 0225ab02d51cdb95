import { open, type FileHandle } from "node:fs/promises";
import { parentPort, workerData } from "node:worker_threads";
import { Engine, messageOf, type Sink } from "./engine.js";
import { rangeSource } from "./input.js";
import type { RangeResult, RangeTask, WorkerInit } from "./worker-protocol.js";

/**
 * A scan worker thread: compiles the rules once, then scans the byte ranges it is sent and posts
 * back everything the calling thread needs to report them in file order (line numbers are counted
 * from 1 within the range; the calling thread adds the lines of the ranges before it).
 */

const init = workerData as WorkerInit;
const engine = new Engine(init.irs, init.options);
const handles = new Map<string, FileHandle>();
const port = parentPort;

async function handleFor(path: string): Promise<FileHandle> {
  let handle = handles.get(path);
  if (handle === undefined) {
    handle = await open(path, "r");
    handles.set(path, handle);
  }
  return handle;
}

async function scanRange(task: RangeTask): Promise<RangeResult> {
  const matches: [number, number, string][] = [];
  const malformed: [number, string][] = [];
  const sink: Sink = {
    match: (rule, text, line) => void matches.push([rule, line, text]),
    malformed: (line, reason) => void malformed.push([line, reason]),
  };
  try {
    const source = rangeSource(await handleFor(task.path), task.start, task.end);
    const counts = await engine.run(source, sink);
    return { id: task.id, ...counts, matches, malformed, error: source.error ?? null };
  } catch (e) {
    return { id: task.id, lines: 0, parsed: 0, bytes: 0, matches, malformed, error: messageOf(e) };
  }
}

port?.on("message", (message: RangeTask | "close") => {
  if (message === "close") {
    void Promise.all([...handles.values()].map((h) => h.close())).finally(() => port.close());
    return;
  }
  void scanRange(message).then((result) => port.postMessage(result));
});
