import type { BackendContext, SeenEvent } from "../types.js";
import type { FalcoSource } from "./sources.js";

/**
 * What a cloud plugin's rule sees of a raw record (shared/reference/cloud/falco-plugins/fields.md),
 * in Sigma field names, from the raw path each mapped plugin field reads:
 * - cloudtrail, gcpaudit, github (fastjson GetStringBytes): a string as is, any other value "",
 *   an absent path nothing; ct.request / ct.response: the whole object as compact JSON;
 * - okta (a Go struct): an absent or null key "", a string as is; a JSON boolean in
 *   securityContext.isProxy (declared string) fails the decoding: the record reaches no rule;
 * - json.value[<pointer>]: a string as is, anything else compact JSON (null as "null").
 * The record must be one the plugin's source delivers: a CloudTrail record (eventVersion and
 * eventSource), a Cloud Audit LogEntry (protoPayload of type …audit.AuditLog), an Okta LogEvent
 * (uuid and eventType).
 */
type Raw = Record<string, unknown>;

function isRecord(x: unknown): x is Raw {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Raw JSON path (dotted) each mapped plugin field reads. */
const PATHS: Readonly<Record<string, string>> = {
  "ct.name": "eventName",
  "ct.src": "eventSource",
  "ct.id": "eventID",
  "ct.time": "eventTime",
  "ct.eventtype": "eventType",
  "ct.eventcategory": "eventCategory",
  "ct.error": "errorCode",
  "ct.errormessage": "errorMessage",
  "ct.region": "awsRegion",
  "ct.srcip": "sourceIPAddress",
  "ct.useragent": "userAgent",
  "ct.requestid": "requestID",
  "ct.recipientaccountid": "recipientAccountId",
  "ct.sharedeventid": "sharedEventID",
  "ct.vpcendpointid": "vpcEndpointId",
  "ct.apiversion": "apiVersion",
  "ct.user.identitytype": "userIdentity.type",
  "ct.user.arn": "userIdentity.arn",
  "ct.user.principalid": "userIdentity.principalId",
  "ct.request": "requestParameters",
  "ct.response": "responseElements",
  "gcp.methodName": "protoPayload.methodName",
  "gcp.serviceName": "protoPayload.serviceName",
  "gcp.resourceName": "protoPayload.resourceName",
  "gcp.user": "protoPayload.authenticationInfo.principalEmail",
  "gcp.callerIP": "protoPayload.requestMetadata.callerIp",
  "gcp.userAgent": "protoPayload.requestMetadata.callerSuppliedUserAgent",
  "gcp.resourceType": "resource.type",
  "gcp.projectId": "resource.labels.project_id",
  "okta.evt.type": "eventType",
  "okta.evt.legacytype": "legacyEventType",
  "okta.message": "displayMessage",
  "okta.severity": "severity",
  "okta.published": "published",
  "okta.actor.id": "actor.id",
  "okta.actor.Type": "actor.type",
  "okta.actor.alternateid": "actor.alternateId",
  "okta.actor.name": "actor.displayName",
  "okta.client.ip": "client.ipAddress",
  "okta.client.zone": "client.zone",
  "okta.client.device": "client.device",
  "okta.useragent.raw": "client.userAgent.rawUserAgent",
  "okta.result": "outcome.result",
  "okta.reason": "outcome.reason",
  "okta.transaction.id": "transaction.id",
  "okta.transaction.type": "transaction.type",
  "okta.requesturi": "debugContext.debugData.requestUri",
};
const WHOLE_JSON = new Set(["ct.request", "ct.response"]);

function at(raw: unknown, path: readonly string[]): unknown {
  let node = raw;
  for (const k of path) {
    if (!isRecord(node) || !Object.hasOwn(node, k)) return undefined;
    node = node[k];
  }
  return node;
}

function atPointer(raw: unknown, pointer: string): unknown {
  let node = raw;
  for (const token of pointer.replace(/^\//, "").split("/")) {
    const key = token.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(key)) return undefined;
      node = node[Number(key)];
    } else if (isRecord(node) && Object.hasOwn(node, key)) node = node[key];
    else return undefined;
  }
  return node;
}

/** The record belongs to the source (what its plugin delivers). */
export function deliveredBy(source: FalcoSource["name"], raw: unknown): raw is Raw {
  if (!isRecord(raw)) return false;
  switch (source) {
    case "aws_cloudtrail":
      return typeof raw.eventVersion === "string" && typeof raw.eventSource === "string";
    case "gcp_auditlog": {
      const p = raw.protoPayload;
      return isRecord(p) && p["@type"] === "type.googleapis.com/google.cloud.audit.AuditLog";
    }
    case "okta":
      return typeof raw.uuid === "string" && typeof raw.eventType === "string";
    default:
      return false;
  }
}

export function pluginSeen(ctx: BackendContext, source: FalcoSource): SeenEvent {
  const fields = Object.entries(ctx.mapping?.fields ?? {});
  return (raw) => {
    if (!deliveredBy(source.name, raw)) return null;
    if (source.name === "okta" && typeof at(raw, ["securityContext", "isProxy"]) === "boolean")
      return null;
    const out: Record<string, string> = {};
    for (const [sigma, falco] of fields) {
      const pointer = /^(?:json|jevt)\.value\[(.*)\]$/.exec(falco)?.[1];
      if (pointer !== undefined) {
        const node = atPointer(raw, pointer);
        if (node !== undefined) out[sigma] = typeof node === "string" ? node : JSON.stringify(node);
        continue;
      }
      const path = PATHS[falco];
      if (path === undefined) continue;
      const node = at(raw, path.split("."));
      if (source.name === "okta") {
        out[sigma] = typeof node === "string" ? node : "";
        continue;
      }
      if (node === undefined) continue;
      out[sigma] = WHOLE_JSON.has(falco)
        ? JSON.stringify(node)
        : typeof node === "string"
          ? node
          : "";
    }
    return out;
  };
}
