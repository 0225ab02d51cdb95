/**
 * The index mapping of `logs-kubernetes.audit_logs-*` as Elasticsearch holds it: ECS fields used by
 * the Kubernetes integration plus the integration's own fields.yml (kubernetes.audit.*). The
 * interpreter reads queries against this, independently of targets/elastic.yml, so a wrong type in
 * the target file shows up as a disagreement.
 *
 * `text` fields are analysed in Elasticsearch (the standard analyzer): the interpreter matches
 * their lower-cased tokens (analyzer.ts), as match_phrase / match do.
 */
export type EsFieldType =
  | "keyword"
  | "wildcard"
  | "text"
  | "ip"
  | "integer"
  | "long"
  | "date"
  | "boolean"
  | "constant_keyword";

/** A field's mapping as far as queries see it: its type and, for keyword fields, ignore_above. */
export interface EsField {
  readonly type: EsFieldType;
  /** Longer values are kept in _source but not indexed; absent: the type's default. */
  readonly ignoreAbove?: number;
}

/** Elasticsearch default for keyword fields created by Fleet packages and ECS. */
export const KEYWORD_IGNORE_ABOVE = 1024;

/**
 * How long a value may be and still be indexed: keyword fields take the Fleet/ECS default unless
 * the mapping names another; wildcard, text and constant_keyword fields index any length (the
 * wildcard type's ignore_above defaults to Integer.MAX_VALUE).
 */
export function indexedLength(field: EsField): number {
  if (field.ignoreAbove !== undefined) return field.ignoreAbove;
  return field.type === "keyword" ? KEYWORD_IGNORE_ABOVE : Number.POSITIVE_INFINITY;
}

const K = "kubernetes.audit";

export const ELASTIC_INDEX_FIELDS: Readonly<Record<string, EsFieldType>> = {
  "data_stream.dataset": "constant_keyword",
  "data_stream.type": "constant_keyword",
  "data_stream.namespace": "constant_keyword",
  "event.dataset": "keyword",
  "event.kind": "keyword",
  "event.action": "keyword",
  "event.outcome": "keyword",
  "user.name": "keyword",
  "user.id": "keyword",
  "user_agent.original": "keyword",
  "source.ip": "ip",
  "client.ip": "ip",
  "related.ip": "ip",
  "related.user": "keyword",
  "orchestrator.type": "keyword",
  "orchestrator.api_version": "keyword",
  "orchestrator.namespace": "keyword",
  "orchestrator.resource.name": "keyword",
  "orchestrator.resource.type": "keyword",
  [`${K}.apiVersion`]: "keyword",
  [`${K}.kind`]: "keyword",
  [`${K}.level`]: "keyword",
  [`${K}.auditID`]: "keyword",
  [`${K}.stage`]: "keyword",
  [`${K}.requestURI`]: "keyword",
  [`${K}.verb`]: "keyword",
  [`${K}.user.groups`]: "text",
  [`${K}.user.username`]: "keyword",
  [`${K}.user.uid`]: "keyword",
  [`${K}.impersonatedUser.groups`]: "text",
  [`${K}.impersonatedUser.username`]: "keyword",
  [`${K}.impersonatedUser.uid`]: "keyword",
  [`${K}.sourceIPs`]: "text",
  [`${K}.userAgent`]: "keyword",
  [`${K}.objectRef.resource`]: "keyword",
  [`${K}.objectRef.namespace`]: "keyword",
  [`${K}.objectRef.name`]: "keyword",
  [`${K}.objectRef.uid`]: "keyword",
  [`${K}.objectRef.apiGroup`]: "keyword",
  [`${K}.objectRef.apiVersion`]: "keyword",
  [`${K}.objectRef.resourceVersion`]: "keyword",
  [`${K}.objectRef.subresource`]: "keyword",
  [`${K}.responseStatus.code`]: "integer",
  [`${K}.responseStatus.status`]: "keyword",
  [`${K}.responseStatus.message`]: "text",
  // Not in fields.yml: indexed through the logs-* template's dynamic string mapping (keyword).
  [`${K}.responseStatus.reason`]: "keyword",
  [`${K}.requestReceivedTimestamp`]: "date",
  [`${K}.stageTimestamp`]: "date",
  [`${K}.requestObject.spec.type`]: "keyword",
  [`${K}.requestObject.spec.containers.image`]: "text",
  [`${K}.requestObject.spec.containers.securityContext.privileged`]: "boolean",
  [`${K}.requestObject.spec.containers.volumeMounts.mountPath`]: "text",
  [`${K}.requestObject.spec.volumes.hostPath.path`]: "text",
  [`${K}.responseObject.spec.hostIPC`]: "boolean",
  [`${K}.responseObject.spec.hostNetwork`]: "boolean",
  [`${K}.responseObject.spec.hostPID`]: "boolean",
  [`${K}.responseObject.spec.restartPolicy`]: "keyword",
  [`${K}.responseObject.spec.containers.securityContext.privileged`]: "boolean",
  [`${K}.responseObject.spec.containers.securityContext.allowPrivilegeEscalation`]: "boolean",
  [`${K}.responseObject.spec.volumes.hostPath.path`]: "text",
  [`${K}.responseObject.roleRef.kind`]: "keyword",
};

/** annotations.* is an object of text fields (fields.yml `annotations.*`, object_type text). */
export function indexFieldType(field: string): EsFieldType | undefined {
  const known = ELASTIC_INDEX_FIELDS[field];
  if (known !== undefined) return known;
  if (field.startsWith(`${K}.annotations.`)) return "text";
  if (field.startsWith(`${K}.user.extra.`) || field.startsWith(`${K}.impersonatedUser.extra.`))
    return "keyword";
  return undefined;
}
