import type { TargetView } from "../types.js";
import { parseIp } from "../kql/ip.js";
import { elasticCloudDocument } from "./elastic-cloud/index.js";
import { elasticWindowsDocument } from "./elastic-windows/index.js";
import { elasticAuditdDocument } from "./elastic-linux/auditd.js";
import { elasticLinuxSysmonDocument } from "./elastic-linux/sysmon.js";
import { auditRecord, linuxSysmonRecord } from "./linux-record.js";
import { windowsRecord } from "./windows-record.js";

/**
 * How Elastic stores a raw Kubernetes audit event: the agent's filestream config (stream.yml.hbs)
 * plus the integration's ingest pipeline (default.yml), as summarized in
 * shared/reference/ecs-mapping.md. Reproduces Elastic's own pipeline-test expectations.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(x: unknown): x is JsonObject {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function clone(x: unknown): Json {
  if (Array.isArray(x)) return x.map(clone);
  if (isObject(x)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(x)) if (v !== undefined) out[k] = clone(v);
    return out;
  }
  if (typeof x === "string" || typeof x === "number" || typeof x === "boolean") return x;
  return null;
}

function isEmpty(v: Json): boolean {
  return (
    v === null ||
    v === "" ||
    (Array.isArray(v) && v.length === 0) ||
    (isObject(v) && Object.keys(v).length === 0)
  );
}

/** The pipeline's last script: drop null / "" / {} / [] recursively (children first). */
export function dropEmpty(v: Json): Json {
  if (Array.isArray(v)) return v.map(dropEmpty).filter((x) => !isEmpty(x));
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) {
      const y = dropEmpty(x);
      if (!isEmpty(y)) out[k] = y;
    }
    return out;
  }
  return v;
}

/** `convert type: ip` on the whole sourceIPs value: every element must be an IP literal, else nothing. */
export function convertIps(v: Json | undefined): Json | undefined {
  if (v === undefined || v === null) return undefined;
  const items = Array.isArray(v) ? v : [v];
  if (!items.every((x) => typeof x === "string" && parseIp(x) !== undefined)) return undefined;
  return v;
}

function get(obj: Json | undefined, ...path: string[]): Json | undefined {
  let cur: Json | undefined = obj;
  for (const k of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** `set copy_from … ignore_empty_value`: only a non-null, non-empty value is copied. */
function present(v: Json | undefined): v is Json {
  return v !== undefined && v !== null && v !== "";
}

function setPath(obj: JsonObject, path: string, value: Json): void {
  const keys = path.split(".");
  let cur = obj;
  for (const k of keys.slice(0, -1)) {
    const next = cur[k];
    if (isObject(next)) cur = next;
    else {
      const made: JsonObject = {};
      cur[k] = made;
      cur = made;
    }
  }
  cur[keys[keys.length - 1]!] = value;
}

/** The document Elastic indexes for one raw audit event (fields our queries can name). */
export function elasticDocument(raw: unknown): JsonObject {
  const audit = clone(raw);
  const a: JsonObject = isObject(audit) ? audit : {};
  // Agent drop_fields: the object metadata is never indexed.
  for (const obj of ["requestObject", "responseObject"]) {
    const o = a[obj];
    if (isObject(o)) delete o.metadata;
  }
  const doc: JsonObject = {
    data_stream: { type: "logs", dataset: "kubernetes.audit_logs", namespace: "default" },
    event: { dataset: "kubernetes.audit_logs", kind: "event" },
    kubernetes: { audit: a },
    orchestrator: { type: "kubernetes" },
  };
  const annotations = a.annotations;
  if (isObject(annotations)) {
    const dedotted: JsonObject = {};
    for (const [k, v] of Object.entries(annotations)) dedotted[k.replaceAll(".", "_")] = v;
    a.annotations = dedotted;
    const decision = annotations["authorization.k8s.io/decision"];
    if (decision === "allow") setPath(doc, "event.outcome", "success");
    else if (decision === "forbid") setPath(doc, "event.outcome", "failure");
  }
  const copies: readonly [Json | undefined, string][] = [
    [a.verb, "event.action"],
    [get(a, "user", "username"), "user.name"],
    [get(a, "user", "uid"), "user.id"],
    [a.userAgent, "user_agent.original"],
    [a.apiVersion, "orchestrator.api_version"],
    [get(a, "objectRef", "resource"), "orchestrator.resource.type"],
    [get(a, "objectRef", "namespace"), "orchestrator.namespace"],
    [get(a, "objectRef", "name"), "orchestrator.resource.name"],
  ];
  for (const [value, path] of copies) if (present(value)) setPath(doc, path, value);
  const ips = convertIps(a.sourceIPs);
  if (ips !== undefined) {
    setPath(doc, "source.ip", clone(ips));
    if (present(ips)) setPath(doc, "client.ip", clone(ips));
  }
  const related: Json[] = [];
  for (const v of [get(a, "user", "uid"), get(a, "user", "username")])
    if (v !== undefined && v !== null && !related.includes(String(v))) related.push(String(v));
  if (related.length > 0) setPath(doc, "related.user", related);
  if (Array.isArray(ips)) {
    const relatedIps: Json[] = [];
    for (const ip of ips) if (!relatedIps.includes(ip)) relatedIps.push(ip);
    setPath(doc, "related.ip", relatedIps);
  }
  const out = dropEmpty(doc);
  return isObject(out) ? out : {};
}

/**
 * Which integration indexes a raw event: the Kubernetes integration's audit_logs data stream reads
 * the API server's audit log, which holds audit.k8s.io Event objects only. An event no modelled
 * integration collects is stored nowhere: no query sees it.
 */
function isAuditEvent(raw: unknown): boolean {
  if (!isObject(raw)) return false;
  // An object that names another kind or API group is not an audit record (a core/v1 Event is
  // collected by the integration's event data stream, under kubernetes.event.*).
  const kindOk = raw.kind === undefined || raw.kind === "Event";
  const apiOk =
    raw.apiVersion === undefined ||
    (typeof raw.apiVersion === "string" && raw.apiVersion.startsWith("audit.k8s.io/"));
  return kindOk && apiOk;
}

/**
 * Routing by what the raw event is: a Windows event-log record (Channel and EventID) goes through
 * the Windows/System integrations (elastic-windows/), an audit.k8s.io Event through the Kubernetes
 * integration, a Sysmon for Linux record through the sysmon_linux integration and an audit record
 * through the auditd integration (elastic-linux/); a cloud provider's record through its integration
 * (elastic-cloud/); anything else is collected by no modelled integration.
 */
export const elasticView: TargetView = {
  target: "elastic",
  document(raw) {
    const rec = windowsRecord(raw);
    if (rec !== undefined) return elasticWindowsDocument(rec);
    const linux = linuxSysmonRecord(raw);
    if (linux !== undefined) return elasticLinuxSysmonDocument(linux);
    const audit = auditRecord(raw);
    if (audit !== undefined) return elasticAuditdDocument(audit);
    const cloud = elasticCloudDocument(raw);
    if (cloud !== undefined) return cloud;
    return isAuditEvent(raw) ? elasticDocument(raw) : {};
  },
};
