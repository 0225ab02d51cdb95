import type { TargetView } from "../types.js";
import { syscallDocument } from "./falco-syscall.js";
import { pluginDocument } from "./falco-plugins.js";

/**
 * What Falco's k8saudit + json plugins make of a raw audit event (shared/reference/falco/ka-fields.md).
 *
 * document(raw): field name → string (or the strings of a list field), as libsinsp compares them;
 * a missing key is "not available". null when the k8saudit event source drops the event at
 * ingestion (not `kind: Event`, no RFC 3339 `stageTimestamp`, larger than maxEventSize).
 *
 * Values are rendered as the plugins render them: strings as is (up to a NUL), everything else as
 * compact JSON, so JSON null reads "null"; ka.* fields need a top-level auditID, json.value[…]
 * fields (every node of the event, by JSON pointer) do not.
 */

type FalcoValue = string | readonly string[];
type Doc = Record<string, FalcoValue>;

const MAX_EVENT_SIZE = 262144;
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Go's time.Parse(time.RFC3339Nano, …): the layout plus range checks on every number. */
function isRfc3339(s: string): boolean {
  const m = RFC3339.exec(s);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysIn = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const zh = m[7] === undefined ? 0 : Number(m[7]);
  const zm = m[8] === undefined ? 0 : Number(m[8]);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysIn &&
    hour < 24 &&
    minute < 60 &&
    second < 60 &&
    zh < 24 &&
    zm < 60
  );
}

/** The checks of the plugin's event source (source.go), for one event. */
export function ingestible(raw: unknown): raw is Record<string, unknown> {
  if (!isObject(raw) || raw.kind !== "Event") return false;
  if (typeof raw.stageTimestamp !== "string" || !isRfc3339(raw.stageTimestamp)) return false;
  return new TextEncoder().encode(JSON.stringify(raw)).length <= MAX_EVENT_SIZE;
}

/**
 * libsinsp compares C strings: text stops at the first NUL. Go's JSON decoder has already replaced
 * lone surrogates with U+FFFD.
 */
function cString(s: string): string {
  const nul = s.indexOf("\0");
  return (nul < 0 ? s : s.slice(0, nul)).replace(/\p{Cs}/gu, "\uFFFD");
}

/** jsonValueAsString: strings unescaped, everything else compact JSON (null → "null"). */
function render(v: unknown): string {
  return cString(typeof v === "string" ? v : (JSON.stringify(v) ?? "null"));
}

/** Value at a key path (objects only), undefined when a key is missing. */
function at(raw: unknown, path: readonly string[]): unknown {
  let node: unknown = raw;
  for (const key of path) {
    if (!isObject(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

const SCALARS: Readonly<Record<string, readonly string[]>> = {
  "ka.auditid": ["auditID"],
  "ka.stage": ["stage"],
  "ka.auth.decision": ["annotations", "authorization.k8s.io/decision"],
  "ka.auth.reason": ["annotations", "authorization.k8s.io/reason"],
  "ka.auth.openshift.decision": ["annotations", "authentication.openshift.io/decision"],
  "ka.auth.openshift.username": ["annotations", "authentication.openshift.io/username"],
  "ka.validations.admission.policy.failure": [
    "annotations",
    "validation.policy.admission.k8s.io/validation_failure",
  ],
  "ka.security.pod.violations": ["annotations", "pod-security.kubernetes.io/audit-violations"],
  "ka.user.name": ["user", "username"],
  "ka.impuser.name": ["impersonatedUser", "username"],
  "ka.verb": ["verb"],
  "ka.uri": ["requestURI"],
  "ka.target.name": ["objectRef", "name"],
  "ka.target.namespace": ["objectRef", "namespace"],
  "ka.target.resource": ["objectRef", "resource"],
  "ka.target.subresource": ["objectRef", "subresource"],
  "ka.req.binding.role": ["requestObject", "roleRef", "name"],
  "ka.req.configmap.name": ["objectRef", "name"],
  "ka.req.configmap.obj": ["requestObject", "data"],
  "ka.req.service.type": ["requestObject", "spec", "type"],
  "ka.req.pod.host_ipc": ["requestObject", "spec", "hostIPC"],
  "ka.req.pod.host_network": ["requestObject", "spec", "hostNetwork"],
  "ka.req.container.host_network": ["requestObject", "spec", "hostNetwork"],
  "ka.req.pod.host_pid": ["requestObject", "spec", "hostPID"],
  "ka.req.pod.run_as_user": ["requestObject", "spec", "securityContext", "runAsUser"],
  "ka.req.pod.run_as_group": ["requestObject", "spec", "securityContext", "runAsGroup"],
  "ka.req.pod.fs_group": ["requestObject", "spec", "securityContext", "fsGroup"],
  "ka.resp.name": ["responseObject", "metadata", "name"],
  "ka.response.code": ["responseStatus", "code"],
  "ka.response.reason": ["responseStatus", "reason"],
  "ka.useragent": ["userAgent"],
  "ka.cluster.name": ["annotations", "cluster_name"],
};

/** Elements of the array at `path`, or undefined when it is not an array (a plugin error). */
function arrayAt(raw: unknown, path: readonly string[]): readonly unknown[] | undefined {
  const v = at(raw, path);
  return Array.isArray(v) ? v : undefined;
}

/** `outer[*].inner[*]` flattened; elements without `inner` are skipped. */
function nested(raw: unknown, outer: readonly string[], inner: string): unknown[] | undefined {
  const items = arrayAt(raw, outer);
  if (items === undefined) return undefined;
  const out: unknown[] = [];
  for (const item of items) {
    const v = isObject(item) ? item[inner] : undefined;
    if (Array.isArray(v)) out.push(...v);
  }
  return out;
}

function subjectNames(raw: unknown, kind: string, withNamespace: boolean): unknown[] | undefined {
  const subjects = arrayAt(raw, ["requestObject", "subjects"]);
  if (subjects === undefined) return undefined;
  const out: unknown[] = [];
  for (const s of subjects) {
    if (!isObject(s) || s.kind !== kind || !Object.hasOwn(s, "name")) continue;
    if (!withNamespace) out.push(s.name);
    else if (Object.hasOwn(s, "namespace")) out.push(`${render(s.namespace)}:${render(s.name)}`);
  }
  return out;
}

const LISTS: Readonly<Record<string, (raw: unknown) => readonly unknown[] | undefined>> = {
  "ka.user.groups": (r) => arrayAt(r, ["user", "groups"]),
  // Plugin bug #236: the field reads requestObject.rules[*].sourceIPs, not the top-level sourceIPs.
  "ka.sourceips": (r) => nested(r, ["requestObject", "rules"], "sourceIPs"),
  "ka.req.binding.subjects": (r) => arrayAt(r, ["requestObject", "subjects"]),
  "ka.req.binding.subjects.user_names": (r) => subjectNames(r, "User", false),
  "ka.req.binding.subjects.serviceaccount_names": (r) => subjectNames(r, "ServiceAccount", false),
  "ka.req.binding.subjects.serviceaccount_ns_names": (r) => subjectNames(r, "ServiceAccount", true),
  "ka.req.binding.subjects.group_names": (r) => subjectNames(r, "Group", false),
  "ka.req.pod.supplemental_groups": (r) =>
    arrayAt(r, ["requestObject", "spec", "securityContext", "supplementalGroups"]),
  "ka.req.role.rules": (r) => arrayAt(r, ["requestObject", "rules"]),
  "ka.req.role.rules.apiGroups": (r) => nested(r, ["requestObject", "rules"], "apiGroups"),
  "ka.req.role.rules.nonResourceURLs": (r) =>
    nested(r, ["requestObject", "rules"], "nonResourceURLs"),
  "ka.req.role.rules.verbs": (r) => nested(r, ["requestObject", "rules"], "verbs"),
  "ka.req.role.rules.resources": (r) => nested(r, ["requestObject", "rules"], "resources"),
};

function pointerSegment(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** json.value[<pointer>] for every node of the event (the json plugin has no auditID gate). */
function addJsonValues(node: unknown, pointer: string, doc: Doc): void {
  doc[`json.value[${pointer === "" ? "/" : pointer}]`] = render(node);
  if (Array.isArray(node)) node.forEach((v, i) => addJsonValues(v, `${pointer}/${i}`, doc));
  else if (isObject(node))
    for (const [k, v] of Object.entries(node))
      addJsonValues(v, `${pointer}/${pointerSegment(k)}`, doc);
}

/** The Falco event a raw record becomes, in whichever event source reads it (null: none does). */
export function falcoDocument(raw: unknown): Doc | null {
  if (ingestible(raw)) return k8sDocument(raw);
  return syscallDocument(raw) ?? pluginDocument(raw);
}

function k8sDocument(raw: Record<string, unknown>): Doc {
  const doc: Doc = { "evt.source": "k8s_audit" };
  addJsonValues(raw, "", doc);
  if (!Object.hasOwn(raw, "auditID")) return doc;
  for (const [field, path] of Object.entries(SCALARS)) {
    const v = at(raw, path);
    if (v !== undefined) doc[field] = render(v);
  }
  const resource = at(raw, ["objectRef", "resource"]);
  const sub = at(raw, ["objectRef", "subresource"]);
  const podName = at(raw, ["responseObject", "metadata", "name"]);
  if (resource === "pods" && (sub === undefined || sub === "") && podName !== undefined)
    doc["ka.target.pod.name"] = render(podName);
  for (const [field, extract] of Object.entries(LISTS)) {
    const values = extract(raw);
    if (values !== undefined && values.length > 0) doc[field] = values.map(render);
  }
  return doc;
}

export const falcoView: TargetView = {
  target: "falco",
  document: falcoDocument,
};
