/**
 * What Falco's cloud plugins extract from a raw record (falcosecurity/plugins @ 0b3cbd8d, read in
 * shared/reference/cloud/falco-plugins/fields.md): cloudtrail (pkg/cloudtrail/extract.go),
 * gcpaudit (pkg/gcpaudit/extract.go) and okta (okta.go), plus the json plugin's json.value for
 * every node of the record. A document names its source in evt.source.
 *
 * - cloudtrail and gcpaudit read with valyala/fastjson: GetStringBytes gives a JSON string's text
 *   and nil for any other value, which the plugins set as "" (present); an absent path leaves the
 *   field out. Every gcp.* field is read so (gcp.location, gcp.policyDelta and gcp.logging.sink
 *   with the plugin's own fallbacks) except gcp.resourceLabels, fastjson's re-marshalling of
 *   resource.labels, which is not modelled (no mapping reads it; its number and escape texts
 *   are fastjson's, not JSON.stringify's). ct.request / ct.response / ct.additionaleventdata re-marshal their object as
 *   compact JSON. ct.error is left out without errorCode; ct.shortsrc only exists for an
 *   eventSource ending in .amazonaws.com; ct.readonly / ct.managementevent render a boolean.
 * - okta decodes the LogEvent into a Go struct: an absent or null key reads "", and a JSON
 *   boolean in securityContext.isProxy (a string in the struct) fails the decoding, so no field
 *   of that record can be read (the record is dropped).
 * - json.value renders a string as is and anything else as compact JSON (null as "null").
 */
type Doc = Record<string, string>;
type Raw = Record<string, unknown>;

function isRecord(x: unknown): x is Raw {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function at(raw: unknown, path: string): unknown {
  let node = raw;
  for (const k of path.split(".")) {
    if (!isRecord(node) || !Object.hasOwn(node, k)) return undefined;
    node = node[k];
  }
  return node;
}

const CT_STRINGS: Readonly<Record<string, string>> = {
  "ct.id": "eventID",
  "ct.errormessage": "errorMessage",
  "ct.time": "eventTime",
  "ct.src": "eventSource",
  "ct.name": "eventName",
  "ct.user.identitytype": "userIdentity.type",
  "ct.user.principalid": "userIdentity.principalId",
  "ct.user.arn": "userIdentity.arn",
  "ct.region": "awsRegion",
  "ct.response.subnetid": "responseElements.subnetId",
  "ct.response.reservationid": "responseElements.reservationId",
  "ct.request.availabilityzone": "requestParameters.availabilityZone",
  "ct.request.cluster": "requestParameters.cluster",
  "ct.request.functionname": "requestParameters.functionName",
  "ct.request.groupname": "requestParameters.groupName",
  "ct.request.host": "requestParameters.Host",
  "ct.request.name": "requestParameters.name",
  "ct.request.policy": "requestParameters.policy",
  "ct.request.reason": "requestParameters.reason",
  "ct.request.target": "requestParameters.target",
  "ct.request.serialnumber": "requestParameters.serialNumber",
  "ct.request.servicename": "requestParameters.serviceName",
  "ct.request.subnetid": "requestParameters.subnetId",
  "ct.request.taskdefinition": "requestParameters.taskDefinition",
  "ct.request.username": "requestParameters.userName",
  "ct.srcip": "sourceIPAddress",
  "ct.useragent": "userAgent",
  "ct.requestid": "requestID",
  "ct.eventtype": "eventType",
  "ct.apiversion": "apiVersion",
  "ct.recipientaccountid": "recipientAccountId",
  "ct.serviceeventdetails": "serviceEventDetails",
  "ct.sharedeventid": "sharedEventID",
  "ct.vpcendpointid": "vpcEndpointId",
  "ct.eventcategory": "eventCategory",
  "ct.error": "errorCode",
};
const CT_JSON: Readonly<Record<string, string>> = {
  "ct.request": "requestParameters",
  "ct.response": "responseElements",
  "ct.additionaleventdata": "additionalEventData",
};
/**
 * gcpaudit's fields that read one path with GetStringBytes (extract.go): a string's text, "" for
 * any other value (objects and arrays included: gcp.request and gcp.authorizationInfo are never
 * JSON text), absent when the path is.
 */
const GCP_STRINGS: Readonly<Record<string, string>> = {
  "gcp.user": "protoPayload.authenticationInfo.principalEmail",
  "gcp.callerIP": "protoPayload.requestMetadata.callerIp",
  "gcp.userAgent": "protoPayload.requestMetadata.callerSuppliedUserAgent",
  "gcp.authorizationInfo": "protoPayload.authorizationInfo",
  "gcp.serviceName": "protoPayload.serviceName",
  "gcp.request": "protoPayload.request",
  "gcp.methodName": "protoPayload.methodName",
  "gcp.cloudfunctions.function": "resource.labels.function_name",
  "gcp.cloudsql.databaseId": "resource.labels.database_id",
  "gcp.compute.instanceId": "resource.labels.instance_id",
  "gcp.compute.networkId": "resource.labels.network_id",
  "gcp.compute.subnetwork": "resource.labels.subnetwork_name",
  "gcp.compute.subnetworkId": "resource.labels.subnetwork_id",
  "gcp.dns.zone": "resource.labels.zone_name",
  "gcp.iam.serviceAccount": "resource.labels.email_id",
  "gcp.iam.serviceAccountId": "resource.labels.unique_id",
  "gcp.projectId": "resource.labels.project_id",
  "gcp.resourceName": "protoPayload.resourceName",
  "gcp.resourceType": "resource.type",
  "gcp.storage.bucket": "resource.labels.bucket_name",
  "gcp.time": "timestamp",
};
const OKTA_STRINGS: Readonly<Record<string, string>> = {
  "okta.evt.type": "eventType",
  "okta.evt.legacytype": "legacyEventType",
  "okta.severity": "severity",
  "okta.message": "displayMessage",
  "okta.published": "published",
  "okta.actor.id": "actor.id",
  "okta.actor.Type": "actor.type",
  "okta.actor.alternateid": "actor.alternateId",
  "okta.actor.name": "actor.displayName",
  "okta.client.zone": "client.zone",
  "okta.client.ip": "client.ipAddress",
  "okta.client.device": "client.device",
  "okta.client.id": "client.id",
  "okta.useragent.raw": "client.userAgent.rawUserAgent",
  "okta.result": "outcome.result",
  "okta.reason": "outcome.reason",
  "okta.transaction.id": "transaction.id",
  "okta.transaction.type": "transaction.type",
  "okta.requesturi": "debugContext.debugData.requestUri",
};

function pointerSegment(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

function addJsonValues(node: unknown, pointer: string, doc: Doc): void {
  doc[`json.value[${pointer === "" ? "/" : pointer}]`] =
    typeof node === "string" ? node : JSON.stringify(node);
  if (Array.isArray(node)) node.forEach((v, i) => addJsonValues(v, `${pointer}/${i}`, doc));
  else if (isRecord(node))
    for (const [k, v] of Object.entries(node))
      addJsonValues(v, `${pointer}/${pointerSegment(k)}`, doc);
}

/** fastjson GetStringBytes as the plugins use it: "" for a value that is not a string. */
function fastString(raw: unknown, path: string): string | undefined {
  const v = at(raw, path);
  if (v === undefined) return undefined;
  return typeof v === "string" ? v : "";
}

function cloudtrail(raw: Raw): Doc {
  const doc: Doc = { "evt.source": "aws_cloudtrail" };
  addJsonValues(raw, "", doc);
  for (const [f, path] of Object.entries(CT_STRINGS)) {
    const v = fastString(raw, path);
    if (v !== undefined) doc[f] = v;
  }
  for (const [f, path] of Object.entries(CT_JSON)) {
    const v = at(raw, path);
    if (v !== undefined) doc[f] = JSON.stringify(v);
  }
  const src = doc["ct.src"];
  if (src?.endsWith(".amazonaws.com")) doc["ct.shortsrc"] = src.slice(0, -".amazonaws.com".length);
  for (const [f, path] of [
    ["ct.readonly", "readOnly"],
    ["ct.managementevent", "managementEvent"],
  ] as const) {
    const v = at(raw, path);
    if (typeof v === "boolean") doc[f] = String(v);
  }
  return doc;
}

/** fastjson's GetStringBytes on a value that must itself be a string: undefined otherwise. */
function stringAt(raw: unknown, path: string): string | undefined {
  const v = at(raw, path);
  return typeof v === "string" ? v : undefined;
}

/**
 * gcp.location: resource.labels.location, else region (each as GetStringBytes), else a zone read
 * only as a string: longer than two bytes it loses its last two ("us-central1-a" → "us-central1"),
 * an empty zone sets nothing.
 */
function gcpLocation(raw: Raw): string | undefined {
  const location = fastString(raw, "resource.labels.location");
  if (location !== undefined) return location;
  const region = fastString(raw, "resource.labels.region");
  if (region !== undefined) return region;
  const zone = stringAt(raw, "resource.labels.zone");
  if (zone === undefined || zone === "") return undefined;
  const bytes = Buffer.from(zone, "utf8");
  return bytes.length > 2 ? bytes.subarray(0, bytes.length - 2).toString("utf8") : zone;
}

function gcp(raw: Raw): Doc {
  const doc: Doc = { "evt.source": "gcp_auditlog" };
  addJsonValues(raw, "", doc);
  for (const [f, path] of Object.entries(GCP_STRINGS)) {
    const v = fastString(raw, path);
    if (v !== undefined) doc[f] = v;
  }
  // The resource type decides where the policy delta is read and whether a sink is named.
  const type = stringAt(raw, "resource.type") ?? "";
  const delta = fastString(
    raw,
    type === "gcs_bucket"
      ? "protoPayload.serviceData.policyDelta.bindingDeltas"
      : "protoPayload.metadata.datasetChange.bindingDeltas",
  );
  if (delta !== undefined) doc["gcp.policyDelta"] = delta;
  if (type === "logging_sink") {
    const sink = fastString(raw, "resource.labels.name");
    if (sink !== undefined) doc["gcp.logging.sink"] = sink;
  }
  const location = gcpLocation(raw);
  if (location !== undefined) doc["gcp.location"] = location;
  return doc;
}

function okta(raw: Raw): Doc | null {
  if (typeof at(raw, "securityContext.isProxy") === "boolean") return null;
  const doc: Doc = { "evt.source": "okta" };
  for (const [f, path] of Object.entries(OKTA_STRINGS)) {
    const v = at(raw, path);
    doc[f] = typeof v === "string" ? v : "";
  }
  return doc;
}

export function pluginDocument(raw: unknown): Doc | null {
  if (!isRecord(raw)) return null;
  if (typeof raw.eventVersion === "string" && typeof raw.eventSource === "string")
    return cloudtrail(raw);
  const p = raw.protoPayload;
  if (isRecord(p) && p["@type"] === "type.googleapis.com/google.cloud.audit.AuditLog")
    return gcp(raw);
  if (typeof raw.uuid === "string" && typeof raw.eventType === "string") return okta(raw);
  return null;
}
