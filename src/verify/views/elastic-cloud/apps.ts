import {
  get,
  isObject,
  remove,
  rename,
  set,
  type Json,
  type JsonObject,
} from "../elastic-windows/ingest.js";
import { isIpText } from "./common.js";

/**
 * Elastic's integrations for two applications' own JSON records:
 * - OpenCanary (elastic/integrations packages/opencanary/data_stream/events/elasticsearch/
 *   ingest_pipeline/default.yml): the line is read into `opencanary`; logtype is replaced by its
 *   name in log.logger (the integration's table of opencanary/logger.py's codes; a code the table
 *   lacks stays a number there) and removed, event.provider copies log.logger; node_id →
 *   opencanary.node.id; dst_port/dst_host → destination.port/address (destination.ip when an
 *   address), src_port/src_host → source.port/address (source.ip likewise); logdata.USERNAME,
 *   USER and UserName → user.name, PASSWORD removed, logdata's keys lower-cased; a port of -1
 *   removes its side; the last script drops null, "" and "undefined" everywhere.
 * - Atlassian Bitbucket audit (packages/atlassian_bitbucket/data_stream/audit/…/default.yml): the
 *   event is read into `json`; source → source.address (source.ip when an address); author.id/
 *   name → user.id/name; auditType (or type) → bitbucket.audit.type; method →
 *   bitbucket.audit.method; system → service.address; extraAttributes, changedValues,
 *   affectedObjects → bitbucket.audit.*; type.actionI18nKey → event.action; json removed; null,
 *   "" and empty objects and lists removed.
 * Not modelled: geoip, uri_parts, user_agent, the MAC parsing, ECS categorization tables.
 */

const LOGGERS: Readonly<Record<string, string>> = {
  "1000": "LOG_BASE_BOOT",
  "1001": "LOG_BASE_MSG",
  "1002": "LOG_BASE_DEBUG",
  "1003": "LOG_BASE_ERROR",
  "1004": "LOG_BASE_PING",
  "1005": "LOG_BASE_CONFIG_SAVE",
  "1006": "LOG_BASE_EXAMPLE",
  "2000": "LOG_FTP_LOGIN_ATTEMPT",
  "3000": "LOG_HTTP_GET",
  "3001": "LOG_HTTP_POST_LOGIN_ATTEMPT",
  "4000": "LOG_SSH_NEW_CONNECTION",
  "4001": "LOG_SSH_REMOTE_VERSION_SENT",
  "4002": "LOG_SSH_LOGIN_ATTEMPT",
  "5000": "LOG_SMB_FILE_OPEN",
  "5001": "LOG_PORT_SYN",
  "5002": "LOG_PORT_NMAPOS",
  "5003": "LOG_PORT_NMAPNULL",
  "5004": "LOG_PORT_NMAPXMAS",
  "5005": "LOG_PORT_NMAPFIN",
  "6001": "LOG_TELNET_LOGIN_ATTEMPT",
  "7001": "LOG_HTTPPROXY_LOGIN_ATTEMPT",
  "8001": "LOG_MYSQL_LOGIN_ATTEMPT",
  "9001": "LOG_MSSQL_LOGIN_SQLAUTH",
  "9002": "LOG_MSSQL_LOGIN_WINAUTH",
  "10001": "LOG_TFTP",
  "11001": "LOG_NTP_MONLIST",
  "12001": "LOG_VNC",
  "13001": "LOG_SNMP_CMD",
  "14001": "LOG_RDP",
  "15001": "LOG_SIP_REQUEST",
  "16001": "LOG_GIT_CLONE_REQUEST",
  "17001": "LOG_REDIS_COMMAND",
};

/** Elasticsearch's `convert` to long: an integer or the text of one, else the value stays. */
function toLong(v: Json | undefined): Json | undefined {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return v;
}

function address(doc: JsonObject, side: "source" | "destination"): void {
  const a = get(doc, `${side}.address`);
  if (typeof a !== "string") return;
  if (isIpText(a)) set(doc, `${side}.ip`, a);
  else set(doc, `${side}.domain`, a);
}

function dropUndefinedText(v: Json): Json | undefined {
  if (v === null || v === "" || v === "undefined") return undefined;
  if (Array.isArray(v)) {
    const items = v.map(dropUndefinedText).filter((x): x is Json => x !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) {
      const y = dropUndefinedText(x);
      if (y !== undefined) out[k] = y;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return v;
}

export function openCanaryPipeline(doc: JsonObject): void {
  const b = "opencanary";
  set(doc, b, get(doc, "json") ?? {});
  remove(doc, "json");
  const type = get(doc, `${b}.logtype`);
  if (type !== undefined && type !== null) {
    const name = LOGGERS[String(type)];
    set(doc, "log.logger", name ?? type);
    remove(doc, `${b}.logtype`);
  }
  rename(doc, `${b}.node_id`, `${b}.node.id`);
  rename(doc, `${b}.dst_port`, "destination.port");
  const dport = toLong(get(doc, "destination.port"));
  if (dport !== undefined) set(doc, "destination.port", dport);
  rename(doc, `${b}.dst_host`, "destination.address");
  address(doc, "destination");
  rename(doc, `${b}.src_port`, "source.port");
  const sport = toLong(get(doc, "source.port"));
  if (sport !== undefined) set(doc, "source.port", sport);
  rename(doc, `${b}.src_host`, "source.address");
  address(doc, "source");
  for (const k of ["USERNAME", "USER", "UserName"]) rename(doc, `${b}.logdata.${k}`, "user.name");
  remove(doc, `${b}.logdata.PASSWORD`);
  for (const k of ["local_time", "local_time_adjusted", "utc_time"]) remove(doc, `${b}.${k}`);
  if (get(doc, "source.port") === -1) remove(doc, "source");
  if (get(doc, "destination.port") === -1) remove(doc, "destination");
  const logdata = get(doc, `${b}.logdata`);
  if (isObject(logdata)) {
    const lowered: JsonObject = {};
    for (const [k, v] of Object.entries(logdata)) lowered[k.toLowerCase()] = v;
    set(doc, `${b}.logdata`, lowered);
  }
  const logger = get(doc, "log.logger");
  if (logger !== undefined) set(doc, "event.provider", logger);
  set(doc, "event.kind", ["alert"]);
  const cleaned = dropUndefinedText(doc);
  for (const k of Object.keys(doc)) delete doc[k];
  if (isObject(cleaned)) Object.assign(doc, cleaned);
}

export function bitbucketAuditPipeline(doc: JsonObject): void {
  rename(doc, "json.source", "source.address");
  const a = get(doc, "source.address");
  if (typeof a === "string" && isIpText(a)) set(doc, "source.ip", a);
  rename(doc, "json.author.id", "user.id");
  rename(doc, "json.author.name", "user.name");
  rename(doc, "json.auditType", "bitbucket.audit.type");
  rename(doc, "json.type", "bitbucket.audit.type");
  rename(doc, "json.method", "bitbucket.audit.method");
  rename(doc, "json.system", "service.address");
  rename(doc, "json.extraAttributes", "bitbucket.audit.extra_attributes");
  rename(doc, "json.changedValues", "bitbucket.audit.changed_values");
  rename(doc, "json.affectedObjects", "bitbucket.audit.affected_objects");
  const action = get(doc, "bitbucket.audit.type.actionI18nKey");
  if (action !== undefined && action !== "") set(doc, "event.action", action);
  set(doc, "event.kind", "event");
  remove(doc, "json");
}
