import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compileRuleIR, type RuleIR } from "../../src/compile.js";
import { loadRuleSet } from "../../src/rule-set.js";
import { CORPUS } from "./shared-data.js";

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? yamlFiles(join(dir, d.name))
      : d.name.endsWith(".yml")
        ? [join(dir, d.name)]
        : [],
  );
}

const ID_LINE = /^id:\s*['"]?([0-9a-fA-F-]{36})['"]?\s*$/m;

/**
 * The SigmaHQ corpus rules with the given ids, compiled to IR (read from ../shared; callers skip
 * when it is absent). Ids that name no corpus rule are returned in `missing`.
 */
export function corpusRules(ids: Iterable<string>): {
  rules: Map<string, RuleIR>;
  missing: string[];
} {
  const wanted = new Set(ids);
  const paths: string[] = [];
  for (const file of yamlFiles(CORPUS)) {
    const m = ID_LINE.exec(readFileSync(file, "utf8"));
    if (m && wanted.has(m[1]!)) paths.push(file);
  }
  const rules = new Map<string, RuleIR>();
  for (const rule of loadRuleSet(paths).rules)
    if (rule.id !== undefined && wanted.has(rule.id)) rules.set(rule.id, compileRuleIR(rule));
  return { rules, missing: [...wanted].filter((id) => !rules.has(id)).sort() };
}
