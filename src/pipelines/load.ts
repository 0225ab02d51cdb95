import type { Diagnostic } from "../diagnostics.js";
import { describe } from "../sigma/load-context.js";
import { readRuleFile } from "../sigma/read-input.js";
import { parseYaml } from "../sigma/yaml-tree.js";
import type { SourceFile } from "../source.js";
import type { TargetName } from "../targets/types.js";
import { readItem, readTargets } from "./load-item.js";
import { Reader } from "./read.js";
import type { Pipeline, PipelineItem } from "./types.js";

/**
 * A pipeline file → a validated Pipeline, or diagnostics at file:line:col (the same treatment as
 * a bad rule). Nothing of a file with an error is used.
 */

const PIPELINE_KEYS = [
  "name",
  "description",
  "priority",
  "targets",
  "default",
  "replaces",
  "items",
] as const;

/** Built-in pipeline names (and user pipelines' names): lower case, digits, `-`, `_`, `.`. */
const NAME = /^[a-z0-9][a-z0-9._-]*$/;
export const DEFAULT_PRIORITY = 50;

export interface LoadedPipeline {
  readonly pipeline?: Pipeline;
  readonly source?: SourceFile;
  readonly diagnostics: readonly Diagnostic[];
}

export function parsePipeline(source: SourceFile, builtin = false): LoadedPipeline {
  const parsed = parseYaml(source);
  const r = new Reader(source);
  r.diagnostics.push(...parsed.diagnostics);
  const fail = (): LoadedPipeline => ({ source, diagnostics: r.diagnostics });
  if (parsed.diagnostics.some((d) => d.severity === "error")) return fail();
  const docs = parsed.documents.filter((d) => d !== null);
  const root = docs[0];
  if (root === undefined || docs.length > 1) {
    r.error(
      "PIPELINE_INVALID",
      { start: 0, end: 0 },
      root === undefined
        ? "the file is empty: a pipeline file is one YAML mapping"
        : "a pipeline file holds one YAML document",
    );
    return fail();
  }
  const map = r.map(root, root, "a pipeline file");
  if (map === undefined) return fail();
  const keys = r.entries(map, PIPELINE_KEYS, "the pipeline");
  const missing = (k: string): void =>
    r.error("PIPELINE_INVALID", map.entries[0]?.key ?? map, `the pipeline needs '${k}'`);

  const n = keys.get("name");
  let name: string | undefined;
  if (n === undefined) missing("name");
  else {
    name = r.string(n.value, r.valueAt(n), "'name'");
    if (name !== undefined && !NAME.test(name)) {
      r.error(
        "PIPELINE_INVALID",
        r.valueAt(n),
        `'name' must be lower case letters, digits, '.', '_' or '-' (got '${name}')`,
      );
      name = undefined;
    }
  }
  const d = keys.get("description");
  const description = (d && r.string(d.value, r.valueAt(d), "'description'")) ?? "";
  const p = keys.get("priority");
  const priority = p ? r.integer(p.value, r.valueAt(p), "'priority'", 0, 1000) : DEFAULT_PRIORITY;
  const t = keys.get("targets");
  let targets: TargetName[] | undefined;
  if (t === undefined) missing("targets");
  else targets = readTargets(r, t, "pipeline");
  const df = keys.get("default");
  const isDefault = df ? r.boolean(df.value, r.valueAt(df), "'default'") : false;
  const rp = keys.get("replaces");
  const replaces = rp ? r.strings(rp.value, r.valueAt(rp), "'replaces'") : [];

  const itemsEntry = keys.get("items");
  const items: PipelineItem[] = [];
  if (itemsEntry === undefined) missing("items");
  else if (itemsEntry.value.kind !== "seq" || itemsEntry.value.items.length === 0)
    r.error(
      "PIPELINE_INVALID",
      r.valueAt(itemsEntry),
      `'items' must be a non-empty list of items, got ${describe(itemsEntry.value)}`,
    );
  else if (targets !== undefined) {
    const ids = new Set<string>();
    itemsEntry.value.items.forEach((node, i) => {
      const item = readItem(r, node, i, name ?? "pipeline", targets!);
      if (item === undefined) return;
      if (ids.has(item.id))
        r.error("PIPELINE_DUPLICATE", node, `item id '${item.id}' is used twice in this pipeline`);
      ids.add(item.id);
      items.push(item);
    });
  }
  if (
    r.errors > 0 ||
    name === undefined ||
    targets === undefined ||
    priority === undefined ||
    isDefault === undefined ||
    replaces === undefined
  )
    return fail();
  return {
    source,
    diagnostics: r.diagnostics,
    pipeline: {
      name,
      description,
      source,
      builtin,
      priority,
      targets,
      default: isDefault,
      replaces,
      items,
    },
  };
}

/** A user's pipeline file from disk (the same input checks as a rule file). */
export function loadPipelineFile(path: string): LoadedPipeline {
  const read = readRuleFile(path);
  if (read.source === undefined) return { diagnostics: read.diagnostics };
  const loaded = parsePipeline(read.source);
  return { ...loaded, diagnostics: [...read.diagnostics, ...loaded.diagnostics] };
}
