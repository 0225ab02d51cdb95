import type { Expr } from "../ir.js";
import type { LogSource } from "../sigma/rule.js";
import type { Loc, SourceFile } from "../source.js";
import type { LogsourceMapping, TargetName } from "../targets/types.js";

/**
 * Processing pipelines as data: what a pipeline file says once it has been read and validated
 * (load.ts), and what all the pipelines that apply to one rule and one target add up to
 * (resolve.ts). The format is documented in targets/pipelines/README.md.
 */

/** What happens to a Sigma field the applied items do not list. */
export type Unmapped = "strict" | "passthrough";

/** Elasticsearch field types a pipeline may declare (the index mapping of the target field). */
export const ELASTIC_FIELD_TYPES = [
  "keyword",
  "constant_keyword",
  "wildcard",
  "text",
  "match_only_text",
  "ip",
  "long",
  "integer",
  "date",
  "boolean",
] as const;
export type ElasticFieldType = (typeof ELASTIC_FIELD_TYPES)[number];

/** Where one Sigma field goes: one or more target fields (any of them may hold the value), or nowhere. */
export type FieldRule =
  | {
      readonly kind: "map";
      /** One name: one-to-one. Several: the target checks the value in any of them. */
      readonly to: readonly string[];
      /** Set when the mapping changes the meaning (a split field): declared at every use. */
      readonly deviation?: string;
      /**
       * The target stores a raw value `v` (exactly) as `values[v]` and keeps no other value: a
       * predicate becomes the target values of the raw values it holds for (value-maps.ts).
       */
      readonly values?: Readonly<Record<string, string>>;
      readonly at: Loc;
    }
  | {
      readonly kind: "refuse";
      /** Why the target has no such field (shown in the FIELD_NOT_AVAILABLE error). */
      readonly message: string;
      readonly at: Loc;
    };

export interface TypeRule {
  readonly type: ElasticFieldType;
  /** Longer keyword values are not indexed (Elasticsearch `ignore_above`). */
  readonly ignoreAbove?: number;
}

export interface ItemScope {
  /** The target-language clause that selects the data, verbatim (KQL, SPL, Falco condition). */
  readonly query?: string;
  /** Elastic index patterns / data streams the rule searches. */
  readonly index?: readonly string[];
  /** Falco event source of the rule (`source:` in the rules file). */
  readonly source?: string;
  /** The same scope on the raw event, as Sigma IR (compiled from detection syntax). */
  readonly events?: Expr;
}

export interface ItemValues {
  /** Sigma fields whose values the target only ever holds in lower case. */
  readonly lowercase: readonly string[];
  /** Values the vendor's pipeline never stores, per Sigma field; `*` is every field. */
  readonly dropped: Readonly<Record<string, readonly string[]>>;
}

export interface ItemMeta {
  /** Elastic integration packages the data comes from (detection rule `integration`). */
  readonly integration?: readonly string[];
  /** Elastic rule `timestamp_override`. */
  readonly timestampOverride?: string;
}

export interface PipelineItem {
  /** Unique within its pipeline: given, or `<pipeline>#<n>` (1-based). */
  readonly id: string;
  readonly at: Loc;
  /** Every key given must equal the rule's logsource key (case-insensitive). */
  readonly logsource: LogSource;
  /** The targets the item applies to (its own `targets`, else the pipeline's). */
  readonly targets: readonly TargetName[];
  readonly unmapped?: Unmapped;
  readonly scope?: ItemScope;
  readonly fields: Readonly<Record<string, FieldRule>>;
  /** Target field → type. */
  readonly types: Readonly<Record<string, TypeRule>>;
  readonly values: ItemValues;
  readonly placeholders: Readonly<Record<string, readonly string[]>>;
  readonly meta: ItemMeta;
  /** Target-specific settings handed to the backend as they are (merged key by key). */
  readonly settings: Readonly<Record<string, unknown>>;
}

export interface Pipeline {
  readonly name: string;
  readonly description: string;
  readonly source: SourceFile;
  readonly builtin: boolean;
  /** Lower runs first; equal priorities keep the order given (defaults, then -p in order). */
  readonly priority: number;
  readonly targets: readonly TargetName[];
  /** A built-in that a target applies without -p (by logsource). */
  readonly default: boolean;
  /** Pipelines this one stands in for: when both are selected, those are left out. */
  readonly replaces: readonly string[];
  readonly items: readonly PipelineItem[];
}

/**
 * Everything the applied items say about one rule in one target. The LogsourceMapping part is
 * what backends read (fields, scope, settings); the rest is typed additions.
 */
export interface ResolvedMapping extends LogsourceMapping {
  /** Names of the pipelines whose items applied, in the order applied. */
  readonly pipelines: readonly string[];
  readonly unmapped: Unmapped;
  /** Sigma field → every target field it maps to (one-to-one fields included). */
  readonly targetsOf: Readonly<Record<string, readonly string[]>>;
  /** Sigma field → why the target has no such field. */
  readonly refused: Readonly<Record<string, string>>;
  /** Sigma field → the declared change of meaning of its mapping. */
  readonly deviations: Readonly<Record<string, string>>;
  /** Sigma field → raw value → the value the target stores instead (no other value is kept). */
  readonly valueMaps: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Target field → Elasticsearch ignore_above. */
  readonly ignoreAbove: Readonly<Record<string, number>>;
  /** Sigma field (or `*`) → values the target never stores. */
  readonly dropped: Readonly<Record<string, readonly string[]>>;
  /** The scope on the raw event, when the pipelines state it. */
  readonly events?: Expr;
  readonly index: readonly string[];
  readonly integration: readonly string[];
  readonly timestampOverride?: string;
}
