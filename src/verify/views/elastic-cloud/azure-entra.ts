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
 * Elastic's Azure Logs integration for Entra ID sign-in and audit records (Event Hub input, one
 * document per record):
 * - signinlogs (elastic/integrations packages/azure/data_stream/signinlogs/elasticsearch/
 *   ingest_pipeline/default.yml): the record is read into azure.signinlogs and a script turns
 *   every key, at every depth and inside lists, to snake case (`([a-z])([A-Z]+)` → `$1_$2`, then
 *   lower case); records whose category does not end in SignInLogs are dropped; time becomes
 *   @timestamp; resource_id azure.resource_id; source.address is properties.ipaddress, else
 *   properties.ip_address, else caller_ip_address (source.ip when it is an address), the three
 *   removed; level → log.level (text); location → geo.country_iso_code; tenant_id and
 *   correlation_id → azure.*; the status's failure_reason and additional_details become the ECS
 *   message and are removed; properties.location's city/state → geo.*, the rest removed;
 *   properties.user_agent → user_agent.original. Empty values stay.
 * - auditlogs (…/auditlogs/…/default.yml): records whose category is not AuditLogs are dropped;
 *   the record is read into azure.auditlogs; resourceId → azure.resource_id; properties.result →
 *   event.outcome when it is text equal to success or failure in any case (else it stays);
 *   operationName → operation_name (and event.action); resultSignature, operationVersion renamed;
 *   level → log.level, then Level → level;
 *   tenantId and correlationId → azure.*; properties.activityDisplayName, activityDateTime,
 *   additionalDetails, resultReason, correlationId, loggedByService, operationType and initiatedBy
 *   → snake case; targetResources rewritten as a map keyed by position ("0", "1" …) of
 *   display_name, id, type, ip_address, user_principal_name and modified_properties (again keyed
 *   by position: display_name, new_value, old_value).
 * Not modelled: geoip, the user_agent parser's parts, the shared pipeline (tenant from resource
 * id), the date formats.
 */

function snake(key: string): string {
  return key.replace(/([a-z])([A-Z]+)/g, "$1_$2").toLowerCase();
}

function snakeKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map((x) => (isObject(x) ? snakeKeys(x) : x));
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v))
    out[snake(k)] = isObject(x) || Array.isArray(x) ? snakeKeys(x) : x;
  return out;
}

function nonEmptyText(v: Json | undefined): string | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  return typeof v === "string" ? v : JSON.stringify(v);
}

export function signInLogsPipeline(doc: JsonObject): void {
  const b = "azure.signinlogs";
  set(doc, "azure", { signinlogs: snakeKeys(get(doc, "json") ?? {}) });
  remove(doc, "json");
  remove(doc, `${b}.time`);
  rename(doc, `${b}.resource_id`, "azure.resource_id");
  for (const from of [
    `${b}.properties.ipaddress`,
    `${b}.properties.ip_address`,
    `${b}.caller_ip_address`,
  ]) {
    if (get(doc, "source.address") !== undefined) break;
    const v = nonEmptyText(get(doc, from));
    if (v !== undefined) set(doc, "source.address", v);
  }
  const address = get(doc, "source.address");
  if (typeof address === "string" && isIpText(address)) {
    set(doc, "source.ip", address);
    set(doc, "client.ip", address);
    set(doc, "related.ip", [address]);
  }
  for (const k of [
    `${b}.properties.ipaddress`,
    `${b}.properties.ip_address`,
    `${b}.caller_ip_address`,
  ])
    remove(doc, k);
  const level = get(doc, `${b}.level`);
  if (level !== undefined && level !== null) set(doc, "log.level", String(level));
  remove(doc, `${b}.level`);
  rename(doc, `${b}.duration_ms`, "event.duration");
  rename(doc, `${b}.location`, "geo.country_iso_code");
  const op = get(doc, `${b}.operation_name`);
  if (op !== undefined && op !== null) set(doc, "event.action", String(op));
  rename(doc, `${b}.tenant_id`, "azure.tenant_id");
  rename(doc, `${b}.correlation_id`, "azure.correlation_id");
  rename(doc, `${b}.properties.created_date_time`, `${b}.properties.created_at`);
  rename(
    doc,
    `${b}.properties.processing_time_in_milliseconds`,
    `${b}.properties.processing_time_ms`,
  );
  rename(
    doc,
    `${b}.properties.risk_level_during_sign_in`,
    `${b}.properties.risk_level_during_signin`,
  );
  const reason = get(doc, `${b}.properties.status.failure_reason`);
  const details = get(doc, `${b}.properties.status.additional_details`);
  const r = typeof reason === "string" ? reason : undefined;
  const d = typeof details === "string" ? details : undefined;
  const message = r !== undefined && d !== undefined ? `${r} (${d})` : (r ?? d);
  if (message !== undefined) set(doc, "message", message);
  remove(doc, `${b}.properties.status.failure_reason`);
  remove(doc, `${b}.properties.status.additional_details`);
  rename(doc, `${b}.properties.location.city`, "geo.city_name");
  rename(doc, `${b}.properties.location.state`, "geo.country_name");
  remove(doc, `${b}.properties.location`);
  rename(doc, `${b}.properties.user_agent`, "user_agent.original");
  set(doc, "event.kind", "event");
  set(doc, "event.category", ["authentication"]);
  set(doc, "event.type", ["info"]);
}

function positional(list: Json | undefined, item: (x: JsonObject) => JsonObject): JsonObject {
  const out: JsonObject = {};
  if (Array.isArray(list)) list.forEach((x, i) => (out[String(i)] = item(isObject(x) ? x : {})));
  return out;
}

function targetResource(t: JsonObject): JsonObject {
  const out: JsonObject = {};
  if (t.displayName !== undefined && t.displayName !== null) out.display_name = t.displayName;
  out.id = t.id ?? null;
  out.type = t.type ?? null;
  if (t.ipAddress !== undefined && t.ipAddress !== null) out.ip_address = t.ipAddress;
  if (t.userPrincipalName !== undefined && t.userPrincipalName !== null)
    out.user_principal_name = t.userPrincipalName;
  out.modified_properties = positional(t.modifiedProperties, (m) => {
    const p: JsonObject = { display_name: m.displayName ?? null };
    if (m.newValue !== undefined && m.newValue !== null) p.new_value = m.newValue;
    if (m.oldValue !== undefined && m.oldValue !== null) p.old_value = m.oldValue;
    return p;
  });
  return out;
}

export function auditLogsPipeline(doc: JsonObject): void {
  const b = "azure.auditlogs";
  set(doc, "azure", { auditlogs: get(doc, "json") ?? {} });
  remove(doc, "json");
  remove(doc, `${b}.time`);
  rename(doc, `${b}.resourceId`, "azure.resource_id");
  rename(doc, `${b}.durationMs`, "event.duration");
  const result = get(doc, `${b}.properties.result`);
  if (typeof result === "string" && ["success", "failure"].includes(result.toLowerCase()))
    rename(doc, `${b}.properties.result`, "event.outcome");
  rename(doc, `${b}.level`, "log.level");
  const op = get(doc, `${b}.operationName`);
  if (op !== undefined && op !== null) set(doc, "event.action", String(op));
  rename(doc, `${b}.operationName`, `${b}.operation_name`);
  rename(doc, `${b}.resultSignature`, `${b}.result_signature`);
  rename(doc, `${b}.operationVersion`, `${b}.operation_version`);
  rename(doc, `${b}.tenantId`, "azure.tenant_id");
  rename(doc, `${b}.correlationId`, "azure.correlation_id");
  rename(doc, `${b}.Level`, `${b}.level`);
  for (const [from, to] of [
    ["activityDisplayName", "activity_display_name"],
    ["activityDateTime", "activity_datetime"],
    ["additionalDetails", "additional_details"],
    ["resultReason", "result_reason"],
    ["correlationId", "correlation_id"],
    ["loggedByService", "logged_by_service"],
    ["operationType", "operation_type"],
  ] as const)
    rename(doc, `${b}.properties.${from}`, `${b}.properties.${to}`);
  const caller = get(doc, `${b}.callerIpAddress`);
  if (typeof caller === "string" && isIpText(caller)) {
    set(doc, "source.ip", caller);
    set(doc, "client.ip", caller);
    set(doc, "related.ip", [caller]);
    remove(doc, `${b}.callerIpAddress`);
  } else rename(doc, `${b}.callerIpAddress`, "source.address");
  const targets = get(doc, `${b}.properties.targetResources`);
  if (targets !== undefined) {
    set(doc, `${b}.properties.target_resources`, positional(targets, targetResource));
    remove(doc, `${b}.properties.targetResources`);
  }
  rename(doc, `${b}.properties.initiatedBy`, `${b}.properties.initiated_by`);
  set(doc, "event.kind", "event");
}
