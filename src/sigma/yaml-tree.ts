import {
  EVENT_ID,
  SCALAR_STYLE,
  getScalarValue,
  parseEvents,
  type Event,
  type ScalarEvent,
} from "js-yaml";
import type { Diagnostic } from "../diagnostics.js";
import { locate, type SourceFile } from "../source.js";
import {
  resolveCoreScalar,
  resolveTag,
  resolveTaggedScalar,
  tagHandles,
  type ScalarValue,
} from "./yaml-schema.js";

export { resolveCoreScalar, type ScalarValue };

/**
 * A YAML tree where every node keeps its source offsets. Rules are built from this tree rather
 * than from plain JS values so that a bad modifier three levels down is reported where it stands.
 */
export type YNode = YScalar | YSeq | YMap;

export interface YScalar {
  readonly kind: "scalar";
  /** The value after YAML 1.2 core-schema resolution (plain scalars only; quoted ones are strings). */
  readonly value: ScalarValue;
  /** The decoded text, before type resolution. */
  readonly text: string;
  /** True when the scalar was quoted or a block scalar: its text is verbatim. */
  readonly quoted: boolean;
  /** Offset of the first character of the value (inside the quotes for quoted scalars). */
  readonly start: number;
  readonly end: number;
}

export interface YSeq {
  readonly kind: "seq";
  readonly items: readonly YNode[];
  readonly start: number;
  readonly end: number;
}

export interface YEntry {
  readonly key: YScalar;
  readonly value: YNode;
}

export interface YMap {
  readonly kind: "map";
  readonly entries: readonly YEntry[];
  readonly start: number;
  readonly end: number;
}

export interface YamlDocuments {
  /** One entry per YAML document; null for an empty document. */
  readonly documents: readonly (YNode | null)[];
  readonly diagnostics: readonly Diagnostic[];
}

export interface ParseYamlOptions {
  /** Upper bound on nodes reachable through aliases (defends against "billion laughs"). */
  readonly maxExpandedNodes?: number;
  readonly maxDepth?: number;
}

const DEFAULT_MAX_EXPANDED = 1_000_000;

export function parseYaml(file: SourceFile, options: ParseYamlOptions = {}): YamlDocuments {
  const diagnostics: Diagnostic[] = [];
  const text = file.text;
  const error = (code: string, offset: number, message: string, length = 0): void => {
    diagnostics.push({
      severity: "error",
      code,
      message,
      file: file.path,
      loc: locate(file, offset, length),
    });
  };

  let events: Event[];
  try {
    events = parseEvents(text, { filename: file.path, maxDepth: options.maxDepth ?? 1000 });
  } catch (e) {
    const ex = e as { reason?: unknown; mark?: { position?: unknown }; message?: unknown };
    const position = typeof ex.mark?.position === "number" ? ex.mark.position : 0;
    const reason = typeof ex.reason === "string" ? ex.reason : String(ex.message ?? e);
    error(yamlErrorCode(reason), position, `invalid YAML: ${reason}`);
    return { documents: [], diagnostics };
  }

  const anchors = new Map<string, YNode>();
  const sizes = new WeakMap<YNode, number>();
  const documents: (YNode | null)[] = [];
  let i = 0;
  const maxExpanded = options.maxExpandedNodes ?? DEFAULT_MAX_EXPANDED;
  let aborted = false;

  let handles = tagHandles([]);
  const size = (n: YNode): number => sizes.get(n) ?? 1;

  function anchorName(start: number, end: number): string | undefined {
    return start >= 0 ? text.slice(start, end) : undefined;
  }

  function readNode(): YNode {
    const ev = events[i++]!;
    switch (ev.type) {
      case EVENT_ID.SCALAR: {
        const node = scalarNode(ev, checkTag(ev, "scalar"));
        register(anchorName(ev.anchorStart, ev.anchorEnd), node);
        return node;
      }
      case EVENT_ID.ALIAS: {
        const name = text.slice(ev.anchorStart, ev.anchorEnd);
        const target = anchors.get(name);
        if (target === undefined) {
          error(
            "YAML_UNKNOWN_ANCHOR",
            ev.anchorStart - 1,
            `alias *${name} refers to no complete anchor`,
          );
          return {
            kind: "scalar",
            value: null,
            text: "",
            quoted: false,
            start: ev.anchorStart,
            end: ev.anchorEnd,
          };
        }
        return target;
      }
      case EVENT_ID.SEQUENCE: {
        checkTag(ev, "seq");
        const items: YNode[] = [];
        let total = 1;
        while (events[i]?.type !== EVENT_ID.POP) {
          const item = readNode();
          total += size(item);
          items.push(item);
        }
        i++;
        const end = items.length ? items[items.length - 1]!.end : ev.start + 1;
        // slice(): an exact-size copy; a pushed-to array keeps spare capacity for the whole run.
        const node: YSeq = { kind: "seq", items: items.slice(), start: ev.start, end };
        track(node, total, ev.start);
        register(anchorName(ev.anchorStart, ev.anchorEnd), node);
        return node;
      }
      case EVENT_ID.MAPPING: {
        checkTag(ev, "map");
        const entries: YEntry[] = [];
        const seen = new Map<string, YScalar>();
        let total = 1;
        while (events[i]?.type !== EVENT_ID.POP) {
          const keyNode = readNode();
          const value = readNode();
          total += size(value) + 1;
          if (keyNode.kind !== "scalar") {
            error("YAML_COMPLEX_KEY", keyNode.start, "mapping keys must be plain strings");
            continue;
          }
          const key = keyNode.text;
          const previous = seen.get(key);
          if (previous !== undefined) {
            const first = locate(file, previous.start);
            diagnostics.push({
              severity: "error",
              code: "YAML_DUPLICATE_KEY",
              message: `duplicate key '${key}' (first defined at line ${first.line}, column ${first.col})`,
              file: file.path,
              loc: locate(file, keyNode.start, key.length),
            });
            continue;
          }
          seen.set(key, keyNode);
          entries.push({ key: keyNode, value });
        }
        i++;
        const last = entries[entries.length - 1];
        const end = last ? last.value.end : ev.start + 1;
        const node: YMap = { kind: "map", entries: entries.slice(), start: ev.start, end };
        track(node, total, ev.start);
        register(anchorName(ev.anchorStart, ev.anchorEnd), node);
        return node;
      }
      default:
        throw new Error(`unexpected YAML event ${ev.type}`);
    }
  }

  /**
   * Reports a tag this loader gives no meaning to, or a core tag on the wrong kind of node, and
   * returns what a scalar's tag asks for: its text as a string, or a core type to resolve it as.
   */
  function checkTag(ev: TaggedEvent, kind: YNode["kind"]): ScalarTag {
    if (ev.tagStart < 0) return undefined;
    const raw = text.slice(ev.tagStart, ev.tagEnd);
    const at = (code: string, message: string): undefined => {
      error(code, ev.tagStart, message, raw.length);
      return undefined;
    };
    const tag = resolveTag(raw, handles);
    switch (tag.kind) {
      case "non-specific":
        return kind === "scalar" ? "str" : undefined;
      case "unsupported":
        return at(
          "YAML_UNSUPPORTED_TAG",
          `the YAML tag ${raw}${raw.includes(tag.uri) ? "" : ` (${tag.uri})`} is not supported: a Sigma file is data, and only the core tags !!str, !!int, !!float, !!bool, !!null, !!seq and !!map have a meaning here`,
        );
      case "core": {
        const fits = tag.tag === "seq" || tag.tag === "map" ? tag.tag === kind : kind === "scalar";
        if (!fits) return at("YAML_TAG_MISMATCH", `${raw} cannot tag ${KIND_NAMES[kind]}`);
        return tag.tag === "seq" || tag.tag === "map" ? undefined : tag.tag;
      }
    }
  }

  function scalarNode(ev: ScalarEvent, tag: ScalarTag): YScalar {
    const decoded = getScalarValue(text, ev);
    const quoted = ev.style !== SCALAR_STYLE.PLAIN;
    // An empty plain scalar (`key:` with nothing after it) has no source text of its own.
    const start = ev.valueStart >= 0 ? ev.valueStart : 0;
    const end = ev.valueEnd >= 0 ? ev.valueEnd : start;
    let value: ScalarValue;
    if (tag !== undefined) {
      const typed = resolveTaggedScalar(tag, decoded);
      if (typed === undefined) {
        error(
          "YAML_TAG_MISMATCH",
          ev.tagStart,
          `'${decoded}' is not a valid !!${tag} value`,
          ev.tagEnd - ev.tagStart,
        );
      }
      value = typed === undefined ? decoded : typed;
    } else if (quoted) value = decoded;
    else value = resolveCoreScalar(decoded);
    return { kind: "scalar", value, text: decoded, quoted, start, end };
  }

  function track(node: YNode, total: number, offset: number): void {
    sizes.set(node, total);
    if (total > maxExpanded && !aborted) {
      aborted = true;
      error(
        "YAML_ALIAS_EXPANSION",
        offset,
        `the document expands to more than ${maxExpanded} nodes through aliases (an alias bomb?)`,
      );
    }
  }

  function register(name: string | undefined, node: YNode): void {
    if (name !== undefined) anchors.set(name, node);
  }

  while (i < events.length) {
    const ev = events[i++]!;
    if (ev.type !== EVENT_ID.DOCUMENT) continue;
    anchors.clear();
    handles = tagHandles(ev.directives);
    if (events[i]?.type === EVENT_ID.POP) {
      documents.push(null);
      i++;
      continue;
    }
    const root = readNode();
    documents.push(aborted ? null : root);
    if (events[i]?.type === EVENT_ID.POP) i++;
    if (aborted) break;
  }
  return { documents, diagnostics };
}

/** The tag positions every node event carries. */
interface TaggedEvent {
  readonly tagStart: number;
  readonly tagEnd: number;
}

/** A scalar tag's request: resolve the text as this core type, or (undefined) as untagged. */
type ScalarTag = "str" | "int" | "float" | "bool" | "null" | undefined;

const KIND_NAMES: Record<YNode["kind"], string> = {
  scalar: "a scalar",
  seq: "a sequence",
  map: "a mapping",
};

function yamlErrorCode(reason: string): string {
  if (/\btab/i.test(reason)) return "YAML_TAB_INDENT";
  if (/indent/i.test(reason)) return "YAML_BAD_INDENT";
  if (/duplicat/i.test(reason)) return "YAML_DUPLICATE_KEY";
  return "YAML_SYNTAX";
}

/** The JS value of a node (for metadata and custom fields). */
export function toPlain(node: YNode): unknown {
  switch (node.kind) {
    case "scalar":
      return node.value;
    case "seq":
      return node.items.map(toPlain);
    case "map": {
      const out: Record<string, unknown> = {};
      for (const e of node.entries) {
        Object.defineProperty(out, e.key.text, {
          value: toPlain(e.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
  }
}

export function mapGet(map: YMap, key: string): YEntry | undefined {
  return map.entries.find((e) => e.key.text === key);
}
