import type { EsField, EsFieldType } from "./mapping.js";
import { winlogFieldType } from "./mapping-windows.js";

/**
 * The index mappings of the Linux data streams the Elastic view writes (views/elastic-linux),
 * from the vendors' own field definitions, independently of targets/ and the pipelines:
 * - sysmon_linux.log (packages/sysmon_linux/data_stream/log/fields: ecs.yml and winlog.yml, the
 *   same ECS fields and winlog.* object as the Windows Sysmon data stream; winlog.event_data is an
 *   object of keyword leaves): the winlog reader's document, mapping-windows.ts.
 * - auditd.log (packages/auditd/data_stream/log/fields): ECS fields as ecs_flat.yml types them;
 *   package-fields.yml's user.audit / effective / filesystem / owner / saved ids, names and
 *   groups and user.terminal (keyword); fields.yml's auditd.log.sequence, rport and lport (long),
 *   addr and laddr (ip), a0, items, item, tty and the login ids (keyword). Every other
 *   auditd.log.<key> the kv processor writes has no definition: the logs-* template's dynamic
 *   mapping indexes a string as keyword (ignore_above 1024) and a number as long, and the
 *   pipeline's own conversions (the sizes and counts it converts to long, success and
 *   key_enforce to boolean) give the JSON type that mapping sees.
 */

const AUDITD_ECS: Readonly<Record<string, EsFieldType>> = {
  "@timestamp": "date",
  "data_stream.dataset": "constant_keyword",
  "data_stream.type": "constant_keyword",
  "data_stream.namespace": "constant_keyword",
  "event.dataset": "keyword",
  "event.kind": "keyword",
  "event.action": "keyword",
  "event.category": "keyword",
  "event.type": "keyword",
  "event.outcome": "keyword",
  "host.architecture": "keyword",
  "network.direction": "keyword",
  "process.executable": "keyword",
  "process.name": "keyword",
  "process.args": "keyword",
  "process.args_count": "long",
  "process.pid": "long",
  "process.parent.pid": "long",
  "process.working_directory": "keyword",
  "process.exit_code": "long",
  "process.title": "keyword",
  "user.name": "keyword",
  "user.id": "keyword",
  "user.group.id": "keyword",
  "user.group.name": "keyword",
  "user.target.name": "keyword",
  "user.target.id": "keyword",
  "user.terminal": "keyword",
  "group.id": "keyword",
  "group.name": "keyword",
  "source.address": "keyword",
  "source.ip": "ip",
  "source.port": "long",
  "destination.address": "keyword",
  "destination.ip": "ip",
  "destination.port": "long",
  "file.path": "keyword",
  "related.user": "keyword",
};

/** package-fields.yml: each of these user groups has id, name, group.id and group.name. */
const USER_GROUPS = ["audit", "effective", "filesystem", "owner", "saved"];

const AUDITD_LOG: Readonly<Record<string, EsFieldType>> = {
  sequence: "long",
  rport: "long",
  lport: "long",
  addr: "ip",
  laddr: "ip",
  // Converted by the pipeline before indexing: the dynamic mapping sees a number or a boolean.
  entries: "long",
  dst_prefixlen: "long",
  ksize: "long",
  size: "long",
  src_prefixlen: "long",
  success: "boolean",
  key_enforce: "boolean",
};

function auditdFieldType(field: string): EsFieldType | undefined {
  const ecs = AUDITD_ECS[field];
  if (ecs !== undefined) return ecs;
  const user = /^user\.([a-z]+)\.(id|name|group\.id|group\.name)$/.exec(field);
  if (user !== null && USER_GROUPS.includes(user[1]!)) return "keyword";
  if (field.startsWith("auditd.log.")) {
    const key = field.slice("auditd.log.".length);
    // A nested key (an object value) is no leaf the kv processor writes.
    if (key === "" || key.includes(".")) return undefined;
    return AUDITD_LOG[key] ?? "keyword";
  }
  return undefined;
}

/** The Linux data streams (their `data_stream.dataset`). */
export const LINUX_DATASETS: readonly string[] = ["sysmon_linux.log", "auditd.log"];

/** A field's mapping in a Linux data stream; undefined where the stream does not define it. */
export function linuxFieldType(dataset: string, field: string): EsField | undefined {
  if (dataset === "sysmon_linux.log") return winlogFieldType(field);
  if (dataset !== "auditd.log") return undefined;
  const type = auditdFieldType(field);
  return type === undefined ? undefined : { type };
}
