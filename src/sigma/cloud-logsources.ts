import {
  AUDIT_COLUMNS,
  entraSigmaEvent,
  isEntraAudit,
  isEntraSignIn,
  SIGNIN_COLUMNS,
} from "./entra-logsources.js";
import type { LogSource } from "./rule.js";

/**
 * Which raw cloud records make up each Sigma cloud logsource, and the names Sigma's rules give
 * their values. A raw record is what the provider itself writes, before any SIEM reads it:
 * - AWS CloudTrail: one record of a trail's `Records` array (AWS "CloudTrail record contents":
 *   eventVersion, eventSource, eventName and eventTime are in every record; digest files are not
 *   records and carry none of them).
 * - Okta: one System Log `LogEvent` (Okta System Log API: uuid, published, eventType, version,
 *   severity, actor, outcome, target[] …).
 * - GCP audit: one Cloud Logging `LogEntry` of an audit log (logName
 *   `…/logs/cloudaudit.googleapis.com%2F<activity|data_access|system_event|policy>`, protoPayload of
 *   `@type` `type.googleapis.com/google.cloud.audit.AuditLog`).
 * - Azure: one record of Azure Monitor's diagnostic-settings export (the `records[]` of an Event Hub
 *   message or storage blob, Azure Monitor "resource log / activity log schema"): activity-log
 *   records name their `category` (Administrative, Security, Policy …) and `operationName`;
 *   Entra ID Protection risk detections are category `UserRiskEvents` with `properties.riskEventType`.
 * - Microsoft Entra ID sign-in and audit logs: records of categories `SignInLogs` and `AuditLogs`
 *   of the same export; their rules name Sentinel's columns (entra-logsources.ts).
 * - GitHub: one enterprise/organization audit-log event (GitHub "audit log events": `action`,
 *   `@timestamp`, `actor`, `org`, `_document_id`).
 * Sigma's cloud rules use the raw names, except where SigmaHQ wrote them with other names:
 * `gcp.audit.method_name` (Elastic's name of protoPayload.methodName, as SigmaHQ's GCP rules and
 * shared/reference/cloud/sigma-cloud-field-usage.json show), `data.*` (the entry inside the Pub/Sub
 * message of a log sink, whose `data` is the LogEntry, as Splunk's GCP add-on indexes it) and, for risk detections, `riskEventType` (the
 * Graph riskDetection property, under `properties` in the diagnostic record). Those names are
 * given their raw value in `cloudSigmaEvent`.
 */

type Raw = Record<string, unknown>;
type Test = (raw: Raw) => boolean;

function isRecord(x: unknown): x is Raw {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

const str = (raw: Raw, key: string): boolean => typeof raw[key] === "string";
const lower = (s: string | undefined): string | undefined => s?.toLowerCase();

export function isCloudTrailRecord(raw: Raw): boolean {
  return ["eventVersion", "eventSource", "eventName", "eventTime"].every((k) => str(raw, k));
}

export function isOktaLogEvent(raw: Raw): boolean {
  return ["uuid", "published", "eventType"].every((k) => str(raw, k)) && isRecord(raw.actor);
}

const AUDIT_LOG_TYPE = "type.googleapis.com/google.cloud.audit.AuditLog";
const AUDIT_LOG_NAME =
  /\/logs\/cloudaudit\.googleapis\.com%2F(activity|data_access|system_event|policy)$/;

export function isGcpAuditEntry(raw: Raw): boolean {
  const p = raw.protoPayload;
  return (
    typeof raw.logName === "string" &&
    AUDIT_LOG_NAME.test(raw.logName) &&
    isRecord(p) &&
    p["@type"] === AUDIT_LOG_TYPE
  );
}

/** Azure Monitor's activity-log categories (activity log schema, "categories"). */
const ACTIVITY_CATEGORIES = new Set([
  "Administrative",
  "ServiceHealth",
  "ResourceHealth",
  "Alert",
  "Autoscale",
  "Recommendation",
  "Security",
  "Policy",
]);

function isAzureDiagnostic(raw: Raw): boolean {
  return str(raw, "time") && str(raw, "category") && str(raw, "operationName");
}

export function isAzureActivityRecord(raw: Raw): boolean {
  return (
    isAzureDiagnostic(raw) &&
    str(raw, "resourceId") &&
    ACTIVITY_CATEGORIES.has(raw.category as string)
  );
}

export function isAzureRiskDetection(raw: Raw): boolean {
  return isAzureDiagnostic(raw) && raw.category === "UserRiskEvents" && isRecord(raw.properties);
}

export function isGitHubAuditEvent(raw: Raw): boolean {
  return str(raw, "action") && str(raw, "_document_id") && "@timestamp" in raw;
}

/** "product/service" (lower case) → the records of that logsource. */
const MEMBERS: Readonly<Record<string, Test>> = {
  "aws/cloudtrail": isCloudTrailRecord,
  "okta/okta": isOktaLogEvent,
  "gcp/gcp.audit": isGcpAuditEntry,
  "azure/activitylogs": isAzureActivityRecord,
  "azure/riskdetection": isAzureRiskDetection,
  "github/audit": isGitHubAuditEvent,
  "azure/signinlogs": isEntraSignIn,
  "azure/auditlogs": isEntraAudit,
};

const keyOf = (logsource: LogSource): string | undefined =>
  logsource.category === undefined && logsource.product !== undefined
    ? `${lower(logsource.product)}/${lower(logsource.service) ?? ""}`
    : undefined;

/** The membership test of a cloud logsource this module knows; undefined for any other. */
export function cloudMembership(logsource: LogSource): Test | undefined {
  const key = keyOf(logsource);
  return key === undefined ? undefined : MEMBERS[key];
}

/**
 * The raw record as a rule of the logsource reads it: the names SigmaHQ gives some values
 * (see above) hold the raw value; the record's own fields stay and are never overwritten.
 */
export function cloudSigmaEvent(logsource: LogSource, raw: unknown): unknown {
  if (!isRecord(raw)) return raw;
  const key = keyOf(logsource);
  if (key === "gcp/gcp.audit" && isGcpAuditEntry(raw)) {
    const out: Raw = { ...raw };
    const p = raw.protoPayload as Raw;
    if (!Object.hasOwn(out, "gcp.audit.method_name") && Object.hasOwn(p, "methodName"))
      out["gcp.audit.method_name"] = p.methodName;
    if (!Object.hasOwn(out, "data")) out.data = { ...raw };
    return out;
  }
  if (key === "azure/riskdetection" && isAzureRiskDetection(raw)) {
    const p = raw.properties as Raw;
    if (!Object.hasOwn(raw, "riskEventType") && Object.hasOwn(p, "riskEventType"))
      return { ...raw, riskEventType: p.riskEventType };
  }
  if (key === "azure/signinlogs" && isEntraSignIn(raw)) return entraSigmaEvent(raw, SIGNIN_COLUMNS);
  if (key === "azure/auditlogs" && isEntraAudit(raw)) return entraSigmaEvent(raw, AUDIT_COLUMNS);
  return raw;
}
