import { get, isObject, remove, rename, set, type JsonObject } from "../elastic-windows/ingest.js";
import { flattenedLeaves, isIpText } from "./common.js";

/**
 * Elastic's Azure Logs integration (Event Hub input, one document per record of `records[]`):
 * - activitylogs (elastic/integrations packages/azure/data_stream/activitylogs/elasticsearch/
 *   ingest_pipeline/default.yml): the record is read into azure.activitylogs, time becomes
 *   @timestamp, resourceId azure.resource_id, callerIpAddress source.ip (else source.address),
 *   level log.level, durationMs event.duration, operationName azure.activitylogs.operation_name and
 *   event.action, resultType result_type, resultSignature result_signature, correlationId
 *   azure.correlation_id; category stays; properties is `flattened` (statusMessage moved to
 *   message).
 * - identity_protection (…/identity_protection/…/default.yml): only categories RiskyUsers and
 *   UserRiskEvents are kept; the record is read into azure.identityprotection, operationName
 *   renamed operation_name, the risk properties renamed in snake_case (riskEventType →
 *   properties.risk_event_type), identity, Level and location removed.
 * Neither pipeline drops empty values. Not modelled: the shared pipeline (tenant and subscription
 * from resourceId), geoip, the claims scripts, the date formats.
 */

function callerIp(doc: JsonObject, base: string): void {
  const ip = get(doc, `${base}.callerIpAddress`);
  if (typeof ip === "string" && isIpText(ip)) {
    set(doc, "source.ip", ip);
    set(doc, "client.ip", ip);
    remove(doc, `${base}.callerIpAddress`);
  } else rename(doc, `${base}.callerIpAddress`, "source.address");
}

export function activityLogsPipeline(doc: JsonObject): void {
  const b = "azure.activitylogs";
  set(doc, "azure", { activitylogs: get(doc, "json") ?? {} });
  remove(doc, "json");
  remove(doc, `${b}.time`);
  rename(doc, `${b}.resourceId`, "azure.resource_id");
  callerIp(doc, b);
  rename(doc, `${b}.level`, "log.level");
  rename(doc, `${b}.durationMs`, "event.duration");
  rename(doc, `${b}.location`, "geo.name");
  const props = get(doc, `${b}.properties`);
  if (typeof props === "string") {
    try {
      const parsed: unknown = JSON.parse(props);
      if (isObject(parsed)) set(doc, `${b}.properties`, parsed);
    } catch {
      // json processor with ignore_failure: the text stays
    }
  }
  const p = get(doc, `${b}.properties`);
  const category = isObject(p) && p.eventCategory !== undefined ? p.eventCategory : undefined;
  set(
    doc,
    `${b}.event_category`,
    category ?? (isObject(p) && p.policies !== undefined ? "Policy" : "Administrative"),
  );
  remove(doc, `${b}.properties.eventCategory`);
  rename(doc, `${b}.resultType`, `${b}.result_type`);
  const result = get(doc, `${b}.result_type`);
  if (typeof result === "string" && ["success", "failure"].includes(result.toLowerCase()))
    set(doc, "event.outcome", result);
  rename(doc, `${b}.operationName`, `${b}.operation_name`);
  const op = get(doc, `${b}.operation_name`);
  if (op !== undefined) set(doc, "event.action", String(op));
  rename(doc, `${b}.operationVersion`, `${b}.operation_version`);
  rename(doc, `${b}.tenantId`, `${b}.tenant_id`);
  rename(doc, `${b}.Level`, `${b}.level`);
  rename(doc, `${b}.resultSignature`, `${b}.result_signature`);
  rename(doc, `${b}.correlationId`, "azure.correlation_id");
  rename(doc, `${b}.properties.statusMessage`, "message");
  rename(doc, `${b}.properties.serviceRequestId`, `${b}.properties.service_request_id`);
  rename(doc, `${b}.properties.statusCode`, `${b}.properties.status_code`);
  const flat = get(doc, `${b}.properties`);
  if (flat !== undefined) set(doc, `${b}.properties`, flattenedLeaves(flat));
  set(doc, "event.kind", "event");
}

const RISK_RENAMES: readonly [string, string][] = [
  ["isDeleted", "is_deleted"],
  ["isGuest", "is_guest"],
  ["isProcessing", "is_processing"],
  ["riskType", "risk_type"],
  ["riskEventType", "risk_event_type"],
  ["riskState", "risk_state"],
  ["riskLevel", "risk_level"],
  ["riskDetail", "risk_detail"],
  ["userId", "user_id"],
  ["userDisplayName", "user_display_name"],
  ["userPrincipalName", "user_principal_name"],
  ["userType", "user_type"],
  ["detectionTimingType", "detection_timing_type"],
  ["requestId", "request_id"],
  ["correlationId", "correlation_id"],
  ["tokenIssuerType", "token_issuer_type"],
  ["ipAddress", "ip_address"],
];

export function identityProtectionPipeline(doc: JsonObject): void {
  const b = "azure.identityprotection";
  set(doc, "azure", { identityprotection: get(doc, "json") ?? {} });
  remove(doc, "json");
  remove(doc, `${b}.time`);
  rename(doc, `${b}.resourceId`, "azure.resource_id");
  callerIp(doc, b);
  rename(doc, `${b}.durationMs`, "event.duration");
  rename(doc, `${b}.operationName`, `${b}.operation_name`);
  const op = get(doc, `${b}.operation_name`);
  if (op !== undefined) set(doc, "event.action", String(op));
  rename(doc, `${b}.operationVersion`, `${b}.operation_version`);
  rename(doc, `${b}.tenantId`, "azure.tenant_id");
  for (const k of ["identity", "Level", "location"]) remove(doc, `${b}.${k}`);
  rename(doc, `${b}.resultSignature`, `${b}.result_signature`);
  rename(doc, `${b}.correlationId`, "azure.correlation_id");
  for (const [from, to] of RISK_RENAMES)
    rename(doc, `${b}.properties.${from}`, `${b}.properties.${to}`);
  for (const k of [
    "lastUpdatedDateTime",
    "riskLastUpdatedDateTime",
    "activityDateTime",
    "detectedDateTime",
    "resourceTenantId",
    "homeTenantId",
    "crossTenantAccessType",
  ])
    remove(doc, `${b}.properties.${k}`);
  set(doc, "event.kind", "event");
}
