import type { LogSource } from "../sigma/rule.js";
import type { TargetName } from "../targets/types.js";
import { applicableItems, itemMatches, selectPipelines } from "./select.js";
import type {
  FieldRule,
  ItemMeta,
  ItemScope,
  Pipeline,
  ResolvedMapping,
  TypeRule,
  Unmapped,
} from "./types.js";

/**
 * The items that apply to one rule's logsource in one target, applied in order into one
 * ResolvedMapping. Later items win key by key (a field, a type, a scope part, a setting); value
 * facts accumulate per field, and a later item's list for the same field replaces the earlier.
 * No applicable item: undefined (the target does not know the logsource).
 */

/** Unlisted fields pass through unless an item says `unmapped: strict`. */
const DEFAULT_UNMAPPED: Unmapped = "passthrough";

const NO_USER: readonly Pipeline[] = [];

function logsourceKey(logsource: LogSource): string {
  return [logsource.product, logsource.category, logsource.service]
    .map((v) => v?.toLowerCase() ?? "")
    .join("\u0000");
}

/** Remembered per user list, target and logsource: the corpus asks thousands of times. */
const memo = new WeakMap<readonly Pipeline[], Map<string, ResolvedMapping | undefined>>();
const selections = new WeakMap<readonly Pipeline[], Map<string, Pipeline[]>>();

function remembered<T>(
  store: WeakMap<readonly Pipeline[], Map<string, T>>,
  user: readonly Pipeline[],
  key: string,
  make: () => T,
): T {
  let byKey = store.get(user);
  if (byKey === undefined) {
    byKey = new Map();
    store.set(user, byKey);
  }
  if (byKey.has(key)) return byKey.get(key)!;
  const value = make();
  byKey.set(key, value);
  return value;
}

/** The pipelines a target applies to this logsource, in order (select.ts). */
export function pipelinesFor(
  target: TargetName,
  logsource: LogSource,
  user: readonly Pipeline[] = NO_USER,
): Pipeline[] {
  return remembered(selections, user, `${target}\u0000${logsourceKey(logsource)}`, () =>
    selectPipelines(target, user, logsource),
  );
}

export function resolveMapping(
  logsource: LogSource,
  target: TargetName,
  user: readonly Pipeline[] = NO_USER,
): ResolvedMapping | undefined {
  return remembered(memo, user, `${target}\u0000${logsourceKey(logsource)}`, () =>
    combine(pipelinesFor(target, logsource, user), target, logsource),
  );
}

function combine(
  pipelines: readonly Pipeline[],
  target: TargetName,
  logsource: LogSource,
): ResolvedMapping | undefined {
  const applied = applicableItems(pipelines, target, logsource);
  const first = applied[0];
  if (first === undefined) return undefined;
  let unmapped = DEFAULT_UNMAPPED;
  const fields = new Map<string, FieldRule>();
  const types = new Map<string, TypeRule>();
  let scope: ItemScope = {};
  const lowercase = new Set<string>();
  const dropped: Record<string, readonly string[]> = {};
  let meta: ItemMeta = {};
  let settings: Record<string, unknown> = {};
  const names: string[] = [];
  for (const { pipeline, item } of applied) {
    if (!names.includes(pipeline.name)) names.push(pipeline.name);
    if (item.unmapped !== undefined) unmapped = item.unmapped;
    for (const [k, v] of Object.entries(item.fields)) fields.set(k, v);
    for (const [k, v] of Object.entries(item.types)) types.set(k, v);
    scope = { ...scope, ...item.scope };
    for (const f of item.values.lowercase) lowercase.add(f);
    Object.assign(dropped, item.values.dropped);
    meta = { ...meta, ...item.meta };
    settings = { ...settings, ...item.settings };
  }
  const one: Record<string, string> = {};
  const targetsOf: Record<string, readonly string[]> = {};
  const refused: Record<string, string> = {};
  const deviations: Record<string, string> = {};
  const valueMaps: Record<string, Readonly<Record<string, string>>> = {};
  for (const [k, rule] of fields) {
    if (rule.kind === "refuse") {
      refused[k] = rule.message;
      continue;
    }
    targetsOf[k] = rule.to;
    if (rule.to.length === 1) one[k] = rule.to[0]!;
    if (rule.deviation !== undefined) deviations[k] = rule.deviation;
    if (rule.values !== undefined) valueMaps[k] = rule.values;
  }
  const ignoreAbove: Record<string, number> = {};
  const typeNames: Record<string, string> = {};
  for (const [k, t] of types) {
    typeNames[k] = t.type;
    if (t.ignoreAbove !== undefined) ignoreAbove[k] = t.ignoreAbove;
  }
  // What backends read from `settings` (formerly targets/*.yml logsources) stays there.
  const derived: Record<string, unknown> = {
    ...(types.size > 0 ? { types: typeNames } : {}),
    ...(lowercase.size > 0 ? { lowercase: [...lowercase] } : {}),
    ...(scope.index ? { index: scope.index } : {}),
    ...(scope.source ? { source: scope.source } : {}),
    ...(meta.timestampOverride ? { timestamp_override: meta.timestampOverride } : {}),
    // Elastic's seen event removes empty values at every depth where every field drops them.
    ...(dropped["*"]?.includes("") ? { dropEmpty: true } : {}),
  };
  return {
    match: first.item.logsource,
    ...(scope.query !== undefined ? { scope: scope.query } : {}),
    fields: one,
    settings: { ...settings, ...derived },
    pipelines: names,
    unmapped,
    targetsOf,
    refused,
    deviations,
    valueMaps,
    ignoreAbove,
    dropped,
    ...(scope.events ? { events: scope.events } : {}),
    index: scope.index ?? [],
    integration: meta.integration ?? [],
    ...(meta.timestampOverride ? { timestampOverride: meta.timestampOverride } : {}),
  };
}

/**
 * `|expand` placeholder values for this logsource, from the user's pipelines (any target): a
 * site's values (its domain controllers, admin accounts) are never a built-in's, so compiling a
 * rule reads no built-in for them.
 */
export function placeholdersFor(
  logsource: LogSource,
  user: readonly Pipeline[],
): Record<string, readonly string[]> {
  const out: Record<string, readonly string[]> = {};
  for (const p of user)
    for (const item of p.items)
      if (itemMatches(item, logsource))
        for (const [k, v] of Object.entries(item.placeholders))
          Object.defineProperty(out, k, { value: v, enumerable: true, configurable: true });
  return out;
}
