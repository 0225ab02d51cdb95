import type { Interpreter } from "../types.js";
import { ParseError } from "../types.js";
import { parseCondition } from "./ast.js";
import { compilePredicate, type FalcoDocument, type Predicate } from "./evaluate.js";
import { loadRulesFile } from "./rules-file.js";

export type { FalcoDocument } from "./evaluate.js";

/** The event source Falco runs k8saudit rules on; rules of other sources never see audit events. */
const K8S_AUDIT_SOURCE = "k8s_audit";

function isDocument(x: unknown): x is FalcoDocument {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * Text starting with `-` or `#` is a whole rules file (a condition cannot start with either): it
 * fires when any enabled k8s_audit rule fires. Anything else is one condition. A null document is
 * an event the k8saudit source dropped at ingestion: no rule sees it.
 */
export const falcoInterpreter: Interpreter = {
  target: "falco",
  compile(text: string): (document: unknown) => boolean {
    let predicates: Predicate[];
    if (/^\s*[-#]/.test(text)) {
      const rules = loadRulesFile(text).filter((r) => r.source === K8S_AUDIT_SOURCE);
      if (rules.length === 0)
        throw new ParseError(`no enabled rule with source ${K8S_AUDIT_SOURCE}`, 0, 1, 1);
      predicates = rules.map((r) => {
        try {
          return compilePredicate(r.condition, r.text);
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
      predicates = [compilePredicate(parseCondition(text), text)];
    }
    return (document) => isDocument(document) && predicates.some((p) => p(document));
  },
};
