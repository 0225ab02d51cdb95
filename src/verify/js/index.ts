import type { Interpreter } from "../types.js";
import { compileModuleToFunction } from "./interpret.js";

/** The js interpreter: the emitted module itself, run in an empty vm context. */
export const jsInterpreter: Interpreter = {
  target: "js",
  compile: compileModuleToFunction,
};
