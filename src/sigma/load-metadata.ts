import type { Level, LogSource, Status } from "./rule.js";
import type { LoadContext } from "./load-context.js";
import {
  entryValue,
  readDate,
  readEnum,
  readList,
  readNonEmptyString,
  readString,
  readStringList,
  readUuid,
  type Located,
} from "./load-values.js";
import { mapGet, type YEntry } from "./yaml-tree.js";
import { describe } from "./load-context.js";

/**
 * The descriptive top-level keys of a Sigma document (specification 2.x), one validator each.
 * Structural keys (logsource, detection, filter) are read in load-structure.ts.
 */

export const STATUSES: readonly Status[] = [
  "stable",
  "test",
  "experimental",
  "deprecated",
  "unsupported",
];
export const LEVELS: readonly Level[] = ["informational", "low", "medium", "high", "critical"];
export const RELATION_TYPES = ["derived", "obsolete", "merged", "renamed", "similar"] as const;
export type RelationType = (typeof RELATION_TYPES)[number];

export interface RelatedRule {
  readonly id: string;
  readonly type: RelationType;
}

/**
 * Specification keys that src/sigma/rule.ts has no field for. Proposed addition to DocumentBase;
 * until then documents carry them as `meta`.
 */
export interface SpecMetadata {
  readonly license?: string;
  readonly taxonomy?: string;
  readonly scope: readonly string[];
  readonly related: readonly RelatedRule[];
}

/** What the metadata validators fill in; every list starts empty. */
export interface MetadataDraft {
  title?: string;
  id?: string;
  name?: string;
  status?: Status;
  description?: string;
  references: string[];
  author?: string;
  date?: string;
  modified?: string;
  tags: string[];
  level?: Level;
  falsepositives: string[];
  fields: string[];
  license?: string;
  taxonomy?: string;
  scope: string[];
  related: RelatedRule[];
}

export function emptyDraft(): MetadataDraft {
  return { references: [], tags: [], falsepositives: [], fields: [], scope: [], related: [] };
}

const TITLE_MAX = 256;
const DESCRIPTION_MAX = 65_535;

type MetadataKey =
  | "title"
  | "id"
  | "name"
  | "status"
  | "description"
  | "references"
  | "author"
  | "date"
  | "modified"
  | "tags"
  | "level"
  | "falsepositives"
  | "fields"
  | "license"
  | "taxonomy"
  | "scope"
  | "related";

type Validator = (ctx: LoadContext, v: Located, out: MetadataDraft) => void;

export const METADATA_KEYS: Readonly<Record<MetadataKey, Validator>> = {
  title: (ctx, v, out) => {
    const title = readNonEmptyString(ctx, v);
    if (title !== undefined && [...title].length > TITLE_MAX) {
      ctx.error(
        "RULE_TITLE_TOO_LONG",
        v.at,
        `'title' has ${[...title].length} characters; at most ${TITLE_MAX}`,
      );
    } else out.title = title;
  },
  id: (ctx, v, out) => (out.id = readUuid(ctx, v)),
  name: (ctx, v, out) => (out.name = readNonEmptyString(ctx, v)),
  status: (ctx, v, out) => (out.status = readEnum(ctx, v, STATUSES, "RULE_BAD_STATUS")),
  description: (ctx, v, out) => {
    const text = readString(ctx, v);
    if (text !== undefined && text.length > DESCRIPTION_MAX) {
      ctx.warn(
        "RULE_DESCRIPTION_TOO_LONG",
        v.at,
        `'description' is longer than ${DESCRIPTION_MAX} characters`,
      );
    }
    out.description = text;
  },
  references: (ctx, v, out) => (out.references = readStringList(ctx, v) ?? []),
  author: (ctx, v, out) => (out.author = readString(ctx, v)),
  date: (ctx, v, out) => (out.date = readDate(ctx, v)),
  modified: (ctx, v, out) => (out.modified = readDate(ctx, v)),
  tags: (ctx, v, out) => (out.tags = readTags(ctx, v)),
  level: (ctx, v, out) => (out.level = readEnum(ctx, v, LEVELS, "RULE_BAD_LEVEL")),
  falsepositives: (ctx, v, out) =>
    (out.falsepositives = readStringList(ctx, v, { allowSingle: true }) ?? []),
  fields: (ctx, v, out) => (out.fields = readStringList(ctx, v) ?? []),
  license: (ctx, v, out) => (out.license = readString(ctx, v)),
  taxonomy: (ctx, v, out) => (out.taxonomy = readNonEmptyString(ctx, v)),
  scope: (ctx, v, out) => (out.scope = readStringList(ctx, v) ?? []),
  related: (ctx, v, out) => (out.related = readRelated(ctx, v)),
};

export function isMetadataKey(key: string): key is MetadataKey {
  return Object.hasOwn(METADATA_KEYS, key);
}

/** The specification's tag shape; anything else that still has a namespace is only odd. */
const TAG_STYLE = /^[a-z0-9_-]+\.[a-z0-9._-]+$/;
/** What a tag must be to mean anything: `namespace.value`, no blanks. */
const TAG_SHAPE = /^[^.\s]+\.\S+$/;

function readTags(ctx: LoadContext, v: Located): string[] {
  const tags = readStringList(ctx, v) ?? [];
  const items = v.node.kind === "seq" ? v.node.items : [];
  const good: string[] = [];
  for (const tag of tags) {
    const at = items.find((n) => n.kind === "scalar" && n.value === tag) ?? v.at;
    if (!TAG_SHAPE.test(tag)) {
      ctx.error(
        "RULE_BAD_TAG",
        at,
        `tag '${tag}' is not of the form namespace.value (e.g. attack.t1059)`,
      );
    } else {
      if (!TAG_STYLE.test(tag)) {
        ctx.warn(
          "RULE_TAG_STYLE",
          at,
          `tag '${tag}' should use only lower-case letters, digits, '_', '-' and '.' (${tag.toLowerCase()}?)`,
        );
      }
      good.push(tag);
    }
  }
  return good;
}

function readRelated(ctx: LoadContext, v: Located): RelatedRule[] {
  const out: RelatedRule[] = [];
  for (const item of readList(ctx, v) ?? []) {
    const { node } = item;
    if (node.kind !== "map") {
      ctx.error(
        "RULE_TYPE",
        item.at,
        `${item.what} must be a mapping with 'id' and 'type', got ${describe(node)}`,
      );
      continue;
    }
    const idEntry = mapGet(node, "id");
    const typeEntry = mapGet(node, "type");
    if (idEntry === undefined)
      ctx.error("RULE_MISSING_KEY", item.at, "this 'related' entry has no 'id'");
    if (typeEntry === undefined)
      ctx.error("RULE_MISSING_KEY", item.at, "this 'related' entry has no 'type'");
    if (idEntry === undefined || typeEntry === undefined) continue;
    const id = readUuid(ctx, relatedValue(idEntry));
    const type = readEnum(ctx, relatedValue(typeEntry), RELATION_TYPES, "RULE_BAD_RELATED_TYPE");
    if (id !== undefined && type !== undefined) out.push({ id, type });
  }
  return out;
}

function relatedValue(entry: YEntry): Located {
  return { ...entryValue(entry), what: `related '${entry.key.text}'` };
}

/** logsource: a mapping of strings naming at least one of category, product, service. */
export const LOGSOURCE_KEYS = ["category", "product", "service", "definition"] as const;

export function readLogsource(ctx: LoadContext, entry: YEntry): LogSource | undefined {
  const v = entryValue(entry);
  if (v.node.kind !== "map") {
    ctx.error(
      "RULE_TYPE",
      v.at,
      `'logsource' must be a mapping (category, product, service), got ${describe(v.node)}`,
    );
    return undefined;
  }
  const out: { -readonly [K in keyof LogSource]: LogSource[K] } = {};
  let ok = true;
  for (const e of v.node.entries) {
    const key = e.key.text;
    if (key === "category" || key === "product" || key === "service" || key === "definition") {
      const s = readString(ctx, { ...entryValue(e), what: `logsource '${key}'` });
      if (s === undefined) ok = false;
      else out[key] = s;
    }
  }
  if (ok && out.category === undefined && out.product === undefined && out.service === undefined) {
    ctx.error(
      "RULE_LOGSOURCE_EMPTY",
      entry.key,
      "'logsource' needs at least one of category, product, service",
    );
    return undefined;
  }
  return ok ? out : undefined;
}
