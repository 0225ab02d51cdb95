import { backendFor } from "./backends/registry.js";
import { CONSTRUCT_NAMES, type Construct } from "./backends/constructs.js";
import type { Capability, CapabilityEntry } from "./backends/types.js";
import { TARGET_NAMES, type TargetName } from "./targets/types.js";

/** construct × target → capability, the same matrix `sigprism targets` prints and the README shows. */
export function capabilityMatrix(): {
  construct: Construct;
  cells: Record<TargetName, CapabilityEntry | undefined>;
}[] {
  return CONSTRUCT_NAMES.map((construct) => {
    const cells = {} as Record<TargetName, CapabilityEntry | undefined>;
    for (const t of TARGET_NAMES)
      cells[t] = backendFor(t).capabilities.find((c) => c.construct === construct);
    return { construct, cells };
  });
}

export const CAPABILITY_LABEL: Readonly<Record<Capability, string>> = {
  exact: "exact",
  encoded: "encoded",
  deviation: "deviation",
  unsupported: "unsupported",
};
