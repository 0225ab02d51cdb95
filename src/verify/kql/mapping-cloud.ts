import type { EsField, EsFieldType } from "./mapping.js";
import {
  BITBUCKET_AUDIT,
  BITBUCKET_AUDIT_FLATTENED,
  O365_AUDIT,
  O365_AUDIT_FLATTENED,
  OPENCANARY,
  ZEEK_DNS,
} from "./mapping-apps.js";
import {
  AZURE_AUDIT,
  AZURE_AUDIT_KEYWORD_OBJECTS,
  AZURE_SIGNIN,
  AZURE_SIGNIN_FLATTENED,
} from "./mapping-entra.js";

/**
 * The index mappings of the cloud integrations' data streams the Elastic view writes
 * (views/elastic-cloud), from the vendors' own field definitions, independently of targets/ and the
 * pipelines:
 * - ECS fields: shared/reference/ecs/ecs_flat.yml (keyword fields with ignore_above 1024; ip, date,
 *   long as ECS types them);
 * - aws.cloudtrail.*: elastic/integrations packages/aws/data_stream/cloudtrail/fields/fields.yml
 *   (keyword, read_only boolean, the *.flattened.* objects of type `flattened`);
 * - okta.*: packages/okta/data_stream/system/fields/fields.yml (okta.target, ip_chain and the debug
 *   data's copy are `flattened`; okta.debug_context.debug_data is an object of keyword leaves);
 * - gcp.audit.*: packages/gcp/data_stream/audit/fields/fields.yml (request, response and labels
 *   `flattened`, authorization_info `nested`);
 * - azure.*: packages/azure/data_stream/{activitylogs,identity_protection}/fields/fields.yml
 *   (activity properties `flattened`);
 * - Fleet gives a package's keyword fields ignore_above 1024 when fields.yml names none.
 * A `flattened` field indexes each leaf as a keyword with no length limit (Elasticsearch's default
 * for flattened), and a query names a leaf by its dotted path under the field.
 */

const ECS: Readonly<Record<string, EsFieldType>> = {
  "@timestamp": "date",
  "data_stream.dataset": "constant_keyword",
  "data_stream.type": "constant_keyword",
  "data_stream.namespace": "constant_keyword",
  "event.dataset": "keyword",
  "event.action": "keyword",
  "event.provider": "keyword",
  "event.id": "keyword",
  "event.kind": "keyword",
  "event.outcome": "keyword",
  "event.category": "keyword",
  "event.type": "keyword",
  "cloud.region": "keyword",
  "cloud.account.id": "keyword",
  "cloud.provider": "keyword",
  "cloud.project.id": "keyword",
  "source.address": "keyword",
  "source.ip": "ip",
  "client.ip": "ip",
  "related.ip": "ip",
  "related.user": "keyword",
  "user.name": "keyword",
  "user.id": "keyword",
  "user.email": "keyword",
  "user.full_name": "keyword",
  "user_agent.original": "keyword",
  "service.name": "keyword",
};

const AWS_CLOUDTRAIL: Readonly<Record<string, EsFieldType>> = {
  "aws.cloudtrail.event_version": "keyword",
  "aws.cloudtrail.event_category": "keyword",
  "aws.cloudtrail.event_type": "keyword",
  "aws.cloudtrail.user_identity.type": "keyword",
  "aws.cloudtrail.user_identity.arn": "keyword",
  "aws.cloudtrail.user_identity.access_key_id": "keyword",
  "aws.cloudtrail.user_identity.invoked_by": "keyword",
  "aws.cloudtrail.user_identity.session_context.mfa_authenticated": "keyword",
  "aws.cloudtrail.user_identity.session_context.creation_date": "date",
  "aws.cloudtrail.user_identity.session_context.session_issuer.type": "keyword",
  "aws.cloudtrail.user_identity.session_context.session_issuer.principal_id": "keyword",
  "aws.cloudtrail.user_identity.session_context.session_issuer.arn": "keyword",
  "aws.cloudtrail.user_identity.session_context.session_issuer.account_id": "keyword",
  "aws.cloudtrail.error_code": "keyword",
  "aws.cloudtrail.error_message": "keyword",
  "aws.cloudtrail.request_parameters": "keyword",
  "aws.cloudtrail.response_elements": "keyword",
  "aws.cloudtrail.additional_eventdata": "keyword",
  "aws.cloudtrail.request_id": "keyword",
  "aws.cloudtrail.api_version": "keyword",
  "aws.cloudtrail.management_event": "keyword",
  "aws.cloudtrail.read_only": "boolean",
  "aws.cloudtrail.resources.arn": "keyword",
  "aws.cloudtrail.resources.account_id": "keyword",
  "aws.cloudtrail.resources.type": "keyword",
  "aws.cloudtrail.recipient_account_id": "keyword",
  "aws.cloudtrail.shared_event_id": "keyword",
  "aws.cloudtrail.vpc_endpoint_id": "keyword",
};

/** elastic/integrations packages/okta/data_stream/system/fields/fields.yml. */
const OKTA: Readonly<Record<string, EsFieldType>> = {
  "okta.uuid": "keyword",
  "okta.event_type": "keyword",
  "okta.version": "keyword",
  "okta.severity": "keyword",
  "okta.display_message": "keyword",
  "okta.actor.id": "keyword",
  "okta.actor.type": "keyword",
  "okta.actor.alternate_id": "keyword",
  "okta.actor.display_name": "keyword",
  "okta.client.ip": "ip",
  "okta.client.user_agent.raw_user_agent": "keyword",
  "okta.client.user_agent.os": "keyword",
  "okta.client.user_agent.browser": "keyword",
  "okta.client.zone": "keyword",
  "okta.client.device": "keyword",
  "okta.client.id": "keyword",
  "okta.outcome.reason": "keyword",
  "okta.outcome.result": "keyword",
  "okta.transaction.id": "keyword",
  "okta.transaction.type": "keyword",
  "okta.authentication_context.authentication_step": "integer",
  "okta.security_context.as.number": "integer",
  "okta.security_context.as.organization.name": "keyword",
  "okta.security_context.isp": "keyword",
  "okta.security_context.domain": "keyword",
  "okta.security_context.is_proxy": "boolean",
};

/** elastic/integrations packages/gcp/data_stream/audit/fields/fields.yml (and ECS). */
const GCP_AUDIT: Readonly<Record<string, EsFieldType>> = {
  "log.logger": "keyword",
  "log.level": "keyword",
  "client.user.email": "keyword",
  "client.user.id": "keyword",
  "orchestrator.type": "keyword",
  "gcp.audit.type": "keyword",
  "gcp.audit.method_name": "keyword",
  "gcp.audit.service_name": "keyword",
  "gcp.audit.resource_name": "keyword",
  "gcp.audit.num_response_items": "long",
  "gcp.audit.status.code": "integer",
  "gcp.audit.status.message": "keyword",
  "gcp.audit.authentication_info.principal_email": "keyword",
  "gcp.audit.authentication_info.authority_selector": "keyword",
  "gcp.audit.authentication_info.service_account_key_name": "keyword",
  "gcp.audit.request_metadata.caller_ip": "ip",
  "gcp.audit.request_metadata.caller_supplied_user_agent": "keyword",
};

/** packages/azure/data_stream/activitylogs/fields/fields.yml (properties is flattened). */
const AZURE_ACTIVITY: Readonly<Record<string, EsFieldType>> = {
  "azure.resource_id": "keyword",
  "azure.correlation_id": "keyword",
  "azure.activitylogs.operation_name": "keyword",
  "azure.activitylogs.operation_version": "keyword",
  "azure.activitylogs.category": "keyword",
  "azure.activitylogs.event_category": "keyword",
  "azure.activitylogs.result_type": "keyword",
  "azure.activitylogs.result_signature": "keyword",
  "azure.activitylogs.tenant_id": "keyword",
  "azure.activitylogs.level": "long",
  "azure.activitylogs.identity_name": "keyword",
  "log.level": "keyword",
  "event.duration": "long",
  "geo.name": "keyword",
  message: "text",
};

/** packages/azure/data_stream/identity_protection/fields/fields.yml. */
const AZURE_IDENTITY_PROTECTION: Readonly<Record<string, EsFieldType>> = {
  "azure.resource_id": "keyword",
  "azure.correlation_id": "keyword",
  "azure.tenant_id": "keyword",
  "azure.identityprotection.category": "keyword",
  "azure.identityprotection.operation_name": "keyword",
  "azure.identityprotection.operation_version": "keyword",
  "azure.identityprotection.result_signature": "keyword",
  "azure.identityprotection.properties.risk_event_type": "keyword",
  "azure.identityprotection.properties.risk_type": "keyword",
  "azure.identityprotection.properties.risk_state": "keyword",
  "azure.identityprotection.properties.risk_level": "keyword",
  "azure.identityprotection.properties.risk_detail": "keyword",
  "azure.identityprotection.properties.user_principal_name": "keyword",
  "azure.identityprotection.properties.user_display_name": "keyword",
  "azure.identityprotection.properties.ip_address": "keyword",
  "azure.identityprotection.properties.source": "keyword",
  "azure.identityprotection.properties.activity": "keyword",
  "event.duration": "long",
};

/** packages/github/data_stream/audit/fields/fields.yml (and ECS). */
const GITHUB_AUDIT: Readonly<Record<string, EsFieldType>> = {
  "github.org": "keyword",
  "github.repo": "keyword",
  "github.team": "keyword",
  "github.category": "keyword",
  "github.permission": "keyword",
  "github.actor_ip": "ip",
  "github.hashed_token": "keyword",
  "github.programmatic_access_type": "keyword",
  "github.user_agent": "keyword",
  "user.target.name": "keyword",
  "client.geo.country_iso_code": "keyword",
};

interface CloudStream {
  readonly fields: Readonly<Record<string, EsFieldType>>;
  /** Fields of type `flattened`: every dotted path below is a keyword leaf. */
  readonly flattened: readonly string[];
  /** Objects whose dynamic leaves are keyword (`object_type: keyword`). */
  readonly keywordObjects?: readonly string[];
}

export const CLOUD_DATASETS: Readonly<Record<string, CloudStream>> = {
  "aws.cloudtrail": {
    fields: AWS_CLOUDTRAIL,
    flattened: [
      "aws.cloudtrail.flattened.request_parameters",
      "aws.cloudtrail.flattened.response_elements",
      "aws.cloudtrail.flattened.additional_eventdata",
      "aws.cloudtrail.flattened.service_event_details",
    ],
  },
  "okta.system": {
    fields: OKTA,
    flattened: [
      "okta.target",
      "okta.request.ip_chain",
      "okta.device.device_integrator",
      "okta.debug_context.debug_data.flattened",
    ],
    keywordObjects: ["okta.debug_context.debug_data"],
  },
  // gcp.audit.authorization_info is `nested`: KQL reaches it only through the nested syntax,
  // which the interpreter does not model (a ParseError), so it has no entry here.
  "gcp.audit": {
    fields: GCP_AUDIT,
    flattened: ["gcp.audit.request", "gcp.audit.response", "gcp.audit.labels"],
  },
  "azure.activitylogs": { fields: AZURE_ACTIVITY, flattened: ["azure.activitylogs.properties"] },
  "azure.identity_protection": { fields: AZURE_IDENTITY_PROTECTION, flattened: [] },
  "azure.signinlogs": { fields: AZURE_SIGNIN, flattened: AZURE_SIGNIN_FLATTENED },
  "azure.auditlogs": {
    fields: AZURE_AUDIT,
    flattened: [],
    keywordObjects: AZURE_AUDIT_KEYWORD_OBJECTS,
  },
  "github.audit": { fields: GITHUB_AUDIT, flattened: [] },
  "opencanary.events": { fields: OPENCANARY, flattened: [] },
  "o365.audit": { fields: O365_AUDIT, flattened: O365_AUDIT_FLATTENED },
  "zeek.dns": { fields: ZEEK_DNS, flattened: [] },
  "atlassian_bitbucket.audit": { fields: BITBUCKET_AUDIT, flattened: BITBUCKET_AUDIT_FLATTENED },
};

/** A field's mapping in a cloud data stream; undefined where the stream does not define it. */
export function cloudFieldType(dataset: string, field: string): EsField | undefined {
  const stream = CLOUD_DATASETS[dataset];
  if (stream === undefined) return undefined;
  const type = stream.fields[field] ?? ECS[field];
  if (type !== undefined) return { type };
  if (stream.flattened.some((f) => field.startsWith(`${f}.`)))
    return { type: "keyword", ignoreAbove: Number.POSITIVE_INFINITY };
  if (stream.keywordObjects?.some((f) => field.startsWith(`${f}.`))) return { type: "keyword" };
  return undefined;
}
