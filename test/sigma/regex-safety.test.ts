import { describe, expect, it } from "vitest";
import { MAX_ANALYZED_LENGTH, checkRegexSafety } from "../../src/sigma/regex-safety.js";
import { corpusRegexes } from "../helpers/corpus-regexes.js";
import { HAVE_CORPUS, corpusTitle } from "../helpers/shared-data.js";

describe("checkRegexSafety: classic catastrophic patterns", () => {
  // Each would take exponential (or n^20) time on a 100 KB non-matching input; they must never run.
  const classic: readonly [string, number][] = [
    ["(a+)+$", 0],
    ["(a|a)*$", 0],
    ["(a|aa)+$", 0],
    ["(.*a){20}", 0],
    ["^(([a-z])+.)+[A-Z]([a-z])+$", 1],
    ["(\\w+\\s?)+$", 0],
    ["x(?:[a-z]{1,3})+y", 1],
    ["((a)\\2)+", 4],
    ["(?=(a*)*b)", 3],
  ];
  for (const [pattern, offset] of classic) {
    it(`rejects ${pattern} at offset ${offset}`, () => {
      const r = checkRegexSafety(pattern);
      expect(r).toMatchObject({ safe: false, offset });
    });
  }

  it("says which shape it found", () => {
    expect(checkRegexSafety("(a+)+$")).toMatchObject({ reason: /nested quantifier/ });
    expect(checkRegexSafety("(a|aa)+$")).toMatchObject({ reason: /alternation/ });
    expect(checkRegexSafety("(x(y)\\2)*")).toMatchObject({ reason: /backreference/ });
  });

  // An exponential analysis (or one recursing per character) never returns on these sources
  // before the hang guard (vitest's timeout); nothing is timed.
  it("answers on 100 KB hostile pattern sources", () => {
    const sources: readonly [string, boolean][] = [
      ["(a+)+".repeat(16_000).slice(0, MAX_ANALYZED_LENGTH), false],
      ["(".repeat(50_000) + "a" + ")".repeat(50_000), false],
      ["a".repeat(100_000), false],
      ["[a-z]".repeat(3_000) + "+", true],
      ["(?:a|b)".repeat(2_800) + "*", true],
      ["(?:a|ab)".repeat(2_400) + "*", false],
    ];
    for (const [source, expected] of sources) {
      const r = checkRegexSafety(source);
      expect(r.safe).toBe(expected);
    }
  });

  it("counts case-insensitive overlap only when asked", () => {
    expect(checkRegexSafety("(?:[a-z]+[A-Z])+").safe).toBe(true);
    expect(checkRegexSafety("(?:[a-z]+[A-Z])+", { ignoreCase: true }).safe).toBe(false);
  });
});

describe("checkRegexSafety: patterns that are safe", () => {
  const safe = [
    "(\\d+\\.){3}\\d+",
    "(?:[^,]+,)+x",
    "(?:GET|POST|PUT)+",
    "(?:foo|fob)+",
    "(a+b+)+",
    "^system:serviceaccount:[a-z0-9-]+:[a-z0-9-]+$",
    "(?:25[0-5]|(?:2[0-4]|1\\d|[1-9])?\\d)(?:\\.|\\b){4}",
    "(\\d{1,3}\\.?){4}",
    "([0-9a-f]{2}\\s?){2,20}",
    "\\\\(?:[a-z]+\\\\)+cmd\\.exe",
    "[\\u0041-\\u005a]+[\\x30-\\x39]",
    "(?<year>\\d{4})-(?<month>\\d{2})",
  ];
  for (const pattern of safe) {
    it(`accepts ${pattern}`, () => expect(checkRegexSafety(pattern)).toEqual({ safe: true }));
  }
});

describe.skipIf(!HAVE_CORPUS)(corpusTitle("checkRegexSafety on the SigmaHQ corpus"), () => {
  it("accepts almost every real |re pattern and rejects only genuine nested quantifiers", () => {
    const patterns = corpusRegexes();
    expect(patterns.length).toBeGreaterThan(150);
    const rejected = patterns.filter((p) => !checkRegexSafety(p.source, p).safe);
    // Measured: 3 of 217, all the Invoke-Obfuscation pattern `(?:.*\)){1,}` (a `.*` that can
    // swallow the `)` each iteration ends with: a real exponential split).
    expect(rejected.length / patterns.length).toBeLessThan(0.03);
    for (const r of rejected) expect(r.source).toContain("(?:.*\\)){1,}");
  });
});
