/**
 * What Falco's syscall source (libsinsp, falcosecurity/libs @ 48dfd53c) extracts when it observes
 * the activity a Sysmon-for-Linux record describes. The fixtures are Sysmon for Linux records
 * (`Channel: Linux-Sysmon/Operational`, flat EventData names); this view writes the Falco event
 * that the same process start, file creation or connection produces
 * (shared/reference/linux/falco/process-file-network-semantics.md):
 *
 * - EventID 1 → an execve exit: proc.exepath = Image (the kernel's resolved path), proc.exe =
 *   argv[0] (the command line up to its first space), proc.args = the rest, proc.exeline =
 *   exe + " " + args (a trailing space when there are none), proc.name = the comm (base name of
 *   the executable, at most 15 bytes), proc.cmdline = comm + (" " + args if any), proc.cwd =
 *   the directory with a trailing '/', user.name, user.loginuid (-1 for Sysmon's unset
 *   4294967295), proc.pid / proc.ppid, and the parent's proc.pexepath, proc.pexe, proc.pname,
 *   proc.pcmdline built the same way;
 * - EventID 11 → an openat exit that created the file: evt.is_open_create = true, fd.name =
 *   TargetFilename, fd.typechar = f, with the process fields Sysmon gives (Image, User, ProcessId);
 * - EventID 3 → connect (Initiated true) or accept (false) on an IPv4/IPv6 socket that succeeded:
 *   the server side is the destination either way (fd.sip, fd.sport, fd.snet), the client the
 *   source (fd.cip, fd.cport, fd.cnet); fd.l4proto the protocol; fd.sip.name the destination host
 *   name, lower case (Falco matches it against the A records of the names in the rule; the view
 *   assumes the name Sysmon wrote resolves to the address).
 * Numbers are decimal text; a Sysmon value '-' (unknown) leaves the field out.
 */
type Doc = Record<string, string>;
type Raw = Record<string, unknown>;

const SYSMON_LINUX = "Linux-Sysmon/Operational";

function isRecord(x: unknown): x is Raw {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function str(raw: Raw, key: string): string | undefined {
  const v = raw[key];
  const s = typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
  return s === undefined || s === "-" ? undefined : s;
}

/** task->comm: the executable's base name, cut to TASK_COMM_LEN - 1 = 15 bytes. */
function comm(path: string): string {
  const base = path.split("/").pop() ?? path;
  const bytes = new TextEncoder().encode(base);
  if (bytes.length <= 15) return base;
  let cut = 15;
  while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--;
  return new TextDecoder().decode(bytes.slice(0, cut));
}

function splitArgv(line: string): { exe: string; args: string } {
  const sp = line.indexOf(" ");
  return sp < 0 ? { exe: line, args: "" } : { exe: line.slice(0, sp), args: line.slice(sp + 1) };
}

function put(doc: Doc, key: string, value: string | undefined): void {
  if (value !== undefined) doc[key] = value;
}

function processFields(raw: Raw, doc: Doc): void {
  const image = str(raw, "Image");
  put(doc, "proc.exepath", image);
  put(doc, "proc.pid", str(raw, "ProcessId"));
  put(doc, "user.name", str(raw, "User"));
  const line = str(raw, "CommandLine");
  if (line !== undefined) {
    const { exe, args } = splitArgv(line);
    doc["proc.exe"] = exe;
    doc["proc.args"] = args;
    doc["proc.exeline"] = `${exe} ${args}`;
    if (image !== undefined) {
      doc["proc.name"] = comm(image);
      doc["proc.cmdline"] = args === "" ? comm(image) : `${comm(image)} ${args}`;
    }
  }
  const cwd = str(raw, "CurrentDirectory");
  if (cwd !== undefined) doc["proc.cwd"] = cwd.endsWith("/") ? cwd : `${cwd}/`;
  const loginuid = str(raw, "LogonId");
  if (loginuid !== undefined && /^\d+$/.test(loginuid))
    doc["user.loginuid"] = loginuid === "4294967295" ? "-1" : loginuid;
  put(doc, "proc.ppid", str(raw, "ParentProcessId"));
  const parent = str(raw, "ParentImage");
  put(doc, "proc.pexepath", parent);
  const pline = str(raw, "ParentCommandLine");
  if (parent !== undefined) doc["proc.pname"] = comm(parent);
  if (pline !== undefined) {
    const { exe, args } = splitArgv(pline);
    doc["proc.pexe"] = exe;
    if (parent !== undefined)
      doc["proc.pcmdline"] = args === "" ? comm(parent) : `${comm(parent)} ${args}`;
  }
}

export function syscallDocument(raw: unknown): Doc | null {
  if (!isRecord(raw) || raw.Channel !== SYSMON_LINUX) return null;
  const id = Number(raw.EventID);
  const doc: Doc = { "evt.source": "syscall" };
  switch (id) {
    case 1:
      doc["evt.type"] = "execve";
      doc["evt.rawres"] = "0";
      doc["evt.res"] = "SUCCESS";
      processFields(raw, doc);
      return doc;
    case 11:
      doc["evt.type"] = "openat";
      doc["evt.rawres"] = "3";
      doc["evt.res"] = "SUCCESS";
      doc["evt.is_open_create"] = "true";
      doc["fd.typechar"] = "f";
      put(doc, "fd.name", str(raw, "TargetFilename"));
      processFields(raw, doc);
      return doc;
    case 3: {
      const initiated = String(raw.Initiated).toLowerCase() === "true";
      doc["evt.type"] = initiated ? "connect" : "accept";
      doc["evt.rawres"] = initiated ? "0" : "4";
      doc["evt.res"] = "SUCCESS";
      const dst = str(raw, "DestinationIp");
      doc["fd.typechar"] = dst?.includes(":") ? "6" : "4";
      put(doc, "fd.sip", dst);
      put(doc, "fd.snet", dst);
      put(doc, "fd.sport", str(raw, "DestinationPort"));
      put(doc, "fd.cip", str(raw, "SourceIp"));
      put(doc, "fd.cnet", str(raw, "SourceIp"));
      put(doc, "fd.cport", str(raw, "SourcePort"));
      put(doc, "fd.l4proto", str(raw, "Protocol")?.toLowerCase());
      put(doc, "fd.sip.name", str(raw, "DestinationHostname")?.toLowerCase());
      processFields(raw, doc);
      return doc;
    }
    default:
      return null;
  }
}
