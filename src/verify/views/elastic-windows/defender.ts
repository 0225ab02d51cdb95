import { copy, get, isObject, remove, rename, set, str, type JsonObject } from "./ingest.js";

/**
 * The Windows integration's windows_defender data stream (Microsoft-Windows-Windows Defender/
 * Operational), from its ingest pipeline (packages/windows/data_stream/windows_defender/
 * elasticsearch/ingest_pipeline/default.yml @ 136ebec1, ecs 8.11) and the event_data keys of its
 * pipeline test's expected documents (test-events-windows-defender-events.json-expected.json):
 * - Defender's EventData names have spaces ("Threat Name"); the winlog input writes them with
 *   underscores (Threat_Name). The fixtures write them without spaces, as Sigma's rules do
 *   (ThreatName): DEFENDER_NAMES gives each one's original words;
 * - Path (and FileName) become file.path without the "file:_" prefix (gsub `.*:_`), the last
 *   path segment file.name, Sha256 file.hash.sha256; Process_Name moves to process.executable
 *   (process.name for 1126, whose value is a name), Target_Commandline and Parent_Commandline to
 *   process.command_line and process.parent.command_line; Detection_User (or User) "DOMAIN\\name"
 *   is split into user.domain and user.name; Destination is copied to destination.domain.
 * Not modelled: event.action/category/type/outcome and event.reference (no rule names them).
 */

/** Defender's EventData names with spaces, by the name without them (the fixtures' form). */
const DEFENDER_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  [
    "Product Name",
    "Product Version",
    "Detection ID",
    "Detection Time",
    "Unused",
    "Threat ID",
    "Threat Name",
    "Severity ID",
    "Severity Name",
    "Category ID",
    "Category Name",
    "Status Code",
    "Status Description",
    "Source ID",
    "Source Name",
    "Process Name",
    "Detection User",
    "Origin ID",
    "Origin Name",
    "Execution ID",
    "Execution Name",
    "Type ID",
    "Type Name",
    "Pre Execution Status",
    "Action ID",
    "Action Name",
    "Error Code",
    "Error Description",
    "Post Clean Status",
    "Additional Actions ID",
    "Additional Actions String",
    "Remediation User",
    "Security intelligence Version",
    "Engine Version",
    "New Value",
    "Old Value",
    "Feature Name",
    "Feature ID",
    "Target Commandline",
    "Parent Commandline",
  ].map((name) => [name.replaceAll(" ", ""), name]),
);

const ED = "winlog.event_data";

/** The winlog input's key for a Defender EventData name as the fixtures write it. */
function inputKeys(doc: JsonObject): void {
  const ed = get(doc, ED);
  if (!isObject(ed)) return;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(ed)) out[(DEFENDER_NAMES[k] ?? k).replaceAll(" ", "_")] = v;
  set(doc, ED, out);
}

function filePath(doc: JsonObject): void {
  for (const from of ["Path", "FileName"]) {
    const v = str(doc, `${ED}.${from}`);
    // gsub `.*:_` → "": on each line, everything up to the last ":_" goes.
    if (v !== undefined) set(doc, "file.path", v.replace(/.*:_/g, ""));
  }
  for (const from of ["Path", "Filename"])
    if (get(doc, "file.path") === undefined) copy(doc, `${ED}.${from}`, "file.path");
  const path = str(doc, "file.path");
  if (path !== undefined) {
    const name = /[^\\]*$/.exec(path)![0];
    set(doc, "file.name", name);
    const ext = /\.(.*)$/.exec(name);
    if (ext) set(doc, "file.extension", ext[1]!);
  }
  const sha = str(doc, `${ED}.Sha256`);
  if (sha !== undefined && sha !== "" && sha !== "-") set(doc, "file.hash.sha256", sha);
}

function userFields(doc: JsonObject): void {
  const user = str(doc, `${ED}.User`) ?? str(doc, `${ED}.Detection_User`);
  const parts = user?.split("\\") ?? [];
  // The split processor drops trailing empty parts (Java's String.split).
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  if (parts.length !== 2) return;
  if (parts[0] !== "") set(doc, "user.domain", parts[0]!);
  if (parts[1] !== "") set(doc, "user.name", parts[1]!);
}

function processFields(doc: JsonObject, code: string): void {
  rename(doc, `${ED}.Target_Commandline`, "process.command_line");
  rename(doc, `${ED}.Parent_Commandline`, "process.parent.command_line");
  rename(doc, `${ED}.Process_Name`, code === "1126" ? "process.name" : "process.executable");
  const exe = str(doc, "process.executable");
  if (exe !== undefined && get(doc, "process.name") === undefined)
    set(doc, "process.name", /[^\\]*$/.exec(exe)![0]);
}

export function defenderPipeline(doc: JsonObject): void {
  inputKeys(doc);
  copy(doc, "winlog.level", "log.level");
  const code = str(doc, "winlog.event_id") ?? "";
  set(doc, "event.code", code);
  set(doc, "event.kind", "event");
  copy(doc, `${ED}.Destination`, "destination.domain");
  const record = get(doc, "winlog.record_id");
  if (typeof record === "number") set(doc, "winlog.record_id", String(record));
  userFields(doc);
  filePath(doc);
  processFields(doc, code);
  remove(doc, "winlog.message");
}
