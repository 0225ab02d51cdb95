import type { LogSource } from "../sigma/rule.js";
import { toPlain, type YEntry, type YNode } from "../sigma/yaml-tree.js";
import { TARGET_NAMES, type TargetName } from "../targets/types.js";
import { eachEntry, onlyFor, readMeta, readScope, readValues } from "./load-parts.js";
import type { Reader } from "./read.js";
import {
  ELASTIC_FIELD_TYPES,
  type FieldRule,
  type PipelineItem,
  type TypeRule,
  type Unmapped,
} from "./types.js";

/** One item of a pipeline's `items:` list, validated (format: targets/pipelines/README.md). */

const ITEM_KEYS = [
  "id",
  "logsource",
  "targets",
  "unmapped",
  "scope",
  "fields",
  "types",
  "values",
  "placeholders",
  "meta",
  "settings",
] as const;
const LOGSOURCE_KEYS = ["product", "category", "service"] as const;
const FIELD_KEYS = ["to", "deviation", "refuse", "values"] as const;
const TYPE_KEYS = ["type", "ignore_above"] as const;
const UNMAPPED: readonly Unmapped[] = ["strict", "passthrough"];

export function readTargets(r: Reader, entry: YEntry, what: string): TargetName[] | undefined {
  const node = entry.value;
  const items = node.kind === "seq" ? node.items : [node];
  const out: TargetName[] = [];
  let ok = true;
  for (const item of items) {
    const t = r.oneOf(item, item, `${what} target`, TARGET_NAMES, "PIPELINE_UNKNOWN_TARGET");
    if (t === undefined) ok = false;
    else if (!out.includes(t)) out.push(t);
  }
  if (ok && out.length === 0) {
    r.error("PIPELINE_INVALID", r.valueAt(entry), `${what} must name at least one target`);
    return undefined;
  }
  return ok ? out : undefined;
}

function readLogsource(r: Reader, entry: YEntry): LogSource | undefined {
  const map = r.map(entry.value, r.valueAt(entry), "'logsource'");
  if (map === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [k, e] of r.entries(map, LOGSOURCE_KEYS, "'logsource'")) {
    const s = r.string(e.value, r.valueAt(e), `logsource '${k}'`);
    if (s !== undefined) out[k] = s;
  }
  if (Object.keys(out).length === 0 && map.entries.length === 0)
    r.error(
      "PIPELINE_INVALID",
      r.valueAt(entry),
      "'logsource' must name a product, category or service",
    );
  return out;
}

function readFieldRule(r: Reader, entry: YEntry): FieldRule | undefined {
  const at = r.loc(r.valueAt(entry));
  const v = entry.value;
  const what = `the mapping of '${entry.key.text}'`;
  if (v.kind !== "map") {
    const to = r.strings(v, r.valueAt(entry), what);
    return to === undefined ? undefined : { kind: "map", to, at };
  }
  const keys = r.entries(v, FIELD_KEYS, what);
  const to = keys.get("to");
  const refuse = keys.get("refuse");
  const deviation = keys.get("deviation");
  const values = keys.get("values");
  if ((to === undefined) === (refuse === undefined)) {
    r.error("PIPELINE_INVALID", r.valueAt(entry), `${what} needs exactly one of 'to' or 'refuse'`);
    return undefined;
  }
  if (refuse !== undefined) {
    if (deviation !== undefined)
      r.error(
        "PIPELINE_INVALID",
        deviation.key,
        "'deviation' needs 'to' (a refused field is never matched)",
      );
    if (values !== undefined)
      r.error("PIPELINE_INVALID", values.key, "'values' needs 'to' (a refused field holds none)");
    const message = r.string(refuse.value, r.valueAt(refuse), "'refuse'");
    return message === undefined ? undefined : { kind: "refuse", message, at };
  }
  const targets = r.strings(to!.value, r.valueAt(to!), "'to'");
  const why = deviation && r.string(deviation.value, r.valueAt(deviation), "'deviation'");
  const valueMap =
    values &&
    eachEntry(r, values, (e) => r.string(e.value, r.valueAt(e), `'values' '${e.key.text}'`));
  if (targets === undefined) return undefined;
  if (valueMap !== undefined && Object.keys(valueMap).length === 0) {
    r.error("PIPELINE_INVALID", values!.key, "'values' must map at least one value");
    return undefined;
  }
  return {
    kind: "map",
    to: targets,
    ...(why ? { deviation: why } : {}),
    ...(valueMap ? { values: valueMap } : {}),
    at,
  };
}

function readTypeRule(r: Reader, entry: YEntry): TypeRule | undefined {
  const what = `the type of '${entry.key.text}'`;
  const v = entry.value;
  if (v.kind !== "map") {
    const type = r.oneOf(v, r.valueAt(entry), what, ELASTIC_FIELD_TYPES, "PIPELINE_UNKNOWN_TYPE");
    return type === undefined ? undefined : { type };
  }
  const keys = r.entries(v, TYPE_KEYS, what);
  const t = keys.get("type");
  if (t === undefined) {
    r.error("PIPELINE_INVALID", r.valueAt(entry), `${what} needs 'type'`);
    return undefined;
  }
  const type = r.oneOf(t.value, r.valueAt(t), what, ELASTIC_FIELD_TYPES, "PIPELINE_UNKNOWN_TYPE");
  const ia = keys.get("ignore_above");
  const ignoreAbove = ia && r.integer(ia.value, r.valueAt(ia), "'ignore_above'", 1, 2 ** 31 - 1);
  if (type === undefined) return undefined;
  return { type, ...(ignoreAbove !== undefined ? { ignoreAbove } : {}) };
}

export function readItem(
  r: Reader,
  node: YNode,
  index: number,
  pipeline: string,
  pipelineTargets: readonly TargetName[],
): PipelineItem | undefined {
  const map = r.map(node, node, `item ${index + 1} of 'items'`);
  if (map === undefined) return undefined;
  const errorsBefore = r.errors;
  const keys = r.entries(map, ITEM_KEYS, `item ${index + 1}`);
  const id = keys.get("id");
  const name = (id && r.string(id.value, r.valueAt(id), "'id'")) ?? `${pipeline}#${index + 1}`;
  const ls = keys.get("logsource");
  if (ls === undefined)
    r.error("PIPELINE_INVALID", map.entries[0]?.key ?? map, `item '${name}' needs a 'logsource'`);
  const logsource = ls && readLogsource(r, ls);
  const t = keys.get("targets");
  let targets = pipelineTargets;
  if (t !== undefined) {
    const own = readTargets(r, t, "item");
    const outside = own?.filter((x) => !pipelineTargets.includes(x)) ?? [];
    if (outside.length > 0)
      r.error(
        "PIPELINE_INVALID",
        r.valueAt(t),
        `item targets ${outside.join(", ")} are not among the pipeline's targets (${pipelineTargets.join(", ")})`,
      );
    else if (own) targets = own;
  }
  const u = keys.get("unmapped");
  const unmapped = u && r.oneOf(u.value, r.valueAt(u), "'unmapped'", UNMAPPED);
  const scope = keys.get("scope");
  const types = keys.get("types");
  const meta = keys.get("meta");
  const fields = keys.get("fields");
  const values = keys.get("values");
  const ph = keys.get("placeholders");
  const settings = keys.get("settings");
  const settingsMap = settings && r.map(settings.value, r.valueAt(settings), "'settings'");
  const item: PipelineItem = {
    id: name,
    at: r.loc(map.entries[0]?.key ?? map),
    logsource: logsource ?? {},
    targets,
    ...(unmapped ? { unmapped } : {}),
    ...(scope ? { scope: readScope(r, scope, targets) } : {}),
    fields: fields ? eachEntry(r, fields, (e) => readFieldRule(r, e)) : {},
    types:
      types && onlyFor(r, types.key, targets, ["elastic"])
        ? eachEntry(r, types, (e) => readTypeRule(r, e))
        : {},
    values: values ? readValues(r, values) : { lowercase: [], dropped: {} },
    placeholders: ph
      ? eachEntry(r, ph, (e) => r.values(e.value, r.valueAt(e), `placeholder '${e.key.text}'`))
      : {},
    meta: meta && onlyFor(r, meta.key, targets, ["elastic"]) ? readMeta(r, meta) : {},
    settings: settingsMap ? (toPlain(settingsMap) as Record<string, unknown>) : {},
  };
  return r.errors > errorsBefore ? undefined : item;
}
