import { ParseError } from "../types.js";
import { parsePcre, PcreSyntaxError } from "./pcre/parse.js";
import { compileProgram, type Program } from "./pcre/program.js";
import { PcreStepBudgetExceeded, searchProgram, type SearchResult } from "./pcre/vm.js";

export { PcreStepBudgetExceeded, PcreSyntaxError, type SearchResult };

/**
 * PCRE2 as Splunk's match()/mvfind() run it, modelled on its own (no JavaScript RegExp, no RE2):
 * UTF mode (Splunk's data and searches are UTF-8; one character is one code point, (?i) uses
 * Unicode case-equivalence), without PCRE2_UCP (Splunk documents no such setting and no
 * (*UCP); so \d \w \s \b are ASCII), newline LF (PCRE2's default: `.` excludes only \n, `$`
 * also matches before a final \n), an unanchored search like pcre2_match() from offset 0.
 * Facts from pcre2pattern(3) and pcre2unicode(3) (PCRE2Project/pcre2, doc/); see pcre/*.ts.
 */
export interface PcreRegex {
  readonly source: string;
  /** Throws PcreStepBudgetExceeded when the search needs more steps than the budget. */
  test(text: string): boolean;
  search(text: string): SearchResult;
}

export interface PcreOptions {
  /** Steps (instructions executed) one search may take before it gives up. */
  readonly stepBudget?: number;
}

/** Enough for every emitted pattern on a 100 KB value; a search costs instructions × length. */
export const DEFAULT_STEP_BUDGET = 20_000_000;

/** Throws PcreSyntaxError for a pattern outside the modelled subset. */
export function compilePcre(source: string, options: PcreOptions = {}): PcreRegex {
  const program: Program = compileProgram(parsePcre(source));
  const budget = options.stepBudget ?? DEFAULT_STEP_BUDGET;
  const search = (text: string): SearchResult => searchProgram(program, text, budget);
  return { source, search, test: (text) => search(text).matched };
}

/** For the SPL reader: a pattern outside the subset is a ParseError at its offset. */
export function pcreToSearch(
  source: string,
  at: (offset: number, reason: string) => ParseError,
): PcreRegex {
  try {
    return compilePcre(source);
  } catch (e) {
    if (e instanceof PcreSyntaxError) throw at(e.offset, e.reason);
    throw e;
  }
}
