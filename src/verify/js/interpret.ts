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
 */

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
  const fn = match as (event: unknown) => unknown;
  return {
    match: (event) => fn(event) === true,
    rule: typeof rule === "string" ? (JSON.parse(rule) as unknown) : undefined,
  };
}

/** The module's `match` as a host function (the interpreter's compile step). */
export function compileModuleToFunction(moduleText: string): (event: unknown) => boolean {
  return loadModule(moduleText).match;
}
