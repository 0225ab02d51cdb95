import type { Interpreter } from "../types.js";
import { ParseError } from "../types.js";
import { parseCondition } from "./ast.js";
import { compilePredicate, type FalcoDocument, type Predicate } from "./evaluate.js";
import { loadRulesFile } from "./rules-file.js";

export type { FalcoDocument } from "./evaluate.js";

/**
 * A document names its event source in `evt.source` (libsinsp's field): a rule runs only on the
 * events of its own source. A document without one is a k8s audit event (the views before event
 * sources existed, and hand-written test documents).
 */
const DEFAULT_SOURCE = "k8s_audit";

function sourceOf(doc: FalcoDocument): string {
  const s = doc["evt.source"];
  return typeof s === "string" ? s : DEFAULT_SOURCE;
}

function isDocument(x: unknown): x is FalcoDocument {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * Text starting with `-` or `#` is a whole rules file (a condition cannot start with either): it
 * fires when any enabled rule of the event's source fires. Anything else is one condition. A null document is
 * an event the k8saudit source dropped at ingestion: no rule sees it.
 */
export const falcoInterpreter: Interpreter = {
  target: "falco",
  compile(text: string): (document: unknown) => boolean {
    let predicates: { source?: string; holds: Predicate }[];
    if (/^\s*[-#]/.test(text)) {
      const rules = loadRulesFile(text);
      if (rules.length === 0) throw new ParseError("no enabled rule", 0, 1, 1);
      predicates = rules.map((r) => {
        try {
          return { source: r.source, holds: compilePredicate(r.condition, r.text, r.source) };
        } catch (e) {
          if (e instanceof ParseError)
            throw new ParseError(
              `rule '${r.name}': ${e.message.replace(/^\d+:\d+: /, "")}`,
              e.offset,
              e.line,
              e.col,
            );
          throw e;
        }
      });
    } else {
      predicates = [{ holds: compilePredicate(parseCondition(text), text) }];
    }
    return (document) =>
      isDocument(document) &&
      predicates.some(
        (p) => (p.source === undefined || p.source === sourceOf(document)) && p.holds(document),
      );
  },
};
