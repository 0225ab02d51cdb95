import type { TargetName } from "../../src/targets/types.js";

/**
 * The one table of known, declared divergences between a target and the Sigma meaning of a rule
 * on the labelled fixtures. test/parity/equivalence.test.ts keeps it true in both directions: a
 * deviation missing here fails, and an entry here that no longer deviates fails too. Each entry
 * names the fidelity diagnostic code by which the backend declares it.
 */
export interface DeclaredDeviation {
  readonly rule: string;
  readonly target: TargetName;
  readonly fixture: string;
  /** The fidelity diagnostic the backend emits for this rule. */
  readonly code: string;
  readonly reason: string;
}

/** A rule that a target refuses to compile: the construct has no encoding there. */
export interface UnsupportedConstruct {
  readonly rule: string;
  readonly target: TargetName;
  /** The error diagnostic code. */
  readonly code: string;
  readonly reason: string;
}

export const deviationKey = (d: Pick<DeclaredDeviation, "rule" | "target" | "fixture">): string =>
  `${d.rule}|${d.target}|${d.fixture}`;

export const unsupportedKey = (u: Pick<UnsupportedConstruct, "rule" | "target" | "code">): string =>
  `${u.rule}|${u.target}|${u.code}`;

export const DECLARED_DEVIATIONS: readonly DeclaredDeviation[] = [];

export const UNSUPPORTED: readonly UnsupportedConstruct[] = [];
