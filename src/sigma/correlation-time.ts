import type { LogSource } from "./rule.js";

/**
 * Where a correlation reads an event's time, and how. A correlation's windows are measured on one
 * timestamp per event, taken from a field that depends on the log source:
 *
 * - Kubernetes audit (product kubernetes, service audit): `stageTimestamp`, the time the API
 *   server wrote this stage's record. It is the order of the audit log (so a streaming correlator
 *   needs only a short reorder buffer), it is what Falco's k8saudit source uses as the event
 *   time, and every audit record has it. `requestReceivedTimestamp` would date a long watch or
 *   exec session at its start, hours before its record is written, so a log read in order would
 *   arrive far out of time order. A request audited at several stages is several events, each at
 *   its own time; the base rules decide which stages count.
 *
 * Other log sources need the time field named explicitly (the `time-field` option).
 */

interface TimeSource {
  readonly match: LogSource;
  readonly field: string;
}

const TIME_SOURCES: readonly TimeSource[] = [
  { match: { product: "kubernetes", service: "audit" }, field: "stageTimestamp" },
];

/** The time field of a log source, or undefined when sigprism knows none. */
export function timeFieldFor(logsource: LogSource): string | undefined {
  const hit = TIME_SOURCES.find((s) =>
    (["product", "category", "service"] as const).every(
      (k) => s.match[k] === undefined || s.match[k] === logsource[k]?.toLowerCase(),
    ),
  );
  return hit?.field;
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * An event time in microseconds since the epoch (UTC): a string in RFC 3339 form with an offset
 * (`2026-11-20T09:04:34.196217Z`); digits of the fraction beyond microseconds are dropped; a leap
 * second 60 counts as 59. Anything else (no offset, a number, an impossible date) is no time:
 * the event then takes no part in any correlation.
 */
export function parseTimestampUs(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const m = DATE_TIME.exec(value);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const offH = m[9] === undefined ? 0 : Number(m[9]);
  const offM = m[10] === undefined ? 0 : Number(m[10]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60 || offH > 23 || offM > 59) return undefined;
  const fraction = Number((m[7] ?? "").slice(0, 6).padEnd(6, "0"));
  const sign = m[8] === "-" ? -1 : 1;
  const seconds =
    daysFromCivil(year, month, day) * 86_400 +
    hour * 3600 +
    minute * 60 +
    Math.min(second, 59) -
    sign * (offH * 3600 + offM * 60);
  return seconds * 1_000_000 + fraction;
}

/** RFC 3339 in UTC with six fractional digits, the form kube-apiserver writes. */
export function formatTimestampUs(us: number): string {
  const seconds = Math.floor(us / 1_000_000);
  const fraction = us - seconds * 1_000_000;
  const days = Math.floor(seconds / 86_400);
  const rest = seconds - days * 86_400;
  const date = new Date(days * 86_400_000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, "0");
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(Math.floor(rest / 3600))}:${pad(Math.floor(rest / 60) % 60)}:${pad(rest % 60)}` +
    `.${pad(fraction, 6)}Z`
  );
}
