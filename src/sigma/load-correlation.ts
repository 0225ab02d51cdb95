import { suggest } from "../diagnostics.js";
import { describe, valueSpan, type LoadContext, type Span } from "./load-context.js";
import {
  COUNT_TYPES,
  METRIC_TYPES,
  type AliasDefinition,
  type CorrelationType,
  type CountTest,
  type Spanned,
  type Timespan,
} from "./correlation.js";
import { entryValue, readList, readNonEmptyString, type Located } from "./load-values.js";
import {
  checkTemporalCondition,
  readCondition,
  spannedString,
} from "./load-correlation-condition.js";
import { mapGet, type YEntry } from "./yaml-tree.js";

/**
 * Reads the `correlation:` section of a correlation document (specification 2.1). Everything that
 * one file can tell is checked here, at its own position: the type, the shape of `rules`,
 * `group-by`, `aliases` and `condition`, and the timespan. Whether the referenced rules exist is
 * only known for the whole rule set (correlation-resolve.ts).
 */

const KEYS = ["type", "rules", "group-by", "timespan", "condition", "aliases", "generate"] as const;
const ALL_TYPES: readonly CorrelationType[] = [...COUNT_TYPES, ...METRIC_TYPES];
/** The specification's units: a positive integer and one lower-case letter. */
const UNIT_US: Readonly<Record<string, number>> = {
  s: 1_000_000,
  m: 60_000_000,
  h: 3_600_000_000,
  d: 86_400_000_000,
};
const TIMESPAN = /^([0-9]+)([a-zA-Z])$/;
/** Far beyond any log retention; keeps every microsecond count an exact integer. */
const MAX_TIMESPAN_US = 3650 * UNIT_US.d!;

export interface CorrelationSection {
  readonly type: CorrelationType;
  readonly typeAt: Span;
  readonly rules: readonly Spanned[];
  readonly groupBy: readonly Spanned[];
  readonly timespan: Timespan;
  readonly condition: readonly CountTest[];
  readonly conditionAt?: Span;
  readonly valueField?: Spanned;
  readonly aliases: readonly AliasDefinition[];
  readonly generate: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A correlation's id: the specification recommends a UUID "but not mandatory" (its own alias
 * example writes `id: —`), so any other text is a warning, not an error.
 */
export function readCorrelationId(ctx: LoadContext, v: Located): string | undefined {
  const s = readNonEmptyString(ctx, v);
  if (s !== undefined && !UUID.test(s))
    ctx.warn(
      "CORRELATION_ID_NOT_UUID",
      v.at,
      `the id '${s}' is not a UUID; a random UUID (version 4) is recommended`,
    );
  return s;
}

/** undefined when the section has an error (each one reported where it stands). */
export function readCorrelationSection(
  ctx: LoadContext,
  entry: YEntry,
): CorrelationSection | undefined {
  const v = entryValue(entry);
  if (v.node.kind !== "map") {
    ctx.error(
      "RULE_TYPE",
      v.at,
      `'correlation' must be a mapping (type, rules, group-by, timespan, condition), got ${describe(v.node)}`,
    );
    return undefined;
  }
  const section = v.node;
  const before = ctx.errorCount;
  for (const e of section.entries) {
    if ((KEYS as readonly string[]).includes(e.key.text)) continue;
    const guess = suggest(e.key.text, KEYS);
    ctx.error(
      "CORRELATION_UNKNOWN_KEY",
      e.key,
      `'${e.key.text}' is not a key of 'correlation' (${KEYS.join(", ")})${guess ? ` — did you mean '${guess}'?` : ""}`,
    );
  }
  const missing = (key: string, why: string): void =>
    ctx.error("CORRELATION_MISSING_KEY", entry.key, `'correlation' has no '${key}': ${why}`);

  const typeEntry = mapGet(section, "type");
  const type = typeEntry === undefined ? undefined : readType(ctx, typeEntry);
  if (typeEntry === undefined) missing("type", `name one of ${ALL_TYPES.join(", ")}`);

  const rulesEntry = mapGet(section, "rules");
  const rules = rulesEntry === undefined ? undefined : readRules(ctx, rulesEntry);
  if (rulesEntry === undefined) missing("rules", "list the rules it correlates, by id or name");

  const groupEntry = mapGet(section, "group-by");
  const groupBy = groupEntry === undefined ? undefined : readGroupBy(ctx, groupEntry);
  if (groupEntry === undefined)
    missing("group-by", "list the fields whose values must be equal (an empty list for none)");

  const spanEntry = mapGet(section, "timespan");
  const timespan = spanEntry === undefined ? undefined : readTimespan(ctx, spanEntry);
  if (spanEntry === undefined) missing("timespan", "give the window, e.g. '10m'");

  const aliasEntry = mapGet(section, "aliases");
  const aliases = aliasEntry === undefined ? [] : readAliases(ctx, aliasEntry);

  const generateEntry = mapGet(section, "generate");
  let generate = false;
  if (generateEntry !== undefined) {
    const g = generateEntry.value;
    if (g.kind === "scalar" && typeof g.value === "boolean") generate = g.value;
    else
      ctx.error(
        "RULE_TYPE",
        valueSpan(generateEntry),
        `'generate' must be true or false, got ${describe(g)}`,
      );
  }

  const conditionEntry = mapGet(section, "condition");
  const condition =
    conditionEntry === undefined || type === undefined
      ? undefined
      : readCondition(ctx, conditionEntry, type);
  if (type !== undefined && conditionEntry === undefined && needsCondition(type))
    missing("condition", `a ${type} correlation needs a condition such as 'gte: 10'`);

  if (
    ctx.errorCount > before ||
    type === undefined ||
    typeEntry === undefined ||
    rules === undefined ||
    groupBy === undefined ||
    timespan === undefined
  )
    return undefined;
  if (condition === undefined && conditionEntry !== undefined) return undefined;
  if (type === "temporal_ordered" || type === "temporal")
    checkTemporalCondition(ctx, type, rules.length, condition?.tests ?? [], conditionEntry);
  if ((METRIC_TYPES as readonly string[]).includes(type))
    ctx.warn(
      "CORRELATION_METRIC_TYPE",
      valueSpan(typeEntry),
      `${type} correlations are read and checked, but no target compiles them yet`,
    );
  if (ctx.errorCount > before) return undefined;
  return {
    type,
    typeAt: valueSpan(typeEntry),
    rules,
    groupBy,
    timespan,
    condition: condition?.tests ?? [],
    ...(conditionEntry === undefined ? {} : { conditionAt: conditionEntry.key }),
    ...(condition?.field === undefined ? {} : { valueField: condition.field }),
    aliases,
    generate,
  };
}

function needsCondition(type: CorrelationType): boolean {
  return type !== "temporal" && type !== "temporal_ordered";
}

function readType(ctx: LoadContext, entry: YEntry): CorrelationType | undefined {
  const node = entry.value;
  if (node.kind !== "scalar" || typeof node.value !== "string") {
    ctx.error(
      "CORRELATION_BAD_TYPE",
      valueSpan(entry),
      `'type' must be one of ${ALL_TYPES.join(", ")}, got ${describe(node)}`,
    );
    return undefined;
  }
  if ((ALL_TYPES as readonly string[]).includes(node.value)) return node.value as CorrelationType;
  const guess = suggest(node.value, ALL_TYPES);
  ctx.error(
    "CORRELATION_BAD_TYPE",
    node,
    `'${node.value}' is not a correlation type (${ALL_TYPES.join(", ")})${guess ? ` — did you mean '${guess}'?` : ""}`,
  );
  return undefined;
}

/** A list of strings (a lone string is accepted as a list of one, as pySigma does). */
function readNames(
  ctx: LoadContext,
  entry: YEntry,
  code: "CORRELATION_BAD_RULES" | "CORRELATION_BAD_GROUP_BY",
): Spanned[] | undefined {
  const v = entryValue(entry);
  const items: Located[] | undefined =
    v.node.kind === "scalar" && typeof v.node.value === "string" ? [v] : readList(ctx, v);
  if (items === undefined) return undefined;
  const out: Spanned[] = [];
  const seen = new Set<string>();
  let ok = true;
  for (const item of items) {
    const s = spannedString(ctx, item.node, item.at, item.what, code);
    if (s === undefined) {
      ok = false;
      continue;
    }
    if (seen.has(s.text)) {
      ctx.error(code, s.at, `'${s.text}' appears twice in '${entry.key.text}'`);
      ok = false;
      continue;
    }
    seen.add(s.text);
    out.push(s);
  }
  return ok ? out : undefined;
}

function readRules(ctx: LoadContext, entry: YEntry): Spanned[] | undefined {
  const rules = readNames(ctx, entry, "CORRELATION_BAD_RULES");
  if (rules !== undefined && rules.length === 0) {
    ctx.error(
      "CORRELATION_BAD_RULES",
      valueSpan(entry),
      "'rules' is empty: name at least one rule",
    );
    return undefined;
  }
  return rules;
}

function readGroupBy(ctx: LoadContext, entry: YEntry): Spanned[] | undefined {
  return readNames(ctx, entry, "CORRELATION_BAD_GROUP_BY");
}

function readTimespan(ctx: LoadContext, entry: YEntry): Timespan | undefined {
  const node = entry.value;
  const at = valueSpan(entry);
  const text = node.kind === "scalar" && node.value !== null ? node.text : undefined;
  const m = text === undefined ? null : TIMESPAN.exec(text);
  const bad = (why: string): undefined => {
    ctx.error(
      "CORRELATION_BAD_TIMESPAN",
      at,
      `'timespan' ${text === undefined ? `is ${describe(node)}` : `'${text}'`}: ${why}`,
    );
    return undefined;
  };
  if (text === undefined || m === null)
    return bad("write a whole number and a unit: s, m, h or d (e.g. '90m')");
  const count = Number(m[1]);
  const unit = m[2]!;
  const scale = UNIT_US[unit];
  if (scale === undefined) {
    const lower =
      UNIT_US[unit.toLowerCase()] !== undefined
        ? ` (the unit is lower case: '${m[1]}${unit.toLowerCase()}')`
        : "";
    const week = unit === "w" ? ` (write '${count * 7}d')` : "";
    return bad(`'${unit}' is not a unit of the specification: s, m, h or d${lower}${week}`);
  }
  if (count === 0) return bad("a window must be longer than zero");
  const us = count * scale;
  if (!Number.isSafeInteger(us) || us > MAX_TIMESPAN_US) return bad("longer than ten years");
  return { text, us, at };
}

function readAliases(ctx: LoadContext, entry: YEntry): AliasDefinition[] {
  const v = entryValue(entry);
  if (v.node.kind !== "map") {
    ctx.error(
      "CORRELATION_BAD_ALIAS",
      v.at,
      `'aliases' must map each alias to a mapping of rule → field, got ${describe(v.node)}`,
    );
    return [];
  }
  const out: AliasDefinition[] = [];
  for (const a of v.node.entries) {
    if (a.value.kind !== "map" || a.value.entries.length === 0) {
      ctx.error(
        "CORRELATION_BAD_ALIAS",
        valueSpan(a),
        `alias '${a.key.text}' must map rule names to field names, got ${describe(a.value)}`,
      );
      continue;
    }
    const fields: { rule: Spanned; field: Spanned }[] = [];
    for (const f of a.value.entries) {
      const what = `the field of rule '${f.key.text}' in alias '${a.key.text}'`;
      const field = spannedString(ctx, f.value, valueSpan(f), what, "CORRELATION_BAD_ALIAS");
      if (field !== undefined) fields.push({ rule: { text: f.key.text, at: f.key }, field });
    }
    out.push({ alias: { text: a.key.text, at: a.key }, fields });
  }
  return out;
}
