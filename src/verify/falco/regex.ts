import { createRequire } from "node:module";
import type { RE2JS as RE2JSClass } from "re2js";

/**
 * Falco's `regex` operator as libsinsp runs it (falcosecurity/libs sinsp_filtercheck.cpp since
 * libs 0.18): each value is compiled with `re2::RE2(value, RE2::POSIX)` (a compile error refuses the
 * rules file: "invalid regex pattern") and matched with ANCHOR_BOTH, i.e. the whole field value.
 * RE2's POSIX mode leaves out the Perl extensions: no `(?…)` groups or flags, no lazy quantifiers,
 * no `\d \s \w \b \A \z \C \Q \E \p`; one_line is off, so `^`/`$` also match at line breaks.
 * Here: the pattern is checked for those constructs, then RE2JS (the same RE2 syntax in Perl mode,
 * with `(?m)` standing for one_line off) decides a whole-value match.
 */
let loaded: typeof RE2JSClass | undefined;
function re2js(): typeof RE2JSClass {
  loaded ??= (createRequire(import.meta.url)("re2js") as { RE2JS: typeof RE2JSClass }).RE2JS;
  return loaded;
}

export class RegexRefused extends Error {}

const PERL_ONLY_ESCAPES = new Set([..."dDsSwWbBAzCQEpPG"]);

/** Throws RegexRefused where RE2 in POSIX mode refuses the pattern. */
function checkPosix(p: string): void {
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === "\\") {
      const e = p[i + 1];
      if (e === undefined) throw new RegexRefused("trailing \\");
      if (PERL_ONLY_ESCAPES.has(e) || /[0-9]/.test(e))
        throw new RegexRefused(`invalid escape sequence: \\${e}`);
      i++;
      continue;
    }
    if (inClass) {
      if (c === "[" && p[i + 1] === ":") {
        const end = p.indexOf(":]", i + 2);
        if (end > 0) i = end + 1;
        continue;
      }
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") {
      inClass = true;
      if (p[i + 1] === "^") i++;
      if (p[i + 1] === "]") i++;
      continue;
    }
    if (c === "(" && p[i + 1] === "?")
      throw new RegexRefused("missing argument to repetition operator: ?");
    if ((c === "*" || c === "+" || c === "?" || c === "}") && /[*+?]/.test(p[i + 1] ?? ""))
      throw new RegexRefused(`bad repetition operator: ${c}${p[i + 1]}`);
  }
}

/** The whole-value matcher of one `regex` operand (RegexRefused when Falco would not load it). */
export function compileFalcoRegex(pattern: string): (value: string) => boolean {
  checkPosix(pattern);
  let re: ReturnType<typeof RE2JSClass.compile>;
  try {
    re = re2js().compile(`(?m)${pattern}`);
  } catch (e) {
    throw new RegexRefused(`invalid regex pattern: ${(e as Error).message}`);
  }
  return (value) => re.matcher(value).matches();
}
