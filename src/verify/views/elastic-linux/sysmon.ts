import type { WindowsRecord } from "../windows-record.js";
import { commandLineToArgv } from "../elastic-windows/argv.js";
import {
  appendUnique,
  convertLong,
  copy,
  get,
  isObject,
  present,
  remove,
  rename,
  set,
  str,
  type Json,
  type JsonObject,
} from "../elastic-windows/ingest.js";
import { networkFields } from "../elastic-windows/sysmon-network.js";
import { winlogInput } from "../elastic-windows/winlog-input.js";

/**
 * The sysmon_linux integration (packages/sysmon_linux, data stream log): the agent reads syslog,
 * keeps the syslog program name and pid (log.syslog.appname "sysmon", procid), and decodes the
 * event XML with decode_xml_wineventlog, which builds the same winlog.* document as the Windows
 * event-log reader (winlogInput); then the ingest pipeline (default.yml), in its order:
 * - every event_data value that is null, "", "-" or the all-zero GUID is removed;
 * - process.name is the syslog program name and process.pid its pid (a Sysmon ProcessId then
 *   replaces the pid); event.code is the EventID, event.action "log";
 * - Hashes (kv, lower-cased, all-zero ones left out) go to process.hash for 1, 23–26 and
 *   file.hash for 6, 7, 15; the process keys move into process.* (pids as numbers); the
 *   command lines are split into args with the Windows rules; process names are taken after the
 *   last backslash only, so a Linux path gives none (process.name stays "sysmon");
 * - TargetFilename moves to file.path (file.name/directory/extension again only at a backslash);
 *   the network keys as in the Windows pipeline (the same processors: sysmon-network.ts);
 * - User is split at a backslash: with two parts user.domain/user.name, else nothing (a Linux
 *   user name), and is removed in cleanup with the pids, ports, addresses, RuleName, Initiated,
 *   the IsIpv6 flags, UtcTime and Hashes; an empty event_data is removed; finally every null,
 *   "", {} and [] of the document.
 * Not modelled: categorization, the DNS status table (Sysmon for Linux writes no DNS events),
 * registry fields (no registry on Linux), community_id, event.created.
 */

const ED = "winlog.event_data";
const DROPPED = ["", "-", "{00000000-0000-0000-0000-000000000000}"];

const CLEANUP = [
  "ProcessId",
  "ParentProcessId",
  "SourceProcessId",
  "SourceThreadId",
  "SourceIp",
  "SourcePort",
  "SourcePortName",
  "DestinationIp",
  "DestinationPort",
  "DestinationPortName",
  "RuleName",
  "User",
  "Initiated",
  "SourceIsIpv6",
  "DestinationIsIpv6",
  "QueryStatus",
  "Archived",
  "IsExecutable",
  "QueryResults",
  "UtcTime",
  "Hash",
  "Hashes",
  "TargetObject",
  "Details",
  "version",
];

const PROCESS_RENAMES: readonly [string, string][] = [
  ["ProcessGuid", "process.entity_id"],
  ["Image", "process.executable"],
  ["SourceProcessGuid", "process.entity_id"],
  ["SourceProcessGUID", "process.entity_id"],
  ["SourceImage", "process.executable"],
  ["Destination", "process.executable"],
  ["CommandLine", "process.command_line"],
  ["CurrentDirectory", "process.working_directory"],
  ["ParentProcessGuid", "process.parent.entity_id"],
  ["ParentImage", "process.parent.executable"],
  ["ParentCommandLine", "process.parent.command_line"],
];

function dropValues(doc: JsonObject): void {
  const ed = get(doc, ED);
  if (!isObject(ed)) return;
  for (const [k, v] of Object.entries(ed))
    if (v === null || (typeof v === "string" && DROPPED.includes(v))) delete ed[k];
}

function hashes(doc: JsonObject): JsonObject | undefined {
  const text = str(doc, `${ED}.Hashes`);
  if (text === undefined) return undefined;
  const out: JsonObject = {};
  for (const pair of text.split(",")) {
    const eq = pair.indexOf("=");
    if (eq < 0) continue;
    const value = pair.slice(eq + 1).toLowerCase();
    if (!/^0*$/.test(value)) out[pair.slice(0, eq).toLowerCase()] = value;
  }
  return out;
}

/** `convert type: long` into a target (a failure leaves the target as it was). */
function convertInto(doc: JsonObject, from: string, to: string): void {
  const text = str(doc, `${ED}.${from}`);
  const n = text === undefined ? undefined : convertLong(text);
  if (n !== undefined) set(doc, to, n);
}

function processFields(doc: JsonObject, code: string, temp: JsonObject | undefined): void {
  if (temp !== undefined && ["1", "23", "24", "25", "26"].includes(code)) {
    set(doc, "process.hash", temp);
    rename(doc, "process.hash.imphash", "process.pe.imphash");
  }
  for (const [from, to] of PROCESS_RENAMES) {
    rename(doc, `${ED}.${from}`, to);
    if (from === "ProcessGuid") convertInto(doc, "ProcessId", "process.pid");
    if (from === "SourceProcessGUID") {
      convertInto(doc, "SourceProcessId", "process.pid");
      convertInto(doc, "SourceThreadId", "process.thread.id");
    }
    if (from === "ParentProcessGuid") convertInto(doc, "ParentProcessId", "process.parent.pid");
  }
  if (code !== "7") {
    rename(doc, `${ED}.OriginalFileName`, "process.pe.original_file_name");
    for (const [f, to] of PE_COPIES) copy(doc, `${ED}.${f}`, `process.pe.${to}`);
  }
  for (const prefix of ["process", "process.parent"]) {
    const cmd = str(doc, `${prefix}.command_line`);
    if (cmd !== undefined && cmd !== "") {
      const args = commandLineToArgv(cmd);
      set(doc, `${prefix}.args`, args);
      set(doc, `${prefix}.args_count`, args.length);
    }
    const exe = str(doc, `${prefix}.executable`);
    const idx = exe === undefined ? -1 : exe.lastIndexOf("\\");
    if (exe !== undefined && exe.length > 1 && idx > -1 && idx + 1 < exe.length)
      if (get(doc, `${prefix}.name`) === undefined) set(doc, `${prefix}.name`, exe.slice(idx + 1));
  }
}

const PE_COPIES: readonly [string, string][] = [
  ["Company", "company"],
  ["Description", "description"],
  ["FileVersion", "file_version"],
  ["Product", "product"],
];

function fileFields(doc: JsonObject, code: string, temp: JsonObject | undefined): void {
  if (temp !== undefined && ["6", "7", "15"].includes(code)) {
    set(doc, "file.hash", temp);
    rename(doc, "file.hash.imphash", "file.pe.imphash");
  }
  rename(doc, `${ED}.TargetFilename`, "file.path");
  rename(doc, `${ED}.Device`, "file.path");
  rename(doc, `${ED}.PipeName`, "file.name");
  rename(doc, `${ED}.ImageLoaded`, "file.path");
  const path = str(doc, "file.path");
  const idx = path === undefined ? -1 : path.lastIndexOf("\\");
  if (path !== undefined && path.length > 1 && idx > -1) {
    set(doc, "file.name", path.slice(idx + 1));
    set(doc, "file.directory", path.slice(0, idx));
    const ext = path.lastIndexOf(".");
    if (ext > -1) set(doc, "file.extension", path.slice(ext + 1));
  }
}

function userFields(doc: JsonObject): void {
  copy(doc, "winlog.user.identifier", "user.id");
  const user = str(doc, `${ED}.User`);
  if (user === undefined) return;
  const parts = user.split("\\");
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  if (parts.length !== 2) return;
  if (parts[0] !== "") set(doc, "user.domain", parts[0]!);
  if (parts[1] !== "") set(doc, "user.name", parts[1]!);
  const name = get(doc, "user.name");
  if (present(name)) appendUnique(doc, "related.user", name);
}

/** The final script: null, "", {} and [] removed everywhere, children first. */
function pruned(v: Json): Json | undefined {
  if (Array.isArray(v)) {
    const out = v.map(pruned).filter((x): x is Json => x !== undefined);
    return out.length === 0 ? undefined : out;
  }
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) {
      const y = pruned(x);
      if (y !== undefined) out[k] = y;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v === null || v === "" ? undefined : v;
}

/** The document Elastic indexes for one Sysmon for Linux record. */
export function elasticLinuxSysmonDocument(rec: WindowsRecord): JsonObject {
  const doc = winlogInput(rec);
  const syslogPid = rec.system.Execution_ProcessID;
  dropValues(doc);
  rename(doc, "winlog.level", "log.level");
  set(doc, "process.name", "sysmon");
  if (typeof syslogPid === "number") set(doc, "process.pid", syslogPid);
  const code = String(rec.eventId);
  set(doc, "event.kind", "event");
  set(doc, "event.code", code);
  set(doc, "event.action", "log");
  rename(doc, `${ED}.RuleName`, "rule.name");
  rename(doc, `${ED}.Hash`, `${ED}.Hashes`);
  const temp = hashes(doc);
  processFields(doc, code, temp);
  fileFields(doc, code, temp);
  networkFields(doc, code);
  userFields(doc);
  for (const key of CLEANUP) remove(doc, `${ED}.${key}`);
  const ed = get(doc, ED);
  if (isObject(ed) && Object.keys(ed).length === 0) remove(doc, ED);
  set(doc, "data_stream", { type: "logs", dataset: "sysmon_linux.log", namespace: "default" });
  set(doc, "event.dataset", "sysmon_linux.log");
  const out = pruned(doc);
  return isObject(out) ? out : {};
}
