import { renderedText, systemText, type WindowsRecord } from "../windows-record.js";
import type { JsonObject } from "./ingest.js";

/**
 * What Elastic Agent's winlog input (Winlogbeat's wineventlog reader) sends for one record, before
 * any ingest pipeline. From elastic/beats winlogbeat/sys/winevent (event.go, maputil.go) and the
 * input documents of the integrations' pipeline tests:
 * - winlog.event_data: every `<Data Name='X'>` value as a string; an empty value is left out
 *   (AddPairs "Ignore empty values"); an unnamed Data element is `paramN` (N its 1-based
 *   position); a repeated name keeps the first; CRLF becomes LF and trailing newlines are trimmed
 *   (RemoveWindowsLineEndings);
 * - winlog.event_id is the EventID as a string; record_id, version, process.pid and
 *   process.thread.id are numbers; winlog.user.identifier is the System Security UserID;
 * - event.code is the EventID string, event.provider the provider name, event.kind "event";
 *   log.level/winlog.level the level's rendered name (the providers' standard level names).
 * Not modelled: the SID-to-name lookup the agent does on the host (winlog.user.name/domain/type),
 * the rendered message, keywords and task names.
 */

/** The standard level names (winmeta.xml) as the input lower-cases them. */
const LEVELS: Readonly<Record<string, string>> = {
  "0": "information",
  "1": "critical",
  "2": "error",
  "3": "warning",
  "4": "information",
  "5": "verbose",
};

function eventDataValue(text: string): string {
  return text.replaceAll("\r\n", "\n").replace(/\n+$/, "");
}

function numberOf(rec: WindowsRecord, key: string): number | undefined {
  const text = systemText(rec, key);
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

export function winlogInput(rec: WindowsRecord): JsonObject {
  const eventData: JsonObject = {};
  rec.data.forEach(([name, value], i) => {
    const text = renderedText(value);
    if (text === undefined || text === "") return;
    const key = name === "" || name === "Data" ? `param${i + 1}` : name;
    if (!(key in eventData)) eventData[key] = eventDataValue(text);
  });
  const winlog: JsonObject = {
    channel: rec.channel,
    event_id: String(rec.eventId),
  };
  const strings: readonly [string, string][] = [
    ["Computer", "computer_name"],
    ["Provider_Name", "provider_name"],
    ["Provider_Guid", "provider_guid"],
    ["Correlation_ActivityID", "activity_id"],
  ];
  for (const [from, to] of strings) {
    const v = systemText(rec, from);
    if (v !== undefined && v !== "") winlog[to] = v;
  }
  const record = numberOf(rec, "EventRecordID");
  if (record !== undefined) winlog.record_id = record;
  const version = numberOf(rec, "Version");
  if (version !== undefined) winlog.version = version;
  const pid = numberOf(rec, "Execution_ProcessID");
  const tid = numberOf(rec, "Execution_ThreadID");
  if (pid !== undefined)
    winlog.process = { pid, ...(tid !== undefined ? { thread: { id: tid } } : {}) };
  const sid = systemText(rec, "Security_UserID");
  if (sid !== undefined && sid !== "") winlog.user = { identifier: sid };
  const level = LEVELS[systemText(rec, "Level") ?? ""];
  if (level !== undefined) winlog.level = level;
  if (systemText(rec, "Opcode") === "0") winlog.opcode = "Info";
  if (Object.keys(eventData).length > 0) winlog.event_data = eventData;
  const provider = systemText(rec, "Provider_Name");
  return {
    winlog,
    event: {
      code: String(rec.eventId),
      kind: "event",
      ...(provider !== undefined ? { provider } : {}),
    },
  };
}
