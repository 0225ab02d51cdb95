import type { Expr } from "../ir.js";
import type { EngineOptions } from "./engine.js";

/** Messages between the calling thread (pool.ts) and a scan worker (worker.ts): plain data. */

export interface WorkerInit {
  readonly irs: readonly Expr[];
  readonly options: EngineOptions;
}

export interface RangeTask {
  readonly id: number;
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

export interface RangeResult {
  readonly id: number;
  readonly lines: number;
  readonly parsed: number;
  readonly bytes: number;
  /** [rule index, line within the range, event text], in line order. */
  readonly matches: readonly (readonly [number, number, string])[];
  /** [line within the range, reason], in line order. */
  readonly malformed: readonly (readonly [number, string])[];
  /** Why the range could not be read completely. */
  readonly error: string | null;
}
