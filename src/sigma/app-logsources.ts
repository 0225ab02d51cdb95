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
 * SigmaHQ's rules use the records' own names.
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

const lower = (s: string | undefined): string => s?.toLowerCase() ?? "";

/** "product/category/service" (lower case) → the records of that logsource. */
const MEMBERS: Readonly<Record<string, Test>> = {
  "opencanary/application/": isOpenCanaryEvent,
  "bitbucket//audit": isBitbucketAuditEvent,
};

/** The membership test of an application logsource this module knows; undefined for any other. */
export function appMembership(logsource: LogSource): Test | undefined {
  const key = `${lower(logsource.product)}/${lower(logsource.category)}/${lower(logsource.service)}`;
  return MEMBERS[key];
}
