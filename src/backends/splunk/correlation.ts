import { DiagnosticError, type Diagnostic } from "../../diagnostics.js";
import { or } from "../../ir.js";
import type { CorrelationStep } from "../../sigma/correlation-ir.js";
import { locate } from "../../source.js";
import { targetField } from "../../pipelines/fields.js";
import type { CorrelationBackend, CorrelationContext, LoweredBase } from "../correlation-types.js";
import { confLine } from "./artifact.js";
import { correlationSpl, windowForm, type SplShape } from "./correlation-spl.js";
import { ALERT_SEVERITY } from "./dialect.js";
import { splunkQuery } from "./query.js";

/**
 * Correlations for Splunk: the base searches (one search ORing the rules for the counting types,
 * `multisearch` with a rule tag per row for the temporal types), then the window pipeline of
 * correlation-spl.ts. Where Splunk computes fixed windows instead of the specification's sliding
 * ones, a FIDELITY_FIXED_WINDOW warning says so at the timespan.
 */

/** Field names the pipeline can quote safely in eval ('…') and in rename ("…"). */
const PLAIN_FIELD = /^[A-Za-z_][A-Za-z0-9_.:/@-]*$/;

function fail(
  ctx: CorrelationContext,
  code: string,
  message: string,
  at = ctx.ir.correlation.at,
): never {
  const c = ctx.ir.correlation;
  throw new DiagnosticError({
    severity: "error",
    code,
    message,
    file: c.source.path,
    loc: locate(c.source, at.start, at.end - at.start),
    target: "splunk",
  });
}

type RuleStep = Extract<CorrelationStep, { kind: "rule" }>;

function ruleSteps(ctx: CorrelationContext): RuleStep[] {
  return ctx.ir.steps.map((s) => {
    if (s.kind === "correlation")
      fail(
        ctx,
        "CORRELATION_CHAIN_UNSUPPORTED",
        `'${s.ref}' is a correlation: one Splunk search cannot feed the matches of one correlation into another`,
      );
    return s;
  });
}

/** A Sigma field → its Splunk name, as an eval operand; refused when it cannot be one value. */
function splunkField(
  ctx: CorrelationContext,
  base: LoweredBase,
  field: string,
  multivalue: boolean,
): string {
  const c = ctx.ir.correlation;
  const name = targetField(
    base.ctx.mapping,
    field,
    "splunk",
    c.source.path,
    locate(c.source, c.at.start),
  );
  if (!PLAIN_FIELD.test(name.replace(/\{\}/g, "")))
    fail(
      ctx,
      "CORRELATION_FIELD_NAME",
      `the Splunk field '${name}' cannot be named in this pipeline`,
    );
  if (name.endsWith("{}") && !multivalue)
    fail(
      ctx,
      "CORRELATION_GROUP_BY_MULTIVALUE",
      `'${field}' is a multivalue field in Splunk ('${name}'); grouping by it is not supported`,
    );
  return `'${name}'`;
}

/** The same text for every step, or a refusal: one search cannot pick a field per rule. */
function common(ctx: CorrelationContext, texts: readonly string[], what: string): string {
  if (new Set(texts).size > 1)
    fail(
      ctx,
      "CORRELATION_ALIAS_UNSUPPORTED",
      `${what} differs between the rules (${[...new Set(texts)].join(", ")}), which one Splunk search cannot say for an event_count or value_count`,
    );
  return texts[0]!;
}

function shapeOf(ctx: CorrelationContext): SplShape {
  const ir = ctx.ir;
  const steps = ruleSteps(ctx);
  const bases = steps.map((s) => ctx.base.get(s.rule)!);
  const time = common(
    ctx,
    bases.map((b) => splunkField(ctx, b, ir.timeField, false)),
    "the time field",
  );
  const counting = ir.type === "event_count" || ir.type === "value_count";
  let rows: string;
  let groups: { field: string; name: string }[];
  if (counting) {
    if (new Set(bases.map((b) => b.ctx.mapping)).size > 1)
      fail(
        ctx,
        "CORRELATION_MIXED_LOGSOURCES",
        "the rules have different log sources; one Splunk search ORing them cannot be scoped",
      );
    const first = bases[0]!;
    rows = splunkQuery(
      bases.length === 1 ? first.effective : or(bases.map((b) => b.effective)),
      first.ctx,
    );
    groups = ir.groupBy.map((name, i) => ({
      name,
      field: common(
        ctx,
        steps.map((s, j) => splunkField(ctx, bases[j]!, s.groupFields[i]!, false)),
        `the field of '${name}'`,
      ),
    }));
  } else {
    const searches = bases.map((b, i) => {
      const tag = `| eval sigma_step=${i + 1}`;
      let q = splunkQuery(b.effective, b.ctx);
      for (const j of ir.groupBy.keys())
        q += ` | eval sigma_f${j + 1}=${splunkField(ctx, b, steps[i]!.groupFields[j]!, false)}`;
      return `${q} ${tag}`;
    });
    rows =
      searches.length === 1
        ? searches[0]!
        : `| multisearch ${searches.map((s) => `[search ${s}]`).join(" ")}`;
    groups = ir.groupBy.map((name, j) => ({ name, field: `sigma_f${j + 1}` }));
  }
  const valueField =
    ir.type === "value_count"
      ? common(
          ctx,
          steps.map((s, j) => splunkField(ctx, bases[j]!, s.valueField!, true)),
          "the value field",
        )
      : undefined;
  for (const g of ir.groupBy)
    if (/["\\]/.test(g))
      fail(
        ctx,
        "CORRELATION_FIELD_NAME",
        `the group-by name '${g}' cannot be a Splunk column name`,
      );
  return {
    type: ir.type,
    timespanUs: ir.timespanUs,
    condition: ir.condition,
    rows,
    timeField: time,
    groups,
    ...(valueField === undefined ? {} : { valueField }),
    steps: steps.length,
  };
}

function setting(ctx: CorrelationContext, key: string): string | undefined {
  const v = ctx.options.targetOptions?.[key] ?? ctx.config.settings[key];
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** A scheduled alert over a little more than one window; repeats of a group are suppressed for one window. */
function stanza(ctx: CorrelationContext, query: string): string {
  const c = ctx.ir.correlation;
  const file = c.source.path;
  if (/[\r\n]/.test(c.title) || c.title.trim() === "")
    fail(
      ctx,
      "ARTIFACT_VALUE",
      "the correlation title cannot be a stanza name (empty or multi-line)",
    );
  const minutes = Math.ceil(ctx.ir.timespanUs / 60_000_000);
  const lines = [
    `[${c.title}]`,
    confLine("search", query, file),
    confLine("description", (c.description ?? c.title).trimEnd(), file),
    "disabled = 0",
    "enableSched = 1",
    confLine("cron_schedule", setting(ctx, "cron_schedule") ?? "*/5 * * * *", file),
    `dispatch.earliest_time = -${minutes + 10}m@m`,
    "dispatch.latest_time = now",
    `alert.severity = ${ALERT_SEVERITY[c.level ?? "medium"]}`,
    "alert.track = 1",
    "alert.digest_mode = 0",
    ...(ctx.ir.groupBy.length > 0
      ? [
          "alert.suppress = 1",
          `alert.suppress.fields = ${ctx.ir.groupBy.join(",")}`,
          `alert.suppress.period = ${minutes}m`,
        ]
      : []),
    "alert_type = number of events",
    "counttype = number of events",
    "relation = greater than",
    "quantity = 0",
  ];
  return lines.join("\n") + "\n";
}

const TIME_NOTE =
  "the pipeline reads the timestamp in the form kube-apiserver writes (RFC 3339 in UTC with six fractional digits and 'Z'); an event whose timestamp has another form takes no part";

/** strptime with `.%6N%z` after replacing the final Z reads exactly this form. */
const KUBE_MICROTIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** The seen event without its time when the pipeline cannot read it (the claim the interpreter checks). */
function withReadableTime(seen: unknown, timeField: string): unknown {
  if (!isRecord(seen)) return seen;
  const [head, ...rest] = timeField.split(".");
  if (head === undefined || !Object.hasOwn(seen, head)) return seen;
  const value = seen[head];
  if (rest.length > 0) {
    const inner = withReadableTime(value, rest.join("."));
    return inner === value ? seen : { ...seen, [head]: inner };
  }
  if (typeof value === "string" && KUBE_MICROTIME.test(value)) return seen;
  const copy: Record<string, unknown> = { ...seen };
  delete copy[head];
  return copy;
}

export const splunkCorrelationBackend: CorrelationBackend = {
  formats: ["query", "savedsearches"],
  emit(ctx, format) {
    const shape = shapeOf(ctx);
    const query = correlationSpl(shape);
    const diagnostics: Diagnostic[] = [];
    const form = windowForm(shape);
    const c = ctx.ir.correlation;
    if (form === "fixed") {
      diagnostics.push({
        severity: "warning",
        code: "FIDELITY_FIXED_WINDOW",
        message: `Splunk counts ${shape.type === "value_count" ? "distinct values" : "events with this condition"} in fixed ${c.timespan.text} windows aligned to the epoch (stats BY time − time % span), not in a window ending at every event: a burst that straddles a window boundary can be missed, and a count condition is tested per fixed window`,
        file: c.source.path,
        loc: locate(c.source, c.timespan.at.start, c.timespan.at.end - c.timespan.at.start),
        target: "splunk",
        fidelity: true,
      });
    }
    diagnostics.push({
      severity: "info",
      code: "FIDELITY_TIME_FORMAT",
      message: `windows are measured on ${shape.timeField}: ${TIME_NOTE}`,
      file: c.source.path,
      loc: locate(c.source, c.at.start, c.at.end - c.at.start),
      target: "splunk",
      fidelity: true,
    });
    const artifact = format === "savedsearches" ? stanza(ctx, query) : query;
    const timeField = ctx.ir.timeField;
    return Promise.resolve({
      query,
      artifact,
      window: form === "fixed" ? "fixed" : "sliding",
      seen: (raw: unknown) => withReadableTime(ctx.seen(raw), timeField),
      dataNotes: [{ code: "FIDELITY_TIME_FORMAT", message: TIME_NOTE }],
      diagnostics,
    });
  },
};
