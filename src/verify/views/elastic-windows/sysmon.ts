import { commandLineToArgv } from "./argv.js";
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
} from "./ingest.js";
import { networkFields, registryFields } from "./sysmon-network.js";
import { CATEGORIZATION, CLEANUP, DNS_STATUS, DROPPED_VALUES } from "./sysmon-tables.js";

/**
 * The Windows integration's sysmon_operational ingest pipeline, processor by processor in its
 * order (default.yml @ 029004a3; shared/reference/windows/elastic-integrations/sysmon-to-ecs.md),
 * on the winlog input's document. EventID 7 also gets the `dll.*` copy and the categorization the
 * current package writes (its 8.17 pipeline test). Not modelled: registered_domain and
 * community_id (no rule names them), dll.code_signature.status and file.code_signature.trusted of
 * the current package (the pipeline that sets them was not available to read).
 */

const ED = "winlog.event_data";

function dropValues(doc: JsonObject, dropped: readonly string[]): void {
  const ed = get(doc, ED);
  if (!isObject(ed)) return;
  for (const [k, v] of Object.entries(ed))
    if (v === null || (typeof v === "string" && dropped.includes(v))) delete ed[k];
}

/** kv on "," and "=", keys and values lower-cased, empty or all-zero hashes left out. */
function hashes(doc: JsonObject): JsonObject | undefined {
  const text = str(doc, `${ED}.Hashes`);
  if (text === undefined) return undefined;
  const out: JsonObject = {};
  const related: Json[] = [];
  for (const pair of text.split(",")) {
    const eq = pair.indexOf("=");
    if (eq < 0) continue;
    const key = pair.slice(0, eq).toLowerCase();
    const value = pair.slice(eq + 1).toLowerCase();
    if (/^0*$/.test(value)) continue;
    out[key] = value;
    related.push(value);
  }
  if (related.length > 0) set(doc, "related.hash", related);
  return out;
}

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

/** `convert type: long` into a target; the source stays until cleanup. */
function convertInto(doc: JsonObject, from: string, to: string): void {
  const text = str(doc, `${ED}.${from}`);
  if (text === undefined || text === "") return;
  const n = convertLong(text);
  if (n !== undefined) set(doc, to, n);
}

function processFields(doc: JsonObject, code: string, temp: JsonObject | undefined): void {
  if (temp !== undefined && ["1", "23", "24", "25"].includes(code)) {
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
    for (const f of ["Company", "Description", "FileVersion", "Product"])
      copy(doc, `${ED}.${f}`, `process.pe.${snake(f)}`);
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
    if (exe !== undefined && exe.length > 1 && idx > -1 && get(doc, `${prefix}.name`) === undefined)
      if (idx + 1 < exe.length) set(doc, `${prefix}.name`, exe.slice(idx + 1));
  }
}

const snake = (f: string): string => (f === "FileVersion" ? "file_version" : f.toLowerCase());

function fileFields(doc: JsonObject, code: string, temp: JsonObject | undefined): void {
  if (temp !== undefined && ["6", "7", "15", "26", "29"].includes(code)) {
    set(doc, "file.hash", temp);
    rename(doc, "file.hash.imphash", "file.pe.imphash");
  }
  rename(doc, `${ED}.TargetFilename`, "file.path");
  rename(doc, `${ED}.Device`, "file.path");
  rename(doc, `${ED}.PipeName`, "file.name");
  rename(doc, `${ED}.ImageLoaded`, "file.path");
  copy(doc, `${ED}.Signature`, "file.code_signature.subject_name");
  copy(doc, `${ED}.SignatureStatus`, "file.code_signature.status");
  if (code === "7") {
    rename(doc, `${ED}.OriginalFileName`, "file.pe.original_file_name");
    for (const f of ["Company", "Description", "FileVersion", "Product"])
      copy(doc, `${ED}.${f}`, `file.pe.${snake(f)}`);
  }
  // `Signed == true` compares the event_data string with a boolean: never true for the input's
  // strings, so file.code_signature.signed is never set.
  if (str(doc, `${ED}.SignatureStatus`) === "Valid") set(doc, "file.code_signature.valid", true);
  const path = str(doc, "file.path");
  if (path !== undefined && path.length > 1) {
    const idx = path.lastIndexOf("\\");
    if (idx > -1) {
      set(doc, "file.name", path.slice(idx + 1));
      set(doc, "file.directory", path.slice(0, idx));
      const ext = path.lastIndexOf(".");
      if (ext > -1) set(doc, "file.extension", path.slice(ext + 1));
    }
  }
}

function userFields(doc: JsonObject): void {
  copy(doc, "winlog.user.identifier", "user.id");
  const user = str(doc, `${ED}.User`);
  if (user === undefined) return;
  // The split processor drops trailing empty parts (Java's String.split): "DOMAIN\\" is one part.
  const parts = user.split("\\");
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  if (parts.length !== 2) return;
  if (parts[0] !== "") set(doc, "user.domain", parts[0]!);
  if (parts[1] !== "") set(doc, "user.name", parts[1]!);
}

function sysmonFields(doc: JsonObject): void {
  rename(doc, `${ED}.QueryStatus`, "sysmon.dns.status");
  const status = str(doc, "sysmon.dns.status");
  if (status !== undefined && DNS_STATUS[status] !== undefined)
    set(doc, "sysmon.dns.status", DNS_STATUS[status]);
  for (const [from, to] of [
    ["Archived", "sysmon.file.archived"],
    ["IsExecutable", "sysmon.file.is_executable"],
  ] as const) {
    const v = str(doc, `${ED}.${from}`)?.toLowerCase();
    if (v === "true" || v === "false") set(doc, to, v === "true");
  }
}

function relatedFields(doc: JsonObject): void {
  for (const [from, to] of [
    ["user.name", "related.user"],
    ["source.ip", "related.ip"],
    ["destination.ip", "related.ip"],
  ] as const) {
    const v = get(doc, from);
    if (present(v)) appendUnique(doc, to, v);
  }
}

/** The current package's EventID 7: the loaded image also described under dll.* (8.17 test). */
function dllFields(doc: JsonObject): void {
  const copies: readonly [string, string][] = [
    ["file.path", "dll.path"],
    ["file.name", "dll.name"],
    ["file.hash", "dll.hash"],
    ["file.pe.imphash", "dll.pe.imphash"],
    ["file.pe.original_file_name", "dll.pe.original_file_name"],
  ];
  for (const [from, to] of copies) copy(doc, from, to);
}

export function sysmonPipeline(doc: JsonObject): void {
  dropValues(doc, DROPPED_VALUES);
  rename(doc, "winlog.level", "log.level");
  const utc = str(doc, `${ED}.UtcTime`);
  if (utc !== undefined && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/.test(utc))
    set(doc, "@timestamp", `${utc.replace(" ", "T")}Z`);
  set(doc, "event.kind", "event");
  const code = str(doc, "winlog.event_id") ?? "";
  set(doc, "event.code", code);
  const cat = CATEGORIZATION[code];
  if (cat !== undefined) {
    if (cat.category) set(doc, "event.category", [...cat.category]);
    set(doc, "event.type", [...cat.type]);
    set(doc, "event.action", structuredClone(cat.action));
    if (cat.outcome) set(doc, "event.outcome", cat.outcome);
  }
  const record = get(doc, "winlog.record_id");
  if (typeof record === "number") set(doc, "winlog.record_id", String(record));
  if (code === "255") rename(doc, `${ED}.ID`, "error.code");
  rename(doc, `${ED}.RuleName`, "rule.name");
  if (code === "25") rename(doc, `${ED}.Type`, "message");
  rename(doc, `${ED}.Hash`, `${ED}.Hashes`);
  const temp = hashes(doc);
  processFields(doc, code, temp);
  fileFields(doc, code, temp);
  networkFields(doc, code);
  userFields(doc);
  sysmonFields(doc);
  relatedFields(doc);
  registryFields(doc, code);
  rename(doc, `${ED}.TargetProcessGuid`, `${ED}.TargetProcessGUID`);
  for (const key of CLEANUP) remove(doc, `${ED}.${key}`);
  dropValues(doc, ["", "-"]);
  const ed = get(doc, ED);
  if (isObject(ed) && Object.keys(ed).length === 0) remove(doc, ED);
  if (code === "7") dllFields(doc);
}
