import type { LogSource } from "./rule.js";

/**
 * Which raw records make up the application logsources whose producers write JSON of their own:
 * - OpenCanary (product opencanary, category application): one line of opencanaryd's JSON log
 *   (thinkst/opencanary opencanary/logger.py: every event names dst_host, dst_port, local_time,
 *   local_time_adjusted, logdata, logtype, node_id, src_host, src_port and utc_time; logtype is
 *   the integer event code, LOG_PORT_NMAPFIN = 5005 …).
 * - Bitbucket audit (product bitbucket, service audit): one Bitbucket Data Center audit event as
 *   its audit log file and REST API write it (Atlassian "Audit log events in Bitbucket": auditType
 *   {action, actionI18nKey, area, category, categoryI18nKey, level}, author, affectedObjects,
 *   changedValues, extraAttributes, method, node, source, system, timestamp).
 * - Microsoft 365 (product m365): one record of the Office 365 Management Activity API (its
 *   "common schema": CreationTime, Id, Operation, OrganizationId, RecordType, UserId, Workload in
 *   every record). Service audit is every record; threat_management and threat_detection are
 *   the Security & Compliance Center's alert records (RecordType 40, SecurityComplianceAlerts);
 *   exchange is the Exchange admin and mailbox records (Workload Exchange).
 * - DNS (category dns, no product): one record of Zeek's dns.log (Zeek's DNS::Info: ts, uid,
 *   id.orig_h/p, id.resp_h/p, proto, trans_id, query, qtype_name, rcode_name, answers, TTLs …),
 *   the DNS log the built-in pipelines read. The Sigma taxonomy names its fields query, answer
 *   and record_type: `appSigmaEvent` gives answer the record's answers and record_type its
 *   qtype_name.
 * SigmaHQ's rules use the records' own names (the m365 alert rules excepted: their eventSource,
 * eventName and status name no field of the record).
 */

type Raw = Record<string, unknown>;
type Test = (raw: Raw) => boolean;

function isRecord(x: unknown): x is Raw {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

export function isOpenCanaryEvent(raw: Raw): boolean {
  return (
    typeof raw.logtype === "number" &&
    Number.isInteger(raw.logtype) &&
    typeof raw.node_id === "string" &&
    typeof raw.utc_time === "string"
  );
}

export function isBitbucketAuditEvent(raw: Raw): boolean {
  const t = raw.auditType;
  return (
    isRecord(t) &&
    typeof t.action === "string" &&
    typeof t.category === "string" &&
    isRecord(raw.author) &&
    raw.timestamp !== undefined
  );
}

export function isO365Record(raw: Raw): boolean {
  return (
    ["CreationTime", "Id", "Operation", "OrganizationId", "Workload"].every(
      (k) => typeof raw[k] === "string",
    ) && Number.isInteger(raw.RecordType)
  );
}

export function isZeekDnsRecord(raw: Raw): boolean {
  return (
    typeof raw.uid === "string" &&
    typeof raw["id.orig_h"] === "string" &&
    typeof raw.proto === "string" &&
    Number.isInteger(raw.trans_id) &&
    raw.ts !== undefined
  );
}

/** AuditLogRecordType 40: SecurityComplianceAlerts. */
const isO365Alert = (raw: Raw): boolean => isO365Record(raw) && raw.RecordType === 40;
const isO365Exchange = (raw: Raw): boolean => isO365Record(raw) && raw.Workload === "Exchange";

const lower = (s: string | undefined): string => s?.toLowerCase() ?? "";

/** "product/category/service" (lower case) → the records of that logsource. */
const MEMBERS: Readonly<Record<string, Test>> = {
  "opencanary/application/": isOpenCanaryEvent,
  "bitbucket//audit": isBitbucketAuditEvent,
  "/dns/": isZeekDnsRecord,
  "m365//audit": isO365Record,
  "m365//threat_management": isO365Alert,
  "m365//threat_detection": isO365Alert,
  "m365//exchange": isO365Exchange,
};

const keyOf = (logsource: LogSource): string =>
  `${lower(logsource.product)}/${lower(logsource.category)}/${lower(logsource.service)}`;

/** The membership test of an application logsource this module knows; undefined for any other. */
export function appMembership(logsource: LogSource): Test | undefined {
  return MEMBERS[keyOf(logsource)];
}

/** The Sigma taxonomy's dns fields → the Zeek dns.log field that holds the value. */
const DNS_ALIASES: Readonly<Record<string, string>> = {
  answer: "answers",
  record_type: "qtype_name",
};

/** The record as a rule of the logsource reads it (the taxonomy's names hold the record's values). */
export function appSigmaEvent(logsource: LogSource, raw: unknown): unknown {
  if (!isRecord(raw) || keyOf(logsource) !== "/dns/" || !isZeekDnsRecord(raw)) return raw;
  const out: Raw = { ...raw };
  for (const [field, own] of Object.entries(DNS_ALIASES))
    if (!Object.hasOwn(out, field) && Object.hasOwn(raw, own)) out[field] = raw[own];
  return out;
}
