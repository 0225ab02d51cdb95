import vm from "node:vm";
import { ParseError } from "../types.js";
import { MATCH_GUARD_MS, MatchNotCheckedError } from "../js/interpret.js";

/**
 * Runs an emitted correlation module itself, in a fresh `node:vm` context with only the
 * language's built-ins (as src/verify/js/interpret.ts does for rule modules). Its three exports
 * (`rule`, `rules`, `createCorrelator`) lose their `export` keyword; any other module syntax is
 * a ParseError. Each call into the module runs under the JS interpreter's hang guard: one that
 * does not finish is not checked (MatchNotCheckedError), never a verdict.
 */

export interface ModuleMatch {
  /** Group-by name → value. */
  readonly group: Readonly<Record<string, string>>;
  /** Microseconds since the epoch. */
  readonly timeUs: number;
}

export interface LoadedCorrelator {
  push(event: unknown): ModuleMatch[];
  flush(): ModuleMatch[];
  /** Every event pushed in order, then flush: the matches, in one call into the context. */
  run(events: readonly unknown[]): ModuleMatch[];
}

const EXPORT = /^export (?=const rules?\b|function createCorrelator\b)/gm;
const OTHER_MODULE_SYNTAX = /^\s*(?:export|import)\b/m;

function position(text: string, offset: number): ParseError {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return new ParseError(
    "only `export const rule`, `export const rules` and `export function createCorrelator` are allowed",
    offset,
    line,
    offset - before.lastIndexOf("\n"),
  );
}

function isTimeout(e: unknown): boolean {
  return (
    typeof e === "object" &&
    e !== null &&
    (e as { code?: unknown }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT"
  );
}

/** Plain data out of the context: matches as JSON. */
function matches(json: unknown): ModuleMatch[] {
  const list = JSON.parse(String(json)) as { group: Record<string, string>; timeUs: number }[];
  return list.map((m) => ({ group: m.group, timeUs: m.timeUs }));
}

export interface LoadedCorrelationModule {
  /** A fresh correlator (its own reorder buffer and groups), in the module's one context. */
  create(options?: { maxLatenessMs?: number }): LoadedCorrelator;
}

/** Load an emitted correlation module once (throws ParseError when it is not such a module). */
export function loadCorrelationModule(moduleText: string): LoadedCorrelationModule {
  const body = moduleText.replace(EXPORT, "");
  const stray = OTHER_MODULE_SYNTAX.exec(body);
  if (stray !== null)
    throw position(moduleText, Math.max(0, moduleText.indexOf(stray[0].trimStart())));
  const source = `(function () {\n"use strict";\n${body}\nreturn typeof createCorrelator === "function" ? createCorrelator : undefined;\n})()`;
  let script: vm.Script;
  try {
    script = new vm.Script(source, { filename: "sigprism-correlation.mjs" });
  } catch (e) {
    throw new ParseError(
      `not valid JavaScript: ${e instanceof Error ? e.message : String(e)}`,
      0,
      1,
      1,
    );
  }
  const context = vm.createContext(Object.create(null) as object, {
    codeGeneration: { strings: false, wasm: false },
  });
  vm.runInContext("delete globalThis.console;", context);
  const create: unknown = script.runInContext(context, { timeout: 5_000 });
  if (typeof create !== "function")
    throw new ParseError("the module exports no function `createCorrelator`", 0, 1, 1);
  const slots = context as {
    __create?: unknown;
    __options?: unknown;
    __event?: unknown;
    __c?: unknown;
  };
  slots.__create = create;
  const make = new vm.Script("__c = __create(JSON.parse(__options));");
  const push = new vm.Script("JSON.stringify(__event.c.push(__event.e))");
  const flush = new vm.Script("JSON.stringify(__event.c.flush())");
  const run = new vm.Script(
    "JSON.stringify([...__event.es.flatMap((e) => __event.c.push(e)), ...__event.c.flush()])",
  );
  const call = (script: vm.Script, arg: unknown): ModuleMatch[] => {
    slots.__event = arg;
    try {
      return matches(script.runInContext(context, { timeout: MATCH_GUARD_MS }));
    } catch (e) {
      if (isTimeout(e))
        throw new MatchNotCheckedError(
          "VERIFY_JS_GUARD",
          `the correlation module did not finish within ${MATCH_GUARD_MS} ms on this sequence`,
        );
      throw e;
    } finally {
      slots.__event = undefined;
    }
  };
  return {
    create(options = {}) {
      slots.__options = JSON.stringify(options);
      make.runInContext(context, { timeout: MATCH_GUARD_MS });
      const c = slots.__c;
      return {
        push: (event) => call(push, { c, e: event }),
        flush: () => call(flush, { c }),
        run: (events) => call(run, { c, es: events }),
      };
    },
  };
}
