import type { RegexFlags } from "../ir.js";

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
