import type { DataNote } from "../types.js";

/** What the k8s_audit source delivers at all, for every rule (seen.ts states it exactly). */
export const FALCO_DATA_NOTES: readonly DataNote[] = [
  {
    code: "FIDELITY_EVENT_DROPPED",
    message:
      "the k8saudit event source delivers only `kind: Event` records with an RFC 3339 stageTimestamp, at most 256 KiB: no rule runs on any other event",
  },
  {
    code: "FIDELITY_NO_AUDITID",
    message:
      "k8saudit fills ka.* fields only for an event with a top-level auditID (json.value fields need none)",
  },
];
