import { describe, expect, it } from "vitest";
import { resolveMapping } from "../../src/pipelines/resolve.js";
import { loadTarget } from "../../src/targets/load.js";

/**
 * While the verify views still read the Kubernetes logsources of targets/*.yml, the built-in
 * Kubernetes pipelines must say exactly the same (the compiler reads the pipelines only).
 */
describe("the Kubernetes pipelines and the targets/*.yml logsources they replace", () => {
  for (const target of ["elastic", "splunk", "falco"] as const)
    it(`${target}: same fields, scope and settings`, () => {
      const old = loadTarget(target).logsources[0]!;
      const now = resolveMapping({ product: "kubernetes", service: "audit" }, target)!;
      expect(now.fields).toEqual(old.fields);
      expect(now.scope).toEqual(old.scope);
      for (const [k, v] of Object.entries(old.settings)) expect(now.settings[k], k).toEqual(v);
      expect(now.unmapped).toBe("strict");
    });
});
