import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compilePcre, PcreStepBudgetExceeded, PcreSyntaxError } from "../../src/verify/spl/pcre.js";
import { caseEquivalents, caseFold } from "../../src/verify/spl/pcre/casefold.js";

/**
 * The SPL interpreter's own PCRE2 model (UTF, no UCP, newline LF). Where PCRE2 and JavaScript
 * agree, random patterns must give JavaScript's answer; where they differ, the tables say what
 * PCRE2's documentation (pcre2pattern(3), pcre2unicode(3)) says.
 */

const test = (pattern: string, subject: string): boolean => compilePcre(pattern).test(subject);

describe("PCRE2 where it differs from JavaScript", () => {
  const TABLE: readonly [pattern: string, subject: string, pcre: boolean, why: string][] = [
    ["\\s", "\u00a0", false, "\\s is HT LF VT FF CR space only (JS: any Unicode space)"],
    ["\\s", "\u2028", false, "LINE SEPARATOR is not \\s without UCP"],
    ["\\s", "\ufeff", false, "BOM is not \\s"],
    ["\\s", "\u000b", true, "VT is \\s in PCRE2"],
    ["\\S", "\u00a0", true, "and so \\S takes NBSP"],
    ["\\w", "é", false, "\\w is ASCII without UCP"],
    ["\\W", "é", true, "\\W takes every non-ASCII character"],
    ["(?i)\\w", "\u017f", false, "(?i) does not widen \\w (JS /\\w/iu matches LONG S)"],
    ["(?i)\\w", "\u212a", false, "nor to the KELVIN SIGN"],
    ["(?i)a\\b", "a\u017f", true, "so \\b sees a boundary before LONG S (JS /a\\b/iu does not)"],
    ["\\d", "\u0663", false, "\\d is ASCII digits only"],
    ["a\\z", "a\n", false, "\\z is the very end"],
    ["a\\Z", "a\n", true, "\\Z also before a final newline"],
    ["a$", "a\n", true, "$ also before a final newline (JS: end only)"],
    ["a$", "a\n\n", false, "but only the final one"],
    ["a$", "a\nb", false, "and not before an inner one without (?m)"],
    ["(?m)a$", "a\nb", true, "(?m)$ before any newline"],
    ["(?m)^b", "a\nb", true, "(?m)^ after an inner newline"],
    ["(?m)\\n^", "a\n", false, "(?m)^ never after a newline that ends the subject (JS: it does)"],
    [".", "\r", true, ". excludes only LF under the LF newline convention (JS: CR too)"],
    [".", "\u2028", true, "and LINE SEPARATOR is just a character"],
    [".", "\n", false, ". excludes LF"],
    ["(?s).", "\n", true, "unless (?s)"],
    ["^a", "\na", false, "^ without (?m) is the start only"],
    ["(?i)k", "\u212a", true, "Unicode case-equivalence in UTF mode: k = K = KELVIN SIGN"],
    ["(?i)s", "\u017f", true, "s = S = LONG S"],
    ["(?i)[a-z]", "\u212a", true, "a caseless range holds every case of its letters"],
    ["(?i)[^k]", "\u212a", false, "and a negated class rejects them"],
    ["k", "\u212a", false, "without (?i) a character is itself"],
    ["(?i)ß", "\u1e9e", true, "ß = ẞ (simple case folding)"],
    ["(?i)ß", "ss", false, "never one character to two"],
    ["(?i)σ", "ς", true, "σ = Σ = ς"],
    ["(?i)i", "\u0130", false, "İ is only itself"],
    ["(?i)\u0131", "I", false, "ı is only itself (a JS round trip through upper case says I)"],
    ["a++a", "aaa", false, "a possessive quantifier gives nothing back"],
    ["a*+b", "aab", true, "but still matches what follows"],
    ["(?>a|ab)c", "abc", false, "an atomic group keeps its first match"],
    ["(?>a|ab)c", "ac", true, ""],
    ["a+?b", "aab", true, "lazy quantifiers still find the match"],
    ["(?i:a)b", "AB", false, "a scoped option ends with its group"],
    ["(?i:a)b", "Ab", true, ""],
    ["(a(?i)b)c", "aBc", true, "an option set inside a group lasts to its end (pcre2pattern)"],
    ["(a(?i)b)c", "abC", false, ""],
    ["(a(?i)b|c)", "C", true, "and carries into later alternatives (pcre2pattern's example)"],
    ["(?i)a(?-i)b", "Ab", true, "(?-i) unsets"],
    ["(?i)a(?-i)b", "AB", false, ""],
    ["(?x) a  b # a comment\n c", "abc", true, "(?x) ignores white space and # comments"],
    ["(?x)[ ]", " ", true, "but not inside a class"],
    ["\\Q.*\\E", ".*", true, "\\Q…\\E quotes"],
    ["\\Q.*\\E", "ab", false, ""],
    ["\\Qab\\E+", "abbb", true, "a quantifier after \\E repeats the last quoted character"],
    ["\\x{212a}", "\u212a", true, "\\x{…} is a code point"],
    ["\\x41\\x{1F600}", "A\u{1f600}", true, "\\xhh and astral code points"],
    ["^.$", "\u{1f600}", true, "one character is one code point in UTF mode"],
    ["(?<=ab|c)d", "cd", true, "lookbehind alternatives of different fixed lengths"],
    ["(?<=ab|c)d", "bd", false, ""],
    ["(?<![a-z])x", "1x", true, ""],
    ["a(?=b)", "ab", true, ""],
    ["a(?!b)", "ab", false, ""],
    ["[]a]", "]", true, "] first in a class is literal"],
    ["[^]a]", "b", true, ""],
    ["[a-]", "-", true, "- last in a class is literal"],
    ["[\\b]", "\b", true, "\\b in a class is backspace"],
    ["a{2,3}", "aa", true, ""],
    ["^a{2,3}$", "aaaa", false, ""],
    ["a{,3}x", "a{,3}x", false, "refused below: {,n} changed meaning in PCRE2 10.43"],
  ];
  for (const [pattern, subject, pcre, why] of TABLE.filter(([p]) => !p.includes("{,"))) {
    it(`/${pattern}/ on ${JSON.stringify(subject)} is ${pcre}${why ? `: ${why}` : ""}`, () => {
      expect(test(pattern, subject)).toBe(pcre);
    });
  }
});

describe("outside the model: a PcreSyntaxError at the offending offset", () => {
  const REFUSED: readonly [string, number][] = [
    ["(a)\\1", 3],
    ["(?<n>a)\\k<n>", 7],
    ["\\p{L}", 0],
    ["a\\R", 1],
    ["\\G", 0],
    ["x(?<=a+)b", 1],
    ["(?<=a(b|cd))x", 0],
    ["[[:alpha:]]", 1],
    ["(*UCP)\\w", 0],
    ["(?(1)a|b)", 0],
    ["(?R)", 0],
    ["a{,3}", 1],
    ["(?U)a*", 0],
    ["\\b*", 0],
    ["a**", 2],
    ["[z-a]", 2],
    ["(a", 0],
    ["a)", 1],
    ["\\x{d800}", 0],
    ["abc\\", 3],
  ];
  for (const [pattern, offset] of REFUSED) {
    it(`/${pattern}/ at ${offset}`, () => {
      let error: unknown;
      try {
        compilePcre(pattern);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PcreSyntaxError);
      expect((error as PcreSyntaxError).offset).toBe(offset);
    });
  }
});

describe("PCRE2 agrees with JavaScript on the ASCII subset", () => {
  interface Rendered {
    readonly pcre: string;
    readonly js: string;
    /** Every match has this many characters (lookbehind bodies need one). */
    readonly fixed: number | undefined;
  }
  let names = 0;
  const lit = (pcre: string, js = pcre): Rendered => ({ pcre, js, fixed: 1 });
  const zero = (pcre: string, js: string): Rendered => ({ pcre, js, fixed: 0 });
  const char = fc.oneof(
    fc.constantFrom("a", "b", "A", "B", "0", "_", "-", " ").map((c) => lit(c)),
    fc.constantFrom("\\t", "\\n", "\\.", "\\*").map((c) => lit(c)),
    fc.constantFrom("\\d", "\\D", "\\w", "\\W", "\\s", "\\S").map((c) => lit(c)),
    fc
      .constantFrom("[ab]", "[^a0]", "[a-c]", "[\\d_]", "[\\s-]", "[^\\W]", "[A-Z]")
      .map((c) => lit(c)),
    fc.constant(lit(".", "[^\\n]")),
  );
  const anchor = fc.constantFrom(
    zero("\\A", "^"),
    zero("\\z", "$"),
    zero("\\Z", "(?=\\n?$)"),
    zero("$", "(?=\\n?$)"),
    // Scoped, so that (?m) does not reach the anchors after it.
    zero("(?m:$)", "(?=\\n|$)"),
    zero("(?m:^)", "(?:^|(?<=\\n)(?!$))"),
    zero("\\b", "\\b"),
    zero("\\B", "\\B"),
  );
  const seq = (items: readonly Rendered[]): Rendered => ({
    pcre: items.map((r) => r.pcre).join(""),
    js: items.map((r) => r.js).join(""),
    fixed: items.every((r) => r.fixed !== undefined)
      ? items.reduce((n, r) => n + r.fixed!, 0)
      : undefined,
  });
  const group = (r: Rendered, capture: boolean): Rendered =>
    capture
      ? { pcre: `(${r.pcre})`, js: `(${r.js})`, fixed: r.fixed }
      : { pcre: `(?:${r.pcre})`, js: `(?:${r.js})`, fixed: r.fixed };
  const quantify = (r: Rendered, q: string, lazy: boolean): Rendered => {
    const suffix = q + (lazy ? "?" : "");
    return { pcre: `(?:${r.pcre})${suffix}`, js: `(?:${r.js})${suffix}`, fixed: undefined };
  };
  /** JavaScript has no atomic group; (?=(X))\k<n> is one (lookaheads are atomic). */
  const atomic = (r: Rendered): Rendered => {
    const name = `g${names++}`;
    return { pcre: `(?>${r.pcre})`, js: `(?=(?<${name}>${r.js}))\\k<${name}>`, fixed: r.fixed };
  };
  const possessive = (r: Rendered, q: string): Rendered => {
    const name = `g${names++}`;
    return {
      pcre: `(?:${r.pcre})${q}+`,
      js: `(?=(?<${name}>(?:${r.js})${q}))\\k<${name}>`,
      fixed: undefined,
    };
  };
  const tree = fc.letrec<{ node: Rendered }>((tie) => ({
    node: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      char,
      char,
      anchor,
      fc.array(tie("node"), { minLength: 2, maxLength: 4 }).map(seq),
      fc
        .array(tie("node"), { minLength: 2, maxLength: 3 })
        .map((items) => ({
          pcre: items.map((r) => r.pcre).join("|"),
          js: items.map((r) => r.js).join("|"),
          fixed: undefined,
        }))
        .map((r) => group(r, false)),
      fc.tuple(tie("node"), fc.boolean()).map(([r, c]) => group(r, c)),
      fc
        .tuple(tie("node"), fc.constantFrom("*", "+", "?", "{2}", "{1,3}", "{0,}"), fc.boolean())
        .map(([r, q, lazy]) => quantify(r, q, lazy)),
      tie("node").map(atomic),
      fc.tuple(tie("node"), fc.constantFrom("*", "+", "?")).map(([r, q]) => possessive(r, q)),
      fc
        .tuple(tie("node"), fc.boolean())
        .map(([r, neg]) => zero(`(?${neg ? "!" : "="}${r.pcre})`, `(?${neg ? "!" : "="}${r.js})`)),
      fc.tuple(fc.array(char, { minLength: 1, maxLength: 3 }), fc.boolean()).map(([cs, neg]) => {
        const body = seq(cs);
        const op = neg ? "<!" : "<=";
        return zero(`(?${op}${body.pcre})`, `(?${op}${body.js})`);
      }),
    ),
  })).node;
  const flags = fc.record({ i: fc.boolean(), s: fc.boolean() });
  const subject = fc.string({
    unit: fc.constantFrom("a", "b", "A", "B", "0", "_", "-", " ", "\t", "\n", ".", "*"),
    maxLength: 10,
  });

  it("on random patterns and subjects", () => {
    fc.assert(
      fc.property(
        tree,
        flags,
        fc.array(subject, { minLength: 1, maxLength: 8 }),
        (r, f, subjects) => {
          const lead = (f.i ? "i" : "") + (f.s ? "s" : "");
          // (?s) only changes `.`, which the JS side spells [^\n]; with s it is [\s\S].
          const js = f.s ? r.js.replaceAll("[^\\n]", "[\\s\\S]") : r.js;
          const pcre = (lead ? `(?${lead})` : "") + r.pcre;
          const re = new RegExp(js, f.i ? "iu" : "u");
          const model = compilePcre(pcre);
          // A final newline is where PCRE2's anchors differ most: every subject also gets one.
          for (const s of subjects.flatMap((one) => [one, one + "\n"])) {
            expect(model.test(s), `/${pcre}/ vs /${js}/ on ${JSON.stringify(s)}`).toBe(re.test(s));
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe("caseless matching: the fold agrees with Unicode simple case folding on every code point", () => {
  // JavaScript's /…/iu compares simple case folds (ECMA-262 Canonicalize: CaseFolding.txt C+S),
  // the same table PCRE2's caseless sets come from.
  const escape = (cp: number): string => `\\u{${cp.toString(16)}}`;
  const cased: number[] = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const s = String.fromCodePoint(cp);
    if (s.toLowerCase() !== s || s.toUpperCase() !== s || caseFold(cp) !== cp) cased.push(cp);
  }

  it("every character is caselessly equal to its fold, and listed among its equivalents", () => {
    for (const cp of cased) {
      const f = caseFold(cp);
      expect(new RegExp(`^${escape(f)}$`, "iu").test(String.fromCodePoint(cp)), escape(cp)).toBe(
        true,
      );
      expect(caseEquivalents(cp), escape(cp)).toContain(f);
      expect(caseEquivalents(f), escape(cp)).toContain(cp);
    }
  });

  it("characters with different folds are never caselessly equal", () => {
    const folds = [...new Set(cased.map(caseFold))];
    const all = folds.map((f) => String.fromCodePoint(f)).join("");
    for (const f of folds) {
      const hits = all.match(new RegExp(escape(f), "giu")) ?? [];
      expect(hits.length, escape(f)).toBe(1);
    }
  });
});

describe("bounded work: every step is counted", () => {
  const steps = (pattern: string, subject: string): number =>
    compilePcre(pattern).search(subject).steps;

  it("catastrophic shapes for a plain backtracker grow linearly here", () => {
    for (const [pattern, unit] of [
      ["(a*)*b", "a"],
      ["(a|a)*$b", "a"],
      ["(x+x+)+y", "x"],
      ["(?:.*a){3}x", "a"],
      ["^(\\s*,\\s*)*$", " ,"],
    ] as const) {
      const n = 2000;
      const one = steps(pattern, unit.repeat(n));
      const two = steps(pattern, unit.repeat(2 * n));
      expect(two, pattern).toBeLessThanOrEqual(2 * one + 100);
      expect(one, pattern).toBeGreaterThan(n);
    }
  });

  it("gives up past its step budget with a clear error, and within it answers", () => {
    const tight = compilePcre("(?:a|b)*c", { stepBudget: 1_000 });
    expect(() => tight.test("ab".repeat(1_000))).toThrow(PcreStepBudgetExceeded);
    expect(() => tight.test("ab".repeat(1_000))).toThrow(/more than 1000 steps/);
    expect(tight.test("abc")).toBe(true);
  });
});
