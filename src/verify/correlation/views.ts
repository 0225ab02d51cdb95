import { splunkView } from "../views/splunk.js";

/**
 * What a target's correlation sees of a raw event, beyond what its per-event view says: the time.
 * Splunk's pipeline reads the timestamp with strptime in the form kube-apiserver writes
 * (`2026-11-20T09:04:34.196217Z`: UTC 'Z', exactly six fractional digits, spl-time.ts); a
 * timestamp in any other RFC 3339 form gives no time there, so the seen event has no time field.
 */

const KUBE_MICROTIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** The Splunk seen event (Sigma names) with a time field Splunk cannot read removed. */
export function splunkCorrelationSeen(raw: unknown, timeField: string): unknown {
  const seen = splunkView.seen(raw);
  if (!isRecord(seen) || !Object.hasOwn(seen, timeField)) return seen;
  const t = seen[timeField];
  if (typeof t === "string" && KUBE_MICROTIME.test(t)) return seen;
  const copy: Record<string, unknown> = { ...seen };
  delete copy[timeField];
  return copy;
}
