import { commandLineToArgv } from "./argv.js";
import {
  appendUnique,
  convertLong,
  copy,
  get,
  isObject,
  remove,
  rename,
  set,
  str,
  trimProcessor,
  type Json,
  type JsonObject,
} from "./ingest.js";

/**
 * The Windows integration's PowerShell data streams, from their shared ingest pipelines
 * (elastic/integrations packages/windows/_dev/shared/ingest_pipeline/powershell_operational.yml
 * @ 146501bd and powershell.yml @ aebe1fc2):
 * - powershell_operational (Microsoft-Windows-PowerShell/Operational): 4103's ContextInfo is split
 *   into event_data keys, spaces are removed from every key, "-"/empty values are dropped;
 *   ScriptBlockText → powershell.file.script_block_text (trimmed), Path → file.path,
 *   HostApplication → process.command_line, Payload → powershell.command.invocation_details,
 *   CommandLine → powershell.command.value; ContextInfo, Payload, User… are removed;
 * - powershell (Windows PowerShell, classic 400/403/600/800): the unnamed Data elements are
 *   param1..param3; param3 (param2 for 800) holds "\tKey=value" lines split into event_data keys;
 *   HostApplication → process.command_line; param1..3 are removed.
 * Not modelled: script_block_hash and the entropy fields (no rule names them).
 */

const ED = "winlog.event_data";
const DROPPED = ["", "-", "{00000000-0000-0000-0000-000000000000}"];

function eventData(doc: JsonObject): JsonObject | undefined {
  const ed = get(doc, ED);
  return isObject(ed) ? ed : undefined;
}

function dropValues(doc: JsonObject): void {
  const ed = eventData(doc);
  if (ed !== undefined)
    for (const [k, v] of Object.entries(ed))
      if (v === null || (typeof v === "string" && DROPPED.includes(v))) delete ed[k];
}

/** 4103 ContextInfo: "<Key> = <Value>" lines indented by eight or more spaces; others continue. */
function contextInfo(doc: JsonObject): void {
  const text = str(doc, `${ED}.ContextInfo`);
  const ed = eventData(doc);
  if (text === undefined || ed === undefined) return;
  const keyLine = /^\s{8,}([A-Za-z][A-Za-z0-9 _.-]*?)\s*[:=](.*)$/;
  let key: string | undefined;
  let value = "";
  for (const line of text.split(/\r?\n/)) {
    const m = keyLine.exec(line);
    if (m) {
      if (key !== undefined) ed[key] = value.trim();
      key = m[1]!;
      value = m[2]!;
    } else if (key !== undefined) value += `\n${line}`;
  }
  if (key !== undefined) ed[key] = value.trim();
}

/**
 * 4103's Connected User (DOMAIN\\name, a remote session's user) is the source user and becomes
 * user.*; the account the agent resolved for the record moves to destination.user.*.
 */
function connectedUser(doc: JsonObject): void {
  const parts = str(doc, `${ED}.ConnectedUser`)?.split("\\");
  if (parts?.length !== 2) return;
  if (parts[0] !== "") set(doc, "source.user.domain", parts[0]!);
  if (parts[1] !== "") set(doc, "source.user.name", parts[1]!);
  const name = str(doc, "source.user.name");
  if (name !== undefined) appendUnique(doc, "related.user", name);
  if (get(doc, "source.user") === undefined) return;
  rename(doc, "user.domain", "destination.user.domain");
  rename(doc, "user.name", "destination.user.name");
  copy(doc, "source.user.domain", "user.domain");
  copy(doc, "source.user.name", "user.name");
}

function removeKeySpaces(doc: JsonObject): void {
  const ed = eventData(doc);
  if (ed === undefined) return;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(ed)) out[k.replace(/\s/g, "")] = v;
  set(doc, ED, out);
}

/** One command-invocation detail line ("ParameterBinding(Out-Null): name=…; value=…"). */
function invocationDetail(raw: string): Json {
  const m = /^([^(]+)\(([^)]+)\):\s*(.+)?$/.exec(raw);
  if (!m) return { value: raw };
  if (m[1] !== "ParameterBinding")
    return { type: m[1]!, related_command: m[2]!, value: m[3] ?? null };
  const b = /name=(.+);\s*value=(.+)$/.exec(m[3] ?? "");
  if (!b) return { value: null };
  return { type: m[1]!, related_command: m[2]!, name: b[1]!, value: b[2]! };
}

function invocationDetails(doc: JsonObject, field: string): void {
  const text = str(doc, `${ED}.${field}`);
  if (text === undefined) return;
  const details = text.split("\n").map(invocationDetail);
  if (details.length > 0) set(doc, "powershell.command.invocation_details", details);
}

function args(doc: JsonObject): void {
  const cmd = str(doc, "process.command_line");
  if (cmd === undefined || cmd === "") return;
  const list = commandLineToArgv(cmd);
  set(doc, "process.args", list);
  set(doc, "process.args_count", list.length);
}

function scriptFile(doc: JsonObject, field: string): void {
  const path = str(doc, `${ED}.${field}`);
  if (path !== undefined && path.length > 1) {
    const idx = path.lastIndexOf("\\");
    if (idx > -1) {
      set(doc, "file.name", path.slice(idx + 1));
      set(doc, "file.directory", path.slice(0, idx));
      const ext = path.lastIndexOf(".");
      if (ext > -1) set(doc, "file.extension", path.slice(ext + 1));
    }
  }
  rename(doc, `${ED}.${field}`, "file.path");
}

function common(doc: JsonObject, start: string, end: string): string {
  dropValues(doc);
  copy(doc, "winlog.level", "log.level");
  set(doc, "event.kind", "event");
  const code = str(doc, "winlog.event_id") ?? "";
  set(doc, "event.code", code);
  set(doc, "event.category", ["process"]);
  set(doc, "event.type", [code === start ? "start" : code === end ? "end" : "info"]);
  const record = get(doc, "winlog.record_id");
  if (typeof record === "number") set(doc, "winlog.record_id", String(record));
  return code;
}

function convertInto(doc: JsonObject, from: string, to: string): void {
  const text = str(doc, `${ED}.${from}`);
  const n = text === undefined ? undefined : convertLong(text);
  if (n !== undefined) set(doc, to, n);
}

const OPERATIONAL_RENAMES: readonly [string, string][] = [
  ["HostID", "process.entity_id"],
  ["HostApplication", "process.command_line"],
  ["HostName", "process.title"],
  ["ShellID", "powershell.id"],
  ["EngineVersion", "powershell.engine.version"],
  ["PipelineID", "powershell.pipeline_id"],
  ["RunspaceID", "powershell.runspace_id"],
  ["RunspaceId", "powershell.runspace_id"],
  ["HostVersion", "powershell.process.executable_version"],
  ["CommandLine", "powershell.command.value"],
  ["CommandPath", "powershell.command.path"],
  ["CommandName", "powershell.command.name"],
  ["CommandType", "powershell.command.type"],
  ["ScriptBlockId", "powershell.file.script_block_id"],
  ["ScriptBlockText", "powershell.file.script_block_text"],
];

export function powershellOperationalPipeline(doc: JsonObject): void {
  if (str(doc, "winlog.event_id") === "4103") contextInfo(doc);
  removeKeySpaces(doc);
  const code = common(doc, "4105", "4106");
  convertInto(doc, "SequenceNumber", "event.sequence");
  copy(doc, "winlog.process.pid", "process.pid");
  copy(doc, "winlog.user.identifier", "user.id");
  connectedUser(doc);
  convertInto(doc, "MessageNumber", "powershell.sequence");
  convertInto(doc, "MessageTotal", "powershell.total");
  for (const [from, to] of OPERATIONAL_RENAMES) rename(doc, `${ED}.${from}`, to);
  const block = str(doc, "powershell.file.script_block_text");
  if (block !== undefined) set(doc, "powershell.file.script_block_text", trimProcessor(block));
  if (code === "4103") invocationDetails(doc, "Payload");
  args(doc);
  rename(doc, `${ED}.Path`, `${ED}.ScriptName`);
  scriptFile(doc, "ScriptName");
  for (const key of [
    "SequenceNumber",
    "User",
    "ConnectedUser",
    "ContextInfo",
    "Severity",
    "MessageTotal",
    "MessageNumber",
    "Payload",
  ])
    remove(doc, `${ED}.${key}`);
  remove(doc, "winlog.level");
  const ed = eventData(doc);
  if (ed !== undefined && Object.keys(ed).length === 0) remove(doc, ED);
  const name = str(doc, "user.name");
  if (name !== undefined) appendUnique(doc, "related.user", name);
}

/** param3 of 4xx/600: "\tKey=value" entries, each value running up to the next key (script). */
function classicKeys(doc: JsonObject): void {
  const text = str(doc, `${ED}.param3`);
  const ed = eventData(doc);
  if (text === undefined || ed === undefined) return;
  const keys = [...text.matchAll(/\t(\w+)=/g)];
  keys.forEach((m, i) => {
    const end = keys[i + 1]?.index ?? text.length;
    ed[m[1]!] = text.slice(m.index + m[0].length, end).trim();
  });
}

/** param2 of 800: the kv processor, fields split on "\n\t", key and value trimmed of \n and \t. */
function classicKv(doc: JsonObject): void {
  const text = str(doc, `${ED}.param2`);
  const ed = eventData(doc);
  if (text === undefined || ed === undefined) return;
  const trim = (s: string): string => s.replace(/^[\n\t]+|[\n\t]+$/g, "");
  for (const field of text.split("\n\t")) {
    const eq = field.indexOf("=");
    if (eq > 0) ed[trim(field.slice(0, eq))] = trim(field.slice(eq + 1));
  }
}

const CLASSIC_RENAMES: readonly [string, string][] = [
  ["HostId", "process.entity_id"],
  ["HostApplication", "process.command_line"],
  ["HostName", "process.title"],
  ["NewEngineState", "powershell.engine.new_state"],
  ["PreviousEngineState", "powershell.engine.previous_state"],
  ["NewProviderState", "powershell.provider.new_state"],
  ["ProviderName", "powershell.provider.name"],
  ["EngineVersion", "powershell.engine.version"],
  ["PipelineId", "powershell.pipeline_id"],
  ["RunspaceId", "powershell.runspace_id"],
  ["HostVersion", "powershell.process.executable_version"],
  ["CommandLine", "powershell.command.value"],
  ["CommandPath", "powershell.command.path"],
  ["CommandName", "powershell.command.name"],
  ["CommandType", "powershell.command.type"],
];

export function powershellClassicPipeline(doc: JsonObject): void {
  if (str(doc, "winlog.event_id") === "800") classicKv(doc);
  else classicKeys(doc);
  const code = common(doc, "400", "403");
  convertInto(doc, "SequenceNumber", "event.sequence");
  const userId = str(doc, `${ED}.UserId`);
  const parts = userId?.split("\\");
  if (parts?.length === 2) {
    if (parts[0] !== "") set(doc, "user.domain", parts[0]!);
    if (parts[1] !== "") set(doc, "user.name", parts[1]!);
  }
  const name = str(doc, "user.name");
  if (name !== undefined) appendUnique(doc, "related.user", name);
  for (const [from, to] of CLASSIC_RENAMES) rename(doc, `${ED}.${from}`, to);
  convertInto(doc, "DetailTotal", "powershell.total");
  convertInto(doc, "DetailSequence", "powershell.sequence");
  if (code === "800") invocationDetails(doc, "param3");
  args(doc);
  scriptFile(doc, "ScriptName");
  for (const key of [
    "param1",
    "param2",
    "param3",
    "SequenceNumber",
    "DetailTotal",
    "DetailSequence",
    "UserId",
  ])
    remove(doc, `${ED}.${key}`);
  remove(doc, "winlog.level");
  const ed = eventData(doc);
  if (ed !== undefined && Object.keys(ed).length === 0) remove(doc, ED);
}
