import type { LogSource } from "./rule.js";

/**
 * A rule applies only to the events of its logsource: that is part of its meaning. This table says,
 * for the logsources whose raw events identify themselves, which raw events belong to them, from
 * the producers' own formats (the Kubernetes audit.k8s.io Event type). The parity runner holds
 * every target to it: a query whose scope lets in another source's event fails there.
 * A logsource the table does not know is not decided here (every event may belong to it).
 */

interface Membership {
  readonly logsource: LogSource;
  readonly test: (raw: Record<string, unknown>) => boolean;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

const MEMBERSHIPS: readonly Membership[] = [
  {
    // kube-apiserver writes audit.k8s.io/v1 (formerly v1beta1) objects of kind Event. An event
    // that says it is another object (a core/v1 Event, a Pod) is not one; a partial event that
    // leaves the envelope out is judged by its fields alone.
    logsource: { product: "kubernetes", service: "audit" },
    test: (raw) =>
      (raw.kind === undefined || raw.kind === "Event") &&
      (raw.apiVersion === undefined ||
        (typeof raw.apiVersion === "string" && raw.apiVersion.startsWith("audit.k8s.io/"))),
  },
];

const KEYS = ["product", "category", "service"] as const;

/** Every key the table entry gives is the rule's (case-insensitive). */
const covers = (entry: LogSource, rule: LogSource): boolean =>
  KEYS.every((k) => entry[k] === undefined || entry[k].toLowerCase() === rule[k]?.toLowerCase());

/** Whether a raw event can belong to the rule's logsource (true where the table cannot tell). */
export function inLogsource(logsource: LogSource, raw: unknown): boolean {
  const known = MEMBERSHIPS.filter((m) => covers(m.logsource, logsource));
  if (known.length === 0) return true;
  return isRecord(raw) && known.some((m) => m.test(raw));
}
