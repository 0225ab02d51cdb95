import { assertNever } from "../../diagnostics.js";
import type { MatchExpr, Pattern } from "../../ir.js";
import { ipv4NetworksCond } from "./cidr-glob.js";
import { quotable, quote } from "./constants.js";
import { FALCO } from "./dialect.js";
import { casedGlob, foldSlots, foldedGlobs } from "./glob.js";
import type { GlobCond } from "./glob-cond.js";

/**
 * The checks of one value on one Falco field (print.ts combines them): the plainest operator that
 * says a cased pattern, icontains or an OR of globs for a folded one, glob conditions for numbers
 * and networks. Each is a printed text with its precedence: libsinsp's is or < and < not < check.
 */
/** Binding strength: a child looser than its parent is parenthesized. */
export const Prec = { Or: 1, And: 2, Not: 3, Atom: 4 } as const;
export type Prec = (typeof Prec)[keyof typeof Prec];

export interface Printed {
  readonly text: string;
  readonly prec: Prec;
}

export const atom = (text: string): Printed => ({ text, prec: Prec.Atom });

export function wrap(p: Printed, min: Prec): string {
  return p.prec < min ? `(${p.text})` : p.text;
}

export function orOf(texts: readonly string[]): Printed {
  return texts.length === 1
    ? atom(texts[0]!)
    : { text: texts.join(` ${FALCO.or} `), prec: Prec.Or };
}

export function globCheck(f: string, glob: string): string {
  return `${f} ${FALCO.ops.glob} ${quote(glob)}`;
}

/** Exact (case-sensitive) pattern on a scalar field: the plainest operator that says it. */
export function casedCheck(f: string, p: Pattern): string {
  const [a, b, c] = p;
  const ops = FALCO.ops;
  if (p.length === 0) return `${f} ${ops.equals} ${quote("")}`;
  if (p.length === 1 && a?.kind === "text" && quotable(a.text))
    return `${f} ${ops.equals} ${quote(a.text)}`;
  if (p.length === 2 && a?.kind === "text" && b?.kind === "any" && quotable(a.text))
    return `${f} ${ops.startswith} ${quote(a.text)}`;
  if (p.length === 2 && a?.kind === "any" && b?.kind === "text" && quotable(b.text))
    return `${f} ${ops.endswith} ${quote(b.text)}`;
  if (
    p.length === 3 &&
    a?.kind === "any" &&
    b?.kind === "text" &&
    c?.kind === "any" &&
    quotable(b.text)
  )
    return `${f} ${ops.contains} ${quote(b.text)}`;
  return globCheck(f, casedGlob(p));
}

export function foldedCheck(f: string, p: Pattern): Printed {
  const [a, b, c] = p;
  const single = foldSlots(p).every((s) => s.length === 1);
  // strcasestr folds ASCII only, which is all a single-alternative pattern needs.
  if (
    single &&
    p.length === 3 &&
    a?.kind === "any" &&
    b?.kind === "text" &&
    c?.kind === "any" &&
    quotable(b.text)
  )
    return atom(`${f} ${FALCO.ops.icontains} ${quote(b.text)}`);
  return orOf(foldedGlobs(p).map((g) => globCheck(f, g)));
}

/** A glob condition on field f (number and network tests). */
export function printGlobCond(f: string, c: GlobCond): Printed {
  switch (c.kind) {
    case "glob":
      return atom(globCheck(f, c.glob));
    case "equals":
      return atom(`${f} ${FALCO.ops.equals} ${quote(c.value)}`);
    case "all":
      return {
        text: c.items.map((i) => wrap(printGlobCond(f, i), Prec.And)).join(` ${FALCO.and} `),
        prec: Prec.And,
      };
    case "any":
      return orOf(c.items.map((i) => wrap(printGlobCond(f, i), Prec.Or)));
    case "none": {
      const inner = orOf(c.items.map((i) => wrap(printGlobCond(f, i), Prec.Or)));
      return { text: `${FALCO.not} ${wrap(inner, Prec.Not)}`, prec: Prec.Not };
    }
    default:
      return assertNever(c);
  }
}

export type CidrTest = Extract<MatchExpr["test"], { kind: "cidr" }>;

export function printCidrs(f: string, tests: readonly CidrTest[]): Printed {
  if (tests.some((t) => t.version !== 4))
    throw new Error("internal: an IPv6 network reached the Falco printer");
  return printGlobCond(f, ipv4NetworksCond(tests));
}
