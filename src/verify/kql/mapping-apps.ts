import type { EsFieldType } from "./mapping.js";

/**
 * The index mappings of Elastic's integrations for applications' own JSON records, from
 * elastic/integrations packages/opencanary/data_stream/events/fields/fields.yml and
 * packages/atlassian_bitbucket/data_stream/audit/fields/fields.yml, packages/o365 (audit) and
 * packages/zeek (dns), with ECS for the ECS fields
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

/** packages/zeek/data_stream/dns/fields/fields.yml and ECS. */
export const ZEEK_DNS: Readonly<Record<string, EsFieldType>> = {
  "zeek.session_id": "keyword",
  "zeek.dns.query": "keyword",
  "zeek.dns.answers": "keyword",
  "zeek.dns.qtype_name": "keyword",
  "zeek.dns.qclass_name": "keyword",
  "zeek.dns.rcode_name": "keyword",
  "zeek.dns.trans_id": "keyword",
  "zeek.dns.qtype": "long",
  "zeek.dns.qclass": "long",
  "zeek.dns.rcode": "long",
  "zeek.dns.AA": "boolean",
  "zeek.dns.TC": "boolean",
  "zeek.dns.RD": "boolean",
  "zeek.dns.RA": "boolean",
  "zeek.dns.rejected": "boolean",
  "network.transport": "keyword",
  "network.protocol": "keyword",
  "dns.id": "keyword",
  "dns.question.type": "keyword",
  "dns.response_code": "keyword",
  "destination.address": "keyword",
  "destination.ip": "ip",
  "destination.port": "long",
  "source.port": "long",
};
