/**
 * The `re` modifier's value must be a regular expression JavaScript accepts: the JS predicate and
 * the reference evaluator run it with `RegExp`. Unicode mode is tried first (it is stricter about
 * stray escapes); a pattern that only compiles without it is still accepted, as PCRE would.
 */

export interface RegexFlagSet {
  readonly i: boolean;
  readonly m: boolean;
  readonly s: boolean;
}

export type RegexCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export function checkRegex(source: string, flags: RegexFlagSet): RegexCheck {
  const f = `${flags.i ? "i" : ""}${flags.m ? "m" : ""}${flags.s ? "s" : ""}`;
  try {
    new RegExp(source, f + "u");
    return { ok: true };
  } catch {
    try {
      new RegExp(source, f);
      return { ok: true };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      // V8 says "Invalid regular expression: /x/: reason"; keep only the reason.
      const reason = message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
      return { ok: false, reason };
    }
  }
}

/**
 * PCRE lets a pattern begin with global inline flags, `(?i)` `(?s)` `(?im)`, which JavaScript
 * refuses. Sigma rules use them (SigmaHQ has `(?i)` in a dozen rules), so a leading group of
 * i/m/s flags is lifted into the IR's flags and removed from the source. Other inline flags
 * (`x`, flags in the middle of a pattern) stay, and JavaScript then rejects the pattern.
 */
export function liftInlineFlags(source: string): {
  readonly source: string;
  readonly flags: RegexFlagSet;
} {
  const m = /^\(\?([ims]+)\)/.exec(source);
  if (m === null) return { source, flags: { i: false, m: false, s: false } };
  const letters = m[1]!;
  return {
    source: source.slice(m[0].length),
    flags: { i: letters.includes("i"), m: letters.includes("m"), s: letters.includes("s") },
  };
}
