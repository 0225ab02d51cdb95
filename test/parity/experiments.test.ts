import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Backend, Lowered } from "../../src/backends/types.js";
import { compileRuleIR, type RuleIR } from "../../src/compile.js";
import { and, not, or, type Expr } from "../../src/ir.js";
import { verifyRules } from "../../src/parity/run.js";
import { loadRuleSet } from "../../src/rule-set.js";
import type { TargetName } from "../../src/targets/types.js";
import { loadFixtures, type Fixture } from "../../src/verify/fixtures.js";

/**
 * The parity proof must be able to fail. Each experiment is a lowering bug a backend could ship:
 * the lowered IR is rewritten between lower() and the printer (so the emitted text carries the
 * bug) without any declaration. `sigprism verify rules/kubernetes --fixtures test/fixtures` must
 * then fail with the disagreement at a predicate of the rule file, whatever fidelity diagnostics
 * the rule already carries.
 */

type Mutant = (e: Expr) => Expr;
const hook = vi.hoisted(() => ({
  target: undefined as string | undefined,
  mutant: undefined as ((e: never) => unknown) | undefined,
}));

/** The backend with the experiment's rewrite between lower() and the printer. */
function mutated(inner: Backend, t: TargetName): Backend {
  return {
    ...inner,
    lower: (ir, ctx): Lowered => {
      const lowered = inner.lower(ir, ctx);
      if (hook.target !== t || hook.mutant === undefined) return lowered;
      const mutant = hook.mutant as unknown as Mutant;
      return { ...lowered, effective: mutant(lowered.effective) };
    },
  };
}

// Compiles load backends lazily (load.ts); callers that need all of them use registry.ts.
vi.mock("../../src/backends/load.js", async () => {
  const real = await vi.importActual<typeof import("../../src/backends/registry.js")>(
    "../../src/backends/registry.js",
  );
  return { loadBackend: async (t: TargetName): Promise<Backend> => mutated(real.backendFor(t), t) };
});
vi.mock("../../src/backends/registry.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/backends/registry.js")>();
  return { ...real, backendFor: (t: TargetName): Backend => mutated(real.backendFor(t), t) };
});

/** Rebuild a tree bottom-up, letting `f` rewrite each node. */
function rewrite(e: Expr, f: (e: Expr) => Expr): Expr {
  switch (e.kind) {
    case "and":
      return f(and(e.items.map((i) => rewrite(i, f))));
    case "or":
      return f(or(e.items.map((i) => rewrite(i, f))));
    case "not":
      return f(not(rewrite(e.item, f)));
    default:
      return f(e);
  }
}

/** Splunk's lowering drops every `not` (the brief's first experiment). */
const dropNots: Mutant = (e) => rewrite(e, (x) => (x.kind === "not" ? x.item : x));

/** Every case-insensitive pattern is matched case-sensitively, without a declaration. */
const caseSensitive: Mutant = (e) =>
  rewrite(e, (x) =>
    x.kind === "match" && x.test.kind === "pattern" && !x.test.cased
      ? { ...x, test: { ...x.test, cased: true } }
      : x,
  );

const EXPERIMENTS: readonly { name: string; target: TargetName; mutant: Mutant }[] = [
  { name: "Splunk drops every not", target: "splunk", mutant: dropNots },
  {
    name: "Splunk matches case-insensitive values case-sensitively",
    target: "splunk",
    mutant: caseSensitive,
  },
  {
    name: "Falco matches case-insensitive values case-sensitively",
    target: "falco",
    mutant: caseSensitive,
  },
  { name: "Falco drops every not", target: "falco", mutant: dropNots },
];

describe("experiments: an undeclared change of meaning fails verify", () => {
  let rules: RuleIR[];
  let fixtures: Fixture[];
  beforeAll(() => {
    rules = loadRuleSet(["rules/kubernetes"]).rules.map((r) => compileRuleIR(r));
    fixtures = loadFixtures(["test/fixtures"]).fixtures;
  });
  afterEach(() => {
    hook.target = undefined;
    hook.mutant = undefined;
  });

  it("the unmutated run passes (unsupported pairs allowed)", async () => {
    const report = await verifyRules(rules, fixtures, {
      targets: ["splunk", "falco"],
      allowUnsupported: true,
    });
    expect(report.disagreements.filter((d) => d.kind !== "declared-deviation")).toEqual([]);
    expect(report.ok).toBe(true);
  });

  for (const x of EXPERIMENTS) {
    it(`${x.name}: verify fails at a predicate's line:col`, async () => {
      hook.target = x.target;
      hook.mutant = x.mutant as never;
      const report = await verifyRules(rules, fixtures, {
        targets: [x.target],
        allowUnsupported: true,
      });
      expect(report.ok).toBe(false);
      const translation = report.disagreements.filter((d) => d.kind === "translation");
      expect(translation.length).toBeGreaterThan(0);
      for (const d of translation) {
        expect(d.file).toMatch(/^rules\/kubernetes\/audit\/.*\.yml$/);
        expect(d.loc?.line ?? 0).toBeGreaterThan(0);
      }
    });

    it(`${x.name}: the CLI exits 1 and prints file:line:col: error VERIFY_TRANSLATION`, async () => {
      hook.target = x.target;
      hook.mutant = x.mutant as never;
      const err: string[] = [];
      const out: string[] = [];
      const errSpy = vi.spyOn(process.stderr, "write").mockImplementation((s) => {
        err.push(String(s));
        return true;
      });
      const outSpy = vi.spyOn(process.stdout, "write").mockImplementation((s) => {
        out.push(String(s));
        return true;
      });
      try {
        const { run } = await import("../../src/cli/verify.js");
        const code = await run({
          paths: ["rules/kubernetes"],
          fixtures: ["test/fixtures"],
          targets: x.target,
        });
        expect(code).toBe(1);
      } finally {
        errSpy.mockRestore();
        outSpy.mockRestore();
      }
      expect(err.join("")).toMatch(
        /^rules\/kubernetes\/audit\/[\w.-]+\.yml:\d+:\d+: error VERIFY_TRANSLATION \[/m,
      );
      expect(out.join("")).toContain("FAILED");
    });
  }
});
