import type { TargetName } from "../targets/types.js";

/**
 * How a target sees a raw audit event. `seen` keeps Sigma (raw) field names but applies what the
 * target's ingestion does to values (Elastic drops empty strings, Falco renders null as "null"…),
 * so that `reference(effectiveIR, seen(e))` is comparable with the interpreter. `document` is the
 * record the SIEM actually stores and queries (ECS document, Splunk fields, ka.* values).
 */
export interface TargetView {
  readonly target: TargetName;
  seen(raw: unknown): unknown;
  document(raw: unknown): unknown;
}

/** Text outside an interpreter's modelled subset: a position, never a guess. */
export class ParseError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly line: number,
    readonly col: number,
  ) {
    super(`${line}:${col}: ${message}`);
  }
}

/**
 * An independent reading of emitted text. It never imports an emitter: it parses the text with
 * the target language's grammar and evaluates it with the target's semantics on `document(raw)`.
 */
export interface Interpreter {
  readonly target: TargetName;
  /** Parse once (throws ParseError), evaluate many times. */
  compile(text: string): (document: unknown) => boolean;
}
