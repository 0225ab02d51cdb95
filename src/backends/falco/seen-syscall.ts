import type { BackendContext, SeenEvent } from "../types.js";
import { argvFields } from "./argv.js";
import { trailingSlashFields } from "./cwd.js";
import { constantFields } from "./typed.js";

/**
 * What a syscall rule sees of a Sysmon-for-Linux-shaped event (the flat record of
 * `Linux-Sysmon/Operational`: EventID 1 process creation, 11 file creation, 3 network connection),
 * in Sigma field names: the backend's claim about Falco observing the same activity.
 * - Only the events of the rule's category reach it (the scope: execve/execveat; a created file;
 *   an outbound connect), and a network connection that was not initiated is out of scope.
 * - A command line (argvFields) reads as argv[0] alone when nothing follows its first space
 *   (proc.args is empty then), else as written (proc.exeline is argv[0] + " " + the arguments).
 * - A directory (trailingSlashFields) ends in '/'.
 * - ParentCommandLine is proc.pcmdline: the parent executable's base name cut at 15 bytes (the
 *   kernel's comm), then the arguments.
 * - Numbers (pids, ports, LogonId) are numbers; LogonId 4294967295 (unset) is -1; host names are
 *   lower case (Falco compares DNS names).
 */
type Raw = Record<string, unknown>;

const CHANNEL = "Linux-Sysmon/Operational";
const EVENT_IDS: Readonly<Record<string, number>> = {
  process_creation: 1,
  file_event: 11,
  network_connection: 3,
};
const NUMBERS = new Set([
  "ProcessId",
  "ParentProcessId",
  "SourcePort",
  "DestinationPort",
  "LogonId",
]);

function isRecord(x: unknown): x is Raw {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function text(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

/** The kernel's comm of an executable path: its base name, at most 15 bytes. */
export function commOf(path: string): string {
  let name = path.slice(path.lastIndexOf("/") + 1);
  while (Buffer.byteLength(name, "utf8") > 15) name = [...name].slice(0, -1).join("");
  return name;
}

function afterFirstSpace(line: string): string {
  const i = line.indexOf(" ");
  return i < 0 ? "" : line.slice(i + 1);
}

function beforeFirstSpace(line: string): string {
  const i = line.indexOf(" ");
  return i < 0 ? line : line.slice(0, i);
}

function eventId(raw: Raw): number | undefined {
  const v = raw.EventID;
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

export function syscallSeen(ctx: BackendContext): SeenEvent {
  const fields = Object.keys(ctx.mapping?.fields ?? {});
  const category = ctx.rule.logsource.category?.toLowerCase() ?? "";
  const wanted = EVENT_IDS[category];
  const slashed = trailingSlashFields(ctx);
  const constants = constantFields(ctx);
  return (raw) => {
    if (!isRecord(raw) || raw.Channel !== CHANNEL || eventId(raw) !== wanted) return null;
    if (category === "network_connection" && text(raw.Initiated)?.toLowerCase() !== "true")
      return null;
    const out: Record<string, unknown> = { ...constants };
    for (const field of fields) {
      if (Object.hasOwn(constants, field)) continue;
      const v = text(raw[field]);
      if (v === undefined) continue;
      if (argvFields(ctx, field) !== undefined) {
        out[field] = afterFirstSpace(v) === "" ? beforeFirstSpace(v) : v;
      } else if (slashed.has(field)) {
        out[field] = v.endsWith("/") ? v : `${v}/`;
      } else if (field === "ParentCommandLine") {
        const image = text(raw.ParentImage);
        if (image === undefined) continue;
        const args = afterFirstSpace(v);
        out[field] = args === "" ? commOf(image) : `${commOf(image)} ${args}`;
      } else if (NUMBERS.has(field)) {
        if (!/^-?\d+$/.test(v)) continue;
        const n = Number(v);
        out[field] = field === "LogonId" && n === 4294967295 ? -1 : n;
      } else if (field === "DestinationHostname") {
        if (v !== "" && v !== "-") out[field] = v.toLowerCase();
      } else out[field] = v;
    }
    return out;
  };
}
