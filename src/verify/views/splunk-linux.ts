import type { AuditRecord } from "./linux-record.js";
import { renderedText, systemText, type WindowsRecord } from "./windows-record.js";

/**
 * What Splunk holds for Linux records.
 * - Sysmon for Linux, collected from syslog and searched with the Splunk Add-on for Sysmon for
 *   Linux (Splunk's data sources sysmon_for_linux_eventid_1.yml / _11.yml: source
 *   `Syslog:Linux-Sysmon/Operational`, sourcetype `sysmon:linux`, field list): the event XML's
 *   System values (EventCode and EventID, Channel, Computer, Name and Guid of the provider,
 *   EventRecordID, Version, Level, Task, Opcode, Keywords, SystemTime, ProcessID, ThreadID, UserId)
 *   and every `<Data Name="X">` value under X, as the text between the tags: `&`, `<` and `>` stay
 *   escaped (a regex extraction does not decode entities), an empty value makes no field, "-" is
 *   kept.
 * - audit records, source /var/log/audit/audit.log, sourcetype linux:audit (the linux_auditd_*
 *   data sources and the linux_auditd macro), searched with Splunk's automatic key=value
 *   extraction: `type`, `msg` as the line holds it (`audit(<epoch>:<serial>):`, with the colon)
 *   and every key=value pair under its key, the double quotes of a quoted value removed, an empty
 *   value no field; extracted key names are cleaned (CLEAN_KEYS, on by default): every character
 *   other than a letter, digit or underscore becomes an underscore.
 */

export type SplunkDoc = Record<string, string[]>;

const SYSTEM_FIELDS: readonly [string, string][] = [
  ["Channel", "Channel"],
  ["Computer", "Computer"],
  ["Provider_Name", "Name"],
  ["Provider_Guid", "Guid"],
  ["EventRecordID", "EventRecordID"],
  ["Version", "Version"],
  ["Level", "Level"],
  ["Task", "Task"],
  ["Opcode", "Opcode"],
  ["Keywords", "Keywords"],
  ["TimeCreated_SystemTime", "SystemTime"],
  ["Execution_ProcessID", "ProcessID"],
  ["Execution_ThreadID", "ThreadID"],
  ["Security_UserID", "UserId"],
];

function put(doc: SplunkDoc, field: string, value: string | undefined): void {
  if (value === undefined || value === "") return;
  (doc[field] ??= []).push(value);
}

const xmlEscaped = (text: string): string =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

export function splunkLinuxSysmonDocument(rec: WindowsRecord): SplunkDoc {
  const doc: SplunkDoc = {
    source: ["Syslog:Linux-Sysmon/Operational"],
    sourcetype: ["sysmon:linux"],
    EventCode: [String(rec.eventId)],
    EventID: [String(rec.eventId)],
  };
  for (const [from, to] of SYSTEM_FIELDS) put(doc, to, systemText(rec, from));
  for (const [name, value] of rec.data) {
    const text = renderedText(value);
    if (text !== undefined) put(doc, name, xmlEscaped(text));
  }
  return doc;
}

const cleanKey = (key: string): string => key.replace(/[^A-Za-z0-9_]/g, "_");

export function splunkAuditDocument(rec: AuditRecord): SplunkDoc {
  const doc: SplunkDoc = {
    source: ["/var/log/audit/audit.log"],
    sourcetype: ["linux:audit"],
    type: [rec.type],
    msg: [`audit(${rec.epoch}:${rec.serial}):`],
  };
  for (const [key, value] of rec.pairs) put(doc, cleanKey(key), value);
  return doc;
}
