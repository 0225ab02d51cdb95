import type { Expr, Part, Test } from "../../src/ir.js";
import type { Loc } from "../../src/source.js";

/**
 * Short IR builders for hand-written test expressions. Every match sits at ORIGIN (line 3, col 7)
 * unless told otherwise, so tests can assert that diagnostics point at the predicate.
 */

export const ORIGIN: Loc = { offset: 12, length: 4, line: 3, col: 7 };

export const m = (field: string | null, test: Test, origin: Loc = ORIGIN): Expr => ({
  kind: "match",
  field,
  test,
  origin,
});
export const T = (text: string): Part => ({ kind: "text", text });
export const ANY: Part = { kind: "any" };
export const ONE: Part = { kind: "one" };
export const pat = (parts: Part[], cased = false): Test => ({
  kind: "pattern",
  pattern: parts,
  cased,
});
/** An exact value; "" is the empty pattern, as the front end normalizes it. */
export const lit = (text: string, cased = false): Test => pat(text === "" ? [] : [T(text)], cased);
export const EXISTS: Test = { kind: "exists" };
