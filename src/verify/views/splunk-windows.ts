import { renderedText, systemText, type WindowsRecord } from "./windows-record.js";

/**
 * What Splunk holds for a Windows record collected by the Universal Forwarder with
 * `renderXml = true` and searched with the Splunk Add-on for Microsoft Windows and the Splunk
 * Add-on for Sysmon. Facts: Splunk's data sources (shared/reference/windows/
 * splunk-security-content/data_sources: sysmon_eventid_*.yml, windows_event_log_security_4688.yml,
 * powershell_script_block_logging_4104.yml: source, sourcetype, field names, CIM field_mappings)
 * and the Sysmon add-on's search-time extractions (TA-microsoft-sysmon 3.2.1
 * default/transforms.conf: `[sysmon-eventid] <EventID>(\d+)</EventID> → EventCode`,
 * `[sysmon-data] <Data Name='(.*?)'>(.*?)</Data> → $1::$2`):
 * - source `XmlWinEventLog:<Channel>`, sourcetype `XmlWinEventLog`;
 * - System: EventCode and EventID (the EventID), Channel, Computer, Name and Guid (provider),
 *   EventRecordID, Version, Level, Task, Opcode, Keywords, SystemTime, ProcessID and ThreadID
 *   (Execution), UserID (Security UserID);
 * - EventData: each `<Data Name='X'>` value under X, as the text between the tags of the XML
 *   rendering: `&`, `<` and `>` stay escaped as `&amp;`, `&lt;`, `&gt;` (a regex extraction does
 *   not decode entities); an empty value makes no field (transforms.conf KEEP_EMPTY_VALS defaults
 *   to false); "-" is kept;
 * - Sysmon's Hashes is also split into one field per algorithm (MD5, SHA1, SHA256, IMPHASH, as the
 *   data sources list them);
 * - CIM Endpoint.Processes for Sysmon 1 and Security 4688: the data sources' field_mappings and the
 *   data model's constraint (tag=process tag=report).
 * Not modelled: the forwarder's SID-to-name rendering (evt_resolve_ad_obj), the message text, the
 * other CIM data sets and eventtypes.
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
  ["Security_UserID", "UserID"],
];

/** The XML rendering of element text: EvtRender escapes &, < and > (quotes stay as they are). */
function xmlEscaped(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function put(doc: SplunkDoc, field: string, value: string | undefined): void {
  if (value === undefined || value === "") return;
  (doc[field] ??= []).push(value);
}

const basename = (path: string): string => path.slice(path.lastIndexOf("\\") + 1);

/** The data sources' Endpoint.Processes field_mappings, Sysmon 1 and Security 4688. */
function cimProcesses(rec: WindowsRecord, doc: SplunkDoc): void {
  const one = (f: string): string | undefined => doc[f]?.[0];
  const sysmon = rec.channel === "Microsoft-Windows-Sysmon/Operational" && rec.eventId === 1;
  const security = rec.channel === "Security" && rec.eventId === 4688;
  if (!sysmon && !security) return;
  doc.tag = ["process", "report"];
  const image = one(sysmon ? "Image" : "NewProcessName");
  const parent = one(sysmon ? "ParentImage" : "ParentProcessName");
  put(doc, "process_path", image);
  put(doc, "process_name", image === undefined ? undefined : basename(image));
  put(doc, "parent_process_path", parent);
  put(doc, "parent_process_name", parent === undefined ? undefined : basename(parent));
  put(doc, "process", one("CommandLine"));
  put(doc, "dest", one("Computer"));
  put(doc, "process_id", one(sysmon ? "ProcessId" : "NewProcessId"));
  put(doc, "parent_process_id", one(sysmon ? "ParentProcessId" : "ProcessId"));
  if (security) {
    put(doc, "Process_Command_Line", one("CommandLine"));
    put(doc, "user", one("SubjectUserSid"));
    return;
  }
  const same: readonly [string, string][] = [
    ["ProcessGuid", "process_guid"],
    ["CurrentDirectory", "process_current_directory"],
    ["User", "user"],
    ["IntegrityLevel", "process_integrity_level"],
    ["Hashes", "process_hash"],
    ["ParentProcessGuid", "parent_process_guid"],
    ["ParentCommandLine", "parent_process"],
    ["OriginalFileName", "original_file_name"],
  ];
  for (const [from, to] of same) put(doc, to, one(from));
}

export function splunkWindowsDocument(rec: WindowsRecord): SplunkDoc {
  const doc: SplunkDoc = {
    source: [`XmlWinEventLog:${rec.channel}`],
    sourcetype: ["XmlWinEventLog"],
    EventCode: [String(rec.eventId)],
    EventID: [String(rec.eventId)],
  };
  for (const [from, to] of SYSTEM_FIELDS) put(doc, to, systemText(rec, from));
  for (const [name, value] of rec.data) {
    const text = renderedText(value);
    if (name === "" || text === undefined) continue;
    put(doc, name, xmlEscaped(text));
  }
  if (rec.channel === "Microsoft-Windows-Sysmon/Operational")
    for (const pair of doc.Hashes?.[0]?.split(",") ?? []) {
      const eq = pair.indexOf("=");
      if (eq > 0) put(doc, pair.slice(0, eq), pair.slice(eq + 1));
    }
  cimProcesses(rec, doc);
  return doc;
}
