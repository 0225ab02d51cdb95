import { get, remove, rename, set, type JsonObject } from "../elastic-windows/ingest.js";

/**
 * Elastic's Microsoft Office 365 integration, audit data stream (elastic/integrations
 * packages/o365/data_stream/audit/elasticsearch/ingest_pipeline/default.yml), for the parts a
 * rule's fields meet: the record is read into o365audit; Id → event.id; Workload →
 * event.provider; Operation → event.action; OrganizationId → organization.id (lower-cased);
 * RecordType → its AuditLogRecordType name in event.code (the few named below; RecordType stays
 * as text); event.action rewritten for Azure AD user operations and Teams team/member
 * operations; an alert record's Name → rule.name, Category → rule.category, Comments → message;
 * Parameters and ExtendedProperties (lists of Name/Value) → objects keyed by Name; o365audit
 * moved to o365.audit at the end. Not modelled: the SharePoint, DLP, Yammer and Exchange item
 * schemas, client address parsing, user splitting, geoip.
 */

const RECORD_TYPES: Readonly<Record<string, string>> = {
  "1": "ExchangeAdmin",
  "2": "ExchangeItem",
  "8": "AzureActiveDirectory",
  "15": "AzureActiveDirectoryStsLogon",
  "25": "MicrosoftTeams",
  "28": "ThreatIntelligence",
  "40": "SecurityComplianceAlerts",
};

const ACTION_REWRITES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  AzureActiveDirectory: {
    "Add user.": "added-user-account",
    "Update user.": "modified-user-account",
    "Delete user.": "deleted-user-account",
  },
  MicrosoftTeams: {
    TeamCreated: "added-group-account-to",
    MemberAdded: "added-users-to-group",
    "Delete user.": "deleted-user-account",
  },
};

function byName(doc: JsonObject, path: string): void {
  const list = get(doc, path);
  if (!Array.isArray(list)) return;
  const out: JsonObject = {};
  for (const p of list)
    if (typeof p === "object" && p !== null && !Array.isArray(p)) {
      const name = p.Name;
      if (typeof name === "string" && p.Value !== undefined && p.Value !== null)
        out[name] = p.Value;
    }
  set(doc, path, out);
}

export function o365AuditPipeline(doc: JsonObject): void {
  const b = "o365audit";
  set(doc, b, get(doc, "json") ?? {});
  remove(doc, "json");
  set(doc, "event.kind", "event");
  rename(doc, `${b}.Id`, "event.id");
  rename(doc, `${b}.Workload`, "event.provider");
  rename(doc, `${b}.Operation`, "event.action");
  const org = get(doc, `${b}.OrganizationId`);
  if (typeof org === "string") set(doc, "organization.id", org.toLowerCase());
  remove(doc, `${b}.OrganizationId`);
  const type = get(doc, `${b}.RecordType`);
  const code = type === undefined || type === null ? undefined : RECORD_TYPES[String(type)];
  if (code !== undefined) set(doc, "event.code", code);
  const status = get(doc, `${b}.ResultStatus`);
  const s = typeof status === "string" ? status.toLowerCase() : undefined;
  if (s !== undefined && ["succeeded", "success", "partiallysucceeded", "true"].includes(s))
    set(doc, "event.outcome", "success");
  else if (s !== undefined && ["failed", "false"].includes(s)) set(doc, "event.outcome", "failure");
  else set(doc, "event.outcome", "success");
  byName(doc, `${b}.Parameters`);
  byName(doc, `${b}.ExtendedProperties`);
  const action = get(doc, "event.action");
  const rewritten =
    code !== undefined && typeof action === "string" ? ACTION_REWRITES[code]?.[action] : undefined;
  if (rewritten !== undefined) set(doc, "event.action", rewritten);
  if (code === "SecurityComplianceAlerts") {
    rename(doc, `${b}.Comments`, "message");
    rename(doc, `${b}.Name`, "rule.name");
    rename(doc, `${b}.Category`, "rule.category");
    set(doc, "event.kind", "alert");
  }
  if (type !== undefined && type !== null) set(doc, `${b}.RecordType`, String(type));
  rename(doc, b, "o365.audit");
}
