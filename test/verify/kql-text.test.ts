import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/sigma/standard-analyzer.js";
import { standardTokens } from "../../src/verify/kql/analyzer.js";
import { kqlInterpreter } from "../../src/verify/kql/interpret.js";
import { ParseError } from "../../src/verify/types.js";

/**
 * Elasticsearch text fields: the standard analyzer, modelled twice (src/sigma for the reference
 * evaluator, grammar-shaped; src/verify/kql for the interpreter, from UAX #29's boundary rules),
 * and KQL on a text field (kbn-es-query kuery `is`: quoted → match_phrase, unquoted → match).
 */

const reference = (s: string): string[] | undefined => analyze(s);
const interpreter = (s: string): string[] | undefined => {
  try {
    return standardTokens(s);
  } catch {
    return undefined;
  }
};

const a = (n: number, c = "a"): string => c.repeat(n);

/** [input, tokens]: Lucene's StandardTokenizer (UAX #29 word breaks, Unicode 9) + lower-casing. */
const TOKENS: readonly [string, readonly string[]][] = [
  // Elasticsearch's own example for the standard analyzer.
  [
    "The 2 QUICK Brown-Foxes jumped over the lazy dog's bone.",
    ["the", "2", "quick", "brown", "foxes", "jumped", "over", "the", "lazy", "dog's", "bone"],
  ],
  ["system:masters", ["system:masters"]],
  ["System:Nodes", ["system:nodes"]],
  ["system:serviceaccount:kube-system:default", ["system:serviceaccount:kube", "system:default"]],
  ["oidc:devs@example.com", ["oidc:devs", "example.com"]],
  ["kube_system", ["kube_system"]],
  ["_a_", ["_a_"]],
  ["___", []],
  ["a_:b", ["a_", "b"]],
  ["10.20.1.2", ["10.20.1.2"]],
  ["v1.2", ["v1.2"]],
  ["1.a", ["1", "a"]],
  ["a.1", ["a", "1"]],
  ["1,5", ["1,5"]],
  ["a,b", ["a", "b"]],
  ["1:2", ["1", "2"]],
  ["a::b", ["a", "b"]],
  ["a:", ["a"]],
  ["'quoted'", ["quoted"]],
  ["it’s", ["it’s"]],
  ["a·b", ["a·b"]],
  ["/api/v1/namespaces/kube-system", ["api", "v1", "namespaces", "kube", "system"]],
  ["tab\tnew\nline", ["tab", "new", "line"]],
  ["", []],
  ["ΟΔΟΣ", ["οδοσ"]],
  ["İstanbul", ["istanbul"]],
  ["\u212a", ["k"]],
  ["Straße", ["straße"]],
  ["😀x😀", ["😀", "x", "😀"]],
  [a(300), [a(255), a(45)]],
  [a(254) + ":bb", [a(254), "bb"]],
  [a(300, "_") + "a", [a(254, "_") + "a"]],
  [a(254) + "😀", [a(254), "😀"]],
];

describe("the standard analyzer, both models", () => {
  for (const [input, tokens] of TOKENS) {
    const label =
      input.length > 40
        ? `${JSON.stringify(input.slice(0, 20))}… (${input.length})`
        : JSON.stringify(input);
    it(`${label} → ${JSON.stringify(tokens).slice(0, 80)}`, () => {
      expect(reference(input)).toEqual(tokens);
      expect(interpreter(input)).toEqual(tokens);
    });
  }

  it("a character outside the model is refused by both, never guessed", () => {
    for (const input of ["日本", "e\u0301", "a\u00adb", "שלום", "©", "١"]) {
      expect(reference(input), input).toBeUndefined();
      expect(() => standardTokens(input), input).toThrow(/no word-break class/);
    }
  });

  it("the two models agree on random text from the modelled classes", () => {
    const fragment = fc.oneof(
      fc.constantFrom(
        "a",
        "Z",
        "0",
        "9",
        "_",
        ":",
        ".",
        ",",
        ";",
        "'",
        "-",
        " ",
        "/",
        "@",
        '"',
        "é",
        "Σ",
        "ς",
        "İ",
        "\u212a",
        "ß",
        "·",
        "\u0387",
        "\u2019",
        "\u2024",
        "\u2027",
        "\u00a0",
        "😀",
        "system",
        "masters",
        "10",
        "kube",
        "\n",
      ),
      fc.integer({ min: 100, max: 300 }).map((n) => a(n)),
      fc.integer({ min: 100, max: 300 }).map((n) => a(n, "_")),
      fc.integer({ min: 100, max: 300 }).map((n) => a(n, "1")),
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 12 }), (parts) => {
        const s = parts.join("");
        expect(interpreter(s)).toEqual(reference(s));
      }),
      { numRuns: 3000 },
    );
  });
});

describe("KQL on a text field", () => {
  const doc = (...groups: unknown[]) => ({ kubernetes: { audit: { user: { groups } } } });
  const run = (query: string, d: unknown): boolean => kqlInterpreter.compile(query)(d);
  const F = "kubernetes.audit.user.groups";

  it("a quoted value is match_phrase: its words in a row, in any case, within one value", () => {
    expect(run(`${F}:"System:Masters"`, doc("system:masters"))).toBe(true);
    expect(run(`${F}:"system:masters"`, doc("SYSTEM:MASTERS-readonly"))).toBe(true);
    expect(run(`${F}:"system:masters"`, doc("system:mastersx"))).toBe(false);
    expect(run(`${F}:"a b"`, doc("x a b y"))).toBe(true);
    expect(run(`${F}:"a b"`, doc("b a"))).toBe(false);
    expect(run(`${F}:"a b"`, doc("x a", "b y"))).toBe(false);
    expect(run(`${F}:"403"`, doc(403))).toBe(true);
    expect(run(`${F}:"---"`, doc("---"))).toBe(false);
  });

  it("an unquoted value is match: any one of its words", () => {
    expect(run(`${F}:b\\:a`, doc("x b:a"))).toBe(true);
    expect(run(`${F}:true`, doc("is true"))).toBe(true);
    expect(run(`${F}:"b a"`, doc("a"))).toBe(false);
  });

  it("a wildcard on a text field is outside the model; f:* stays an exists query", () => {
    expect(() => kqlInterpreter.compile(`${F}:system*`)).toThrow(ParseError);
    expect(run(`${F}:*`, doc("x"))).toBe(true);
    expect(run(`${F}:*`, {})).toBe(false);
  });

  it("a quoted value outside the analyzer model is a ParseError at the value", () => {
    expect(() => kqlInterpreter.compile(`${F}:"日本"`)).toThrow(ParseError);
  });
});
