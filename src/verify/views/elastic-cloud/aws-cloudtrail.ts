import {
  appendUnique,
  copy,
  get,
  isObject,
  remove,
  rename,
  set,
  str,
  type Json,
  type JsonObject,
} from "../elastic-windows/ingest.js";
import { flattenedLeaves, isIpText } from "./common.js";

/**
 * Elastic's AWS integration, cloudtrail data stream: the ingest pipeline
 * (elastic/integrations packages/aws/data_stream/cloudtrail/elasticsearch/ingest_pipeline/
 * default.yml) on a record the JSON processor has read into `json` and the first script has
 * cleaned of null and "" values. Modelled: the renames and copies into ECS and aws.cloudtrail.*,
 * the flattened copies of requestParameters / responseElements / additionalEventData (kept when
 * their Java text is under 32,766 characters; the Java text itself is not modelled), resources,
 * event.outcome. Not modelled: geoip, the parsed user agent parts, the ECS categorization table,
 * entity fields, digest and insight records.
 */

const RENAMES: readonly [string, string][] = [
  ["json.eventVersion", "aws.cloudtrail.event_version"],
  ["json.userIdentity.type", "aws.cloudtrail.user_identity.type"],
];

const IDENTITY_RENAMES: readonly [string, string][] = [
  ["json.userIdentity.userName", "user.name"],
  ["json.userIdentity.principalId", "user.id"],
  ["json.userIdentity.arn", "aws.cloudtrail.user_identity.arn"],
  ["json.userIdentity.accountId", "cloud.account.id"],
  ["json.userIdentity.accessKeyId", "aws.cloudtrail.user_identity.access_key_id"],
  [
    "json.userIdentity.sessionContext.attributes.mfaAuthenticated",
    "aws.cloudtrail.user_identity.session_context.mfa_authenticated",
  ],
  [
    "json.userIdentity.sessionContext.sessionIssuer.type",
    "aws.cloudtrail.user_identity.session_context.session_issuer.type",
  ],
  // Only assumed roles have it; a user.name already written makes this rename fail (ignored).
  ["json.userIdentity.sessionContext.sessionIssuer.userName", "user.name"],
  [
    "json.userIdentity.sessionContext.sessionIssuer.principalId",
    "aws.cloudtrail.user_identity.session_context.session_issuer.principal_id",
  ],
  [
    "json.userIdentity.sessionContext.sessionIssuer.arn",
    "aws.cloudtrail.user_identity.session_context.session_issuer.arn",
  ],
  [
    "json.userIdentity.sessionContext.sessionIssuer.accountId",
    "aws.cloudtrail.user_identity.session_context.session_issuer.account_id",
  ],
  ["json.userIdentity.invokedBy", "aws.cloudtrail.user_identity.invoked_by"],
  ["json.eventSource", "event.provider"],
];

const LATER_RENAMES: readonly [string, string][] = [
  ["json.requestID", "aws.cloudtrail.request_id"],
  ["json.eventID", "event.id"],
  ["json.eventType", "aws.cloudtrail.event_type"],
  ["json.apiVersion", "aws.cloudtrail.api_version"],
  ["json.managementEvent", "aws.cloudtrail.management_event"],
  ["json.readOnly", "aws.cloudtrail.read_only"],
];

const TAIL_RENAMES: readonly [string, string][] = [
  ["json.recipientAccountId", "aws.cloudtrail.recipient_account_id"],
  ["json.sharedEventID", "aws.cloudtrail.shared_event_id"],
  ["json.vpcEndpointId", "aws.cloudtrail.vpc_endpoint_id"],
];

/** Java's Map.toString length is what the pipeline compares; the JSON text is a close bound. */
const FLATTENED_LIMIT = 32766;

const FLATTENED: readonly [string, string][] = [
  ["requestParameters", "request_parameters"],
  ["responseElements", "response_elements"],
  ["additionalEventData", "additional_eventdata"],
  ["serviceEventDetails", "service_event_details"],
];

function resources(doc: JsonObject): void {
  const list = get(doc, "json.resources");
  if (!Array.isArray(list)) return;
  const unique = new Map<string, JsonObject>();
  for (const item of list) {
    if (!isObject(item)) continue;
    const r: JsonObject = { ...item };
    if ("ARN" in r) {
      r.arn = r.ARN!;
      delete r.ARN;
    }
    if ("accountId" in r) {
      r.account_id = r.accountId!;
      delete r.accountId;
    }
    const key = `${String(r.arn ?? "")}_${String(r.account_id ?? "")}_${String(r.type ?? "")}`;
    unique.set(key, r);
  }
  set(doc, "json.resources", [...unique.values()]);
  rename(doc, "json.resources", "aws.cloudtrail.resources");
}

function outcome(doc: JsonObject): void {
  const failed =
    get(doc, "aws.cloudtrail.error_code") !== undefined ||
    get(doc, "aws.cloudtrail.error_message") !== undefined;
  set(doc, "event.kind", "event");
  set(doc, "event.outcome", failed ? "failure" : "success");
  const login = get(doc, "aws.cloudtrail.flattened.response_elements.ConsoleLogin");
  if (str(doc, "event.action") === "ConsoleLogin" && typeof login === "string")
    set(doc, "event.outcome", login.toLowerCase());
}

/** The cloudtrail data stream's document for a cleaned record (`json` holds it). */
export function cloudtrailPipeline(doc: JsonObject): void {
  for (const [from, to] of RENAMES) rename(doc, from, to);
  const userName = get(doc, "json.userIdentity.userName");
  if (userName !== undefined) appendUnique(doc, "related.user", userName);
  for (const [from, to] of IDENTITY_RENAMES) rename(doc, from, to);
  const action = get(doc, "json.eventName");
  if (action !== undefined) set(doc, "event.action", String(action));
  rename(doc, "json.eventCategory", "aws.cloudtrail.event_category");
  copy(doc, "json.awsRegion", "cloud.region");
  rename(doc, "json.sourceIPAddress", "source.address");
  const address = get(doc, "source.address");
  if (typeof address === "string" && isIpText(address)) set(doc, "source.ip", address);
  const agent = get(doc, "json.userAgent");
  if (typeof agent === "string") set(doc, "user_agent.original", agent);
  rename(doc, "json.errorCode", "aws.cloudtrail.error_code");
  rename(doc, "json.errorMessage", "aws.cloudtrail.error_message");
  for (const [raw, name] of FLATTENED) {
    const v: Json | undefined = get(doc, `json.${raw}`);
    if (v === undefined) continue;
    if (JSON.stringify(v).length < FLATTENED_LIMIT)
      set(doc, `aws.cloudtrail.flattened.${name}`, flattenedLeaves(structuredClone(v)));
  }
  for (const [from, to] of LATER_RENAMES) rename(doc, from, to);
  resources(doc);
  for (const [from, to] of TAIL_RENAMES) rename(doc, from, to);
  // The current pipeline's expected documents name the recipient account when the identity names
  // none (an AWSService call: shared/reference/cloud/elastic-aws-cloudtrail).
  if (get(doc, "cloud.account.id") === undefined)
    copy(doc, "aws.cloudtrail.recipient_account_id", "cloud.account.id");
  outcome(doc);
  remove(doc, "json");
}
