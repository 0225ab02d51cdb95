import type { RegexFlags } from "../ir.js";
import { re2Search, translateToRe2, v8Search, type RegexSearch } from "./regex-engine.js";
import { boundedInV8 } from "./regex-safety.js";

export type { RegexSearch } from "./regex-engine.js";

/**
 * The flags a `regex` test runs with: its i/m/s, plus `u` when the source compiles in Unicode mode
 * (then `.` and classes see code points); a source that only compiles without `u` runs without it.
 * Undefined when the source compiles neither way. The JS backend emits exactly these flags.
 */
export function regexFlags(source: string, flags: RegexFlags): string | undefined {
  const base = `${flags.i ? "i" : ""}${flags.m ? "m" : ""}${flags.s ? "s" : ""}`;
  for (const f of [base + "u", base]) {
    try {
      new RegExp(source, f);
      return f;
    } catch {
      // try the next flag set
    }
  }
  return undefined;
}

export type RegexCompile =
  | { readonly ok: true; readonly search: RegexSearch }
  | {
      readonly ok: false;
      readonly code: "REGEX_INVALID" | "REGEX_UNSAFE";
      readonly message: string;
    };

/**
 * A rule regex as the reference evaluator and the scanner run it: the meaning of
 * `new RegExp(source, regexFlags(source, flags)).test(text)`, in time linear in the text.
 * RE2JS runs every pattern that has an exact RE2 translation (regex-engine.ts); V8 runs the rest
 * only when regex-safety bounds its work per start position; anything else is REGEX_UNSAFE (the
 * normalizer's `re` modifier refuses such patterns first, so only a hand-built IR gets here).
 */
export function compileRegexSearch(source: string, flags: RegexFlags): RegexCompile {
  const jsFlags = regexFlags(source, flags);
  if (jsFlags === undefined)
    return { ok: false, code: "REGEX_INVALID", message: `invalid regular expression /${source}/` };
  const translation = translateToRe2(source, flags, jsFlags.includes("u"));
  if (translation.ok) return { ok: true, search: re2Search(translation) };
  const unbounded = boundedInV8(source, flags.i);
  if (unbounded === undefined) return { ok: true, search: v8Search(source, jsFlags) };
  return {
    ok: false,
    code: "REGEX_UNSAFE",
    message: `regular expression /${source}/ has ${translation.construct} (no linear-time engine runs it) and ${unbounded.reason}`,
  };
}
