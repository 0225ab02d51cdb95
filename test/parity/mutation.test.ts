import { beforeAll, describe, expect, it, vi } from "vitest";
import { compileForTarget, compileRuleIR, type RuleIR } from "../../src/compile.js";
import { loadRuleSet } from "../../src/rule-set.js";
import { evaluate } from "../../src/sigma/evaluate.js";
import type { TargetName } from "../../src/targets/types.js";
import { loadFixtures, type Fixture } from "../../src/verify/fixtures.js";
import { verifyRules } from "../../src/verify/parity.js";
import { interpreterFor, parityFormat, viewFor } from "../../src/verify/registry.js";
import { ParseError } from "../../src/verify/types.js";

/**
 * Mutation sanity: tests of the parity runner itself. If a wrong label or a wrong operator in the
 * emitted text went unnoticed, the equivalence suite would prove nothing.
 */

/** A text rewrite applied between the backend and the interpreter (identity unless a test sets it). */
const hook = vi.hoisted(() => ({ rewrite: undefined as ((text: string) => string) | undefined }));

// verifyRules reads interpreters from the registry: wrap them so a test can corrupt the text the
// interpreter reads, exactly as a buggy emitter would.
vi.mock("../../src/verify/registry.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/verify/registry.js")>();
  return {
    ...real,
    interpreterFor: (t: TargetName) => {
      const inner = real.interpreterFor(t);
      return {
        target: inner.target,
        compile: (text: string) => inner.compile(hook.rewrite ? hook.rewrite(text) : text),
      };
    },
  };
});

const TOKEN_REQUEST = "b622e4fe-a0c3-487c-a6f1-19b0b815da8b";
const TARGETS: readonly TargetName[] = ["elastic", "splunk", "falco", "js"];

/** Which operator to flip in each language, and where in the artifact the query lives. */
interface Mutation {
  readonly from: string;
  readonly to: string;
  /** Quote characters of the language: an operator inside a quoted value is data, not syntax. */
  readonly quotes: string;
  /** The [start, end) of the artifact that is query text (JS: the body of match()). */
  region(text: string): readonly [number, number];
}

const whole = (text: string): readonly [number, number] => [0, text.length];

const MUTATIONS: Readonly<Record<TargetName, readonly Mutation[]>> = {
  elastic: [{ from: " and ", to: " or ", quotes: '"', region: whole }],
  splunk: [
    { from: "=", to: "!=", quotes: "\"'", region: whole },
    { from: " AND ", to: " OR ", quotes: "\"'", region: whole },
  ],
  falco: [
    { from: " and ", to: " or ", quotes: '"', region: conditionLines },
    { from: " in (", to: " intersects (", quotes: '"', region: conditionLines },
  ],
  js: [{ from: "&&", to: "||", quotes: '"', region: matchBody }],
};

function conditionLines(text: string): readonly [number, number] {
  const start = text.indexOf("condition:");
  return start < 0 ? [0, 0] : [start, text.lastIndexOf("\n  output:") + 1 || text.length];
}

function matchBody(text: string): readonly [number, number] {
  const start = text.indexOf("export function match(");
  return start < 0 ? [0, 0] : [start, text.indexOf("\n}\n", start)];
}

/** Offsets of `token` in text[region] outside quoted strings (backslash escapes skipped). */
function operatorSites(text: string, m: Mutation): number[] {
  const [start, end] = m.region(text);
  const sites: number[] = [];
  let quote: string | undefined;
  for (let i = start; i < end; i++) {
    const c = text[i]!;
    if (quote !== undefined) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (m.quotes.includes(c)) quote = c;
    else if (text.startsWith(m.from, i)) {
      // `=` must be the operator itself, not part of `==`, `!=`, `<=`, `>=`.
      const before = text[i - 1] ?? "";
      const after = text[i + m.from.length] ?? "";
      if (m.from === "=" && ("=!<>".includes(before) || after === "=")) continue;
      sites.push(i);
    }
  }
  return sites;
}

const mutate = (text: string, m: Mutation, at: number): string =>
  text.slice(0, at) + m.to + text.slice(at + m.from.length);

let rules: RuleIR[];
let fixtures: Fixture[];

beforeAll(() => {
  rules = loadRuleSet(["rules/kubernetes"]).rules.map((r) => compileRuleIR(r));
  fixtures = loadFixtures(["test/fixtures"]).fixtures;
  expect(rules).toHaveLength(10);
});

describe("a wrong label is caught", () => {
  it("verifyRules reports a label disagreement for one flipped fixture, and fails", async () => {
    const token = rules.filter((r) => r.rule.id === TOKEN_REQUEST);
    const clean = await verifyRules(token, fixtures, { targets: ["js"] });
    expect(clean.disagreements.filter((d) => d.kind === "label")).toEqual([]);

    const victim = fixtures.find((f) => f.matches.includes(TOKEN_REQUEST));
    expect(victim).toBeDefined();
    const flipped = fixtures.map((f) =>
      f === victim ? { ...f, matches: f.matches.filter((m) => m !== TOKEN_REQUEST) } : f,
    );
    const report = await verifyRules(token, flipped, { targets: ["js"] });
    expect(report.ok).toBe(false);
    expect(
      report.disagreements
        .filter((d) => d.kind === "label")
        .map((d) => [d.fixture, d.expected, d.got]),
    ).toEqual([[victim!.id, false, true]]);
    // The exact target now disagrees with the (wrong) label too, and it declared nothing.
    expect(
      report.disagreements.filter((d) => d.kind === "undeclared-deviation").map((d) => d.fixture),
    ).toEqual([victim!.id]);
  });

  it("a near miss labelled as a match is caught the same way", async () => {
    const token = rules.filter((r) => r.rule.id === TOKEN_REQUEST);
    const victim = fixtures.find((f) => f.matches.length === 0);
    expect(victim).toBeDefined();
    const flipped = fixtures.map((f) => (f === victim ? { ...f, matches: [TOKEN_REQUEST] } : f));
    const report = await verifyRules(token, flipped, { targets: ["js"] });
    expect(report.ok).toBe(false);
    expect(report.disagreements.filter((d) => d.kind === "label").map((d) => d.fixture)).toEqual([
      victim!.id,
    ]);
  });
});

describe.each(TARGETS)("a flipped operator in %s text is caught", (target) => {
  it("by verifyRules: the first operator of the TokenRequest text, flipped, is a translation disagreement", async () => {
    const token = rules.filter((r) => r.rule.id === TOKEN_REQUEST);
    const m = MUTATIONS[target][0]!;
    hook.rewrite = (text) => {
      const site = operatorSites(text, m)[0];
      if (site === undefined) throw new Error(`no '${m.from}' in the ${target} text`);
      return mutate(text, m, site);
    };
    try {
      const report = await verifyRules(token, fixtures, { targets: [target] });
      expect(report.ok).toBe(false);
      expect(report.disagreements.some((d) => d.kind === "translation")).toBe(true);
    } finally {
      hook.rewrite = undefined;
    }
  });

  it("directly: every single flip of every operator site, in every rule, changes some fixture's answer", async () => {
    const view = viewFor(target);
    const interpreter = interpreterFor(target);
    let sites = 0;
    const survivors: string[] = [];
    for (const r of rules) {
      const out = await compileForTarget(r, target, { format: parityFormat(target) });
      if (out.artifact === "") continue; // unsupported construct: tabled in the equivalence suite
      const expected = fixtures.map((f) => evaluate(out.effective, view.seen(f.event)));
      const documents = fixtures.map((f) => view.document(f.event));
      // The unmutated text agrees everywhere (the equivalence suite's claim, restated here).
      const original = interpreter.compile(out.artifact);
      expect(documents.map(original)).toEqual(expected);
      for (const m of MUTATIONS[target]) {
        for (const at of operatorSites(out.artifact, m)) {
          sites++;
          let predicate: (doc: unknown) => boolean;
          try {
            predicate = interpreter.compile(mutate(out.artifact, m, at));
          } catch (e) {
            if (e instanceof ParseError) continue; // a mutant that does not parse is caught too
            throw e;
          }
          if (documents.every((d, i) => predicate(d) === expected[i]))
            survivors.push(
              `${r.rule.id} '${m.from}'→'${m.to}' at ${at}: …${out.artifact.slice(at - 40, at + 40)}…`,
            );
        }
      }
    }
    console.log(`[mutation ${target}] ${sites} operator sites, ${survivors.length} survivors`);
    expect(sites).toBeGreaterThan(0);
    expect(survivors).toEqual([]);
  });
});
