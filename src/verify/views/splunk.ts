import type { TargetView } from "../types.js";
import { auditRecord, linuxSysmonRecord } from "./linux-record.js";
import { splunkAuditDocument, splunkLinuxSysmonDocument } from "./splunk-linux.js";
import { CLOUD_SOURCETYPES, type SourcetypeRoute } from "./splunk-cloud.js";
import { splunkWindowsDocument } from "./splunk-windows.js";
import { windowsRecord } from "./windows-record.js";

/**
 * How Splunk stores a raw JSON event and what a search reads of it: search-time JSON extraction
 * (KV_MODE=json / spath naming):
 * - nested keys are joined with dots (`objectRef.resource`, `annotations.authorization.k8s.io/decision`);
 * - an array becomes a multivalue field named with `{}` (`sourceIPs{}`), objects inside arrays
 *   give `a{}.b`; an empty array or object gives no field at all;
 * - every value is text: numbers as their JSON text, booleans "true"/"false", and a JSON null the
 *   text "null" (Splunk's security content compares such fields with "null");
 * - the event carries the sourcetype its input gives it (SOURCETYPES).
 * Not modelled: a literal dotted key next to the same nested path (Splunk merges both into one
 * multivalue field).
 */

type Doc = Record<string, string[]>;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function scalarText(v: unknown): string | undefined {
  if (v === null) return "null";
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  return undefined;
}

function flatten(value: unknown, name: string, out: Doc): void {
  if (Array.isArray(value)) {
    for (const item of value) flatten(item, `${name}{}`, out);
    return;
  }
  if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, name === "" ? k : `${name}.${k}`, out);
    return;
  }
  const text = scalarText(value);
  if (text === undefined || name === "") return;
  (out[name] ??= []).push(text);
}

/**
 * The sourcetype an event arrives with, by what the event is. API-server audit events: the
 * Splunk OpenTelemetry Collector's and Splunk Connect for Kubernetes' `kube:apiserver-audit`.
 * Anything else is a JSON line of another input (Splunk's pretrained `_json`).
 */
const SOURCETYPES: readonly SourcetypeRoute[] = [
  {
    // An object naming another kind or API group (a core/v1 Event) comes from another input.
    is: (raw) =>
      (raw.kind === undefined || raw.kind === "Event") &&
      (raw.apiVersion === undefined ||
        (typeof raw.apiVersion === "string" && raw.apiVersion.startsWith("audit.k8s.io/"))),
    sourcetype: "kube:apiserver-audit",
  },
];

/** Cloud records first: an audit.k8s.io test accepts any object that names no kind. */
const ROUTES = [...CLOUD_SOURCETYPES, ...SOURCETYPES];

/**
 * A Windows event-log record (Channel and EventID) is collected as rendered XML and extracted by
 * the Windows and Sysmon add-ons (splunk-windows.ts); a Sysmon for Linux record and an audit
 * record as splunk-linux.ts says; anything else is a JSON line.
 */
export const splunkView: TargetView = {
  target: "splunk",
  document(raw) {
    const rec = windowsRecord(raw);
    if (rec !== undefined) return splunkWindowsDocument(rec);
    const linux = linuxSysmonRecord(raw);
    if (linux !== undefined) return splunkLinuxSysmonDocument(linux);
    const audit = auditRecord(raw);
    if (audit !== undefined) return splunkAuditDocument(audit);
    const route = isRecord(raw) ? ROUTES.find((s) => s.is(raw)) : undefined;
    const doc: Doc = {};
    flatten(route?.event !== undefined && isRecord(raw) ? route.event(raw) : raw, "", doc);
    doc["sourcetype"] = [route?.sourcetype ?? "_json"];
    return doc;
  },
};
