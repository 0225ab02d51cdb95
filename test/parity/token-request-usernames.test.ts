import { beforeAll, describe, expect, it } from "vitest";
import {
  compileForTarget,
  compileRuleIR,
  type RuleIR,
  type TargetOutput,
} from "../../src/compile.js";
import { loadRuleSet } from "../../src/rule-set.js";
import { evaluate } from "../../src/sigma/evaluate.js";
import { TARGET_NAMES, type TargetName } from "../../src/targets/types.js";
import { loadFixtures } from "../../src/verify/fixtures.js";
import { interpretAll, interpreterFor, parityFormat, viewFor } from "../../src/verify/registry.js";

/**
 * The TokenRequest rule is exact in every target on the usernames real data can carry besides a
 * name: JSON null, empty, missing, a number, a boolean. Each target's answer (its interpreter on
 * the text it emitted, over the view's document) is the rule's answer on the raw event, for a
 * human TokenRequest and the same request with another verb (no match) alike.
 */

const TOKEN_REQUEST = "b622e4fe-a0c3-487c-a6f1-19b0b815da8b";

describe("TokenRequest: usernames that are not names", () => {
  let rule: RuleIR;
  let outputs: Map<TargetName, TargetOutput>;
  let bases: Record<string, unknown>[];
  beforeAll(async () => {
    const r = loadRuleSet(["rules/kubernetes"]).rules.find((x) => x.id === TOKEN_REQUEST);
    if (r === undefined) throw new Error("TokenRequest rule not found");
    rule = compileRuleIR(r);
    outputs = new Map();
    for (const t of TARGET_NAMES)
      outputs.set(t, await compileForTarget(rule, t, { format: parityFormat(t) }));
    const fixtures = loadFixtures(["test/fixtures"]).fixtures;
    const byId = (id: string) =>
      fixtures.find((f) => f.id === id)!.event as Record<string, unknown>;
    bases = [byId("tr-human-001")];
    const kubelet = structuredClone(bases[0]!);
    (kubelet.verb as unknown) = "get";
    bases.push(kubelet);
  });

  const USERNAMES: readonly [string, (user: Record<string, unknown>) => void][] = [
    ["JSON null", (u) => (u.username = null)],
    ["empty", (u) => (u.username = "")],
    ["missing", (u) => delete u.username],
    ["a number", (u) => (u.username = 1001)],
    ["zero", (u) => (u.username = 0)],
    ["a boolean", (u) => (u.username = false)],
  ];

  for (const [name, set] of USERNAMES) {
    it(`is exact in every target when the username is ${name}`, async () => {
      for (const base of bases) {
        const event = structuredClone(base);
        set(event.user as Record<string, unknown>);
        const label = evaluate(rule.ir, event);
        for (const t of TARGET_NAMES) {
          const out = outputs.get(t)!;
          expect(out.artifact, t).not.toBe("");
          const [got] = await interpretAll(
            interpreterFor(t),
            [viewFor(t).document(event)],
            out.artifact,
          );
          expect(got, `${t} on ${JSON.stringify(event.user)} verb ${String(event.verb)}`).toBe(
            label,
          );
        }
      }
    });
  }

  it("the labels are what the rule says: only a present, non-excluded name fires", () => {
    const event = structuredClone(bases[0]!);
    const at = (username: unknown): boolean => {
      (event.user as Record<string, unknown>).username = username;
      return evaluate(rule.ir, event);
    };
    expect(at(null)).toBe(false);
    expect(at(1001)).toBe(true);
    expect(at(false)).toBe(true);
    expect(at("system:kube-scheduler")).toBe(false);
  });
});
