import type { Expr } from "../ir.js";
import type { Deviation } from "./types.js";

/**
 * Collects a lowering's per-predicate deviations. A lowering lowers each predicate of its input
 * inside `predicate(node, …)`; every `declare(code)` made meanwhile says that the target means
 * something else there, and the lowered result becomes that node's declared effective form.
 * A predicate lowered without a declaration must mean exactly the same on the seen event: the
 * parity runner holds the emitted text to the input IR there.
 */
export class DeviationRecorder {
  readonly deviations: Deviation[] = [];
  private pending: string[] | undefined;

  /** The predicate being lowered is said differently; `code` is its fidelity diagnostic's code. */
  declare(code: string): void {
    if (this.pending === undefined)
      throw new Error(`deviation ${code} declared outside a predicate`);
    if (!this.pending.includes(code)) this.pending.push(code);
  }

  /** Lower one node of the input IR; nested calls belong to the outermost node. */
  predicate(node: Expr, lower: () => Expr): Expr {
    if (this.pending !== undefined) return lower();
    this.pending = [];
    try {
      const effective = lower();
      if (this.pending.length > 0) this.deviations.push({ node, effective, codes: this.pending });
      return effective;
    } finally {
      this.pending = undefined;
    }
  }
}
