import type { Diagnostic } from "../diagnostics.js";
import type { SourceFile } from "../source.js";
import { LoadContext, describe, isEmptyScalar, type Span } from "./load-context.js";
import {
  METADATA_KEYS,
  LOGSOURCE_KEYS,
  emptyDraft,
  isMetadataKey,
  readLogsource,
  type MetadataDraft,
  type SpecMetadata,
} from "./load-metadata.js";
import { readDetection, readFilterRules, warnNearMiss } from "./load-structure.js";
import { entryValue } from "./load-values.js";
import { readCorrelationId } from "./load-correlation.js";
import { checkText } from "./read-input.js";
import type { LogSource, SigmaDocument, SigmaFilter, SigmaRule } from "./rule.js";
import type { SigmaCorrelation } from "./correlation.js";
import { readCorrelationSection } from "./load-correlation.js";
import { mapGet, parseYaml, toPlain, type YEntry, type YMap, type YNode } from "./yaml-tree.js";

export { LOAD_CODES, YAML_CODES, type LoadCode } from "./load-context.js";
export type { SpecMetadata, RelatedRule, RelationType } from "./load-metadata.js";

/** A loaded rule or filter, with the specification keys rule.ts has no field for. */
export type LoadedDocument = SigmaDocument & { readonly meta: SpecMetadata };

export interface LoadResult {
  /** Only documents without errors; a document with an error is reported, never half-built. */
  readonly documents: LoadedDocument[];
  /** Correlation documents (their references are resolved over a whole rule set, not here). */
  readonly correlations: SigmaCorrelation[];
  readonly diagnostics: Diagnostic[];
}

/** Keys that decide what a document is; each is read by its own function below. */
const STRUCTURE_KEYS = ["logsource", "detection", "filter", "correlation", "action"] as const;
const KNOWN_KEYS: readonly string[] = [...Object.keys(METADATA_KEYS), ...STRUCTURE_KEYS];

/**
 * Reads every YAML document of a Sigma file into a SigmaRule or SigmaFilter (specification 2.x).
 * A YAML error anywhere in the file withholds all of its documents: positions after a broken
 * construct cannot be trusted, and a rule must never be compiled from a guess.
 */
export function loadSigmaFile(source: SourceFile): LoadResult {
  const problem = checkText(source);
  if (problem !== undefined) return { documents: [], correlations: [], diagnostics: [problem] };
  const yaml = parseYaml(source);
  const diagnostics: Diagnostic[] = [...yaml.diagnostics];
  const documents: LoadedDocument[] = [];
  const correlations: SigmaCorrelation[] = [];
  const fileCtx = new LoadContext(source, diagnostics);

  if (yaml.documents.length === 0 && yaml.diagnostics.length === 0) {
    fileCtx.warn(
      "RULE_EMPTY_FILE",
      { start: 0, end: 0 },
      "the file contains no YAML document, so no rule",
    );
  }
  const yamlFailed = yaml.diagnostics.some((d) => d.severity === "error");
  yaml.documents.forEach((root, index) => {
    // An aborted document (alias bomb) is null too, but its error has been reported already.
    if (root === null && yamlFailed) return;
    if (root === null || isEmptyScalar(root)) {
      const start = emptyDocumentOffset(source.text, index, yaml.documents.length);
      const at = start === undefined ? undefined : { start, end: start };
      fileCtx.warn("RULE_EMPTY_DOCUMENT", at, `YAML document ${index + 1} is empty; skipped`);
      return;
    }
    const ctx = new LoadContext(source, diagnostics);
    const doc = loadDocument(ctx, root, index);
    if (doc === undefined || ctx.errorCount > 0) return;
    if (doc.kind === "correlation") correlations.push(doc);
    else documents.push(doc);
  });
  const unique = withoutDuplicates(fileCtx, [...documents, ...correlations]);
  return {
    documents: yamlFailed ? [] : documents.filter((d) => unique.has(d)),
    correlations: yamlFailed ? [] : correlations.filter((d) => unique.has(d)),
    diagnostics,
  };
}

function loadDocument(
  ctx: LoadContext,
  root: YNode,
  documentIndex: number,
): LoadedDocument | SigmaCorrelation | undefined {
  if (root.kind !== "map") {
    ctx.error(
      "RULE_NOT_A_MAPPING",
      root,
      `a Sigma document must be a mapping of keys (title, logsource, detection…), got ${describe(root)}`,
    );
    return undefined;
  }
  const action = mapGet(root, "action");
  if (action !== undefined) {
    const value = action.value.kind === "scalar" ? ` '${action.value.text}'` : "";
    ctx.error(
      "RULE_COLLECTION_UNSUPPORTED",
      action.key,
      `'action${value}' belongs to Sigma 1.x rule collections, which are not supported; write each rule as a complete document`,
    );
    return undefined;
  }

  const draft = emptyDraft();
  const isCorrelation = mapGet(root, "correlation") !== undefined;
  for (const entry of root.entries) {
    const key = entry.key.text;
    if (key === "id" && isCorrelation) draft.id = readCorrelationId(ctx, entryValue(entry));
    else if (isMetadataKey(key)) METADATA_KEYS[key](ctx, entryValue(entry), draft);
    else if (!(STRUCTURE_KEYS as readonly string[]).includes(key))
      warnNearMiss(ctx, entry.key, KNOWN_KEYS, "");
  }
  const docStart: Span = { start: root.start, end: root.start };
  if (mapGet(root, "title") === undefined)
    ctx.error("RULE_MISSING_KEY", docStart, "missing required key 'title'");
  const correlation = mapGet(root, "correlation");
  if (correlation !== undefined)
    return buildCorrelation(ctx, root, documentIndex, draft, correlation);

  const logsourceEntry = mapGet(root, "logsource");
  let logsource: LogSource | undefined;
  if (logsourceEntry === undefined)
    ctx.error("RULE_MISSING_KEY", docStart, "missing required key 'logsource'");
  else {
    logsource = readLogsource(ctx, logsourceEntry);
    warnUnknownInside(ctx, logsourceEntry, LOGSOURCE_KEYS, " in 'logsource'");
  }

  const filterEntry = mapGet(root, "filter");
  const detectionEntry = mapGet(root, "detection");
  if (filterEntry !== undefined && detectionEntry !== undefined) {
    ctx.error(
      "RULE_AMBIGUOUS_DOCUMENT",
      filterEntry.key,
      "a document has either 'detection' (a rule) or 'filter' (a filter), not both",
    );
    return undefined;
  }
  const base = { root, documentIndex, draft, logsource };
  if (filterEntry !== undefined) return buildFilter(ctx, base, filterEntry);
  if (detectionEntry === undefined) {
    ctx.error("RULE_MISSING_KEY", docStart, "missing required key 'detection'");
    return undefined;
  }
  return buildRule(ctx, base, detectionEntry);
}

interface Parts {
  readonly root: YMap;
  readonly documentIndex: number;
  readonly draft: MetadataDraft;
  readonly logsource: LogSource | undefined;
}

function buildRule(
  ctx: LoadContext,
  parts: Parts,
  detectionEntry: YEntry,
): LoadedDocument | undefined {
  const detection = readDetection(ctx, detectionEntry);
  const common = commonFields(ctx, parts);
  if (detection === undefined || common === undefined) return undefined;
  const rule: SigmaRule & { meta: SpecMetadata } = {
    kind: "rule",
    ...common,
    detection: detection.detection,
    conditions: detection.conditions,
    fields: parts.draft.fields,
  };
  return rule;
}

function buildFilter(
  ctx: LoadContext,
  parts: Parts,
  filterEntry: YEntry,
): LoadedDocument | undefined {
  const rules = readFilterRules(ctx, filterEntry);
  const detection = readDetection(ctx, filterEntry, ["rules"]);
  const common = commonFields(ctx, parts);
  if (rules === undefined || detection === undefined || common === undefined) return undefined;
  const filter: SigmaFilter & { meta: SpecMetadata } = {
    kind: "filter",
    ...common,
    rules,
    detection: detection.detection,
    conditions: detection.conditions,
  };
  return filter;
}

/**
 * A correlation document: metadata plus `correlation:`. It has no logsource or detection of its
 * own (it correlates the events of the rules it names).
 */
function buildCorrelation(
  ctx: LoadContext,
  root: YMap,
  documentIndex: number,
  draft: MetadataDraft,
  entry: YEntry,
): SigmaCorrelation | undefined {
  for (const key of ["logsource", "detection", "filter"]) {
    const other = mapGet(root, key);
    if (other !== undefined)
      ctx.error(
        "RULE_AMBIGUOUS_DOCUMENT",
        other.key,
        `a correlation document has no '${key}': it correlates the events of the rules it names`,
      );
  }
  const section = readCorrelationSection(ctx, entry);
  if (section === undefined || ctx.errorCount > 0 || draft.title === undefined) return undefined;
  const common = commonMetadata(root, draft);
  return {
    kind: "correlation",
    source: ctx.source,
    node: root,
    documentIndex,
    title: draft.title,
    ...common.optional,
    references: draft.references,
    tags: draft.tags,
    falsepositives: draft.falsepositives,
    custom: common.custom,
    meta: common.meta,
    at: entry.key,
    ...section,
  };
}

/** The fields every document kind shares; undefined when a required one is missing or broken. */
type CommonFields = Omit<SigmaRule, "kind" | "detection" | "conditions" | "fields"> & {
  meta: SpecMetadata;
};

function commonFields(ctx: LoadContext, parts: Parts): CommonFields | undefined {
  const { draft, root, logsource } = parts;
  if (ctx.errorCount > 0 || draft.title === undefined || logsource === undefined) return undefined;
  const { optional, custom, meta } = commonMetadata(root, draft);
  return {
    source: ctx.source,
    node: root,
    documentIndex: parts.documentIndex,
    title: draft.title,
    ...optional,
    references: draft.references,
    tags: draft.tags,
    falsepositives: draft.falsepositives,
    logsource,
    custom,
    meta,
  };
}

/** Optional metadata, custom keys and the keys rule.ts has no field for, for every document kind. */
function commonMetadata(root: YMap, draft: MetadataDraft) {
  const custom: Record<string, unknown> = {};
  for (const entry of root.entries) {
    const key = entry.key.text;
    if (isMetadataKey(key) || (STRUCTURE_KEYS as readonly string[]).includes(key)) continue;
    // defineProperty: a key named __proto__ must stay data, not change the object's prototype.
    Object.defineProperty(custom, key, {
      value: toPlain(entry.value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const optional = {
    ...(draft.id === undefined ? {} : { id: draft.id }),
    ...(draft.name === undefined ? {} : { name: draft.name }),
    ...(draft.status === undefined ? {} : { status: draft.status }),
    ...(draft.description === undefined ? {} : { description: draft.description }),
    ...(draft.author === undefined ? {} : { author: draft.author }),
    ...(draft.date === undefined ? {} : { date: draft.date }),
    ...(draft.modified === undefined ? {} : { modified: draft.modified }),
    ...(draft.level === undefined ? {} : { level: draft.level }),
  };
  const meta: SpecMetadata = {
    ...(draft.license === undefined ? {} : { license: draft.license }),
    ...(draft.taxonomy === undefined ? {} : { taxonomy: draft.taxonomy }),
    scope: draft.scope,
    related: draft.related,
  };
  return { optional, custom, meta };
}

/** Inside a mapping whose other keys are free-form, only warn about likely misspellings. */
function warnUnknownInside(
  ctx: LoadContext,
  entry: YEntry,
  known: readonly string[],
  where: string,
): void {
  if (entry.value.kind !== "map") return;
  for (const e of entry.value.entries) {
    if (!known.includes(e.key.text)) warnNearMiss(ctx, e.key, known, where);
  }
}

type Identified = Pick<SigmaCorrelation, "id" | "name" | "node" | "documentIndex">;

/**
 * Two documents of one file with the same id (or name) cannot both be referenced: the later goes.
 * Returns the documents that stay.
 */
function withoutDuplicates<D extends Identified>(
  ctx: LoadContext,
  documents: readonly D[],
): Set<D> {
  const ids = new Map<string, number>();
  const names = new Map<string, number>();
  const ordered = [...documents].sort((a, b) => a.documentIndex - b.documentIndex);
  return new Set(
    ordered.filter((doc) => {
      let ok = true;
      for (const [key, value, seen, code] of [
        ["id", doc.id?.toLowerCase(), ids, "RULE_DUPLICATE_ID"],
        ["name", doc.name, names, "RULE_DUPLICATE_NAME"],
      ] as const) {
        if (value === undefined) continue;
        const first = seen.get(value);
        const at = mapGet(doc.node, key)?.value;
        if (first !== undefined) {
          ctx.error(
            code,
            at,
            `${key} '${value}' is already used by YAML document ${first + 1} of this file`,
          );
          ok = false;
        } else seen.set(value, doc.documentIndex);
      }
      return ok;
    }),
  );
}

/**
 * The parser gives no position for an empty document, so find its `---` marker: document i starts
 * at the i-th marker when the first document has one, else at the (i-1)-th.
 */
function emptyDocumentOffset(text: string, index: number, count: number): number | undefined {
  const markers: number[] = [];
  const re = /^---(?=[ \t\r\n]|$)/gm;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) markers.push(m.index);
  if (markers.length === count) return markers[index];
  if (markers.length === count - 1) return index === 0 ? 0 : markers[index - 1];
  return undefined;
}
