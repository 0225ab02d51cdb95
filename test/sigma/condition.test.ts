import { describe, expect, it } from "vitest";
import {
  conditionGrammarIsValid,
  parseCondition,
  type CondNode,
} from "../../grammar/sigma-condition.js";
import type { Diagnostic } from "../../src/diagnostics.js";
import type { Expr } from "../../src/ir.js";
import { scalarOffsets } from "../../src/sigma/condition.js";
import { compileDetection } from "../../src/sigma/normalize.js";
import { mapGet, parseYaml, type YMap, type YScalar } from "../../src/sigma/yaml-tree.js";

/** The AST as an s-expression string, so precedence is easy to read and to reason about. */
function sexp(n: CondNode): string {
  switch (n.kind) {
    case "and":
    case "or":
      return `(${n.kind} ${n.items.map(sexp).join(" ")})`;
    case "not":
      return `(not ${sexp(n.item)})`;
    case "ref":
      return n.name;
    case "quantified":
      return `(${n.quantifier} ${n.target.kind === "them" ? "them" : n.target.name})`;
  }
}

function ast(text: string): string {
  const r = parseCondition(text);
  expect(r.errors).toEqual([]);
  return sexp(r.ast!);
}

describe("condition grammar", () => {
  it("passes chevrotain's grammar validations, which the CLI skips at start-up", () => {
    expect(conditionGrammarIsValid()).toBe(true);
  });

  it("binds not tighter than and, and tighter than or", () => {
    expect(ast("a or b and not c")).toBe("(or a (and b (not c)))");
    expect(ast("not a and b")).toBe("(and (not a) b)");
    expect(ast("a and b or c and d")).toBe("(or (and a b) (and c d))");
  });

  it("parentheses override precedence", () => {
    expect(ast("(a or b) and not (c or d)")).toBe("(and (or a b) (not (or c d)))");
    expect(ast("not not a")).toBe("(not (not a))");
  });

  it("keywords are case-insensitive", () => {
    expect(ast("a AND NOT b Or c")).toBe("(or (and a (not b)) c)");
    expect(ast("1 OF them")).toBe("(one them)");
    expect(ast("ALL Of sel_*")).toBe("(all sel_*)");
  });

  it("identifiers that begin with a keyword stay identifiers", () => {
    expect(ast("not_filter and notepad or order_x and andromeda or them_all or one_of")).toBe(
      "(or (and not_filter notepad) (and order_x andromeda) them_all one_of)",
    );
    expect(ast("all_x and any_y and of_z and 1st")).toBe("(and all_x any_y of_z 1st)");
  });

  it("reads the quantifiers", () => {
    expect(ast("1 of selection_* and not all of filter_*")).toBe(
      "(and (one selection_*) (not (all filter_*)))",
    );
    expect(ast("any of them")).toBe("(one them)");
    expect(ast("all of sel")).toBe("(all sel)");
    expect(ast("1 of *_x")).toBe("(one *_x)");
  });

  it("keeps token offsets", () => {
    const r = parseCondition("sel and not  filter");
    const node = r.ast as Extract<CondNode, { kind: "and" }>;
    expect([node.start, node.end]).toEqual([0, 19]);
    const n = node.items[1] as Extract<CondNode, { kind: "not" }>;
    expect([n.start, n.item.start, n.item.end]).toEqual([8, 13, 19]);
  });

  it("reports errors with offsets", () => {
    expect(parseCondition("(a and b").errors.map((e) => [e.kind, e.start])).toEqual([
      ["unbalanced-parenthesis", 0],
    ]);
    expect(parseCondition("a) and b").errors.map((e) => [e.kind, e.start])).toEqual([
      ["unbalanced-parenthesis", 1],
    ]);
    expect(parseCondition("a and and b").errors.map((e) => [e.kind, e.start])).toEqual([
      ["unexpected-token", 6],
    ]);
    expect(parseCondition("a and").errors.map((e) => [e.kind, e.start])).toEqual([
      ["unexpected-token", 5],
    ]);
    expect(parseCondition("sel | count() > 5").errors.map((e) => [e.kind, e.start])).toEqual([
      ["aggregation", 4],
    ]);
    expect(parseCondition("a & b").errors.map((e) => [e.kind, e.start])).toEqual([
      ["invalid-character", 2],
    ]);
  });
});

function compile(yaml: string): { ir: Expr; diagnostics: Diagnostic[] } {
  const source = { path: "rule.yml", text: yaml };
  const root = parseYaml(source).documents[0] as YMap;
  const detection = mapGet(root, "detection")!.value as YMap;
  const cond = mapGet(detection, "condition")!.value;
  const conditions = cond.kind === "seq" ? (cond.items as YScalar[]) : [cond as YScalar];
  return compileDetection({ source, detection, conditions });
}

/** Field names of the IR as a compact s-expression (every selection below tests one field). */
function fields(e: Expr): string {
  switch (e.kind) {
    case "and":
    case "or":
      return `(${e.kind} ${e.items.map(fields).join(" ")})`;
    case "not":
      return `(not ${fields(e.item)})`;
    case "const":
      return String(e.value);
    case "match":
      return e.field ?? "<keyword>";
  }
}

const DETECTION = `detection:
  sel_a:
    a: 1
  sel_b:
    b: 1
  _hidden:
    h: 1
  filter_x:
    x: 1
  condition: COND
`;

describe("condition resolution", () => {
  const run = (cond: string) => compile(DETECTION.replace("COND", cond));

  it("'them' leaves out identifiers beginning with '_'", () => {
    expect(fields(run("1 of them").ir)).toBe("(or a b x)");
    expect(fields(run("all of them").ir)).toBe("(and a b x)");
  });

  it("a wildcard pattern selects the matching identifiers, '_' ones included when named", () => {
    expect(fields(run("all of sel_* and not 1 of filter_* and _hidden").ir)).toBe(
      "(and a b (not x) h)",
    );
    expect(fields(run("1 of _h*").ir)).toBe("h");
  });

  it("'1 of' a plain identifier is that identifier", () => {
    expect(fields(run("1 of sel_a and sel_b and not filter_x and not _hidden").ir)).toBe(
      "(and a b (not x) (not h))",
    );
  });

  it("warns about identifiers the condition never uses, not about used ones", () => {
    const r = run("sel_a");
    expect(r.diagnostics.map((d) => [d.code, d.loc?.line])).toEqual([
      ["DETECTION_UNUSED_SELECTION", 4],
      ["DETECTION_UNUSED_SELECTION", 6],
      ["DETECTION_UNUSED_SELECTION", 8],
    ]);
  });

  it("maps positions of a block-scalar condition into the file", () => {
    const yaml = `detection:
  selection:
    a: 1
  condition: >-
    selection and
      not filtr
`;
    const r = compile(yaml);
    expect(r.diagnostics.map((d) => [d.code, d.loc?.line, d.loc?.col])).toEqual([
      ["CONDITION_UNDEFINED_IDENTIFIER", 6, 11],
    ]);
  });

  it("maps positions through quote escapes", () => {
    const source = { path: "r.yml", text: `c: "a\\tb and cc"\n` };
    const root = parseYaml(source).documents[0] as YMap;
    const scalar = mapGet(root, "c")!.value as YScalar;
    expect(scalar.text).toBe("a\tb and cc");
    const at = scalarOffsets(source, scalar);
    // "cc" is at index 8 in the decoded text and at offset 13 in the file (the escape is 2 characters).
    expect(at(8)).toBe(13);
    expect(at(4)).toBe(9);
  });

  it("resolves identifiers that begin with keywords", () => {
    const yaml = `detection:
  notepad:
    n: 1
  not_filter:
    f: 1
  order_x:
    o: 1
  condition: notepad and not not_filter or order_x
`;
    const r = compile(yaml);
    expect(r.diagnostics).toEqual([]);
    expect(fields(r.ir)).toBe("(or (and n (not f)) o)");
  });
});
