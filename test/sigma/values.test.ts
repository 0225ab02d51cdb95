import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  containsPattern,
  endswithPattern,
  parseSigmaString,
  startswithPattern,
} from "../../src/sigma/values.js";
import { normalizePattern, patternToSigma, type Part } from "../../src/ir.js";

const text = (t: string) => ({ kind: "text", text: t }) as const;
const ANY = { kind: "any" } as const;
const ONE = { kind: "one" } as const;

describe("Sigma string values", () => {
  it("reads * and ? as wildcards", () => {
    expect(parseSigmaString("a*b?c")).toEqual([text("a"), ANY, text("b"), ONE, text("c")]);
  });

  it("reads \\*, \\? and \\\\ as literal characters", () => {
    expect(parseSigmaString("a\\*b\\?c\\\\d")).toEqual([text("a*b?c\\d")]);
  });

  it("keeps any other backslash literally, also a trailing one", () => {
    expect(parseSigmaString("C:\\Windows\\")).toEqual([text("C:\\Windows\\")]);
  });

  it("an escaped backslash before * leaves the * a wildcard", () => {
    expect(parseSigmaString("a\\\\*")).toEqual([text("a\\"), ANY]);
  });

  it("the empty string is the empty pattern", () => {
    expect(parseSigmaString("")).toEqual([]);
  });

  it("contains of C:\\ keeps the trailing backslash a literal (pySigma #431)", () => {
    expect(containsPattern(parseSigmaString("C:\\"))).toEqual([ANY, text("C:\\"), ANY]);
  });

  it("does not double wildcards already present", () => {
    expect(containsPattern(parseSigmaString("*x*"))).toEqual([ANY, text("x"), ANY]);
    expect(startswithPattern(parseSigmaString("x*"))).toEqual([text("x"), ANY]);
    expect(endswithPattern(parseSigmaString("*x"))).toEqual([ANY, text("x")]);
  });

  it("an escaped trailing * is text, so startswith still adds a wildcard", () => {
    expect(startswithPattern(parseSigmaString("x\\*"))).toEqual([text("x*"), ANY]);
  });

  it("round-trips through patternToSigma", () => {
    for (const s of ["a*b?c", "a\\*b", "C:\\x\\", "\\?", "plain"]) {
      expect(parseSigmaString(patternToSigma(parseSigmaString(s)))).toEqual(parseSigmaString(s));
    }
    expect(patternToSigma(parseSigmaString("C:\\x\\"))).toBe("C:\\\\x\\\\");
  });

  it("parses what patternToSigma prints back into the same parts (any text, any wildcards)", () => {
    const part = fc.oneof(
      fc
        .string({ unit: fc.constantFrom("a", "\\", "*", "?", " ", "é") })
        .map((text): Part => ({ kind: "text", text })),
      fc.constant<Part>({ kind: "any" }),
      fc.constant<Part>({ kind: "one" }),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 8 }), (parts) => {
        const pattern = normalizePattern(parts);
        expect(parseSigmaString(patternToSigma(pattern))).toEqual(pattern);
      }),
    );
  });
});
