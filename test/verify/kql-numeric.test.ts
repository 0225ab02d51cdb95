import { describe, expect, it } from "vitest";
import { indexedInteger, javaParseDouble } from "../../src/verify/kql/numeric.js";
import { kqlInterpreter } from "../../src/verify/kql/interpret.js";

/**
 * Elasticsearch's numeric coercion, from NumberFieldMapper and AbstractXContentParser (coerce on,
 * ignore_malformed on in logs-*-*): expectations reasoned from the Java sources, not from the code.
 */
describe("Java's Double.parseDouble, as integer fields read strings", () => {
  it.each([
    ["403", 403],
    [" 403\n", 403],
    ["+4", 4],
    ["4.", 4],
    [".5", 0.5],
    ["1e3", 1000],
    ["1E-1", 0.1],
    ["2f", 2],
    ["2.5D", 2.5],
    ["-Infinity", -Infinity],
    ["0x1p4", 16],
    ["0x.8p1", 1],
  ])("%j → %d", (text, want) => {
    expect(javaParseDouble(text)).toBe(want);
  });

  it("NaN parses; words, empty text, lone signs and exponents without digits do not", () => {
    expect(javaParseDouble("NaN")).toBeNaN();
    for (const bad of ["", " ", "a", "403a", "1e", "+", ".", "0x10", "4 03", "1_000", "\u00a0403"])
      expect([bad, javaParseDouble(bad)]).toEqual([bad, undefined]);
  });
});

describe("the integer Elasticsearch indexes", () => {
  it("JSON numbers are truncated toward zero; out of int range is malformed", () => {
    expect(indexedInteger(0.5, "integer")).toBe(0);
    expect(indexedInteger(-0.5, "integer")).toBe(0);
    expect(Object.is(indexedInteger(-0.5, "integer"), -0)).toBe(false);
    expect(indexedInteger(403.9, "integer")).toBe(403);
    expect(indexedInteger(2 ** 31, "integer")).toBeUndefined();
    expect(indexedInteger(2 ** 31, "long")).toBe(2 ** 31);
  });

  it("integer fields read text as a double: ' 403', '4.03e2', 'NaN' (as 0)", () => {
    expect(indexedInteger(" 403", "integer")).toBe(403);
    expect(indexedInteger("4.03e2", "integer")).toBe(403);
    expect(indexedInteger("NaN", "integer")).toBe(0);
    expect(indexedInteger("Infinity", "integer")).toBeUndefined();
    expect(indexedInteger("1e10", "integer")).toBeUndefined();
  });

  it("long fields read text as Long.parseLong or a BigDecimal: no spaces, no NaN", () => {
    expect(indexedInteger("403", "long")).toBe(403);
    expect(indexedInteger("4.039e2", "long")).toBe(403);
    expect(indexedInteger("-0.5", "long")).toBe(0);
    expect(indexedInteger(" 403", "long")).toBeUndefined();
    expect(indexedInteger("NaN", "long")).toBeUndefined();
    expect(indexedInteger("1e20", "long")).toBeUndefined();
  });

  it("'' indexes nothing; booleans, words, null and objects are malformed", () => {
    for (const v of ["", "a", true, false, null, {}, [], "10.0.0.1"])
      expect([v, indexedInteger(v, "integer")]).toEqual([v, undefined]);
  });
});

describe("KQL on the integer code reads the indexed integer", () => {
  const run = (q: string, code: unknown) =>
    kqlInterpreter.compile(q)({ kubernetes: { audit: { responseStatus: { code } } } });
  const F = "kubernetes.audit.responseStatus.code";

  it("exists is false for a malformed value and true for a coerced one", () => {
    expect(run(`${F}:*`, "a")).toBe(false);
    expect(run(`${F}:*`, true)).toBe(false);
    expect(run(`${F}:*`, ["a", "1e3"])).toBe(true);
  });

  it("0.5 is indexed as 0; '1e3' as 1000; ' 403' as 403", () => {
    expect(run(`${F}:0`, 0.5)).toBe(true);
    expect(run(`${F} > 0`, 0.5)).toBe(false);
    expect(run(`${F}:1000`, "1e3")).toBe(true);
    expect(run(`${F} >= 400`, " 403")).toBe(true);
  });
});
