import vm from "node:vm";
import { CaseNotCheckedError, ParseError } from "../types.js";
import { regexCostModel, type RegexCostModel } from "./regex-cost.js";

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
 * reference evaluator runs the same meaning on RE2JS in linear time. So every regex search the
 * module starts (RegExp.prototype.exec, which test, match, replace and split call) is first
 * costed: regex-cost.ts counts an upper bound on V8's backtracking steps for that pattern and
 * text. A `match(event)` whose searches would take more than MATCH_STEP_BUDGET steps is not run
 * to the end: it throws MatchNotCheckedError, which verify reports as a warning (the case is not
 * checked), never as a disagreement. The decision is a count, the same on an idle or a loaded
 * machine. A generous wall-clock guard (MATCH_GUARD_MS) stays behind it for what the count does
 * not model (a pattern too large to model, or a loop in the module itself); it too ends in
 * MatchNotCheckedError, never in a verdict.
 */

/**
 * Backtracking steps one `match(event)` may take: about 0.1–2 s of V8 on one idle core (1–25 ns a
 * step, measured).
 */
export const MATCH_STEP_BUDGET = 100_000_000;

/** The wall-clock hang guard of one `match(event)`; far above what the step budget allows. */
export const MATCH_GUARD_MS = 60_000;

/** `match` was not run to the end on one document: the case cannot be checked. */
export class MatchNotCheckedError extends CaseNotCheckedError {
  constructor(code: "VERIFY_JS_STEP_BUDGET" | "VERIFY_JS_GUARD", message: string) {
    super(code, message);
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
  const costs = new SearchCosts();
  // Every search goes through the context's own RegExp.prototype.exec (the spec's RegExpExec):
  // wrapped, it asks for its cost first.
  const installGate = vm.runInContext(
    `(function (gate) {
      const exec = RegExp.prototype.exec;
      const apply = Reflect.apply;
      Object.defineProperty(RegExp.prototype, "exec", {
        value: { exec(s) { gate(String(this.source), String(this.flags), String(s)); return apply(exec, this, [s]); } }.exec,
        writable: true, enumerable: false, configurable: true,
      });
    })`,
    context,
  ) as (gate: (source: string, flags: string, text: string) => void) => void;
  installGate((source, flags, text) => costs.charge(source, flags, text));
  const exported: unknown = script.runInContext(context, { timeout: MATCH_GUARD_MS });
  const { match, rule } = exported as { match: unknown; rule: unknown };
  if (typeof match !== "function")
    throw parseError(moduleText, 0, "the module exports no function `match`");
  // The call goes through the context's globals so that each one can run under the guard.
  const slots = context as { __sigprismMatch?: unknown; __sigprismEvent?: unknown };
  slots.__sigprismMatch = match;
  const call = new vm.Script("__sigprismMatch(__sigprismEvent) === true", {
    filename: "sigprism-match.js",
  });
  return {
    match: (event) => {
      slots.__sigprismEvent = event;
      costs.reset();
      try {
        return call.runInContext(context, { timeout: MATCH_GUARD_MS }) === true;
      } catch (e) {
        if (isTimeout(e))
          throw new MatchNotCheckedError(
            "VERIFY_JS_GUARD",
            `the generated module's match() did not finish within ${MATCH_GUARD_MS / 1000} s on this event`,
          );
        throw e;
      } finally {
        slots.__sigprismEvent = undefined;
      }
    },
    rule: typeof rule === "string" ? (JSON.parse(rule) as unknown) : undefined,
  };
}

/** The steps spent by the searches of one match() call, against MATCH_STEP_BUDGET. */
class SearchCosts {
  private readonly models = new Map<string, RegexCostModel | undefined>();
  private spent = 0;

  reset(): void {
    this.spent = 0;
  }

  charge(source: string, flags: string, text: string): void {
    const key = `${flags}/${source}`;
    let model = this.models.get(key);
    if (model === undefined && !this.models.has(key)) {
      model = regexCostModel(source, flags);
      this.models.set(key, model);
    }
    // A pattern too large to model runs under the wall-clock guard alone.
    if (model === undefined) return;
    const left = MATCH_STEP_BUDGET - this.spent;
    const steps = model.steps(text, left + 1);
    if (steps > left) {
      const shown = source.length > 60 ? `${source.slice(0, 57)}...` : source;
      throw new MatchNotCheckedError(
        "VERIFY_JS_STEP_BUDGET",
        `the generated module's match() was not run on this event: /${shown}/${flags} on a ${text.length}-character value may take more than ${MATCH_STEP_BUDGET.toExponential(0)} backtracking steps in V8`,
      );
    }
    this.spent += steps;
  }
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
