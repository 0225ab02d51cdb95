import { parseIp } from "../../kql/ip.js";
import {
  appendUnique,
  convertLong,
  get,
  set,
  str,
  rename,
  type Json,
  type JsonObject,
} from "./ingest.js";
import { DNS_TYPES, HIVES } from "./sysmon-tables.js";

/**
 * The sysmon_operational pipeline's network, DNS and registry processors (default.yml @ 029004a3,
 * "Network, Destination, and Source fields" and "Registry fields").
 */

const ED = "winlog.event_data";

/** `convert type: ip`: the address as Elasticsearch's InetAddresses reads it, else nothing. */
function convertIp(doc: JsonObject, from: string, to: string): void {
  const text = str(doc, `${ED}.${from}`);
  if (text !== undefined && text !== "" && parseIp(text) !== undefined) set(doc, to, text);
}

function convertPort(doc: JsonObject, from: string, to: string): void {
  const text = str(doc, `${ED}.${from}`);
  const n = text === undefined ? undefined : convertLong(text);
  if (n !== undefined) set(doc, to, n);
}

const V4_MAPPED = /^\[?::ffff:([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)(?:\](?::[0-9]+)?)?$/;

/** QueryResults: "type:  5 host;" answers and bare addresses (V4-mapped ones unwrapped). */
function queryResults(doc: JsonObject): void {
  const text = str(doc, `${ED}.QueryResults`);
  if (text === undefined || text === "") return;
  const answers: Json[] = [];
  const ips: string[] = [];
  const hosts: Json[] = [];
  for (const answer of text.split(";")) {
    if (answer === "") continue;
    if (answer.startsWith("type:")) {
      const parts = answer.split(/\s+/).filter((p, i) => i === 0 || p !== "");
      const type = DNS_TYPES[parts[1] ?? ""] ?? null;
      if (parts.length === 3) {
        answers.push({ type, data: parts[2]! });
        hosts.push(parts[2]!);
      } else answers.push({ type });
    } else ips.push(answer);
  }
  const resolved = ips
    .map((ip) => ip.replace(V4_MAPPED, "$1"))
    .filter((ip) => parseIp(ip) !== undefined);
  for (const ip of resolved) answers.push({ type: ip.includes(":") ? "AAAA" : "A", data: ip });
  if (answers.length > 0) set(doc, "dns.answers", answers);
  if (resolved.length > 0) set(doc, "dns.resolved_ip", resolved);
  if (hosts.length > 0) set(doc, "related.hosts", hosts);
  for (const ip of resolved) appendUnique(doc, "related.ip", ip);
}

export function networkFields(doc: JsonObject, code: string): void {
  rename(doc, `${ED}.Protocol`, "network.transport");
  if (code !== "22") {
    rename(doc, `${ED}.DestinationPortName`, "network.protocol");
    rename(doc, `${ED}.SourcePortName`, "network.protocol");
  } else set(doc, "network.protocol", "dns");
  convertIp(doc, "SourceIp", "source.ip");
  rename(doc, `${ED}.SourceHostname`, "source.domain");
  convertPort(doc, "SourcePort", "source.port");
  convertIp(doc, "DestinationIp", "destination.ip");
  rename(doc, `${ED}.DestinationHostname`, "destination.domain");
  convertPort(doc, "DestinationPort", "destination.port");
  rename(doc, `${ED}.QueryName`, "dns.question.name");
  const initiated = str(doc, `${ED}.Initiated`);
  if (initiated === "true") set(doc, "network.direction", "egress");
  if (initiated === "false") set(doc, "network.direction", "ingress");
  const v6 = str(doc, `${ED}.SourceIsIpv6`);
  if (v6 === "false") set(doc, "network.type", "ipv4");
  if (v6 === "true") set(doc, "network.type", "ipv6");
  queryResults(doc);
  const name = get(doc, "dns.question.name");
  if (typeof name === "string" && name !== "") appendUnique(doc, "related.hosts", name);
}

const QWORD = /^QWORD \(((0x[0-9A-F]{8})-(0x[0-9A-F]{8}))\)$/i;
const DWORD = /^DWORD \((0x[0-9A-F]{8})\)$/i;

/** TargetObject → registry.path/hive/key/value; Details → registry.data (event_data.Details stays). */
export function registryFields(doc: JsonObject, code: string): void {
  const path = str(doc, `${ED}.TargetObject`);
  if (path === undefined || path === "" || !["12", "13", "14"].includes(code)) return;
  const registry: JsonObject = { path };
  set(doc, "registry", registry);
  // Java's String.split drops trailing empty tokens.
  const tokens = path.split("\\");
  while (tokens.length > 1 && tokens[tokens.length - 1] === "") tokens.pop();
  const hive = HIVES[tokens[0]!];
  if (hive !== undefined) {
    registry.hive = hive;
    if (tokens.length > 1) registry.key = tokens.slice(1).join("\\");
  }
  registry.value = tokens[tokens.length - 1]!;
  const data = str(doc, `${ED}.Details`);
  if (data === undefined || data === "") return;
  const q = QWORD.exec(data);
  if (q) {
    // The script's own arithmetic: (high << 8) + low.
    const high = BigInt(`0x${q[2]!.slice(2)}`);
    const low = BigInt(`0x${q[3]!.slice(2)}`);
    registry.data = { strings: [String((high << 8n) + low)], type: "SZ_QWORD" };
    return;
  }
  const d = DWORD.exec(data);
  if (d) {
    registry.data = { strings: [String(parseInt(d[1]!.slice(2), 16))], type: "SZ_DWORD" };
    return;
  }
  registry.data = { strings: [data], type: data === "Binary Data" ? "REG_BINARY" : "REG_SZ" };
}
