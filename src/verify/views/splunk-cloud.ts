/**
 * The sourcetypes Splunk's add-ons give raw cloud records, by what the record is (each add-on
 * reads its own input and indexes one event per record, as JSON that search-time extraction
 * reads with KV_MODE=json):
 * - a CloudTrail record: Splunk Add-on for AWS, `aws:cloudtrail`
 *   (shared/reference/cloud/splunk-security-content: macros/cloudtrail.yml, data_sources);
 * - an Okta System Log LogEvent: Splunk Add-on for Okta Identity Cloud, `OktaIM2:log`
 *   (data_sources/okta.yml);
 * - a GCP audit LogEntry: Splunk Add-on for Google Cloud Platform, `google:gcp:pubsub:message`,
 *   pulled from the log sink's Pub/Sub subscription: the event is the message, the LogEntry under
 *   `data` and the message attributes under `attributes` (macros/google_gcp_pubsub_message.yml;
 *   the `data.protoPayload.*` names of the searches written for it);
 * - an Azure Monitor diagnostic record (activity log, Entra ID Protection risk events): Splunk
 *   Add-on for Microsoft Cloud Services' Event Hub input, `mscs:azure:eventhub`, the record under
 *   `body` (searches read body.operationName, body.properties.*);
 * - a GitHub audit-log event: Splunk Add-on for GitHub, `github:cloud:audit` (its source types
 *   page), the event as GitHub writes it;
 * - an Office 365 Management Activity record: Splunk Add-on for Microsoft Office 365,
 *   `o365:management:activity`, the record as the API returns it;
 * - a Zeek dns.log record: Splunk Add-on for Zeek, `bro:dns:json`, the JSON record;
 * - an OpenCanary JSON log line and a Bitbucket Data Center audit event: no Splunk add-on reads
 *   them; a monitored file with a custom sourcetype (`opencanary`, `bitbucket:audit`) and
 *   KV_MODE=json, the event as the product writes it.
 */

type Raw = Record<string, unknown>;

export interface SourcetypeRoute {
  readonly is: (raw: Raw) => boolean;
  readonly sourcetype: string;
  /** The event the input indexes for the record, when it is not the record itself. */
  readonly event?: (raw: Raw) => Raw;
}

const isText = (raw: Raw, k: string): boolean => typeof raw[k] === "string";

export const CLOUD_SOURCETYPES: readonly SourcetypeRoute[] = [
  {
    is: (raw) =>
      ["eventVersion", "eventSource", "eventName", "eventTime"].every((k) => isText(raw, k)),
    sourcetype: "aws:cloudtrail",
  },
  {
    is: (raw) =>
      ["uuid", "published", "eventType"].every((k) => isText(raw, k)) &&
      typeof raw.actor === "object" &&
      raw.actor !== null,
    sourcetype: "OktaIM2:log",
  },
  {
    is: (raw) => {
      const p = raw.protoPayload;
      return (
        typeof raw.logName === "string" &&
        /\/logs\/cloudaudit\.googleapis\.com%2F[a-z_]+$/.test(raw.logName) &&
        typeof p === "object" &&
        p !== null &&
        (p as Raw)["@type"] === "type.googleapis.com/google.cloud.audit.AuditLog"
      );
    },
    sourcetype: "google:gcp:pubsub:message",
    event: (raw) => ({
      attributes: { "logging.googleapis.com/timestamp": raw.timestamp ?? null },
      data: raw,
    }),
  },
  {
    is: (raw) => ["time", "category", "operationName"].every((k) => isText(raw, k)),
    sourcetype: "mscs:azure:eventhub",
    event: (raw) => ({ body: raw }),
  },
  {
    is: (raw) => isText(raw, "action") && isText(raw, "_document_id") && "@timestamp" in raw,
    sourcetype: "github:cloud:audit",
  },
  {
    is: (raw) =>
      ["CreationTime", "Id", "Operation", "OrganizationId", "Workload"].every((k) =>
        isText(raw, k),
      ) && Number.isInteger(raw.RecordType),
    sourcetype: "o365:management:activity",
  },
  {
    is: (raw) =>
      isText(raw, "uid") &&
      isText(raw, "id.orig_h") &&
      isText(raw, "proto") &&
      Number.isInteger(raw.trans_id) &&
      raw.ts !== undefined,
    sourcetype: "bro:dns:json",
  },
  {
    is: (raw) =>
      typeof raw.logtype === "number" && isText(raw, "node_id") && isText(raw, "utc_time"),
    sourcetype: "opencanary",
  },
  {
    is: (raw) => {
      const t = raw.auditType;
      return (
        typeof t === "object" &&
        t !== null &&
        typeof (t as Raw).action === "string" &&
        typeof raw.author === "object" &&
        raw.author !== null &&
        "timestamp" in raw
      );
    },
    sourcetype: "bitbucket:audit",
  },
];
