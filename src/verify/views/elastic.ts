import { assertNever } from "../../diagnostics.js";
import { findLogsource, loadTarget } from "../../targets/load.js";
import type { SigmaRule } from "../../sigma/rule.js";
import type { TargetView } from "../types.js";
import { parseIp } from "../kql/ip.js";
import { indexFieldType, KEYWORD_IGNORE_ABOVE, type EsFieldType } from "../kql/mapping.js";
import { indexedInteger } from "../kql/numeric.js";

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
 * The Sigma field → document field map the queries use, from targets/elastic.yml (the Kubernetes
 * audit logsource); seen() needs it to know which raw values land in keyword or ip fields.
 */
function auditFieldMap(): Readonly<Record<string, string>> {
  const config = loadTarget("elastic");
  const probe = { logsource: { product: "kubernetes", service: "audit" } } as unknown as SigmaRule;
  return findLogsource(config, probe)?.fields ?? {};
}

let fieldMap: Readonly<Record<string, string>> | undefined;

/**
 * The value Elasticsearch indexes for one raw leaf of a field of the given type, in the form the
 * reference evaluator reads (undefined: nothing is indexed). Keyword values longer than
 * ignore_above are skipped; with `ignore_malformed` (logs@settings), a value that does not parse
 * as the field's type is skipped too, and numbers are coerced as Elasticsearch coerces them.
 */
function indexedLeaf(type: EsFieldType, v: Json): Json | undefined {
  switch (type) {
    case "keyword":
      return typeof v === "string" && v.length > KEYWORD_IGNORE_ABOVE ? undefined : v;
    case "text":
    case "constant_keyword":
    case "date":
      return v;
    case "integer":
    case "long":
      return indexedInteger(v, type);
    case "ip":
      return typeof v === "string" && parseIp(v) !== undefined ? v : undefined;
    case "boolean":
      return typeof v === "boolean" ? v : v === "true" ? true : v === "false" ? false : undefined;
    default:
      return assertNever(type);
  }
}

/**
 * What the Elastic query can see of a raw event, in Sigma field names: empty values are gone,
 * sourceIPs is gone when source.ip could not be built, keyword values longer than ignore_above
 * are not indexed, and values of numeric, ip and boolean fields are what the index holds
 * (coerced, or left out when malformed).
 */
export function elasticSeen(raw: unknown): Json {
  fieldMap ??= auditFieldMap();
  const map = fieldMap;
  const c = clone(raw);
  if (isObject(c)) {
    for (const obj of ["requestObject", "responseObject"]) {
      const o = c[obj];
      if (isObject(o)) delete o.metadata;
    }
    const sourceIpField = map.sourceIPs;
    if (
      sourceIpField !== undefined &&
      indexFieldType(sourceIpField) === "ip" &&
      convertIps(c.sourceIPs) === undefined
    )
      delete c.sourceIPs;
  }
  const typeAt = (path: string): EsFieldType | undefined => {
    const target = map[path];
    return target === undefined ? undefined : (indexFieldType(target) ?? "keyword");
  };
  const leaf = (path: string, v: Json): Json | undefined => {
    if (Array.isArray(v) || isObject(v) || v === null) return v;
    const type = typeAt(path);
    return type === undefined ? v : indexedLeaf(type, v);
  };
  const prune = (v: Json, path: string): Json => {
    if (Array.isArray(v)) {
      const out: Json[] = [];
      for (const x of v) {
        const y = leaf(path, x);
        if (y !== undefined) out.push(prune(y, path));
      }
      return out;
    }
    if (isObject(v)) {
      const out: JsonObject = {};
      for (const [k, x] of Object.entries(v)) {
        const p = path === "" ? k : `${path}.${k}`;
        const y = leaf(p, x);
        if (y !== undefined) out[k] = prune(y, p);
      }
      return out;
    }
    return v;
  };
  return dropEmpty(prune(c, ""));
}

export const elasticView: TargetView = {
  target: "elastic",
  seen: elasticSeen,
  document: elasticDocument,
};
