import { stampFile, type Expr } from "../ir.js";
import { compileDetection } from "../sigma/normalize.js";
import type { YEntry, YMap, YScalar } from "../sigma/yaml-tree.js";
import type { TargetName } from "../targets/types.js";
import type { Reader } from "./read.js";
import type { ItemMeta, ItemScope, ItemValues } from "./types.js";

/** The parts of an item that describe the data rather than names: scope, values, meta. */

const SCOPE_KEYS = ["query", "index", "source", "events"] as const;
const VALUES_KEYS = ["lowercase", "dropped"] as const;
const META_KEYS = ["integration", "timestamp_override"] as const;

/** An item key that only some targets understand: the item must apply to those alone. */
export function onlyFor(
  r: Reader,
  key: YScalar,
  targets: readonly TargetName[],
  allowed: readonly TargetName[],
  single = false,
): boolean {
  const ok = targets.every((t) => allowed.includes(t)) && (!single || targets.length === 1);
  if (!ok)
    r.error(
      "PIPELINE_INVALID",
      key,
      single
        ? `'${key.text}' is text in one target's language (elastic, splunk or falco): give the item a single target (it applies to ${targets.join(", ")})`
        : `'${key.text}' is for ${allowed.join(", ")} only: give the item targets: [${allowed.join(", ")}] (it applies to ${targets.join(", ")})`,
    );
  return ok;
}

export function eachEntry<T>(
  r: Reader,
  entry: YEntry,
  read: (e: YEntry) => T | undefined,
): Record<string, T> {
  const out: Record<string, T> = {};
  const map = r.map(entry.value, r.valueAt(entry), `'${entry.key.text}'`);
  for (const e of map?.entries ?? []) {
    const v = read(e);
    if (v !== undefined) Object.defineProperty(out, e.key.text, { value: v, enumerable: true });
  }
  return out;
}

/** `events:` is detection syntax: a mapping is one selection (AND), a list of them an OR. */
function readEvents(r: Reader, entry: YEntry): Expr | undefined {
  const node = entry.value;
  const name: YScalar = { ...entry.key, value: "events", text: "events" };
  const detection: YMap = {
    kind: "map",
    entries: [{ key: name, value: node }],
    start: node.start,
    end: node.end,
  };
  const condition: YScalar = { ...name, start: entry.key.start, end: entry.key.end };
  const compiled = compileDetection({ source: r.source, detection, conditions: [condition] });
  for (const d of compiled.diagnostics) {
    r.diagnostics.push(d);
    if (d.severity === "error") r.errors++;
  }
  return compiled.diagnostics.some((d) => d.severity === "error")
    ? undefined
    : stampFile(compiled.ir, r.source.path);
}

export function readScope(r: Reader, entry: YEntry, targets: readonly TargetName[]): ItemScope {
  const map = r.map(entry.value, r.valueAt(entry), "'scope'");
  if (map === undefined) return {};
  const out: { -readonly [K in keyof ItemScope]: ItemScope[K] } = {};
  for (const [k, e] of r.entries(map, SCOPE_KEYS, "'scope'")) {
    const at = r.valueAt(e);
    if (k === "query") {
      const q = onlyFor(
        r,
        e.key,
        targets,
        targets.filter((t) => t !== "js"),
        true,
      )
        ? r.string(e.value, at, "'query'")
        : undefined;
      if (q !== undefined) out.query = q;
    } else if (k === "index") {
      const i = onlyFor(r, e.key, targets, ["elastic"])
        ? r.strings(e.value, at, "'index'")
        : undefined;
      if (i !== undefined) out.index = i;
    } else if (k === "source") {
      const s = onlyFor(r, e.key, targets, ["falco"])
        ? r.string(e.value, at, "'source'")
        : undefined;
      if (s !== undefined) out.source = s;
    } else {
      const ev = readEvents(r, e);
      if (ev !== undefined) out.events = ev;
    }
  }
  return out;
}

export function readValues(r: Reader, entry: YEntry): ItemValues {
  const map = r.map(entry.value, r.valueAt(entry), "'values'");
  const keys = map ? r.entries(map, VALUES_KEYS, "'values'") : new Map<string, YEntry>();
  const lc = keys.get("lowercase");
  const dr = keys.get("dropped");
  const lowercase = (lc && r.strings(lc.value, r.valueAt(lc), "'lowercase'")) ?? [];
  let dropped: Record<string, readonly string[]> = {};
  if (dr !== undefined) {
    if (dr.value.kind === "map")
      dropped = eachEntry(r, dr, (e) => r.values(e.value, r.valueAt(e), `dropped '${e.key.text}'`));
    else {
      const all = r.values(dr.value, r.valueAt(dr), "'dropped'");
      if (all !== undefined) dropped = { "*": all };
    }
  }
  return { lowercase, dropped };
}

export function readMeta(r: Reader, entry: YEntry): ItemMeta {
  const map = r.map(entry.value, r.valueAt(entry), "'meta'");
  const keys = map ? r.entries(map, META_KEYS, "'meta'") : new Map<string, YEntry>();
  const i = keys.get("integration");
  const t = keys.get("timestamp_override");
  const integration = i && r.strings(i.value, r.valueAt(i), "'integration'");
  const timestampOverride = t && r.string(t.value, r.valueAt(t), "'timestamp_override'");
  return {
    ...(integration ? { integration } : {}),
    ...(timestampOverride ? { timestampOverride } : {}),
  };
}
