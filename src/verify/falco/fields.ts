/**
 * The fields the interpreter knows, read independently from the k8saudit plugin's field table
 * (shared/reference/falco/ka-fields.md) and the json plugin. Every value is a string; list fields
 * hold several strings. A field outside this table is outside the modelled subset.
 */
export type FieldShape = "scalar" | "list";

export const KA_FIELDS: Readonly<Record<string, FieldShape>> = {
  "ka.auditid": "scalar",
  "ka.stage": "scalar",
  "ka.auth.decision": "scalar",
  "ka.auth.reason": "scalar",
  "ka.auth.openshift.decision": "scalar",
  "ka.auth.openshift.username": "scalar",
  "ka.validations.admission.policy.failure": "scalar",
  "ka.security.pod.violations": "scalar",
  "ka.user.name": "scalar",
  "ka.user.groups": "list",
  "ka.impuser.name": "scalar",
  "ka.verb": "scalar",
  "ka.uri": "scalar",
  "ka.target.name": "scalar",
  "ka.target.namespace": "scalar",
  "ka.target.resource": "scalar",
  "ka.target.subresource": "scalar",
  "ka.target.pod.name": "scalar",
  "ka.req.binding.subjects": "list",
  "ka.req.binding.subjects.user_names": "list",
  "ka.req.binding.subjects.serviceaccount_names": "list",
  "ka.req.binding.subjects.serviceaccount_ns_names": "list",
  "ka.req.binding.subjects.group_names": "list",
  "ka.req.binding.role": "scalar",
  "ka.req.configmap.name": "scalar",
  "ka.req.configmap.obj": "scalar",
  "ka.req.service.type": "scalar",
  "ka.req.pod.host_ipc": "scalar",
  "ka.req.pod.host_network": "scalar",
  "ka.req.container.host_network": "scalar",
  "ka.req.pod.host_pid": "scalar",
  "ka.req.pod.run_as_user": "scalar",
  "ka.req.pod.run_as_group": "scalar",
  "ka.req.pod.fs_group": "scalar",
  "ka.req.pod.supplemental_groups": "list",
  "ka.req.role.rules": "list",
  "ka.req.role.rules.apiGroups": "list",
  "ka.req.role.rules.nonResourceURLs": "list",
  "ka.req.role.rules.verbs": "list",
  "ka.req.role.rules.resources": "list",
  "ka.resp.name": "scalar",
  "ka.response.code": "scalar",
  "ka.response.reason": "scalar",
  "ka.useragent": "scalar",
  "ka.sourceips": "list",
  "ka.cluster.name": "scalar",
};

/** json.value / jevt.value take a JSON pointer argument; the document key is canonical. */
export const JSON_VALUE_FIELDS: ReadonlySet<string> = new Set(["json.value", "jevt.value"]);

/** `json.value[/a/b]`: one leading `/` is optional in the argument, so both spellings meet here. */
export function jsonValueKey(pointer: string): string {
  return `json.value[/${pointer.startsWith("/") ? pointer.slice(1) : pointer}]`;
}
