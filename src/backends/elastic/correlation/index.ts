import type { Diagnostic } from "../../../diagnostics.js";
import type { CorrelationIR } from "../../../sigma/correlation-ir.js";
import { formatTimestampUs, parseTimestampUs } from "../../../sigma/correlation-time.js";
import type { CountType } from "../../../sigma/correlation.js";
import type { SigmaRule } from "../../../sigma/rule.js";
import { locate } from "../../../source.js";
import type {
  CorrelationBackend,
  CorrelationContext,
  LoweredBase,
} from "../../correlation-types.js";
import {
  ELASTIC_FORMATS,
  elasticFormat,
  type ElasticArtifact,
  type ElasticLanguage,
} from "../language.js";
import { kibanaNdjson } from "../ndjson.js";
import { ruleMeta } from "../rule-meta.js";
import { detectionRuleToml } from "../toml.js";
import { atLeast, elasticVersion, versionText, type ElasticVersion } from "../version.js";
import { sequenceEql } from "./eql.js";
import { statsEsql } from "./esql.js";
import { fail, shapeOf } from "./shape.js";

/**
 * Correlations for Elastic Security: temporal_ordered as an EQL sequence rule (eql.ts),
 * event_count, value_count and temporal as an aggregating ES|QL rule (esql.ts). The language
 * follows from the type; a format that names the other language is refused.
 */

const LANGUAGE_OF: Readonly<Record<CountType, ElasticLanguage>> = {
  temporal_ordered: "eql",
  event_count: "esql",
  value_count: "esql",
  temporal: "esql",
};

/** BUCKET (with a span) and ES|QL rules: generally available from 8.14. */
const BUCKET_SINCE: ElasticVersion = { major: 8, minor: 14 };

const PRECISION_NOTE =
  "Elasticsearch keeps a date field to the millisecond: a timestamp's microseconds are dropped before any window is measured";

/** The format of an artifact kind in a language (language.ts: `eql`, `kibana-ndjson-eql` …). */
function formatFor(artifact: ElasticArtifact, language: ElasticLanguage): string {
  return artifact === "query" ? language : `${artifact}-${language}`;
}

function languageFor(ctx: CorrelationContext, format: string): ElasticLanguage {
  const ir = ctx.ir;
  const c = ir.correlation;
  const language = LANGUAGE_OF[ir.type];
  const asked = elasticFormat(format).language;
  if (asked !== "kql" && asked !== language)
    fail(
      ctx,
      "CORRELATION_LANGUAGE",
      `a ${ir.type} correlation is an ${language === "eql" ? "EQL sequence" : "ES|QL aggregation"} in Elastic; use -f ${formatFor(elasticFormat(format).artifact, language)}`,
      c.typeAt,
    );
  return language;
}

/** A date in the seen event as Elasticsearch keeps it: to the millisecond (truncated). */
function toMillis(v: unknown): unknown {
  const us = parseTimestampUs(v);
  return us === undefined ? v : formatTimestampUs(Math.floor(us / 1000) * 1000);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** The seen event with its time field truncated to milliseconds (the claim the interpreters check). */
function withMillis(seen: unknown, path: readonly string[]): unknown {
  const [head, ...rest] = path;
  if (!isRecord(seen) || head === undefined || !Object.hasOwn(seen, head)) return seen;
  const v = seen[head];
  return { ...seen, [head]: rest.length > 0 ? withMillis(v, rest) : toMillis(v) };
}

/** The correlation's own metadata over its first rule's (index, integration, data source). */
function metaOf(c: CorrelationIR["correlation"], first: LoweredBase): ReturnType<typeof ruleMeta> {
  const rule: SigmaRule = {
    ...first.rule,
    // Where a problem with the metadata is reported: the correlation's own document.
    source: c.source,
    node: c.node,
    title: c.title,
    references: c.references,
    tags: c.tags,
    falsepositives: c.falsepositives,
    ...(c.id === undefined ? { id: undefined } : { id: c.id }),
    ...(c.description === undefined ? { description: undefined } : { description: c.description }),
    ...(c.author === undefined ? { author: undefined } : { author: c.author }),
    ...(c.date === undefined ? { date: undefined } : { date: c.date }),
    ...(c.modified === undefined ? { modified: undefined } : { modified: c.modified }),
    ...(c.level === undefined ? { level: undefined } : { level: c.level }),
  } as SigmaRule;
  return ruleMeta({ ...first.ctx, rule });
}

/** The look-back of a scheduled rule: the timespan plus the default schedule's 6 minutes. */
function lookBack(timespanUs: number): string {
  return `now-${Math.ceil(timespanUs / 60_000_000) + 6}m`;
}

export const elasticCorrelationBackend: CorrelationBackend = {
  formats: Object.keys(ELASTIC_FORMATS),
  baseFormat(ir, format) {
    return formatFor(elasticFormat(format).artifact, LANGUAGE_OF[ir.type]);
  },
  emit(ctx, format) {
    const language = languageFor(ctx, format);
    const ir = ctx.ir;
    const c = ir.correlation;
    const shape = shapeOf(ctx);
    const first = shape.steps[0]!.base;
    const diagnostics: Diagnostic[] = [];
    const at = (span: { start: number; end: number }) =>
      locate(c.source, span.start, span.end - span.start);
    let query: string;
    if (language === "eql") {
      query = sequenceEql(ctx, shape);
      diagnostics.push({
        severity: "warning",
        code: "FIDELITY_SEQUENCE_PAIRING",
        message:
          "an EQL sequence puts each event in at most one sequence (a later event of a rule takes the latest pending sequence before it and drops older ones), and orders events of one timestamp by their index order; Sigma matches at every event that ends a chain of strictly increasing times",
        file: c.source.path,
        loc: at(c.at),
        target: "elastic",
        fidelity: true,
      });
    } else {
      const version = elasticVersion(first.ctx);
      if (!atLeast(version, BUCKET_SINCE))
        fail(
          ctx,
          "UNSUPPORTED_ELASTIC_VERSION",
          `ES|QL STATS … BY BUCKET(…, span) rules need Elasticsearch ${versionText(BUCKET_SINCE)} or later (this compile targets ${versionText(version)})`,
          c.typeAt,
        );
      query = statsEsql(ctx, shape);
      diagnostics.push({
        severity: "warning",
        code: "FIDELITY_FIXED_WINDOW",
        message: `ES|QL counts ${ir.type === "value_count" ? "distinct values" : ir.type === "temporal" ? "the rules that match" : "events"} in fixed ${c.timespan.text} buckets aligned to the epoch (BUCKET), not in a window ending at every event: a burst that straddles a bucket boundary can be missed, and the condition is tested per bucket`,
        file: c.source.path,
        loc: at(c.timespan.at),
        target: "elastic",
        fidelity: true,
      });
    }
    diagnostics.push({
      severity: "info",
      code: "FIDELITY_TIME_PRECISION",
      message: `windows are measured on ${shape.timeField}: ${PRECISION_NOTE}`,
      file: c.source.path,
      loc: at(c.at),
      target: "elastic",
      fidelity: true,
    });
    const artifactKind = elasticFormat(format).artifact;
    let artifact = query;
    if (artifactKind !== "query") {
      const described = metaOf(c, first);
      diagnostics.push(...described.diagnostics);
      const meta = { ...described.meta, from: lookBack(ir.timespanUs) };
      artifact =
        artifactKind === "kibana-ndjson"
          ? kibanaNdjson(
              meta,
              query,
              language,
              language === "eql" ? { timestamp_field: shape.timeField } : {},
            )
          : detectionRuleToml(
              meta,
              query,
              language,
              language === "eql" ? shape.timeField : undefined,
            );
    }
    const timePath = ir.timeField.split(".");
    return Promise.resolve({
      query,
      artifact,
      window: language === "eql" ? "sliding" : "fixed",
      ...(language === "eql" ? { chains: "consume" as const } : {}),
      seen: (raw: unknown) => withMillis(ctx.seen(raw), timePath),
      dataNotes: [{ code: "FIDELITY_TIME_PRECISION", message: PRECISION_NOTE }],
      diagnostics,
    });
  },
};
