import { describe, expect, it } from "vitest";
import { luceneGlob, luceneSearch } from "../../src/backends/elastic/lucene-regex.js";
import { compilePredicate } from "../../src/sigma/evaluate.js";
import { RegexpSyntaxError, compileLuceneRegexp } from "../../src/verify/lucene/regexp.js";
import { compileWildcard } from "../../src/verify/lucene/wildcard.js";

/**
 * Lucene's RegExp as the verifier reads it, and the backend's writing of rule regexes into it:
 * a written regex, read back, must mean what the rule's JavaScript regex means.
 */

describe("Lucene regexp (verifier)", () => {
  it("matches the whole value, code point by code point", () => {
    const re = compileLuceneRegexp("a.c");
    expect(re("abc")).toBe(true);
    expect(re("xabc")).toBe(false);
    expect(compileLuceneRegexp("a.")("a😀")).toBe(true);
  });

  it("reads classes, ranges, negation, repeats, groups, alternation and quoted strings", () => {
    expect(compileLuceneRegexp("[a-c]+")("abcab")).toBe(true);
    expect(compileLuceneRegexp("[^a-c]")("d")).toBe(true);
    expect(compileLuceneRegexp("(ab){2,3}")("ababab")).toBe(true);
    expect(compileLuceneRegexp("(ab){2,3}")("ab")).toBe(false);
    expect(compileLuceneRegexp("x|yz")("yz")).toBe(true);
    expect(compileLuceneRegexp('"a.b"')("a.b")).toBe(true);
    expect(compileLuceneRegexp('"a.b"')("axb")).toBe(false);
  });

  it("^ and $ are plain characters; \\ escapes one character", () => {
    expect(compileLuceneRegexp("^a$")("^a$")).toBe(true);
    expect(compileLuceneRegexp("\\.")(".")).toBe(true);
    expect(compileLuceneRegexp("\\.")("x")).toBe(false);
  });

  it("regex~ folds ASCII letters only", () => {
    expect(compileLuceneRegexp("abc", true)("ABC")).toBe(true);
    expect(compileLuceneRegexp("é", true)("É")).toBe(false);
  });

  it("operators outside the modelled subset are errors at their offset", () => {
    for (const [source, offset] of [
      ["a&b", 1],
      ["~a", 0],
      ["a@", 1],
      ["#", 0],
      ["<1-5>", 0],
      ["\\d", 0],
      ["a|", 2],
    ] as const) {
      let error: unknown;
      try {
        compileLuceneRegexp(source);
      } catch (e) {
        error = e;
      }
      expect(error, source).toBeInstanceOf(RegexpSyntaxError);
      expect((error as RegexpSyntaxError).offset, source).toBe(offset);
    }
  });

  it("the wildcard matcher folds ASCII only when asked", () => {
    expect(compileWildcard([{ kind: "text", text: "ab" }, { kind: "any" }], true)("ABc")).toBe(
      true,
    );
    expect(compileWildcard([{ kind: "text", text: "é" }], true)("É")).toBe(false);
    expect(compileWildcard([{ kind: "one" }], false)("😀")).toBe(true);
  });
});

describe("rule regexes written as Lucene regexes", () => {
  const CASES: readonly { source: string; i?: boolean; s?: boolean; values: string[] }[] = [
    { source: "^curl/", values: ["curl/8", "xcurl/", "curl", ""] },
    { source: "a.c", values: ["abc", "a\nc", "zzabczz", "ac"] },
    { source: "a.c", s: true, values: ["a\nc", "abc"] },
    { source: "\\d{3}$", values: ["403", "x4031", "40"] },
    { source: "(?:x|y)z", values: ["xz", "ayz", "zz"] },
    { source: "^(create|get)$", values: ["create", "get", "getx", ""] },
    { source: "[^a-z]", values: ["abc", "aBc", ""] },
    { source: "\\s\\w", values: [" a", "\ta", "a "] },
    { source: "KEY", i: true, values: ["key", "K\u212aey".slice(1), "kEy", "\u212aey"] },
    { source: "[k-m]x", i: true, values: ["Kx", "\u212ax", "nx"] },
    { source: "\\*\\?\"'#@&<>~", values: ["*?\"'#@&<>~", "x"] },
    { source: "", values: ["", "x"] },
  ];

  it.each(CASES)("/$source/ reads back with the JavaScript meaning", ({ source, i, s, values }) => {
    const flags = { i: i ?? false, m: false, s: s ?? false };
    const written = luceneSearch(source, flags);
    if (!written.ok) throw new Error(written.reason);
    const lucene = compileLuceneRegexp(written.source);
    const sigma = compilePredicate({
      kind: "match",
      field: "f",
      test: { kind: "regex", source, flags },
      origin: { offset: 0, length: 0, line: 1, col: 1 },
    });
    for (const v of values)
      expect(lucene(v), `${written.source} on ${JSON.stringify(v)}`).toBe(sigma({ f: v }));
  });

  it("refuses what has no Lucene form", () => {
    for (const source of ["(?=a)b", "(a)\\1", "\\bword", "a^b", "\\p{L}"])
      expect(luceneSearch(source, { i: false, m: false, s: false }).ok, source).toBe(false);
    expect(luceneSearch("^a", { i: false, m: true, s: false }).ok).toBe(false);
  });

  it("a case-sensitive glob is escaped text with .* and .", () => {
    const written = luceneGlob([{ kind: "text", text: "a.b*" }, { kind: "any" }, { kind: "one" }]);
    const re = compileLuceneRegexp(written);
    expect(re("a.b*xyz!")).toBe(true);
    expect(re("a.b*")).toBe(false);
    expect(re("axb*xyz!")).toBe(false);
  });
});
