import {
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
 * Elastic's Okta integration, system data stream: the ingest pipeline (elastic/integrations
 * packages/okta/data_stream/system/elasticsearch/ingest_pipeline/default.yml and
 * use_flattened_debug.yml, the default) on a LogEvent the JSON processor has read into `json` and
 * the first script has cleaned of null and "" values. Modelled: the renames into okta.*, the
 * target list (flattened; alternateId and displayName renamed, detailEntry cut to two keys), the
 * debug data (request_uri and its siblings renamed, the whole object copied to the flattened
 * field first), client.ip / source.ip from a valid address, event.action, event.outcome. Not
 * modelled: the parsing of behaviors / risk / logOnlySecurityData inside the flattened copy,
 * user.name's grok, geoip, user agent parsing, the ECS category tables. Whatever the pipeline does
 * not move (severity, version, legacyEventType …) is removed with `json`.
 */

const RENAMES: readonly [string, string][] = [
  ["json.displayMessage", "okta.display_message"],
  ["json.eventType", "okta.event_type"],
  ["json.uuid", "okta.uuid"],
  ["json.actor.alternateId", "okta.actor.alternate_id"],
  ["json.actor.displayName", "okta.actor.display_name"],
  ["json.actor.id", "okta.actor.id"],
  ["json.actor.type", "okta.actor.type"],
  ["json.client.device", "okta.client.device"],
  ["json.device", "okta.device"],
  ["json.client.geographicalContext.city", "client.geo.city_name"],
  ["json.client.geographicalContext.state", "client.geo.region_name"],
  ["json.client.geographicalContext.country", "client.geo.country_name"],
  ["json.client.id", "okta.client.id"],
];

const CLIENT_RENAMES: readonly [string, string][] = [
  ["json.client.userAgent.browser", "okta.client.user_agent.browser"],
  ["json.client.userAgent.os", "okta.client.user_agent.os"],
  ["json.client.userAgent.rawUserAgent", "okta.client.user_agent.raw_user_agent"],
  ["json.client.zone", "okta.client.zone"],
  ["json.outcome.reason", "okta.outcome.reason"],
  ["json.outcome.result", "okta.outcome.result"],
  ["json.target", "okta.target"],
  ["json.transaction.id", "okta.transaction.id"],
  ["json.transaction.type", "okta.transaction.type"],
  ["json.transaction.detail.requestApiTokenId", "okta.transaction.detail.request_api_token_id"],
];

const DEBUG_RENAMES: readonly [string, string][] = [
  ["deviceFingerprint", "device_fingerprint"],
  ["requestId", "request_id"],
  ["requestUri", "request_uri"],
  ["threatSuspected", "threat_suspected"],
  ["url", "url"],
  ["dtHash", "dt_hash"],
  ["clientSecret", "client_secret"],
  ["requestedScopes", "requested_scopes"],
  ["grantedScopes", "granted_scopes"],
  ["grantType", "grant_type"],
];

const CONTEXT_RENAMES: readonly [string, string][] = [
  [
    "json.authenticationContext.authenticationProvider",
    "okta.authentication_context.authentication_provider",
  ],
  [
    "json.authenticationContext.authenticationStep",
    "okta.authentication_context.authentication_step",
  ],
  [
    "json.authenticationContext.credentialProvider",
    "okta.authentication_context.credential_provider",
  ],
  ["json.authenticationContext.credentialType", "okta.authentication_context.credential_type"],
  [
    "json.authenticationContext.externalSessionId",
    "okta.authentication_context.external_session_id",
  ],
  ["json.authenticationContext.interface", "okta.authentication_context.authentication_provider"],
  ["json.authenticationContext.issuer", "okta.authentication_context.issuer"],
  ["json.securityContext.asNumber", "okta.security_context.as.number"],
  ["json.securityContext.asOrg", "okta.security_context.as.organization.name"],
  ["json.securityContext.domain", "okta.security_context.domain"],
  ["json.securityContext.isProxy", "okta.security_context.is_proxy"],
  ["json.securityContext.isp", "okta.security_context.isp"],
  ["json.request.ipChain", "okta.request.ip_chain"],
];

/** The okta-target-modifications script: snake_case names, detailEntry cut to two keys. */
function targets(doc: JsonObject): void {
  const list = get(doc, "okta.target");
  if (!Array.isArray(list)) return;
  const out: Json[] = list.map((t) => {
    if (!isObject(t)) return t;
    const r: JsonObject = { ...t };
    r.alternate_id = r.alternateId ?? null;
    delete r.alternateId;
    r.display_name = r.displayName ?? null;
    delete r.displayName;
    const de = r.detailEntry;
    if (isObject(de)) {
      const kept: JsonObject = {};
      for (const k of ["methodTypeUsed", "methodUsedVerifiedProperties"])
        if (de[k] !== undefined) kept[k] = de[k]!;
      if (Object.keys(kept).length === 0) delete r.detailEntry;
      else r.detailEntry = kept;
    }
    return r;
  });
  set(doc, "okta.target", flattenedLeaves(out));
}

function debugData(doc: JsonObject): void {
  const data = get(doc, "json.debugContext.debugData");
  if (data === undefined) return;
  set(doc, "okta.debug_context.debug_data.flattened", flattenedLeaves(structuredClone(data)));
  for (const [from, to] of DEBUG_RENAMES)
    rename(doc, `json.debugContext.debugData.${from}`, `okta.debug_context.debug_data.${to}`);
}

function outcome(doc: JsonObject): void {
  const result = get(doc, "okta.outcome.result");
  const lower = typeof result === "string" ? result.toLowerCase() : undefined;
  const value =
    lower === "success" || lower === "allow"
      ? "success"
      : lower === "failure" || lower === "deny"
        ? "failure"
        : "unknown";
  set(doc, "event.outcome", value);
}

export function oktaPipeline(doc: JsonObject): void {
  set(doc, "event.kind", "event");
  for (const [from, to] of RENAMES) rename(doc, from, to);
  // convert type ip (ignore_failure): only an address is written.
  const ip = get(doc, "json.client.ipAddress");
  if (typeof ip === "string" && isIpText(ip)) set(doc, "okta.client.ip", ip);
  for (const [from, to] of CLIENT_RENAMES) rename(doc, from, to);
  debugData(doc);
  for (const [from, to] of CONTEXT_RENAMES) rename(doc, from, to);
  const agent = get(doc, "okta.client.user_agent.raw_user_agent");
  if (typeof agent === "string") set(doc, "user_agent.original", agent);
  const clientIp = get(doc, "okta.client.ip");
  if (clientIp !== undefined) {
    set(doc, "client.ip", clientIp);
    set(doc, "source.ip", clientIp);
  }
  const type = get(doc, "okta.event_type");
  if (type !== undefined) set(doc, "event.action", String(type));
  const uuid = get(doc, "okta.uuid");
  if (uuid !== undefined) set(doc, "event.id", String(uuid));
  outcome(doc);
  targets(doc);
  remove(doc, "json");
}
