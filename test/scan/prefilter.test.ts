import { describe, expect, it } from "vitest";
import { and, not, or, type Expr } from "../../src/ir.js";
import { compilePrefilter, describeRequirement } from "../../src/scan/prefilter.js";
import { evaluate } from "../../src/sigma/evaluate.js";
import { eq, match, TOKEN_REQUEST_IR } from "../bench/rules.js";

const req = (expr: Expr): string => describeRequirement(compilePrefilter(expr).requirement);
const may = (expr: Expr, line: string): boolean =>
  compilePrefilter(expr).mayMatch(Buffer.from(line, "utf8"));

describe("required literals derived from the IR", () => {
  it("anchors a whole-value case-insensitive string with its JSON quotes", () => {
    expect(req(eq("verb", "create"))).toBe('(i"\\"create\\"")');
  });

  it("keeps case for |cased values, non-ASCII included", () => {
    expect(req(eq("user.username", "Größe", true))).toBe('("\\"Größe\\"")');
  });

  it("case-insensitive non-ASCII text keeps only ASCII runs that no number could spell", () => {
    // lower("Größe") = "größe": runs "gr" and "e"; "e" could be part of String(4e21), so it goes.
    expect(req(eq("f", "Größe"))).toBe('(i"\\"gr")');
  });

  it("splits at characters JSON may write as two-character escapes and drops quotes under wildcards", () => {
    expect(req(eq("requestURI", "*serviceaccounts/token*"))).toBe(
      '(i"serviceaccounts") & (i"token")',
    );
    expect(req(eq("f", 'a"b\\c\nd*', true))).toBe('("\\"a") & ("b") & ("c") & ("d")');
  });

  it("requires nothing for text a number could produce, numbers, regexes, null and exists", () => {
    expect(req(eq("responseStatus.code", "403"))).toBe("no required literal");
    expect(req(eq("f", "*Infinity", true))).toBe("no required literal");
    expect(req(match("responseStatus.code", { kind: "number", op: "eq", value: 403 }))).toBe(
      "no required literal",
    );
    expect(
      req(match("f", { kind: "regex", source: "token", flags: { i: false, m: false, s: false } })),
    ).toBe("no required literal");
    expect(req(match("f", { kind: "null" }))).toBe("no required literal");
    expect(req(match("f", { kind: "exists" }))).toBe("no required literal");
  });

  it("a pattern that may match a boolean or number keeps no quotes", () => {
    // "true*" can match the JSON literal true, which is not quoted in the raw line.
    expect(req(eq("f", "true*"))).toBe('(i"true")');
  });

  it("AND unions, OR joins one clause per branch, NOT and open branches void", () => {
    expect(req(and([eq("a", "alpha"), eq("b", "beta")]))).toBe(
      '(i"\\"alpha\\"") & (i"\\"beta\\"")',
    );
    expect(req(or([eq("a", "alpha"), eq("b", "beta")]))).toBe('(i"\\"alpha\\"" | i"\\"beta\\"")');
    expect(req(or([eq("a", "alpha"), match("b", { kind: "exists" })]))).toBe("no required literal");
    expect(req(not(eq("a", "alpha")))).toBe("no required literal");
    expect(req(or([eq("a", "alpha"), { kind: "const", value: false }]))).toBe('(i"\\"alpha\\"")');
    expect(req({ kind: "const", value: false })).toBe("never matches");
  });

  it("the TokenRequest rule requires create, serviceaccounts and token; the exclusions add nothing", () => {
    expect(req(TOKEN_REQUEST_IR)).toBe(
      '(i"\\"create\\"") & (i"\\"serviceaccounts\\"") & (i"\\"token\\"")',
    );
  });
});

describe("mayMatch on raw lines", () => {
  const rule = eq("objectRef.subresource", "token");

  it("rejects a line without the literal and accepts any case of it", () => {
    expect(may(rule, '{"objectRef":{"subresource":"status"}}')).toBe(false);
    expect(may(rule, '{"objectRef":{"subresource":"ToKeN"}}')).toBe(true);
  });

  it("never rejects a line with a \\u escape, which may spell the literal", () => {
    const line = '{"objectRef":{"subresource":"\\u0074oken"}}';
    expect(evaluate(rule, JSON.parse(line))).toBe(true);
    expect(may(rule, line)).toBe(true);
  });

  it("never rejects a line holding a code point whose lower case is ASCII (KELVIN SIGN → k)", () => {
    const line = '{"objectRef":{"subresource":"to\u212Aen"}}';
    expect(evaluate(rule, JSON.parse(line))).toBe(true);
    expect(may(rule, line)).toBe(true);
  });

  it("reads literal dotted keys and nested paths alike: keys are never required", () => {
    expect(may(rule, '{"objectRef.subresource":"token"}')).toBe(true);
  });
});
