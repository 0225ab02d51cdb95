import type { NumberOp } from "../../ir.js";
import { all, any, anyDigits, digitClass, equals, glob, none, type GlobCond } from "./glob-cond.js";

/**
 * An integer comparison over canonical integer TEXT (`0`, `[1-9][0-9]*`, `-[1-9][0-9]*`), as
 * globs: ka.* values are strings and Falco's `<`/`>` compare them as text ("1000" < "400").
 * The globs match exactly the canonical integer texts that satisfy the comparison; any other text
 * (`400.0`, `4e2`, `0400`, `-0`, words) matches none of them. lower-values.ts pairs this with a
 * guard so that the effective IR says the same on every string.
 */

/** Positive canonical integer: a leading 1-9 and digits only. */
const POSITIVE: GlobCond = all([glob("[1-9]*"), none([glob("*[!0-9]*")])]);
/** Negative canonical integer: `-`, a leading 1-9, digits only. */
const NEGATIVE: GlobCond = all([glob("-[1-9]*"), none([glob("-*[!0-9]*")])]);
const ZERO = equals("0");

/** Magnitudes (digits only, behind `sign`) that are >= d, for canonical d >= 1. */
function atLeast(d: string, sign: string): GlobCond[] {
  const n = d.length;
  const out = [glob(`${sign}${anyDigits(n + 1)}*`)];
  for (let i = 0; i < n; i++) {
    const c = Number(d[i]);
    if (c < 9)
      out.push(glob(`${sign}${d.slice(0, i)}${digitClass(c + 1, 9)}${anyDigits(n - i - 1)}`));
  }
  out.push(glob(`${sign}${d}`));
  return out;
}

/** Magnitudes (digits only, no leading zero, behind `sign`) that are <= d, for canonical d >= 1. */
function atMost(d: string, sign: string): GlobCond[] {
  const n = d.length;
  const out: GlobCond[] = [];
  for (let k = 1; k < n; k++) out.push(glob(`${sign}${anyDigits(k)}`));
  for (let i = 0; i < n; i++) {
    const c = Number(d[i]);
    const lo = i === 0 ? 1 : 0;
    if (c > lo)
      out.push(glob(`${sign}${d.slice(0, i)}${digitClass(lo, c - 1)}${anyDigits(n - i - 1)}`));
  }
  out.push(glob(`${sign}${d}`));
  return out;
}

/** Canonical integers >= a. */
function from(a: number): GlobCond {
  if (a >= 1) return all([POSITIVE, any(atLeast(String(a), ""))]);
  if (a === 0) return any([ZERO, POSITIVE]);
  return any([ZERO, POSITIVE, all([NEGATIVE, any(atMost(String(-a), "-"))])]);
}

/** Canonical integers <= b. */
function upTo(b: number): GlobCond {
  if (b >= 1) return any([ZERO, NEGATIVE, all([POSITIVE, any(atMost(String(b), ""))])]);
  if (b === 0) return any([ZERO, NEGATIVE]);
  return all([NEGATIVE, any(atLeast(String(-b), "-"))]);
}

type Bound = { readonly side: "from" | "upTo"; readonly limit: number };

/** The integer bound a comparison means over integers, e.g. `> 399.5` is `>= 400`. */
export function integerBound(op: Exclude<NumberOp, "eq">, n: number): Bound {
  switch (op) {
    case "gte":
      return { side: "from", limit: Math.ceil(n) };
    case "gt":
      return { side: "from", limit: Math.floor(n) + 1 };
    case "lte":
      return { side: "upTo", limit: Math.floor(n) };
    case "lt":
      return { side: "upTo", limit: Math.ceil(n) - 1 };
  }
}

/** Whether the comparison can be written: its integer bound is a safe integer. */
export function comparable(op: Exclude<NumberOp, "eq">, n: number): boolean {
  return Number.isFinite(n) && Number.isSafeInteger(integerBound(op, n).limit);
}

/** The glob condition for `value op n` over canonical integer text. */
export function numberCond(op: Exclude<NumberOp, "eq">, n: number): GlobCond {
  const b = integerBound(op, n);
  // 0 and -0 are one bound; String(-0) would print "0" anyway, the branch makes it explicit.
  const limit = b.limit === 0 ? 0 : b.limit;
  return b.side === "from" ? from(limit) : upTo(limit);
}
