/**
 * fnmatch(3) as libsinsp calls it for `glob` (flags 0) and `iglob` (FNM_CASEFOLD), over the UTF-8
 * bytes of the value in the C locale: `*` any run of bytes (also across `/`: no FNM_PATHNAME; a
 * leading `.` is not special: no FNM_PERIOD), `?` exactly one byte, `[…]` a byte set with `!`/`^`
 * negation and ranges, and `\` escaping the next character, also inside brackets (glibc). A `[`
 * without its `]` is a literal `[`; a trailing lone `\` matches nothing. Character classes
 * (`[:alpha:]`) are outside the modelled subset and rejected when the pattern is compiled.
 */

type Token =
  | { readonly kind: "byte"; readonly b: number }
  | { readonly kind: "one" }
  | { readonly kind: "any" }
  | {
      readonly kind: "set";
      readonly negated: boolean;
      readonly ranges: readonly (readonly [number, number])[];
    }
  | { readonly kind: "never" };

const encoder = new TextEncoder();

export class GlobSyntaxError extends Error {}

function fold(b: number, casefold: boolean): number {
  return casefold && b >= 0x41 && b <= 0x5a ? b + 0x20 : b;
}

function parseBracket(p: Uint8Array, start: number): { token: Token; next: number } | undefined {
  let i = start + 1;
  let negated = false;
  if (p[i] === 0x21 || p[i] === 0x5e) {
    negated = true;
    i++;
  }
  const ranges: [number, number][] = [];
  let first = true;
  for (;;) {
    if (i >= p.length) return undefined;
    let c = p[i]!;
    if (c === 0x5d && !first) return { token: { kind: "set", negated, ranges }, next: i + 1 };
    first = false;
    if (c === 0x5b && p[i + 1] === 0x3a)
      throw new GlobSyntaxError(
        "character classes ([:name:]) are outside the modelled glob subset",
      );
    if (c === 0x5c) {
      i++;
      if (i >= p.length) return undefined;
      c = p[i]!;
    }
    i++;
    let hi = c;
    if (p[i] === 0x2d && i + 1 < p.length && p[i + 1] !== 0x5d) {
      i++;
      let d = p[i]!;
      if (d === 0x5c) {
        i++;
        if (i >= p.length) return undefined;
        d = p[i]!;
      }
      i++;
      hi = d;
    }
    ranges.push([c, hi]);
  }
}

function tokenize(pattern: string): Token[] {
  const p = encoder.encode(pattern);
  const out: Token[] = [];
  for (let i = 0; i < p.length;) {
    const c = p[i]!;
    if (c === 0x2a) {
      out.push({ kind: "any" });
      i++;
    } else if (c === 0x3f) {
      out.push({ kind: "one" });
      i++;
    } else if (c === 0x5c) {
      if (i + 1 >= p.length) {
        out.push({ kind: "never" });
        i++;
      } else {
        out.push({ kind: "byte", b: p[i + 1]! });
        i += 2;
      }
    } else if (c === 0x5b) {
      const bracket = parseBracket(p, i);
      if (bracket) {
        out.push(bracket.token);
        i = bracket.next;
      } else {
        out.push({ kind: "byte", b: c });
        i++;
      }
    } else {
      out.push({ kind: "byte", b: c });
      i++;
    }
  }
  return out;
}

function matchOne(t: Token, b: number, casefold: boolean): boolean {
  switch (t.kind) {
    case "byte":
      return fold(t.b, casefold) === fold(b, casefold);
    case "one":
      return true;
    case "set": {
      const v = fold(b, casefold);
      // glibc folds the byte and both range ends under FNM_CASEFOLD.
      const hit = t.ranges.some(([lo, hi]) => fold(lo, casefold) <= v && v <= fold(hi, casefold));
      return hit !== t.negated;
    }
    case "any":
    case "never":
      return false;
  }
}

/** Compile a glob once; the matcher takes the value text. Throws GlobSyntaxError for classes. */
export function compileFnmatch(pattern: string, casefold: boolean): (value: string) => boolean {
  const tokens = tokenize(pattern);
  return (value) => {
    const s = encoder.encode(value);
    // Two-pointer matching with backtracking to the last `*`: every other token is one byte wide.
    let ti = 0;
    let si = 0;
    let starTi = -1;
    let starSi = 0;
    for (;;) {
      if (ti < tokens.length) {
        const t = tokens[ti]!;
        if (t.kind === "any") {
          starTi = ti;
          starSi = si;
          ti++;
          continue;
        }
        if (si < s.length && matchOne(t, s[si]!, casefold)) {
          ti++;
          si++;
          continue;
        }
      } else if (si === s.length) {
        return true;
      }
      if (starTi < 0 || starSi >= s.length) return false;
      starSi++;
      si = starSi;
      ti = starTi + 1;
    }
  };
}
