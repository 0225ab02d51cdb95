import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/diagnostics.js";
import { compileDetection } from "../../src/sigma/normalize.js";
import { mapGet, parseYaml, type YMap, type YScalar } from "../../src/sigma/yaml-tree.js";

/**
 * Bad detections: each case is a small rule with the error's position worked out by hand
 * (line and column are 1-based; the rule starts with `title` on line 1).
 */
function errors(yaml: string, placeholders?: Record<string, string[]>): Diagnostic[] {
  const source = { path: "bad.yml", text: yaml };
  const parsed = parseYaml(source);
  expect(parsed.diagnostics).toEqual([]);
  const root = parsed.documents[0] as YMap;
  const detection = mapGet(root, "detection")!.value as YMap;
  const cond = mapGet(detection, "condition")?.value;
  const conditions =
    cond === undefined ? [] : cond.kind === "seq" ? (cond.items as YScalar[]) : [cond as YScalar];
  const result = compileDetection({
    source,
    detection,
    conditions,
    ...(placeholders ? { placeholders } : {}),
  });
  const errs = result.diagnostics.filter((d) => d.severity === "error");
  expect(errs.length).toBeGreaterThan(0);
  expect(result.ir).toEqual({ kind: "const", value: false });
  for (const e of errs) expect(e.file).toBe("bad.yml");
  return errs;
}

function first(yaml: string, placeholders?: Record<string, string[]>): [string, number, number] {
  const e = errors(yaml, placeholders)[0]!;
  return [e.code, e.loc!.line, e.loc!.col];
}

const rule = (detection: string): string =>
  `title: t\nlogsource:\n  product: k8s\ndetection:\n${detection}`;

describe("bad modifiers", () => {
  it("misspelled modifier, with a suggestion", () => {
    const e = errors(rule("  selection:\n    verb|contians: x\n  condition: selection\n"))[0]!;
    expect([e.code, e.loc!.line, e.loc!.col]).toEqual(["DETECTION_UNKNOWN_MODIFIER", 6, 10]);
    expect(e.message).toBe("unknown modifier 'contians' — did you mean 'contains'?");
  });

  it("second modifier misspelled in a quoted key", () => {
    expect(
      first(rule("  selection:\n    'user.name|cased|startwith': x\n  condition: selection\n")),
    ).toEqual(["DETECTION_UNKNOWN_MODIFIER", 6, 22]);
  });

  it("cidr then contains", () => {
    expect(
      first(rule("  selection:\n    ip|cidr|contains: 10.0.0.0/8\n  condition: selection\n")),
    ).toEqual(["DETECTION_INVALID_MODIFIER_COMBINATION", 6, 13]);
  });

  it("re then base64", () => {
    expect(first(rule("  selection:\n    f|re|base64: 'a+'\n  condition: selection\n"))).toEqual([
      "DETECTION_INVALID_MODIFIER_COMBINATION",
      6,
      10,
    ]);
  });

  it("exists with contains", () => {
    expect(
      first(rule("  selection:\n    f|exists|contains: true\n  condition: selection\n")),
    ).toEqual(["DETECTION_INVALID_MODIFIER_COMBINATION", 6, 7]);
  });

  it("contains and endswith together", () => {
    expect(
      first(rule("  selection:\n    f|contains|endswith: x\n  condition: selection\n")),
    ).toEqual(["DETECTION_CONFLICTING_MODIFIERS", 6, 16]);
  });

  it("all on a single value", () => {
    expect(first(rule("  selection:\n    f|contains|all: x\n  condition: selection\n"))).toEqual([
      "DETECTION_ALL_SINGLE_VALUE",
      6,
      16,
    ]);
  });

  it("gt with a string", () => {
    expect(first(rule("  selection:\n    code|gt: high\n  condition: selection\n"))).toEqual([
      "DETECTION_NOT_A_NUMBER",
      6,
      14,
    ]);
  });

  it("gte with a non-number in a list, at that value", () => {
    expect(
      first(
        rule("  selection:\n    code|gte:\n      - 400\n      - '4xx'\n  condition: selection\n"),
      ),
    ).toEqual(["DETECTION_NOT_A_NUMBER", 8, 10]);
  });

  it("exists with a string", () => {
    expect(first(rule('  selection:\n    f|exists: "yes"\n  condition: selection\n'))).toEqual([
      "DETECTION_EXISTS_NOT_BOOLEAN",
      6,
      16,
    ]);
  });

  it("a string modifier on a boolean", () => {
    expect(first(rule("  selection:\n    f|startswith: false\n  condition: selection\n"))).toEqual([
      "DETECTION_MODIFIER_VALUE_TYPE",
      6,
      7,
    ]);
  });

  it("invalid regex", () => {
    expect(first(rule("  selection:\n    f|re: '[a-'\n  condition: selection\n"))).toEqual([
      "DETECTION_INVALID_REGEX",
      6,
      12,
    ]);
  });

  it("invalid CIDR in a list", () => {
    expect(
      first(
        rule(
          "  selection:\n    ip|cidr:\n      - 10.0.0.0/8\n      - 300.1.1.1/8\n  condition: selection\n",
        ),
      ),
    ).toEqual(["DETECTION_INVALID_CIDR", 8, 9]);
  });

  it("unresolved placeholder, named", () => {
    const e = errors(rule("  selection:\n    user|expand: '%admins%'\n  condition: selection\n"), {
      others: ["x"],
    })[0]!;
    expect([e.code, e.loc!.line, e.loc!.col]).toEqual(["DETECTION_UNRESOLVED_PLACEHOLDER", 6, 19]);
    expect(e.message).toContain("%admins%");
  });

  it("time modifier with a fraction", () => {
    expect(first(rule("  selection:\n    ts|minute: 2.5\n  condition: selection\n"))).toEqual([
      "DETECTION_NOT_AN_INTEGER",
      6,
      16,
    ]);
  });

  it("exists on keywords", () => {
    expect(first(rule("  keywords:\n    '|exists': true\n  condition: keywords\n"))).toEqual([
      "DETECTION_EXISTS_WITHOUT_FIELD",
      6,
      7,
    ]);
  });
});

describe("bad search identifiers", () => {
  it("empty map", () => {
    expect(first(rule("  selection: {}\n  condition: selection\n"))).toEqual([
      "DETECTION_EMPTY_SELECTION",
      5,
      3,
    ]);
  });

  it("no value at all", () => {
    expect(first(rule("  selection:\n  condition: selection\n"))).toEqual([
      "DETECTION_EMPTY_SELECTION",
      5,
      3,
    ]);
  });

  it("empty list", () => {
    expect(first(rule("  selection: []\n  condition: selection\n"))).toEqual([
      "DETECTION_EMPTY_SELECTION",
      5,
      3,
    ]);
  });

  it("a map as a field value", () => {
    expect(first(rule("  selection:\n    f:\n      g: 1\n  condition: selection\n"))).toEqual([
      "DETECTION_BAD_VALUE",
      7,
      7,
    ]);
  });

  it("a nested list as a field value", () => {
    expect(first(rule("  selection:\n    f:\n      - [a, b]\n  condition: selection\n"))).toEqual([
      "DETECTION_BAD_VALUE",
      7,
      9,
    ]);
  });

  it("a null keyword", () => {
    expect(first(rule("  keywords:\n    - a\n    - null\n  condition: keywords\n"))).toEqual([
      "DETECTION_BAD_KEYWORD",
      7,
      7,
    ]);
  });

  it("no condition", () => {
    expect(first(rule("  selection:\n    a: 1\n"))).toEqual(["DETECTION_NO_CONDITION", 5, 3]);
  });
});

describe("bad conditions", () => {
  const sel = "  selection:\n    a: 1\n  filter:\n    b: 2\n";

  it("undefined identifier, with a suggestion", () => {
    const e = errors(rule(sel + "  condition: selection and not filtr\n"))[0]!;
    expect([e.code, e.loc!.line, e.loc!.col]).toEqual(["CONDITION_UNDEFINED_IDENTIFIER", 9, 32]);
    expect(e.message).toContain("did you mean 'filter'?");
  });

  it("unclosed parenthesis, at the parenthesis", () => {
    expect(first(rule(sel + "  condition: (selection and not filter\n"))).toEqual([
      "CONDITION_UNBALANCED_PARENTHESIS",
      9,
      14,
    ]);
  });

  it("stray closing parenthesis", () => {
    expect(first(rule(sel + "  condition: selection) and not filter\n"))).toEqual([
      "CONDITION_UNBALANCED_PARENTHESIS",
      9,
      23,
    ]);
  });

  it("pattern matching nothing", () => {
    expect(first(rule(sel + "  condition: 1 of sel_* and not filter\n"))).toEqual([
      "CONDITION_PATTERN_MATCHES_NOTHING",
      9,
      19,
    ]);
  });

  it("aggregation pipe, at the pipe", () => {
    expect(first(rule(sel + "  condition: selection | count(b) by a > 5\n"))).toEqual([
      "CONDITION_AGGREGATION_UNSUPPORTED",
      9,
      24,
    ]);
  });

  it("near aggregation in a quoted condition", () => {
    expect(first(rule(sel + "  condition: 'selection | near filter'\n"))).toEqual([
      "CONDITION_AGGREGATION_UNSUPPORTED",
      9,
      25,
    ]);
  });

  it("two operators in a row", () => {
    expect(first(rule(sel + "  condition: selection and or filter\n"))).toEqual([
      "CONDITION_UNEXPECTED_TOKEN",
      9,
      28,
    ]);
  });

  it("a condition that ends too early", () => {
    expect(first(rule(sel + "  condition: selection and not\n"))).toEqual([
      "CONDITION_UNEXPECTED_TOKEN",
      9,
      31,
    ]);
  });

  it("a character the language does not have", () => {
    expect(first(rule(sel + "  condition: selection && filter\n"))).toEqual([
      "CONDITION_INVALID_CHARACTER",
      9,
      24,
    ]);
  });

  it("a number as the condition", () => {
    expect(first(rule(sel + "  condition: 5\n"))).toEqual(["CONDITION_NOT_A_STRING", 9, 14]);
  });

  it("an error in the second of a list of conditions", () => {
    expect(first(rule(sel + "  condition:\n    - selection\n    - not filtre\n"))).toEqual([
      "CONDITION_UNDEFINED_IDENTIFIER",
      11,
      11,
    ]);
  });

  it("an error on the second line of a folded block condition", () => {
    expect(
      first(rule(sel + "  condition: >\n    selection and\n    not (filter or\n    selection\n")),
    ).toEqual(["CONDITION_UNBALANCED_PARENTHESIS", 11, 9]);
  });
});
