import type { TargetName } from "../target-names.js";

/**
 * How a target stores a raw event: the record the SIEM actually holds and queries (ECS document,
 * Splunk's extracted fields, Falco's field values), written from the vendor's own transformation
 * with the view's own tables. null: the target never delivers the event to a rule.
 */
export interface TargetView {
  readonly target: TargetName;
  document(raw: unknown): unknown;
}

/**
 * An interpreter could not decide one case within its work budget (a regex search past its step
 * count): the case is unchecked, reported as such, never turned into a verdict.
 */
export class CaseNotCheckedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
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

/**
 * An interpreter that is an engine: it runs the text once over a whole batch of documents (it
 * loads them as a table), asynchronously. Throws ParseError when the engine refuses the text.
 */
export interface BatchInterpreter {
  readonly target: TargetName;
  run(text: string, documents: readonly unknown[]): Promise<readonly boolean[]>;
}
