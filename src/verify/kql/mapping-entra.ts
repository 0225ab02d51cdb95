import type { EsFieldType } from "./mapping.js";

/**
 * The index mappings of Elastic's Azure Logs integration for Entra ID sign-in and audit records,
 * from elastic/integrations packages/azure/data_stream/{signinlogs,auditlogs}/fields/fields.yml
 * (keyword unless named; Fleet gives keyword fields ignore_above 1024) and ECS for the ECS fields
 * the pipelines write.
 */

export const AZURE_SIGNIN: Readonly<Record<string, EsFieldType>> = {
  "azure.resource_id": "keyword",
  "azure.tenant_id": "keyword",
  "azure.correlation_id": "keyword",
  "azure.signinlogs.category": "keyword",
  "azure.signinlogs.operation_name": "keyword",
  "azure.signinlogs.operation_version": "keyword",
  "azure.signinlogs.result_type": "keyword",
  "azure.signinlogs.result_signature": "keyword",
  "azure.signinlogs.result_description": "keyword",
  "azure.signinlogs.identity": "keyword",
  "azure.signinlogs.properties.id": "keyword",
  "azure.signinlogs.properties.app_id": "keyword",
  "azure.signinlogs.properties.app_display_name": "keyword",
  "azure.signinlogs.properties.authentication_requirement": "keyword",
  "azure.signinlogs.properties.client_app_used": "keyword",
  "azure.signinlogs.properties.conditional_access_status": "keyword",
  "azure.signinlogs.properties.home_tenant_id": "keyword",
  "azure.signinlogs.properties.resource_tenant_id": "keyword",
  "azure.signinlogs.properties.resource_display_name": "keyword",
  "azure.signinlogs.properties.resource_id": "keyword",
  "azure.signinlogs.properties.risk_state": "keyword",
  "azure.signinlogs.properties.risk_detail": "keyword",
  "azure.signinlogs.properties.risk_level_aggregated": "keyword",
  "azure.signinlogs.properties.risk_level_during_signin": "keyword",
  "azure.signinlogs.properties.user_principal_name": "keyword",
  "azure.signinlogs.properties.user_display_name": "keyword",
  "azure.signinlogs.properties.user_id": "keyword",
  "azure.signinlogs.properties.is_interactive": "boolean",
  "azure.signinlogs.properties.status.error_code": "long",
  "azure.signinlogs.properties.device_detail.device_id": "keyword",
  "azure.signinlogs.properties.device_detail.operating_system": "keyword",
  "azure.signinlogs.properties.device_detail.browser": "keyword",
  "azure.signinlogs.properties.device_detail.display_name": "keyword",
  "azure.signinlogs.properties.device_detail.trust_type": "keyword",
  "azure.signinlogs.properties.device_detail.is_compliant": "boolean",
  "azure.signinlogs.properties.device_detail.is_managed": "boolean",
  "geo.country_iso_code": "keyword",
  "geo.city_name": "keyword",
  "geo.country_name": "keyword",
  "log.level": "keyword",
  "event.duration": "long",
  message: "text",
};

export const AZURE_SIGNIN_FLATTENED: readonly string[] = [
  "azure.signinlogs.properties.applied_conditional_access_policies",
  "azure.signinlogs.properties.authentication_details",
  "azure.signinlogs.properties.authentication_processing_details",
  "azure.signinlogs.properties.authentication_requirement_policies",
  "azure.signinlogs.properties.network_location_details",
];

export const AZURE_AUDIT: Readonly<Record<string, EsFieldType>> = {
  "azure.resource_id": "keyword",
  "azure.tenant_id": "keyword",
  "azure.correlation_id": "keyword",
  "azure.auditlogs.category": "keyword",
  "azure.auditlogs.operation_name": "keyword",
  "azure.auditlogs.operation_version": "keyword",
  "azure.auditlogs.result_signature": "keyword",
  "azure.auditlogs.identity": "keyword",
  "azure.auditlogs.properties.result": "keyword",
  "azure.auditlogs.properties.activity_display_name": "keyword",
  "azure.auditlogs.properties.result_reason": "keyword",
  "azure.auditlogs.properties.correlation_id": "keyword",
  "azure.auditlogs.properties.logged_by_service": "keyword",
  "azure.auditlogs.properties.operation_type": "keyword",
  "azure.auditlogs.properties.id": "keyword",
  "azure.auditlogs.properties.activity_datetime": "date",
  "azure.auditlogs.properties.category": "keyword",
  "log.level": "keyword",
  "event.duration": "long",
};

/** `target_resources.*` and `modified_properties.*`: groups keyed by position, keyword leaves. */
export const AZURE_AUDIT_KEYWORD_OBJECTS: readonly string[] = [
  "azure.auditlogs.properties.target_resources",
  "azure.auditlogs.properties.initiated_by",
  "azure.auditlogs.properties.additional_details",
];
