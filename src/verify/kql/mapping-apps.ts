import type { EsFieldType } from "./mapping.js";

/**
 * The index mappings of Elastic's integrations for applications' own JSON records, from
 * elastic/integrations packages/opencanary/data_stream/events/fields/fields.yml and
 * packages/atlassian_bitbucket/data_stream/audit/fields/fields.yml and packages/o365 (audit), with ECS for the ECS fields
 * their pipelines write (keyword fields get ignore_above 1024 from Fleet).
 */

export const OPENCANARY: Readonly<Record<string, EsFieldType>> = {
  "opencanary.node.id": "keyword",
  "opencanary.skin": "keyword",
  "opencanary.logdata.username": "keyword",
  "opencanary.logdata.password": "keyword",
  "opencanary.logdata.path": "keyword",
  "opencanary.logdata.proto": "keyword",
  "log.logger": "keyword",
  "destination.address": "keyword",
  "destination.domain": "keyword",
  "destination.ip": "ip",
  "destination.port": "long",
  "source.domain": "keyword",
  "source.port": "long",
};

export const BITBUCKET_AUDIT: Readonly<Record<string, EsFieldType>> = {
  "bitbucket.audit.type.category": "keyword",
  "bitbucket.audit.type.categoryI18nKey": "keyword",
  "bitbucket.audit.type.action": "keyword",
  "bitbucket.audit.type.actionI18nKey": "keyword",
  "bitbucket.audit.type.area": "keyword",
  "bitbucket.audit.type.level": "keyword",
  "bitbucket.audit.method": "keyword",
  "service.address": "keyword",
};

export const BITBUCKET_AUDIT_FLATTENED: readonly string[] = [
  "bitbucket.audit.extra_attributes",
  "bitbucket.audit.changed_values",
  "bitbucket.audit.affected_objects",
];

/** packages/o365/data_stream/audit/fields (keyword leaves under o365.audit) and ECS. */
export const O365_AUDIT: Readonly<Record<string, EsFieldType>> = {
  "event.code": "keyword",
  "organization.id": "keyword",
  "rule.name": "keyword",
  "rule.category": "keyword",
  "o365.audit.ResultStatus": "keyword",
  "o365.audit.ApplicationId": "keyword",
  "o365.audit.Directionality": "keyword",
  "o365.audit.DeliveryAction": "keyword",
  "o365.audit.RecordType": "keyword",
  "o365.audit.UserId": "keyword",
  "o365.audit.ObjectId": "keyword",
};

export const O365_AUDIT_FLATTENED: readonly string[] = [
  "o365.audit.Parameters",
  "o365.audit.ExtendedProperties",
];
