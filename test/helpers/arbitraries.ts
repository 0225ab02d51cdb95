import fc from "fast-check";
import { normalizePattern, type Expr, type Pattern } from "../../src/ir.js";
import { ANY, ONE, T } from "./ir.js";

/**
 * Random IR trees over `leaf`, built from raw `not`/`and`/`or` nodes (no smart constructors), so
 * that odd shapes the front end never makes (one-item and/or, double negation) are printed too.
 */
export function rawExprTree(
  leaf: fc.Arbitrary<Expr>,
  items: { readonly minLength: number; readonly maxLength: number },
): fc.Arbitrary<Expr> {
  return fc.letrec<{ e: Expr }>((tie) => ({
    e: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.record({ kind: fc.constant("not" as const), item: tie("e") }),
      fc.record({
        kind: fc.constantFrom("and" as const, "or" as const),
        items: fc.array(tie("e"), items),
      }),
    ),
  })).e;
}

/** Patterns of up to `maxLength` parts over `text`, normalized as the front end delivers them. */
export function normalizedPattern(
  text: fc.Arbitrary<string>,
  maxLength: number,
): fc.Arbitrary<Pattern> {
  const part = fc.oneof(text.map(T), fc.constant(ANY), fc.constant(ONE));
  return fc.array(part, { maxLength }).map(normalizePattern);
}
