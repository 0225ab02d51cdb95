import type { DataNote } from "../types.js";

/** What Falco's event sources deliver at all, for every rule (the seen events state it exactly). */
export const FALCO_DATA_NOTES: readonly DataNote[] = [
  {
    code: "FIDELITY_EVENT_DROPPED",
    message:
      "each event source delivers only its own records: k8saudit only `kind: Event` records with an RFC 3339 stageTimestamp, at most 256 KiB; cloudtrail, gcpaudit and okta only records of their shape (an Okta event whose securityContext.isProxy is a JSON boolean fails to decode); the syscall source a rule's scope only (process starts, created files, outbound connections)",
  },
  {
    code: "FIDELITY_NO_AUDITID",
    message:
      "k8saudit fills ka.* fields only for an event with a top-level auditID (json.value fields need none)",
  },
  {
    code: "FIDELITY_PLUGIN_TEXT",
    message:
      'cloudtrail, gcpaudit and github read a value that is not a JSON string as "" (fastjson), okta reads an absent or null key as "" (a Go struct), and json.value reads JSON null as "null"',
  },
  {
    code: "FIDELITY_ARGV",
    message:
      "the syscall source splits a command line into argv[0] (proc.exe) and the arguments (proc.args): a command line with nothing after its first space reads as argv[0] alone",
  },
];
