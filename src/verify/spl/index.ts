import type { Interpreter } from "../types.js";
import { buildPipeline } from "./build.js";
import { compilePipeline, type SplDocument } from "./evaluate.js";

export type { SplDocument } from "./evaluate.js";

function asDocument(doc: unknown): SplDocument {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw new TypeError("a Splunk document is an object of field → values");
  for (const v of Object.values(doc)) {
    if (!Array.isArray(v) || !v.every((s) => typeof s === "string"))
      throw new TypeError("every Splunk field holds a list of strings");
  }
  return doc as SplDocument;
}

/** Parses emitted SPL (never the IR) and evaluates it with Splunk's semantics. */
export const splInterpreter: Interpreter = {
  target: "splunk",
  compile(text) {
    const run = compilePipeline(buildPipeline(text));
    return (doc) => run(asDocument(doc));
  },
};
