import { appMembership, appSigmaEvent } from "./app-logsources.js";
import { cloudMembership, cloudSigmaEvent } from "./cloud-logsources.js";
import type { LogSource } from "./rule.js";
import { AUDIT_MSG, LINUX_CATEGORY_EVENT_IDS, LINUX_SYSMON_CHANNEL } from "./linux-logsources.js";
import {
  WINDOWS_CATEGORY_PRODUCERS,
  WINDOWS_SERVICE_CHANNELS,
  type WindowsProducer,
} from "./windows-logsources.js";

/**
 * A rule applies only to the events of its logsource: that is part of its meaning. This module
 * says, for the logsources whose raw events identify themselves, which raw events belong to them,
 * from the producers' own formats (the Kubernetes audit.k8s.io Event type; the Windows event-log
 * record's Channel and EventID, windows-logsources.ts; Sysmon for Linux records and audit-log
 * records, linux-logsources.ts; the cloud providers' records, cloud-logsources.ts; applications'
 * own JSON records, app-logsources.ts). The parity
 * runner holds every target to it:
 * a query whose scope lets in another source's event fails there.
 * A logsource key the tables do not know is not decided here (every event may belong to it).
 */

type Raw = Record<string, unknown>;
type Test = (raw: Raw) => boolean;

function isRecord(x: unknown): x is Raw {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

const lower = (s: string | undefined): string | undefined => s?.toLowerCase();

/**
 * kube-apiserver writes audit.k8s.io/v1 (formerly v1beta1) objects of kind Event. An event that
 * says it is another object (a core/v1 Event, a Pod) is not one; a partial event that leaves the
 * envelope out is judged by its fields alone.
 */
function kubernetesAudit(logsource: LogSource): Test | undefined {
  if (lower(logsource.product) !== "kubernetes" || lower(logsource.service) !== "audit")
    return undefined;
  return (raw) =>
    (raw.kind === undefined || raw.kind === "Event") &&
    (raw.apiVersion === undefined ||
      (typeof raw.apiVersion === "string" && raw.apiVersion.startsWith("audit.k8s.io/")));
}

/** The record's EventID as a number (Windows writes an unsigned integer; text forms are read too). */
function eventId(raw: Raw): number | undefined {
  const v = raw.EventID;
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

/**
 * A Windows event-log record in the flat form the fixtures use (test/fixtures/README.md): it names
 * its Channel and EventID. Sysmon for Linux writes the same shape to `Linux-Sysmon/Operational`,
 * which is not a Windows channel.
 */
function isWindowsRecord(raw: Raw): boolean {
  return (
    typeof raw.Channel === "string" &&
    raw.Channel !== "Linux-Sysmon/Operational" &&
    eventId(raw) !== undefined
  );
}

function producedBy(raw: Raw, p: WindowsProducer): boolean {
  const id = eventId(raw);
  return (
    typeof raw.Channel === "string" &&
    p.channels.includes(raw.Channel) &&
    id !== undefined &&
    p.eventIds.includes(id) &&
    (p.eventTypes === undefined ||
      (typeof raw.EventType === "string" && p.eventTypes.includes(raw.EventType)))
  );
}

/** product windows, with the category's records and the service's channels where the tables know them. */
function windows(logsource: LogSource): Test | undefined {
  if (lower(logsource.product) !== "windows") return undefined;
  const category = lower(logsource.category);
  const service = lower(logsource.service);
  const producers = category === undefined ? undefined : WINDOWS_CATEGORY_PRODUCERS[category];
  const channels = service === undefined ? undefined : WINDOWS_SERVICE_CHANNELS[service];
  return (raw) =>
    isWindowsRecord(raw) &&
    (producers === undefined || producers.some((p) => producedBy(raw, p))) &&
    (channels === undefined || (typeof raw.Channel === "string" && channels.includes(raw.Channel)));
}

/**
 * product linux: a category the table knows is Sysmon for Linux records of its EventIDs; service
 * auditd is records of the audit log (a `type` and an `audit(…)` msg header). Other Linux
 * logsources are not decided here.
 */
function linux(logsource: LogSource): Test | undefined {
  if (lower(logsource.product) !== "linux") return undefined;
  const category = lower(logsource.category);
  const ids = category === undefined ? undefined : LINUX_CATEGORY_EVENT_IDS[category];
  const auditd = lower(logsource.service) === "auditd";
  if (ids === undefined && !auditd) return undefined;
  return (raw) => {
    if (auditd && !isAuditRecord(raw)) return false;
    if (ids === undefined) return true;
    const id = eventId(raw);
    return raw.Channel === LINUX_SYSMON_CHANNEL && id !== undefined && ids.includes(id);
  };
}

function isAuditRecord(raw: Raw): boolean {
  return typeof raw.type === "string" && typeof raw.msg === "string" && AUDIT_MSG.test(raw.msg);
}

const DECIDERS: readonly ((logsource: LogSource) => Test | undefined)[] = [
  kubernetesAudit,
  windows,
  linux,
  cloudMembership,
  appMembership,
];

/**
 * The raw event as a rule of this logsource reads it: a producer that names a category field
 * otherwise (Security 4688's NewProcessName is process_creation's Image) shows its value under the
 * category's name too. The record's own fields stay; an existing field is never overwritten.
 */
export function sigmaEvent(logsource: LogSource, raw: unknown): unknown {
  if (lower(logsource.product) !== "windows")
    return appSigmaEvent(logsource, cloudSigmaEvent(logsource, raw));
  if (!isRecord(raw)) return raw;
  const category = lower(logsource.category);
  const producers = category === undefined ? undefined : WINDOWS_CATEGORY_PRODUCERS[category];
  const producer = producers?.find((p) => p.aliases !== undefined && producedBy(raw, p));
  if (producer?.aliases === undefined) return raw;
  const out: Raw = { ...raw };
  for (const [field, own] of Object.entries(producer.aliases))
    if (!Object.hasOwn(out, field) && Object.hasOwn(raw, own)) out[field] = raw[own];
  return out;
}

/** Whether a raw event can belong to the rule's logsource (true where the tables cannot tell). */
export function inLogsource(logsource: LogSource, raw: unknown): boolean {
  const tests = DECIDERS.map((d) => d(logsource)).filter((t): t is Test => t !== undefined);
  if (tests.length === 0) return true;
  return isRecord(raw) && tests.every((t) => t(raw));
}
