import { describe, expect, it } from "vitest";
import type { RegexFlags } from "../../src/ir.js";
import { compileRegexSearch, regexFlags } from "../../src/sigma/eval-regex.js";
import { compilesAsUnicode, translateToRe2 } from "../../src/sigma/regex-engine.js";
import { corpusRegexes } from "../helpers/corpus-regexes.js";
import { HAVE_CORPUS, corpusTitle } from "../helpers/shared-data.js";

const NONE: RegexFlags = { i: false, m: false, s: false };
const FLAG_SETS: readonly RegexFlags[] = [
  NONE,
  { i: true, m: false, s: false },
  { i: false, m: true, s: true },
  { i: true, m: true, s: true },
];

/** The meaning the engine must keep: V8's RegExp with the flags the JS backend emits. */
function v8(source: string, flags: RegexFlags): RegExp {
  return new RegExp(source, regexFlags(source, flags)!);
}

function search(source: string, flags: RegexFlags = NONE) {
  const c = compileRegexSearch(source, flags);
  if (!c.ok) throw new Error(c.message);
  return c.search;
}

/** Texts where JavaScript and RE2 are known to differ unless the translation takes care. */
const TRICKY = [
  "",
  "a",
  "A",
  "k",
  "K",
  "\u212a", // KELVIN SIGN: folds to k under iu only; a word character under iu
  "s",
  "\u017f", // LATIN SMALL LONG S: folds to s under iu only
  "\u00df",
  "\u1e9e",
  "\u0130",
  "\u0131",
  "\u00e5",
  "\u212b",
  "\n",
  "\r",
  "\u2028",
  "\u2029",
  "\v",
  "\u00a0",
  "\ufeff",
  "\u3000",
  " ",
  "\t",
  "0",
  "_",
  "-",
  "\ud83d\ude00", // one astral code point, two code units
  "\ud83d", // a lone surrogate
  "\ude00",
  "x",
  "\\",
];

function texts(): string[] {
  const out = [...TRICKY];
  for (const a of TRICKY) for (const b of TRICKY) out.push(a + b, `x${a}y${b}z`);
  return out;
}

describe("RE2 translation keeps JavaScript's meaning", () => {
  const patterns = [
    ".",
    "^.$",
    "^..$",
    "\\s",
    "\\S",
    "^\\s+$",
    "\\w",
    "\\W",
    "\\bk",
    "s\\b",
    "\\Bx",
    "[^k]",
    "[k]",
    "[\\W]",
    "[^\\W]",
    "[\\S\\d]",
    "[^\\s\\w]",
    "k",
    "\u212a",
    "\u017f",
    "\u00df",
    "^\\d$",
    "[a-z]",
    "[^a-z]",
    "x.y",
    "^x",
    "y$",
    "^$",
    "a$|^z",
    "[\\ud83d]",
    "\\ud83d\\ude00",
    "\\u{1f600}",
    "[\\u{1f600}-\\u{1f64f}]",
    "\\x41",
    "\\cJ",
    "\\0",
    "[\\b]",
    "(?<n>k)\\w?",
    "x(?=y)",
    "(?<=x)y",
    "(?<=^|\\s)k",
    '\\"',
    "\\-",
    "]",
    "a{",
    "{x}",
    "x{2,}",
    "(?:a|b)+?z",
  ];
  const all = texts();
  for (const source of patterns) {
    for (const flags of FLAG_SETS) {
      const f = regexFlags(source, flags);
      if (f === undefined) continue;
      it(`/${source}/${f}`, () => {
        const t = translateToRe2(source, flags, f.includes("u"));
        expect(t.ok, JSON.stringify(t)).toBe(true);
        const re = v8(source, flags);
        const s = search(source, flags);
        expect(s.engine).toBe("re2");
        const wrong = all.filter((text) => re.test(text) !== s.test(text));
        expect(wrong.map((w) => JSON.stringify(w))).toEqual([]);
      });
    }
  }

  it("non-u case folding is JavaScript's toUpperCase rule, not Unicode folding", () => {
    // `\-` makes the pattern compile only without u.
    const s = search("\\-k", { i: true, m: false, s: false });
    expect(s.test("-K")).toBe(true);
    expect(s.test("-\u212a")).toBe(false);
    expect(search("k", { i: true, m: false, s: false }).test("\u212a")).toBe(true); // u mode
  });

  it("a non-u pattern sees code units: '.' matches half of an astral character", () => {
    expect(search("\\-.$").test("-\ud83d\ude00")).toBe(false);
    expect(search("\\-..$").test("-\ud83d\ude00")).toBe(true);
    expect(new RegExp("\\-..$").test("-\ud83d\ude00")).toBe(true);
    expect(search("^.$").test("\ud83d\ude00")).toBe(true); // u mode: one code point
  });

  it("with m, ^ and $ see all four JavaScript line terminators", () => {
    const m = { i: false, m: true, s: false };
    expect(search("^b", m).test("a\rb")).toBe(true);
    expect(search("a$", m).test("a\u2028b")).toBe(true);
    expect(search("^b", NONE).test("a\rb")).toBe(false);
  });
});

describe("constructs without an RE2 form", () => {
  const cases: readonly [string, string, number][] = [
    ["(a)\\1", "a backreference or octal escape", 3],
    ["(?<x>a)\\k<x>", "a backreference", 7],
    ["x(?=y)z", "a lookahead before more pattern", 1],
    ["x(?!y)", "a negative lookahead", 1],
    ["(?<!x)y", "a negative lookbehind", 0],
    ["\\p{L}", "a Unicode property escape", 0],
    ["a{1001}", "a repetition count above 1000", 1],
  ];
  for (const [source, construct, offset] of cases) {
    it(`${source}: ${construct} at ${offset}`, () => {
      expect(translateToRe2(source, NONE, compilesAsUnicode(source))).toEqual({
        ok: false,
        construct,
        offset,
      });
    });
  }

  it("'$' before more pattern is only a problem with the m flag", () => {
    expect(translateToRe2("a$b", NONE, true).ok).toBe(true);
    expect(translateToRe2("a$b", { i: false, m: true, s: false }, true)).toEqual({
      ok: false,
      construct: "'$' with the m flag before more pattern",
      offset: 1,
    });
  });

  it("runs them on V8 when its work is bounded, and refuses them otherwise", () => {
    const bounded = compileRegexSearch("(a)\\1x{1,3}", NONE);
    expect(bounded.ok && bounded.search.engine).toBe("v8");
    expect(bounded.ok && bounded.search.test("zaaxx")).toBe(true);
    const unbounded = compileRegexSearch("x(?!y).*z", NONE);
    expect(unbounded).toMatchObject({ ok: false, code: "REGEX_UNSAFE" });
    expect(compileRegexSearch("(", NONE)).toMatchObject({ ok: false, code: "REGEX_INVALID" });
  });
});

describe.skipIf(!HAVE_CORPUS)(corpusTitle("every SigmaHQ |re pattern"), () => {
  it("translates to RE2 and agrees with V8 on texts built from the pattern's own pieces", () => {
    const patterns = corpusRegexes().map((r) => r.source);
    expect(patterns.length).toBe(217);
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (const source of patterns) {
      const pieces = [
        ...(source.replace(/\\(.)/g, "$1").match(/[^[\]()|*+?{}^$.]+/g) ?? []),
        ...TRICKY,
      ];
      for (const flags of FLAG_SETS) {
        const t = translateToRe2(source, flags, compilesAsUnicode(source));
        expect(t.ok, source).toBe(true);
        const re = v8(source, flags);
        const s = search(source, flags);
        for (let k = 0; k < 150; k++) {
          let text = "";
          for (let j = random(10); j > 0; j--) {
            const p = pieces[random(pieces.length)]!;
            text += random(3) === 0 ? p.toUpperCase() : p.slice(random(Math.max(1, p.length)));
          }
          if (re.test(text) !== s.test(text))
            expect({ source, flags, text, v8: re.test(text) }).toBe("in agreement");
        }
      }
    }
  });
});
