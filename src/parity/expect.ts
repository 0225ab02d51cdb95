import type { TargetOutput } from "../compile.js";
import type { Expr } from "../ir.js";
import { compilePredicate } from "../sigma/evaluate.js";
import { inLogsource, sigmaEvent } from "../sigma/logsource-membership.js";
import type { LogSource } from "../sigma/rule.js";
import { replaceDeclared } from "./replace.js";

/**
 * What a target's answer must be on a raw event: the rule's IR with exactly the declared
 * deviations replaced, on the target's seen event of the event as the rule reads it, and false
 * outside the rule's logsource or where the target never stores the event.
 */
export function expectation(
  logsource: LogSource,
  ir: Expr,
  output: Pick<TargetOutput, "deviations" | "seen">,
): (raw: unknown) => boolean {
  const holds = compilePredicate(replaceDeclared(ir, output.deviations));
  return (raw) => {
    if (!inLogsource(logsource, raw)) return false;
    const seen = output.seen(sigmaEvent(logsource, raw));
    return seen !== null && holds(seen);
  };
}
