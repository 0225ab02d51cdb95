import { backendFor } from "../../src/backends/registry.js";
import type { BackendContext, Lowered, SeenEvent } from "../../src/backends/types.js";
import type { Expr } from "../../src/ir.js";
import { replaceDeclared } from "../../src/parity/replace.js";
import { compilePredicate } from "../../src/sigma/evaluate.js";
import type { SigmaRule } from "../../src/sigma/rule.js";
import type { TargetName } from "../../src/targets/types.js";
import { backendContext, testRule, type ContextSettings } from "./rule-context.js";

/** The backend's seen-event claim for a rule's logsource (kubernetes/audit by default). */
export function seenOf(
  target: TargetName,
  rule: SigmaRule = testRule(),
  settings: ContextSettings = {},
): SeenEvent {
  return backendFor(target).seen(backendContext(target, rule, settings));
}

/**
 * The parity expectation for a lowered IR: `ir` with exactly the declared deviations replaced, on
 * the backend's seen event (false where the target never stores the event).
 */
export function expectedOf(
  target: TargetName,
  ir: Expr,
  lowered: Pick<Lowered, "deviations">,
  ctx: BackendContext,
): (raw: unknown) => boolean {
  const holds = compilePredicate(replaceDeclared(ir, lowered.deviations));
  const seen = backendFor(target).seen(ctx);
  return (raw) => {
    const s = seen(raw);
    return s !== null && holds(s);
  };
}
