/**
 * Whole-value wildcard matching over Unicode code points, as Lucene's wildcard automaton does:
 * `*` any run, `?` one code point, everything else one literal character. With `asciiFold`, an
 * ASCII value character (≤ U+0080) also matches its other case, as Elasticsearch's
 * case-insensitive term and wildcard queries do (AutomatonQueries.toCaseInsensitiveChar, in every
 * released 8.x and 9.x); other characters match only themselves.
 */

export type WildPart =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "any" }
  | { readonly kind: "one" };

type Tok = number | "any" | "one";

function sameChar(value: number, pattern: number, asciiFold: boolean): boolean {
  if (value === pattern) return true;
  if (!asciiFold || pattern > 0x80) return false;
  const p = String.fromCodePoint(pattern);
  if (!/[A-Za-z]/.test(p)) return false;
  const other = p === p.toLowerCase() ? p.toUpperCase() : p.toLowerCase();
  return value === other.codePointAt(0);
}

export function compileWildcard(
  parts: readonly WildPart[],
  asciiFold: boolean,
): (value: string) => boolean {
  const toks: Tok[] = [];
  for (const p of parts) {
    if (p.kind === "text") for (const ch of p.text) toks.push(ch.codePointAt(0)!);
    else toks.push(p.kind);
  }
  return (value: string) => {
    const v = [...value].map((c) => c.codePointAt(0)!);
    let ti = 0;
    let vi = 0;
    let starTi = -1;
    let starVi = 0;
    for (;;) {
      if (ti < toks.length) {
        const t = toks[ti]!;
        if (t === "any") {
          starTi = ti;
          starVi = vi;
          ti++;
          continue;
        }
        if (vi < v.length && (t === "one" || sameChar(v[vi]!, t, asciiFold))) {
          ti++;
          vi++;
          continue;
        }
      } else if (vi === v.length) return true;
      if (starTi < 0 || starVi >= v.length) return false;
      starVi++;
      vi = starVi;
      ti = starTi + 1;
    }
  };
}
