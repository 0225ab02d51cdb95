/**
 * The view: how a raw Kubernetes audit event lands in a DuckDB table. It is DuckDB's own JSON
 * reader (read_json, newline-delimited, lenient on types) with the columns of the audit.k8s.io/v1
 * Event type (k8s.io/apiserver/pkg/apis/audit/v1/types.go), every leaf read as text: ObjectMeta,
 * the request and response objects, the annotations map and the user's extra map are free-form,
 * so they stay JSON. This table is the view's own, written from the Kubernetes type; it is not
 * read from the SQL target's configuration, so a wrong column there shows up as a disagreement.
 */

const USER_INFO = "STRUCT(username VARCHAR, uid VARCHAR, groups VARCHAR[], extra JSON)";

export const AUDIT_EVENT_COLUMNS: Readonly<Record<string, string>> = {
  kind: "VARCHAR",
  apiVersion: "VARCHAR",
  level: "VARCHAR",
  auditID: "VARCHAR",
  stage: "VARCHAR",
  requestURI: "VARCHAR",
  verb: "VARCHAR",
  user: USER_INFO,
  impersonatedUser: USER_INFO,
  sourceIPs: "VARCHAR[]",
  userAgent: "VARCHAR",
  objectRef:
    "STRUCT(resource VARCHAR, namespace VARCHAR, name VARCHAR, uid VARCHAR, apiGroup VARCHAR, apiVersion VARCHAR, resourceVersion VARCHAR, subresource VARCHAR)",
  responseStatus:
    "STRUCT(status VARCHAR, message VARCHAR, reason VARCHAR, code VARCHAR, details JSON, metadata JSON)",
  requestObject: "JSON",
  responseObject: "JSON",
  requestReceivedTimestamp: "VARCHAR",
  stageTimestamp: "VARCHAR",
  annotations: "JSON",
};

/** The `columns` argument of read_json for the audit table. */
export function readJsonColumns(): string {
  const entries = Object.entries(AUDIT_EVENT_COLUMNS).map(([name, type]) => `'${name}': '${type}'`);
  return `{${entries.join(", ")}}`;
}
