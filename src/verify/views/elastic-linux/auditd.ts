import type { AuditRecord } from "../linux-record.js";
import {
  convertLong,
  get,
  isObject,
  remove,
  rename,
  set,
  str,
  type Json,
  type JsonObject,
} from "../elastic-windows/ingest.js";
import { parseIp } from "../../kql/ip.js";
import {
  ANY_SYSCALL,
  HEX_KEYS,
  LONG_KEYS,
  RECORD_TYPES,
  RENAMES,
  type Act,
} from "./auditd-tables.js";

/**
 * The auditd integration's log data stream (packages/auditd/data_stream/log, ingest pipeline
 * default.yml), processor by processor, on one audit record:
 * - grok: the record type to auditd.log.record_type, the header's epoch and serial (sequence);
 *   kv: every key=value pair into auditd.log.<key> (an inner msg='…' of user-space records is
 *   split the same way: the flat record already holds its pairs);
 * - the value script: a value "?", "(null)" or "" is removed; a hex value of one of its
 *   possibleHexKeys is decoded when a decoded byte is a space, a quote or a control character
 *   (control characters written ^X), else kept as hex; success and key_enforce become booleans;
 *   quotes are trimmed (the flat record has none); arch c000003e is x86_64;
 * - the record-type table (auditd-tables.ts) sets event.action/category/type and copies identity
 *   keys into user.* (the copy overwrites); SYSCALL records get network.direction for the socket
 *   syscalls; the identity and process keys move into user.* and process.* (a rename onto a field
 *   the copy filled fails and leaves the key under auditd.log); cmd becomes process.args split at
 *   whitespace; an EXECVE record's a0…aN become process.args in argument order (a0 is also
 *   process.executable) and are removed; the record type moves to event.action in lower case
 *   (when the table did not set it); src/addr/dst go to source/destination.address (source.ip when
 *   an address); epoch, arch, res and the kv helpers are removed.
 * Not modelled: geoip, @timestamp's time zone, event.outcome from res, an inner msg's own quoting.
 */

const LOG = "auditd.log";

/** The pipeline's convertHexToString: decoded only when some byte needed encoding. */
function decodeHex(v: string): string {
  if (v.length === 0 || v.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(v)) return v;
  let out = "";
  let needed = false;
  for (let i = 0; i < v.length - 1; i += 2) {
    let cp = parseInt(v.slice(i, i + 2), 16);
    if (cp < 33 || cp === 34 || cp === 127) needed = true;
    if (cp < 32 || cp === 127) {
      out += "^";
      cp ^= 64;
    }
    out += String.fromCharCode(cp);
  }
  return needed ? out : v;
}

function values(rec: AuditRecord): JsonObject {
  const log: JsonObject = { record_type: rec.type, sequence: rec.serial };
  for (const [k, v] of rec.pairs) log[k] = v;
  for (const [k, raw] of Object.entries(log)) {
    if (typeof raw !== "string") continue;
    if (raw === "?" || raw === "(null)" || raw === "") {
      delete log[k];
      continue;
    }
    let v: Json = HEX_KEYS.has(k) ? decodeHex(raw) : raw;
    if ((k === "success" || k === "key_enforce") && typeof v === "string")
      v = ["yes", "true", "1"].includes(v.toLowerCase());
    if (k === "arch" && v === "c000003e") v = "x86_64";
    log[k] = v;
  }
  for (const k of LONG_KEYS) {
    const v = log[k];
    if (typeof v === "string" && convertLong(v) !== undefined) log[k] = convertLong(v)!;
  }
  return log;
}

function pickAct(log: JsonObject): Act | undefined {
  const type = typeof log.record_type === "string" ? log.record_type : undefined;
  if (type === undefined) return undefined;
  let acts: readonly Act[] | undefined = RECORD_TYPES[type];
  if (acts === undefined && log.syscall !== undefined) acts = [ANY_SYSCALL];
  return acts?.find((a) =>
    (a.hasFields ?? []).every((f) => log[f] !== undefined && log[f] !== null),
  );
}

function applyAct(doc: JsonObject, log: JsonObject, a: Act): void {
  if (a.action !== undefined) set(doc, "event.action", [a.action]);
  if (a.category !== undefined) set(doc, "event.category", [...a.category]);
  if (a.type !== undefined) set(doc, "event.type", [...a.type]);
  for (const c of a.copy ?? []) {
    const value = c.from.map((k) => log[k]).find((v) => v !== undefined && v !== null);
    if (typeof value === "string")
      set(doc, `${c.to}${/^[0-9]+$/.test(value) ? ".id" : ".name"}`, value);
  }
}

const SOCKET_IN = ["accept", "43", "recvfrom", "45", "recvmsg", "47", "accept4", "288"];
const SOCKET_OUT = ["connect", "42", "sendto", "44", "sendmsg", "46"];

/** The EXECVE script: aN (and aN_len, aN[i]) keys removed; the arguments in order. */
function execveArgs(doc: JsonObject): void {
  const log = get(doc, LOG);
  if (!isObject(log)) return;
  const args: [number, Json][] = [];
  for (const k of Object.keys(log)) {
    const m = /^a([0-9]+)(.*)$/.exec(k);
    if (m === null) continue;
    const v = log[k]!;
    delete log[k];
    if (m[2] !== "_len") args.push([Number(m[1]), v]);
  }
  if (args.length === 0) return;
  args.sort((x, y) => x[0] - y[0]);
  const list = args.map(([, v]) => v);
  if (args[0]![0] === 0) set(doc, "process.executable", list[0]!);
  else list.unshift(`[... ${args[0]![0]} truncated arguments ...]`);
  set(doc, "process.args", list);
}

export function elasticAuditdDocument(rec: AuditRecord): JsonObject {
  const log = values(rec);
  const doc: JsonObject = { auditd: { log }, event: { kind: "event" } };
  const a = pickAct(log);
  if (a !== undefined) applyAct(doc, log, a);
  const syscall = typeof log.syscall === "string" ? log.syscall : "";
  if (log.record_type === "SYSCALL" && SOCKET_IN.includes(syscall))
    set(doc, "network.direction", "ingress");
  if (log.record_type === "SYSCALL" && SOCKET_OUT.includes(syscall))
    set(doc, "network.direction", "egress");
  if (log.arch !== undefined) set(doc, "host.architecture", log.arch);
  for (const [from, to] of RENAMES) rename(doc, `${LOG}.${from}`, to);
  for (const path of ["process.pid", "process.parent.pid"]) {
    const v = str(doc, path);
    if (v !== undefined) {
      const n = convertLong(v);
      if (n !== undefined) set(doc, path, n);
    }
  }
  const cmd = str(doc, `${LOG}.cmd`);
  if (cmd !== undefined && get(doc, "process.args") === undefined) {
    remove(doc, `${LOG}.cmd`);
    set(doc, "process.args", cmd.split(/\s+/));
  }
  rename(doc, `${LOG}.argc`, "process.args_count");
  const args = get(doc, "process.args");
  if (Array.isArray(args)) set(doc, "process.args_count", args.length);
  const count = str(doc, "process.args_count");
  if (count !== undefined && convertLong(count) !== undefined)
    set(doc, "process.args_count", convertLong(count)!);
  rename(doc, `${LOG}.exit`, "process.exit_code");
  rename(doc, `${LOG}.cwd`, "process.working_directory");
  rename(doc, `${LOG}.terminal`, "user.terminal");
  const exit = str(doc, "process.exit_code");
  if (exit !== undefined && convertLong(exit) !== undefined)
    set(doc, "process.exit_code", convertLong(exit)!);
  if (log.record_type === "EXECVE") execveArgs(doc);
  const type = str(doc, `${LOG}.record_type`);
  if (type !== undefined && get(doc, "event.action") === undefined) {
    remove(doc, `${LOG}.record_type`);
    set(doc, "event.action", type.toLowerCase());
  }
  rename(doc, `${LOG}.src`, "source.address");
  if (get(doc, "source.address") === undefined) rename(doc, `${LOG}.addr`, "source.address");
  rename(doc, `${LOG}.dst`, "destination.address");
  const address = str(doc, "source.address");
  if (address !== undefined && parseIp(address) !== undefined) set(doc, "source.ip", address);
  for (const k of ["epoch", "arch", "res"]) remove(doc, `${LOG}.${k}`);
  set(doc, "data_stream", { type: "logs", dataset: "auditd.log", namespace: "default" });
  set(doc, "event.dataset", "auditd.log");
  return doc;
}
