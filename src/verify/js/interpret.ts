import vm from "node:vm";
import { ParseError } from "../types.js";

/**
 * The JS "interpreter" of the parity check: it runs the emitted module text itself, in a fresh
 * `node:vm` context that has only the language's built-ins (no require, import, process, console,
 * eval or WebAssembly code generation). It never imports the emitter.
 *
 * A vm Script cannot hold `export` (vm modules need an experimental flag), so the two top-level
 * exports the module may have — `export const rule` and `export function match`, each at the start
 * of a line — lose their `export` keyword and the text runs inside a strict function that returns
 * them. Any other `export` or an `import` is outside the modelled subset: a ParseError.
 *
 * The module runs the host's RegExp, which backtracks: every rule regex it accepts is free of
 * exponential shapes (the normalizer's regex-safety), but an unanchored search is still
 * polynomial in V8 (`a+b` is quadratic, `.*a.*b` cubic: hours on a 100 KB value), while the
 * reference evaluator runs the same meaning on RE2JS in linear time. So each call of `match` runs
 * as a script with a timeout (about 50 µs of overhead per call, measured): a verify run on a hostile event
 * ends with a MatchTimeoutError instead of hanging.
 */

/** How long one `match(event)` may run in verify before it is stopped. */
export const MATCH_TIMEOUT_MS = 500;

/** `match` did not finish within MATCH_TIMEOUT_MS on one document. */
export class MatchTimeoutError extends Error {
  readonly code = "JS_MATCH_TIMEOUT";
  constructor(readonly timeoutMs: number) {
    super(
      `the generated module's match() did not finish within ${timeoutMs} ms on this event (V8 backtracking on a rule regex)`,
    );
  }
}

export interface LoadedModule {
  readonly match: (event: unknown) => boolean;
  /** The module's `rule` export, copied out of the context as plain data. */
  readonly rule: unknown;
}

const EXPORT = /^export (?=const rule\b|function match\b)/gm;
const OTHER_MODULE_SYNTAX = /^\s*(?:export|import)\b/m;

function position(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, col: offset - before.lastIndexOf("\n") };
}

function parseError(text: string, offset: number, message: string): ParseError {
  const { line, col } = position(text, offset);
  return new ParseError(message, offset, line, col);
}

/** Load an emitted module: its `match` and its `rule` metadata. Throws ParseError. */
export function loadModule(moduleText: string): LoadedModule {
  const body = moduleText.replace(EXPORT, "");
  const stray = OTHER_MODULE_SYNTAX.exec(body);
  if (stray !== null) {
    // Offsets shift by the removed keywords; report the place in the original text.
    const offset = moduleText.indexOf(stray[0].trimStart());
    throw parseError(
      moduleText,
      Math.max(0, offset),
      "only `export const rule` and `export function match` are allowed",
    );
  }
  const source = `(function () {\n"use strict";\n${body}\nreturn { match: typeof match === "function" ? match : undefined, rule: typeof rule === "undefined" ? undefined : JSON.stringify(rule) };\n})()`;
  let script: vm.Script;
  try {
    script = new vm.Script(source, { filename: "sigprism-module.mjs" });
  } catch (e) {
    throw parseError(
      moduleText,
      0,
      `not valid JavaScript: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const context = vm.createContext(Object.create(null) as object, {
    codeGeneration: { strings: false, wasm: false },
  });
  // V8 gives every context a `console`; the module has no business with it either.
  vm.runInContext("delete globalThis.console;", context);
  const exported: unknown = script.runInContext(context, { timeout: 5_000 });
  const { match, rule } = exported as { match: unknown; rule: unknown };
  if (typeof match !== "function")
    throw parseError(moduleText, 0, "the module exports no function `match`");
  // The call goes through the context's globals so that each one can run under a timeout.
  const slots = context as { __sigprismMatch?: unknown; __sigprismEvent?: unknown };
  slots.__sigprismMatch = match;
  const call = new vm.Script("__sigprismMatch(__sigprismEvent) === true", {
    filename: "sigprism-match.js",
  });
  return {
    match: (event) => {
      slots.__sigprismEvent = event;
      try {
        return call.runInContext(context, { timeout: MATCH_TIMEOUT_MS }) === true;
      } catch (e) {
        if (isTimeout(e)) throw new MatchTimeoutError(MATCH_TIMEOUT_MS);
        throw e;
      } finally {
        slots.__sigprismEvent = undefined;
      }
    },
    rule: typeof rule === "string" ? (JSON.parse(rule) as unknown) : undefined,
  };
}

function isTimeout(e: unknown): boolean {
  return (
    typeof e === "object" &&
    e !== null &&
    (e as { code?: unknown }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT"
  );
}

/** The module's `match` as a host function (the interpreter's compile step). */
export function compileModuleToFunction(moduleText: string): (event: unknown) => boolean {
  return loadModule(moduleText).match;
}
