import { describe, expect, it } from "vitest";
import { load } from "js-yaml";
import { loadBackend } from "../../src/backends/load.js";
import { compileForTarget, compileRuleIR } from "../../src/compile.js";
import { stdoutBlocks, stdoutText, type Written } from "../../src/cli/outputs.js";
import { loadRuleSet } from "../../src/rule-set.js";
import type { TargetName } from "../../src/targets/types.js";

/**
 * Standard output of several artifacts: a format the backend combines (Falco's falco.yaml) is one
 * block where its first artifact was; every other artifact keeps its place and its label.
 */
const RULES = [
  "rules/kubernetes/audit/k8s_serviceaccount_token_created_via_tokenrequest.yml",
  "rules/kubernetes/audit/k8s_forbidden_secret_read.yml",
];

async function written(target: TargetName, format: string): Promise<Written[]> {
  const out: Written[] = [];
  for (const rule of loadRuleSet(RULES).rules) {
    const o = await compileForTarget(compileRuleIR(rule), target, { format });
    expect(o.artifact, o.diagnostics.map((d) => d.code).join()).not.toBe("");
    out.push({ rule, target, format, artifact: o.artifact });
  }
  return out;
}

const combine = async (
  target: TargetName,
  format: string,
  artifacts: readonly string[],
): Promise<string | undefined> => (await loadBackend(target)).combine?.(format, artifacts);

describe("standard output blocks", () => {
  it("combines Falco configs into one block at the first one's place, others stay apart", async () => {
    const configs = await written("falco", "config");
    const rules = await written("falco", "rules");
    const items = [configs[0]!, rules[0]!, configs[1]!, rules[1]!];
    const blocks = await stdoutBlocks(items, combine);
    expect(blocks.map((b) => [b.format, b.rules.length])).toEqual([
      ["config", 2],
      ["rules", 1],
      ["rules", 1],
    ]);
    const config = load(blocks[0]!.artifact) as { rules_files: string[] };
    expect(config.rules_files).toHaveLength(2);
    // Every block is labelled with a YAML comment, so each still parses on its own.
    const text = stdoutText(blocks);
    const parts = text.split(/\n(?=# )/);
    expect(parts).toHaveLength(3);
    for (const part of parts) {
      expect(part.startsWith("# ")).toBe(true);
      expect(() => load(part)).not.toThrow();
    }
  });

  it("keeps every artifact where the backend combines nothing", async () => {
    const items = await written("splunk", "query");
    const blocks = await stdoutBlocks(items, combine);
    expect(blocks.map((b) => b.rules[0])).toEqual(items.map((w) => w.rule));
  });
});
