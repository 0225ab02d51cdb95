import { editDistance, suggest } from "../diagnostics.js";
import { describe, isEmptyScalar, type LoadContext } from "./load-context.js";
import { entryValue, readConditions, readStringList, type Located } from "./load-values.js";
import type { YEntry, YMap, YScalar } from "./yaml-tree.js";

/**
 * The detection of a rule and the `filter:` of a filter document: search identifiers plus
 * `condition`. The values of search identifiers are only checked for shape here; the normalizer
 * reads field names, modifiers and values.
 */

export interface DetectionParts {
  readonly detection: YMap;
  readonly conditions: readonly YScalar[];
}

/** Keys of a detection that are not search identifiers. */
export const DETECTION_KEYWORDS = ["condition", "timeframe"] as const;
/** Sigma 1.x time windows: a number and a unit (s, m, h, d; M for months, y for years). */
const TIMEFRAME = /^[1-9][0-9]*[smhdMy]$/;

/**
 * `owner` is the `detection:` (or `filter:`) entry; `skip` names keys owned by the caller
 * (`rules` of a filter) that are neither identifiers nor keywords.
 */
export function readDetection(
  ctx: LoadContext,
  owner: YEntry,
  skip: readonly string[] = [],
): DetectionParts | undefined {
  const v = entryValue(owner);
  const name = `'${owner.key.text}'`;
  if (v.node.kind !== "map") {
    ctx.error(
      "RULE_TYPE",
      v.at,
      `${name} must be a mapping of search identifiers and a condition, got ${describe(v.node)}`,
    );
    return undefined;
  }
  const errorsBefore = ctx.errorCount;
  let conditions: YScalar[] | undefined;
  const identifiers: YEntry[] = [];
  const kept: YEntry[] = [];
  for (const entry of v.node.entries) {
    const key = entry.key.text;
    if (skip.includes(key)) continue;
    kept.push(entry);
    if (key === "condition")
      conditions = readConditions(ctx, { ...entryValue(entry), what: "'condition'" });
    else if (key === "timeframe") readTimeframe(ctx, entryValue(entry));
    else {
      identifiers.push(entry);
      checkSearchIdentifier(ctx, entry);
    }
  }
  if (!v.node.entries.some((e) => e.key.text === "condition")) {
    const near = identifiers.find((e) => isNear(e.key.text, "condition"));
    const hint =
      near === undefined ? "" : ` ('${near.key.text}' looks like a misspelling of 'condition')`;
    ctx.error("RULE_MISSING_CONDITION", owner.key, `${name} has no 'condition'${hint}`);
  }
  if (identifiers.length === 0) {
    ctx.error(
      "RULE_NO_SEARCH_IDENTIFIER",
      owner.key,
      `${name} defines no search identifier for the condition to use`,
    );
  }
  if (ctx.errorCount > errorsBefore || conditions === undefined) return undefined;
  // The filter's `rules` is not part of its detection: the normalizer sees only identifiers.
  const detection: YMap = { kind: "map", entries: kept, start: v.node.start, end: v.node.end };
  return { detection, conditions };
}

function checkSearchIdentifier(ctx: LoadContext, entry: YEntry): void {
  const value = entry.value;
  const name = entry.key.text;
  if (value.kind === "scalar" && value.value === null) {
    ctx.error(
      "RULE_EMPTY_SEARCH_IDENTIFIER",
      isEmptyScalar(value) ? entry.key : value,
      `search identifier '${name}' has no value; give it field: value pairs or a list of keywords`,
    );
  } else if (
    (value.kind === "map" && value.entries.length === 0) ||
    (value.kind === "seq" && value.items.length === 0)
  ) {
    // An empty mapping would match everything and an empty list nothing: neither is meant.
    ctx.error(
      "RULE_EMPTY_SEARCH_IDENTIFIER",
      value,
      `search identifier '${name}' is ${describe(value)} with nothing in it`,
    );
  }
}

function readTimeframe(ctx: LoadContext, v: Located): void {
  const { node } = v;
  const text = node.kind === "scalar" && node.value !== null ? node.text : undefined;
  if (text === undefined || !TIMEFRAME.test(text)) {
    const got = text === undefined ? describe(node) : `'${text}'`;
    ctx.error(
      "RULE_BAD_TIMEFRAME",
      v.at,
      `'timeframe' must be a number and a unit (s, m, h, d, M, y) like 15m, got ${got}`,
    );
  }
}

/** The `rules:` of a filter: the ids or names of the rules it applies to. */
export function readFilterRules(ctx: LoadContext, owner: YEntry): string[] | undefined {
  if (owner.value.kind !== "map") return undefined;
  const entry = owner.value.entries.find((e) => e.key.text === "rules");
  if (entry === undefined) {
    ctx.error(
      "RULE_MISSING_KEY",
      owner.key,
      "'filter' has no 'rules' list naming the rules (by id or name) it applies to",
    );
    return undefined;
  }
  const rules = readStringList(
    ctx,
    { ...entryValue(entry), what: "'rules'" },
    { allowSingle: true },
  );
  if (rules !== undefined && rules.length === 0) {
    ctx.error(
      "RULE_EMPTY_VALUE",
      entryValue(entry).at,
      "'rules' is empty; name at least one rule by id or name",
    );
    return undefined;
  }
  return rules;
}

/** Close enough to be a typo of `known` (short words need to be closer). */
export function isNear(word: string, known: string): boolean {
  if (word === known) return false;
  const limit = known.length <= 4 ? 1 : 2;
  return editDistance(word.toLowerCase(), known.toLowerCase()) <= limit;
}

/** Warns about an unknown key that is probably a misspelt known one; returns whether it did. */
export function warnNearMiss(
  ctx: LoadContext,
  key: YScalar,
  known: readonly string[],
  where: string,
): boolean {
  const guess = suggest(key.text, known);
  if (guess === undefined || !isNear(key.text, guess)) return false;
  ctx.warn(
    "RULE_UNKNOWN_KEY_NEAR_MISS",
    key,
    `unknown key '${key.text}'${where} — did you mean '${guess}'?`,
  );
  return true;
}
