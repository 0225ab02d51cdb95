import {
  copy,
  get,
  isObject,
  remove,
  rename,
  set,
  type Json,
  type JsonObject,
} from "../elastic-windows/ingest.js";
import { flattenedLeaves, isIpText } from "./common.js";

/**
 * Elastic's GCP integration, audit data stream: the ingest pipeline (elastic/integrations
 * packages/gcp/data_stream/audit/elasticsearch/ingest_pipeline/default.yml) on a LogEntry the JSON
 * processor has read into `json`. Modelled: logName → log.logger and its `%2F` suffix →
 * event.provider, severity → log.level, insertId → event.id, the project label, authenticationInfo
 * (principalEmail → client.user.email), authorizationInfo copied (nested type), callerIp →
 * source.ip when it is an address, the user agent, methodName → event.action (the only copy:
 * gcp.audit.method_name is defined but not written), request/response (flattened), resourceName
 * (not for k8s_cluster entries), serviceName → service.name, status, event.outcome, and the last
 * script that drops null and "" values. Not modelled: orchestrator.* for GKE, geoip, the user
 * agent's parts, event.category/type.
 */

function outcome(doc: JsonObject): void {
  const code = get(doc, "gcp.audit.status.code");
  const auth = get(doc, "gcp.audit.authorization_info");
  const single =
    Array.isArray(auth) && auth.length === 1 && isObject(auth[0]) ? auth[0] : undefined;
  let value = "unknown";
  if (typeof code === "number") value = code === 0 ? "success" : "failure";
  else if (single?.granted === true) value = "success";
  else if (single?.granted === false) value = "failure";
  set(doc, "event.outcome", value);
}

export function gcpAuditPipeline(doc: JsonObject): void {
  copy(doc, "json.protoPayload.@type", "gcp.audit.type");
  copy(doc, "json.insertId", "event.id");
  rename(doc, "json.logName", "log.logger");
  rename(doc, "json.severity", "log.level");
  const logger = get(doc, "log.logger");
  if (typeof logger === "string" && logger.includes("%2F"))
    set(doc, "event.provider", logger.slice(logger.indexOf("%2F") + 3));
  set(doc, "event.kind", "event");
  set(doc, "cloud.provider", "gcp");
  copy(doc, "json.resource.labels.project_id", "cloud.project.id");
  const k8s = get(doc, "json.resource.type");
  if (k8s === "k8s_cluster" || k8s === "gke_cluster") set(doc, "orchestrator.type", "kubernetes");
  const info = "json.protoPayload.authenticationInfo";
  rename(doc, `${info}.authoritySelector`, "gcp.audit.authentication_info.authority_selector");
  rename(doc, `${info}.principalEmail`, "client.user.email");
  rename(doc, `${info}.principalSubject`, "client.user.id");
  rename(
    doc,
    `${info}.serviceAccountKeyName`,
    "gcp.audit.authentication_info.service_account_key_name",
  );
  const auth = get(doc, "json.protoPayload.authorizationInfo");
  if (auth !== undefined) {
    const copied: Json = structuredClone(auth);
    if (Array.isArray(copied))
      for (const a of copied)
        if (isObject(a) && a.resourceAttributes !== undefined) {
          a.resource_attributes = a.resourceAttributes;
          delete a.resourceAttributes;
        }
    set(doc, "gcp.audit.authorization_info", copied);
  }
  copy(doc, "json.labels", "gcp.audit.labels");
  const ip = get(doc, "json.protoPayload.requestMetadata.callerIp");
  if (typeof ip === "string" && isIpText(ip)) set(doc, "source.ip", ip);
  const agent = get(doc, "json.protoPayload.requestMetadata.callerSuppliedUserAgent");
  if (agent !== undefined) set(doc, "user_agent.original", agent);
  const method = get(doc, "json.protoPayload.methodName");
  if (method !== undefined) set(doc, "event.action", method);
  for (const part of ["request", "response"]) {
    const v = get(doc, `json.protoPayload.${part}`);
    if (v !== undefined && v !== null)
      set(doc, `gcp.audit.${part}`, flattenedLeaves(structuredClone(v)));
  }
  if (get(doc, "orchestrator.type") !== "kubernetes")
    copy(doc, "json.protoPayload.resourceName", "gcp.audit.resource_name");
  const service = get(doc, "json.protoPayload.serviceName");
  if (service !== undefined) set(doc, "service.name", service);
  const code = get(doc, "json.protoPayload.status.code");
  if (typeof code === "number" && Number.isInteger(code)) set(doc, "gcp.audit.status.code", code);
  copy(doc, "json.protoPayload.status.message", "gcp.audit.status.message");
  outcome(doc);
  remove(doc, "json");
}
