import {
  appendUnique,
  copy,
  get,
  isObject,
  longDecode,
  remove,
  set,
  str,
  type JsonObject,
} from "./ingest.js";

/**
 * The System integration's security data stream: default.yml (@ 192a0220) and the `standard`
 * pipeline it runs for Microsoft-Windows-Security-Auditing and Microsoft-Windows-Eventlog records
 * (packages/system/data_stream/security/elasticsearch/ingest_pipeline/standard.yml @ 057f555b).
 * Unlike the Sysmon pipeline it drops no "-" values: Security records keep them in event_data.
 * Modelled: categorization for the event codes below, the logon type, the Subject/Target user
 * copies, the common process/source renames and the whole 4688 step. Not modelled: the message
 * tables (access masks, Kerberos and UAC flags, SDDL), group and computer-object copies, geoip.
 */

const ED = "winlog.event_data";

const CATEGORIES: Readonly<Record<string, readonly [string[], string[], string]>> = {
  "1102": [["iam"], ["admin", "change"], "audit-log-cleared"],
  "4624": [["authentication"], ["start"], "logged-in"],
  "4625": [["authentication"], ["start"], "logon-failed"],
  "4634": [["authentication"], ["end"], "logged-out"],
  "4647": [["authentication"], ["end"], "logged-out"],
  "4648": [["authentication"], ["start"], "logged-in-explicit"],
  "4657": [["registry", "configuration"], ["change"], "registry-value-modified"],
  "4672": [["iam"], ["admin"], "logged-in-special"],
  "4688": [["process"], ["start"], "created-process"],
  "4689": [["process"], ["end"], "exited-process"],
  "4697": [["iam", "configuration"], ["admin", "change"], "service-installed"],
  "4698": [["iam", "configuration"], ["creation", "admin"], "scheduled-task-created"],
  "4699": [["iam", "configuration"], ["deletion", "admin"], "scheduled-task-deleted"],
  "4700": [["iam", "configuration"], ["change", "admin"], "scheduled-task-enabled"],
  "4701": [["iam", "configuration"], ["change", "admin"], "scheduled-task-disabled"],
  "4702": [["iam", "configuration"], ["change", "admin"], "scheduled-task-updated"],
  "4720": [["iam"], ["user", "creation"], "added-user-account"],
  "4726": [["iam"], ["user", "deletion"], "deleted-user-account"],
  "4732": [["iam"], ["group", "change"], "added-member-to-group"],
  "4738": [["iam"], ["user", "change"], "modified-user-account"],
};

const LOGON_TYPES: Readonly<Record<string, string>> = {
  "2": "Interactive",
  "3": "Network",
  "4": "Batch",
  "5": "Service",
  "7": "Unlock",
  "8": "NetworkCleartext",
  "9": "NewCredentials",
  "10": "RemoteInteractive",
  "11": "CachedInteractive",
};

/** "Copy Subject User from Event Data": the codes whose subject is the acting user. */
const SUBJECT_USER_CODES = new Set(
  (
    "4657 4670 4672 4673 4674 4688 4689 4697 4698 4699 4700 4701 4702 4706 4707 4713 4716 4717 " +
    "4718 4719 4720 4722 4723 4724 4725 4726 4727 4728 4729 4730 4731 4732 4733 4734 4735 4737 " +
    "4738 4739 4740 4741 4742 4743 4744 4745 4746 4747 4748 4749 4750 4751 4752 4753 4754 4755 " +
    "4756 4757 4758 4759 4760 4761 4762 4763 4764 4767 4781 4798 4799 4817 4904 4905 4907 4912 " +
    "4648 5140 5145"
  ).split(" "),
);

/** "Copy Target User": logon events name the logged-on account as the user. */
const TARGET_USER_CODES = new Set(
  "4624 4625 4634 4647 4648 4768 4769 4770 4771 4776 4964".split(" "),
);

/** "Rename Common Auth Fields": the codes whose ProcessId/ProcessName/IpAddress are the actor's. */
const COMMON_AUTH_CODES = new Set(
  (
    "1100 1102 1104 1105 1108 4624 4648 4625 4670 4673 4674 4689 4697 4719 4720 4722 4723 4724 " +
    "4725 4726 4727 4728 4729 4730 4731 4732 4733 4734 4735 4737 4738 4740 4741 4742 4743 4744 " +
    "4745 4746 4747 4748 4749 4750 4751 4752 4753 4754 4755 4756 4757 4758 4759 4760 4761 4762 " +
    "4763 4764 4767 4768 4769 4770 4771 4798 4799 4817 4904 4905 4907 4912 5140 5145"
  ).split(" "),
);

const given = (v: string | undefined): v is string => v !== undefined && v !== "" && v !== "-";

function subjectUser(doc: JsonObject): void {
  const sid = str(doc, `${ED}.SubjectUserSid`);
  const name = str(doc, `${ED}.SubjectUserName`);
  const domain = str(doc, `${ED}.SubjectDomainName`);
  if (sid !== undefined) set(doc, "user.id", sid);
  if (name !== undefined) {
    set(doc, "user.name", name);
    appendUnique(doc, "related.user", name);
  }
  if (domain !== undefined) set(doc, "user.domain", domain);
}

function targetUser(doc: JsonObject): void {
  const sid = str(doc, `${ED}.TargetUserSid`) ?? str(doc, `${ED}.TargetSid`);
  const name = str(doc, `${ED}.TargetUserName`)?.split("@")[0];
  const domain = str(doc, `${ED}.TargetDomainName`);
  const put = (field: string, v: string): void =>
    set(doc, get(doc, `user.${field}`) === undefined ? `user.${field}` : `user.target.${field}`, v);
  if (sid !== undefined) put("id", sid);
  if (name !== undefined) {
    put("name", name);
    appendUnique(doc, "related.user", name);
  }
  if (domain !== undefined) put("domain", domain);
}

/** "Copy Target User to Effective" (4648, 4688): the account the new process runs as. */
function effectiveUser(doc: JsonObject): void {
  const sid = str(doc, `${ED}.TargetUserSid`);
  const name = str(doc, `${ED}.TargetUserName`);
  const domain = str(doc, `${ED}.TargetDomainName`);
  if (given(sid)) set(doc, "user.effective.id", sid);
  if (given(name)) {
    const short = name.split("@")[0]!;
    set(doc, "user.effective.name", short);
    appendUnique(doc, "related.user", short);
  }
  if (given(domain)) set(doc, "user.effective.domain", domain);
}

function decodeInto(doc: JsonObject, from: string, to: string, keep = false): void {
  const text = str(doc, `${ED}.${from}`);
  if (text === undefined) return;
  const n = longDecode(text);
  if (n !== undefined) set(doc, to, n);
  if (!keep) remove(doc, `${ED}.${from}`);
}

function commonAuthFields(doc: JsonObject): void {
  decodeInto(doc, "ProcessId", "process.pid");
  const moves: readonly [string, string][] = [
    ["ProcessName", "process.executable"],
    ["IpAddress", "source.ip"],
    ["WorkstationName", "source.domain"],
  ];
  for (const [from, to] of moves) {
    const v = str(doc, `${ED}.${from}`);
    if (v === undefined || (from === "IpAddress" && v === "-")) continue;
    set(doc, to, v);
    remove(doc, `${ED}.${from}`);
  }
  const port = str(doc, `${ED}.IpPort`);
  if (port !== undefined && port !== "-") {
    const n = longDecode(port);
    if (n !== undefined) set(doc, "source.port", n);
    remove(doc, `${ED}.IpPort`);
  }
  nameFromExecutable(doc, "process");
}

function nameFromExecutable(doc: JsonObject, prefix: string): void {
  const exe = str(doc, `${prefix}.executable`);
  if (exe !== undefined && get(doc, `${prefix}.name`) === undefined)
    set(doc, `${prefix}.name`, exe.split("\\").pop()!);
}

/** "Process Event 4688". */
function processCreation(doc: JsonObject): void {
  decodeInto(doc, "NewProcessId", "process.pid");
  for (const [from, to] of [
    ["NewProcessName", "process.executable"],
    ["ParentProcessName", "process.parent.executable"],
  ] as const) {
    const v = str(doc, `${ED}.${from}`);
    if (v === undefined) continue;
    set(doc, to, v);
    remove(doc, `${ED}.${from}`);
  }
  nameFromExecutable(doc, "process");
  nameFromExecutable(doc, "process.parent");
  decodeInto(doc, "ProcessId", "process.parent.pid", true);
  const cmd = str(doc, `${ED}.CommandLine`);
  if (cmd !== undefined) {
    // The step's own splitter (quotes toggle, whitespace splits): not commandLineToArgv.
    set(doc, "process.args", splitOnWhitespace(cmd));
    set(doc, "process.command_line", cmd);
  }
  const target = str(doc, `${ED}.TargetUserName`);
  if (target !== undefined && target !== "-") appendUnique(doc, "related.user", target);
}

function splitOnWhitespace(cmd: string): string[] {
  const out: string[] = [];
  let start = 0;
  let inQuote = false;
  for (let i = 0; i < cmd.length; i++) {
    if (cmd[i] === '"') inQuote = !inQuote;
    if (/\s/.test(cmd[i]!) && !inQuote) {
      out.push(cmd.slice(start, i));
      start = i + 1;
    }
    if (i === cmd.length - 1) out.push(cmd.slice(start, i + 1));
  }
  return out;
}

export function securityPipeline(doc: JsonObject): void {
  const code = str(doc, "event.code") ?? "";
  const provider = str(doc, "winlog.provider_name");
  const standard =
    provider === "Microsoft-Windows-Security-Auditing" || provider === "Microsoft-Windows-Eventlog";
  if (standard) {
    const cat = CATEGORIES[code];
    if (cat !== undefined) {
      set(doc, "event.category", [...cat[0]]);
      set(doc, "event.type", [...cat[1]]);
      set(doc, "event.action", cat[2]);
    }
    const logonType = LOGON_TYPES[str(doc, `${ED}.LogonType`) ?? ""];
    if (logonType !== undefined) set(doc, "winlog.logon.type", logonType);
    if (TARGET_USER_CODES.has(code)) targetUser(doc);
    if (SUBJECT_USER_CODES.has(code)) subjectUser(doc);
    if (code === "4648" || code === "4688") effectiveUser(doc);
    copy(doc, `${ED}.SubjectLogonId`, "winlog.logon.id");
    if (COMMON_AUTH_CODES.has(code)) commonAuthFields(doc);
    if (code === "4688") processCreation(doc);
  }
  const ip = str(doc, "source.ip");
  if (ip !== undefined) {
    const unmapped = ip.replace("::ffff:", "");
    set(doc, "source.ip", unmapped);
    if (unmapped !== "-") appendUnique(doc, "related.ip", unmapped);
  }
  const record = get(doc, "winlog.record_id");
  if (typeof record === "number") set(doc, "winlog.record_id", String(record));
  copy(doc, "winlog.level", "log.level");
  const user = get(doc, "user");
  if (isObject(user) && Object.keys(user).length === 0) remove(doc, "user");
}
