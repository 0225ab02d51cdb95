import type { BackendContext, SeenEvent } from "../types.js";
import { FALCO } from "./dialect.js";
import { isListField } from "./source-fields.js";
import { elementFields, presenceField } from "./elements.js";
import { assertNever } from "../../diagnostics.js";
import { falcoSource } from "./sources.js";
import { syscallSeen } from "./seen-syscall.js";
import { pluginSeen } from "./seen-plugins.js";

/**
 * What a Falco condition can see of a raw audit event, in Sigma field names (the backend's claim
 * about k8saudit + json, from its mapping):
 * - the event source delivers only `kind: Event` with an RFC 3339 stageTimestamp, at most
 *   256 KiB of JSON (else null: no rule ever runs on it);
 * - every value is text: strings up to their first NUL, anything else as compact JSON, so JSON
 *   null reads "null" and an object its JSON;
 * - ka.* fields need a top-level auditID; json.value[…] fields do not;
 * - a list field holds the rendered elements of the non-empty array(s) at its path, else nothing;
 *   a list field with a presence field is present-but-empty when the whole value is there and is
 *   not the text "null";
 * - element N of an element-wise array field F is the field `F.N` (elements.ts), beside the
 *   whole value at F.
 */

type Seen = Record<string, string | readonly string[]>;

const MAX_EVENT_BYTES = 256 * 1024;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** time.Parse(time.RFC3339Nano, s) succeeds. */
function rfc3339(s: string): boolean {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-](\d\d):(\d\d))$/.exec(s);
  if (m === null) return false;
  const n = (i: number): number => Number(m[i] ?? "0");
  const monthDays = new Date(Date.UTC(n(1), n(2), 0)).getUTCDate();
  return (
    n(2) >= 1 &&
    n(2) <= 12 &&
    n(3) >= 1 &&
    n(3) <= monthDays &&
    n(4) <= 23 &&
    n(5) <= 59 &&
    n(6) <= 59 &&
    n(9) <= 23 &&
    n(10) <= 59
  );
}

function delivered(raw: unknown): raw is Record<string, unknown> {
  return (
    isObject(raw) &&
    raw.kind === "Event" &&
    typeof raw.stageTimestamp === "string" &&
    rfc3339(raw.stageTimestamp) &&
    Buffer.byteLength(JSON.stringify(raw), "utf8") <= MAX_EVENT_BYTES
  );
}

/** The text libsinsp compares: a string up to its first NUL (lone surrogates as U+FFFD). */
function rendered(v: unknown): string {
  const s = typeof v === "string" ? v : (JSON.stringify(v) ?? "null");
  const cut = s.includes("\0") ? s.slice(0, s.indexOf("\0")) : s;
  return cut.replace(/\p{Cs}/gu, "\uFFFD");
}

/** The JSON node at a json.value pointer (`/a/b~1c/0`), undefined when absent. */
function atPointer(raw: unknown, pointer: string): unknown {
  if (pointer === "/") return raw;
  let node: unknown = raw;
  for (const token of pointer.slice(1).split("/")) {
    const key = token.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(key)) return undefined;
      node = node[Number(key)];
    } else if (isObject(node) && Object.hasOwn(node, key)) node = node[key];
    else return undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/**
 * The JSON node a scalar ka.* field reads at a Sigma path: objects only, the longest dotted key
 * at each level (`annotations` → `authorization.k8s.io/decision`).
 */
function atPath(raw: unknown, path: string): unknown {
  const segments = path.split(".");
  let node: unknown = raw;
  let i = 0;
  while (i < segments.length) {
    if (!isObject(node)) return undefined;
    let j = segments.length;
    while (j > i && !Object.hasOwn(node, segments.slice(i, j).join("."))) j--;
    if (j === i) return undefined;
    node = node[segments.slice(i, j).join(".")];
    i = j;
  }
  return node;
}

/** The elements of the arrays a list field collects: arrays along the path are walked. */
function listElements(raw: unknown, path: readonly string[]): unknown[] {
  if (path.length === 0) return Array.isArray(raw) ? raw : [];
  if (Array.isArray(raw)) return raw.flatMap((item) => listElements(item, path));
  if (!isObject(raw) || !Object.hasOwn(raw, path[0]!)) return [];
  return listElements(raw[path[0]!], path.slice(1));
}

const POINTER = /^json\.value\[(\/.*)\]$/;

/** The seen event of the rule's event source (k8s here; syscall and plugins in their modules). */
export function falcoSeen(ctx: BackendContext): SeenEvent {
  const source = falcoSource(ctx);
  switch (source.name) {
    case "k8s_audit":
      return k8sSeen(ctx);
    case "syscall":
      return syscallSeen(ctx);
    case "aws_cloudtrail":
    case "gcp_auditlog":
    case "okta":
    case "github":
      return pluginSeen(ctx, source);
    default:
      return assertNever(source.name);
  }
}

function k8sSeen(ctx: BackendContext): SeenEvent {
  const fields = Object.entries(ctx.mapping?.fields ?? {});
  const elements = elementFields(ctx);
  return (raw) => {
    if (!delivered(raw)) return null;
    const out: Seen = {};
    const audited = Object.hasOwn(raw, "auditID");
    for (const [sigma, falco] of fields) {
      const pointer = POINTER.exec(falco)?.[1];
      if (pointer !== undefined) {
        const node = atPointer(raw, pointer);
        if (node !== undefined) out[sigma] = rendered(node);
        if (elements.has(sigma) && Array.isArray(node))
          node.forEach((item, i) => {
            out[`${sigma}.${i}`] = rendered(item);
          });
        continue;
      }
      if (isListField(falco)) {
        const items = audited ? listElements(raw, sigma.split(".")) : [];
        if (items.length > 0) out[sigma] = items.map(rendered);
        else {
          // exists / null read the presence field (json.value, no auditID needed).
          const presence = presenceField(ctx, sigma);
          const pointer = presence === undefined ? undefined : POINTER.exec(presence)?.[1];
          const whole = pointer === undefined ? undefined : atPointer(raw, pointer);
          if (whole !== undefined && rendered(whole) !== FALCO.nullText) out[sigma] = [];
        }
        continue;
      }
      if (!audited) continue;
      const node = atPath(raw, sigma);
      if (node !== undefined) out[sigma] = rendered(node);
    }
    return out;
  };
}
