import { isObject, set, type JsonObject } from "../elastic-windows/ingest.js";
import { cloudtrailPipeline } from "./aws-cloudtrail.js";
import { bitbucketAuditPipeline, openCanaryPipeline } from "./apps.js";
import { activityLogsPipeline, identityProtectionPipeline } from "./azure.js";
import { auditLogsPipeline, signInLogsPipeline } from "./azure-entra.js";
import { clone, dropNullEmpty, pruned } from "./common.js";
import { gcpAuditPipeline } from "./gcp-audit.js";
import { githubAuditPipeline } from "./github.js";
import { o365AuditPipeline } from "./o365.js";
import { oktaPipeline } from "./okta.js";
import { zeekDnsPipeline } from "./zeek-dns.js";

/**
 * Which Elastic integration data stream collects a raw cloud record, by what the record is (each
 * integration reads its own input: the CloudTrail S3/SQS input, the Okta System Log API …), and
 * that stream's ingest pipeline. The pipelines start alike: the JSON processor reads the record
 * into `json`, the first script drops its null and "" values, the pipeline moves fields out of
 * `json` and removes what is left.
 */

interface Stream {
  readonly dataset: string;
  /** Whether the raw record is one this stream's input collects (the view's own reading). */
  readonly collects: (raw: JsonObject) => boolean;
  readonly pipeline: (doc: JsonObject) => void;
  /** The pipeline drops null and "" values (the Elastic cloud pipelines' usual script); default true. */
  readonly clean?: boolean;
}

const isText = (raw: JsonObject, k: string): boolean => typeof raw[k] === "string";

/** A CloudTrail log file's `Records[]` entry: AWS's record contents name these in every record. */
const cloudtrailRecord = (raw: JsonObject): boolean =>
  ["eventVersion", "eventSource", "eventName", "eventTime"].every((k) => isText(raw, k));

/** An Okta System Log LogEvent (Okta's System Log API: uuid, published, eventType, actor). */
const oktaLogEvent = (raw: JsonObject): boolean =>
  ["uuid", "published", "eventType"].every((k) => isText(raw, k)) && isObject(raw.actor);

/** A Cloud Logging LogEntry of an audit log (the integration drops entries of another @type). */
const gcpAuditEntry = (raw: JsonObject): boolean => {
  const p = raw.protoPayload;
  return (
    typeof raw.logName === "string" &&
    /\/logs\/cloudaudit\.googleapis\.com%2F[a-z_]+$/.test(raw.logName) &&
    isObject(p) &&
    p["@type"] === "type.googleapis.com/google.cloud.audit.AuditLog"
  );
};

/** Azure Monitor's activity-log categories (activity log schema). */
const ACTIVITY = new Set([
  "Administrative",
  "ServiceHealth",
  "ResourceHealth",
  "Alert",
  "Autoscale",
  "Recommendation",
  "Security",
  "Policy",
]);

/** A diagnostic-settings record (Event Hub `records[]`): time, category and operationName. */
const azureRecord = (raw: JsonObject): boolean =>
  ["time", "category", "operationName"].every((k) => isText(raw, k));

/** A GitHub audit-log event (GitHub "audit log events": action, _document_id, @timestamp). */
const githubAuditEvent = (raw: JsonObject): boolean =>
  isText(raw, "action") && isText(raw, "_document_id") && "@timestamp" in raw;

/** An opencanaryd JSON log line (opencanary/logger.py: logtype, node_id, utc_time in every event). */
const openCanaryEvent = (raw: JsonObject): boolean =>
  typeof raw.logtype === "number" && isText(raw, "node_id") && isText(raw, "utc_time");

/** A Bitbucket Data Center audit event (auditType with action and category, author, timestamp). */
const bitbucketAuditEvent = (raw: JsonObject): boolean => {
  const t = raw.auditType;
  return isObject(t) && isText(t, "action") && isObject(raw.author) && "timestamp" in raw;
};

/** An Office 365 Management Activity record (its common schema). */
const o365Record = (raw: JsonObject): boolean =>
  ["CreationTime", "Id", "Operation", "OrganizationId", "Workload"].every((k) => isText(raw, k)) &&
  Number.isInteger(raw.RecordType);

/** A Zeek dns.log record (DNS::Info: uid, id.orig_h, proto, trans_id, ts). */
const zeekDnsRecord = (raw: JsonObject): boolean =>
  isText(raw, "uid") &&
  isText(raw, "id.orig_h") &&
  isText(raw, "proto") &&
  Number.isInteger(raw.trans_id) &&
  raw.ts !== undefined;

const STREAMS: readonly Stream[] = [
  { dataset: "aws.cloudtrail", collects: cloudtrailRecord, pipeline: cloudtrailPipeline },
  { dataset: "okta.system", collects: oktaLogEvent, pipeline: oktaPipeline },
  // Cleaned by its own last script (after the mapping), to the same effect here.
  { dataset: "gcp.audit", collects: gcpAuditEntry, pipeline: gcpAuditPipeline },
  // Cleaned by its own last script, to the same effect here.
  { dataset: "github.audit", collects: githubAuditEvent, pipeline: githubAuditPipeline },
  // Both drop null and "" as their last step (OpenCanary also "undefined", in its pipeline).
  { dataset: "opencanary.events", collects: openCanaryEvent, pipeline: openCanaryPipeline },
  {
    dataset: "atlassian_bitbucket.audit",
    collects: bitbucketAuditEvent,
    pipeline: bitbucketAuditPipeline,
  },
  // Keeps empty values (no cleaning script); drops a record without ts (collects requires it).
  { dataset: "zeek.dns", collects: zeekDnsRecord, pipeline: zeekDnsPipeline, clean: false },
  // Keeps empty values (no cleaning script).
  { dataset: "o365.audit", collects: o365Record, pipeline: o365AuditPipeline, clean: false },
  // The Azure pipelines drop no empty value: `clean: false`.
  {
    dataset: "azure.activitylogs",
    collects: (raw) =>
      azureRecord(raw) && isText(raw, "resourceId") && ACTIVITY.has(raw.category as string),
    pipeline: activityLogsPipeline,
    clean: false,
  },
  {
    dataset: "azure.signinlogs",
    collects: (raw) =>
      azureRecord(raw) &&
      (raw.category as string).endsWith("SignInLogs") &&
      isObject(raw.properties),
    pipeline: signInLogsPipeline,
    clean: false,
  },
  {
    dataset: "azure.auditlogs",
    collects: (raw) => azureRecord(raw) && raw.category === "AuditLogs",
    pipeline: auditLogsPipeline,
    clean: false,
  },
  {
    dataset: "azure.identity_protection",
    collects: (raw) =>
      azureRecord(raw) && (raw.category === "UserRiskEvents" || raw.category === "RiskyUsers"),
    pipeline: identityProtectionPipeline,
    clean: false,
  },
];

/** The document for a raw cloud record, or undefined when no modelled cloud integration reads it. */
export function elasticCloudDocument(raw: unknown): JsonObject | undefined {
  if (!isObject(raw)) return undefined;
  const record = clone(raw);
  if (!isObject(record)) return undefined;
  const stream = STREAMS.find((s) => s.collects(record));
  if (stream === undefined) return undefined;
  const json = stream.clean === false ? record : dropNullEmpty(record);
  const doc: JsonObject = { json: isObject(json) ? json : {} };
  stream.pipeline(doc);
  set(doc, "data_stream", { type: "logs", dataset: stream.dataset, namespace: "default" });
  set(doc, "event.dataset", stream.dataset);
  const out = pruned(doc);
  return isObject(out) ? out : {};
}
