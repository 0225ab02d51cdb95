import type { LogSource } from "../sigma/rule.js";
import type { TargetName } from "../targets/types.js";
import { builtinCandidates } from "./builtins.js";
import type { Pipeline, PipelineItem } from "./types.js";

/**
 * Which pipelines a target applies to a logsource, in which order: its default built-ins (those
 * that may know the logsource: builtinCandidates), then the user's (-p)
 * in the order given; a user pipeline with a built-in's name takes that built-in's place; a
 * pipeline's `replaces` leaves the named ones out; then a stable sort by priority (lower first).
 */
export function selectPipelines(
  target: TargetName,
  user: readonly Pipeline[],
  logsource: LogSource,
): Pipeline[] {
  const named = new Set(user.map((p) => p.name));
  const chosen = [
    ...builtinCandidates(logsource, target).filter((p) => p.default && !named.has(p.name)),
    ...user,
  ].filter((p) => p.targets.includes(target));
  const replaced = new Set(chosen.flatMap((p) => p.replaces));
  return chosen
    .filter((p) => !replaced.has(p.name))
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.priority - b.p.priority || a.i - b.i)
    .map(({ p }) => p);
}

const LOGSOURCE_KEYS = ["product", "category", "service"] as const;

/** Every key the item names equals the rule's (case-insensitive). */
export function itemMatches(item: PipelineItem, logsource: LogSource): boolean {
  return LOGSOURCE_KEYS.every(
    (k) =>
      item.logsource[k] === undefined ||
      item.logsource[k]?.toLowerCase() === logsource[k]?.toLowerCase(),
  );
}

/** The items of the selected pipelines that apply to this logsource and target, in order. */
export function applicableItems(
  pipelines: readonly Pipeline[],
  target: TargetName,
  logsource: LogSource,
): { pipeline: Pipeline; item: PipelineItem }[] {
  return pipelines.flatMap((pipeline) =>
    pipeline.items
      .filter((item) => item.targets.includes(target) && itemMatches(item, logsource))
      .map((item) => ({ pipeline, item })),
  );
}
