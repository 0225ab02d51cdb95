import { join } from "node:path";
import vm from "node:vm";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ROOT } from "../cli/run-cli.js";
import { jsSyntaxError } from "./embedded.js";
import { runMutants } from "./engine.js";
import { globToRegExp } from "./globs.js";
import { HITS_GLOBAL, instrument, sitesOf, type IdSite } from "./instrument.js";
import type { Mutant, MutantResult } from "./mutant.js";
import { collectMutants, loadProject } from "./program.js";
import { groupOf, summarize, summarizeByGroup } from "./report.js";
import { sample, shuffled } from "./sample.js";
import { makeScratch, removeScratch } from "./scratch.js";
import { regexMutations, templateMutations, tokenAlternatives } from "./tokens.js";
import { MutantTypeChecker } from "./typecheck.js";
import { TestServer } from "./test-server.js";

/**
 * `npm run mutate`'s own machinery, on a tiny fixture project (test/mutate/fixture: one module, one
 * test file): the operators find what they should, a probe changes no value, and a real run tells
 * a killed mutant from an equivalent survivor, an invalid one and one no test evaluates.
 */

const FIXTURE = join(ROOT, "test/mutate/fixture");
const project = loadProject(FIXTURE);
const mutants = collectMutants(project, ["src/sign.ts"]);

function find(operator: Mutant["operator"], before: string, after?: string): Mutant {
  const m = mutants.find(
    (x) =>
      x.operator === operator && x.before === before && (after === undefined || x.after === after),
  );
  if (m === undefined) throw new Error(`no ${operator} mutant of ${before}`);
  return m;
}

describe("operators", () => {
  it("find the mutants of the fixture module, and none in its prose", () => {
    expect(find("relational", "n < 0").after).toBe("n <= 0");
    expect(find("equality", "n === 0").after).toBe("n !== 0");
    expect(find("ternary-swap", 'n === 0 ? WORDS[0] : "positive"').after).toBe(
      'n === 0 ? "positive" : WORDS[0]',
    );
    expect(find("negate-condition", "n > 10").after).toBe("!(n > 10)");
    expect(find("remove-call", "text.trim()").after).toBe("(text)");
    expect(find("off-by-one", "WORDS[1]", "WORDS[2]").replacement).toBe("2");
    expect(mutants.filter((m) => m.operator === "table-element")).toHaveLength(2);
    // Words such as "negative" are values, not syntax tokens: no string mutant.
    expect(mutants.filter((m) => m.operator === "string-token")).toEqual([]);
  });

  it("swap the tokens of emitted languages and leave identifiers and prose alone", () => {
    expect(tokenAlternatives(" AND ")).toEqual([" OR "]);
    expect(tokenAlternatives("NOT ")).toEqual([""]);
    expect(tokenAlternatives('"')).toEqual(["'"]);
    expect(tokenAlternatives("\\\\")).toEqual(["\\"]);
    expect(tokenAlternatives(", ")).toEqual([""]);
    expect(tokenAlternatives("(")).toEqual([]);
    expect(tokenAlternatives("objectRef")).toEqual([]);
    expect(tokenAlternatives("cannot be quoted")).toEqual([]);
    const tpl = "`(${a} and '${b}')`";
    const parts = [
      { offset: 1, raw: "(" },
      { offset: 6, raw: " and '" },
      { offset: 16, raw: "')" },
    ];
    expect(templateMutations(tpl, parts)).toEqual([
      "`(${a} or '${b}')`",
      '`(${a} and "${b}")`',
      "`${a} and '${b}'`",
    ]);
  });

  it("remove one member of a character class at a time and drop anchors", () => {
    expect(regexMutations("/^[a\\]-]$/u")).toEqual([
      "/^[\\]-]$/u",
      "/^[a-]$/u",
      "/^[a\\]]$/u",
      "/[a\\]-]$/u",
      "/^[a\\]-]/u",
    ]);
    expect(regexMutations("/[a-z0-9]/")).toEqual(["/[0-9]/", "/[a-z]/"]);
  });

  it("read embedded JavaScript and reject a text that no longer parses", () => {
    expect(jsSyntaxError("function f(a) { return a && 1; }")).toBeUndefined();
    expect(jsSyntaxError("function f(a) { return a && ; }")).toMatch(/embedded JavaScript/);
  });
});

describe("coverage probes", () => {
  it("record every site that runs, nested ones included, and change no value", () => {
    const source =
      "const T = { and: ' AND ', or: ' OR ' };\n" +
      "export const v = (1 < 2 ? 'a' : 'b') + [3, 4].length + T.and;\n";
    const at = (text: string, from = 0): { start: number; end: number } => {
      const start = source.indexOf(text, from);
      return { start, end: start + text.length };
    };
    const value = (text: string, name: string) => {
      const v = at(text);
      return { start: at(`${name}: `).start, end: v.end, getter: { name, valueStart: v.start } };
    };
    const sites: IdSite[] = [
      { ...at("(1 < 2 ? 'a' : 'b')"), id: 0 },
      { ...at("1 < 2"), id: 1 }, // nested inside the conditional
      { ...at("[3, 4]"), id: 2 },
      { ...at("3, 4"), end: at("3, 4").start + 1, id: 3 }, // 3, nested inside the array
      { ...value("' AND '", "and"), id: 4 }, // read: T.and
      { ...value("' OR '", "or"), id: 5 }, // never read
      { ...at("' AND '"), id: 6 }, // inside the getter: both close at one position
    ];
    const js = ts.transpileModule(instrument(source, sites), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const context: Record<string, unknown> = { exports: {} };
    vm.runInNewContext(js, context);
    expect((context["exports"] as { v: string }).v).toBe("a2 AND ");
    expect([...(context[HITS_GLOBAL] as Set<number>)].sort()).toEqual([0, 1, 2, 3, 4, 6]);
  });
});

describe("a run on the fixture", () => {
  it("kills, keeps an equivalent survivor, and sets aside invalid and unevaluated mutants", async () => {
    const chosen = [
      find("equality", "n === 0"),
      find("relational", "n > 10"),
      find("remove-call", "text.trim()"),
      ...mutants.filter((m) => m.operator === "table-element"),
    ];
    const checker = new MutantTypeChecker(project);
    const run = await runMutants({
      repo: FIXTURE,
      nodeModules: join(ROOT, "node_modules"),
      mutants: chosen,
      // The failing file first: a later run must not report its failure again.
      tests: ["test/sign.check.ts", "test/clamp.check.ts"],
      workers: 1,
      timeoutFactor: 3,
      coverage: true,
      typeError: (m) => checker.check(m),
    });
    const status = Object.fromEntries(run.results.map((r) => [r.before, r.status]));
    expect(status).toEqual({
      "n === 0": "killed",
      "n > 10": "survived",
      "text.trim()": "no-coverage",
      '"zero"': "invalid",
      '"one"': "invalid",
    });
    const killed = run.results.find((r) => r.status === "killed");
    expect(killed?.detail).toBe("test/sign.check.ts > names the sign");
    expect(run.results.find((r) => r.status === "invalid")?.detail).toMatch(/TS\d+/);
    expect(summarize(run.results)).toMatchObject({
      killed: 1,
      survived: 1,
      noCoverage: 1,
      invalid: 2,
    });
    expect(summarize(run.results).score).toBeCloseTo(1 / 3);
    // Coverage is per test: in sign.check.ts only "names the sign" evaluates `n === 0`, only
    // clamp.check.ts evaluates `n > 10`, and no test evaluates trim().
    const sites = sitesOf(chosen).ofMutant;
    const coverers = (m: Mutant) => run.baseline.covered.get(sites.get(m.id)!);
    const zero = coverers(find("equality", "n === 0"));
    expect([...(zero?.keys() ?? [])]).toEqual(["test/sign.check.ts"]);
    const bySign = zero?.get("test/sign.check.ts");
    expect(bySign instanceof Set ? bySign.size : bySign).toBe(1);
    expect([...(coverers(find("relational", "n > 10"))?.keys() ?? [])]).toEqual([
      "test/clamp.check.ts",
    ]);
    expect(coverers(find("remove-call", "text.trim()"))).toBeUndefined();
  }, 240_000);

  it("stops a test that never ends with the hang guard", async () => {
    const scratch = makeScratch(FIXTURE, 1, join(ROOT, "node_modules"));
    try {
      const tests = ["test/sign.check.ts", "test/endless.check.ts"];
      const server = new TestServer(scratch.copies[0]!, { MUTATE_TESTS: JSON.stringify(tests) });
      try {
        const endless = await server.run([{ file: tests[1]! }], { bail: true, timeoutMs: 3_000 });
        expect(endless).toMatchObject({ passed: false, timedOut: true });
        // The next request starts a new vitest.
        const next = await server.run([{ file: tests[0]! }], { bail: true, timeoutMs: 120_000 });
        expect(next).toMatchObject({ passed: true, timedOut: false });
      } finally {
        server.close();
      }
    } finally {
      removeScratch(scratch);
    }
  }, 60_000);
});

describe("selection", () => {
  it("samples reproducibly, in id order", () => {
    const items = Array.from({ length: 50 }, (_, id) => ({ id }));
    const a = sample(items, 10, 7);
    expect(a).toEqual(sample(items, 10, 7));
    expect(a.map((x) => x.id)).toEqual([...a.map((x) => x.id)].sort((x, y) => x - y));
    expect(new Set(a.map((x) => x.id)).size).toBe(10);
    expect(sample(items, 10, 8)).not.toEqual(a);
    // A time-budgeted run takes the same sample in its random order: any prefix is a sample too.
    const order = shuffled(items, 10, 7);
    expect([...order].sort((x, y) => x.id - y.id)).toEqual(a);
    expect(order).not.toEqual(a);
  });

  it("expands test globs", () => {
    const re = globToRegExp("test/parity/**/*.test.ts");
    expect(re.test("test/parity/equivalence.test.ts")).toBe(true);
    expect(re.test("test/parity/a/b.test.ts")).toBe(true);
    expect(re.test("test/parity.test.ts")).toBe(false);
  });

  it("scores each backend apart: its folder, the shared files, the pipelines", () => {
    expect(groupOf("src/backends/sql/print.ts")).toBe("sql");
    expect(groupOf("src/backends/escape.ts")).toBe("backends (shared)");
    expect(groupOf("src/pipelines/fields.ts")).toBe("pipelines");
    const at = (file: string, status: MutantResult["status"]) => ({
      ...mutants[0]!,
      file,
      status,
      tests: [],
    });
    const groups = Object.fromEntries(
      summarizeByGroup([
        at("src/backends/sql/print.ts", "killed"),
        at("src/backends/sql/lower.ts", "survived"),
        at("src/backends/splunk/lower.ts", "timeout"),
        at("src/backends/splunk/lower.ts", "invalid"),
      ]),
    );
    expect(Object.keys(groups)).toEqual(["splunk", "sql"]);
    expect(groups["sql"]).toMatchObject({ killed: 1, survived: 1, score: 0.5 });
    expect(groups["splunk"]).toMatchObject({ timedOut: 1, invalid: 1, score: 1 });
  });
});
