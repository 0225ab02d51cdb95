import { suggest } from "../diagnostics.js";
import type { TargetName } from "../targets/types.js";
import { atLeast, OLDEST, parseElasticVersion, versionText } from "./elastic/version.js";
import { MAX_ARRAY_ELEMENTS } from "./falco/elements.js";
import { OLDEST_SUPPORTED, parseVersion } from "./falco/version.js";
import { DIALECT_NAMES } from "./sql/dialect.js";

/**
 * The options each target reads (`--option key=value`, `-O key=value`). A total record: a new
 * target does not compile until it says which options it takes, and an option no target declares
 * is refused before anything is compiled, with the nearest known key.
 */

export type OptionType =
  | { readonly kind: "text"; readonly example: string }
  /** Comma-separated, every item non-empty. */
  | { readonly kind: "list"; readonly example: string }
  | { readonly kind: "choice"; readonly values: readonly string[] }
  | { readonly kind: "integer"; readonly min: number; readonly max: number }
  | { readonly kind: "pattern"; readonly pattern: RegExp; readonly example: string };

export interface OptionSpec {
  readonly key: string;
  readonly type: OptionType;
  readonly describe: string;
  /**
   * The value is text in the target's query language (a scope clause): with several targets it
   * must be given per target (`splunk.scope=…`), because no text means the same in two languages.
   */
  readonly language?: boolean;
  /** A check beyond the type (a version range), returning the problem or undefined. */
  readonly check?: (value: string) => string | undefined;
}

const DURATION = /^[1-9][0-9]*[smhd]$/;

/** Correlations measure windows on one time field; every target that runs them reads it. */
const TIME_FIELD: OptionSpec = {
  key: "time-field",
  type: { kind: "pattern", pattern: /^[^\s.][^\s]*$/, example: "requestReceivedTimestamp" },
  describe: "time field of every base rule of a correlation (Sigma field name)",
};

function falcoVersionCheck(value: string): string | undefined {
  const v = parseVersion(value);
  const oldest = parseVersion(OLDEST_SUPPORTED)!;
  if (v === undefined) return "expected a version like 0.39.0";
  const older = v[0] - oldest[0] || v[1] - oldest[1] || v[2] - oldest[2];
  return older < 0 ? `the output is written for Falco ${OLDEST_SUPPORTED} or newer` : undefined;
}

function elasticVersionCheck(value: string): string | undefined {
  const v = parseElasticVersion(value);
  if (v === undefined) return "expected a version like 8.19, 9.2 or 9.x";
  return atLeast(v, OLDEST)
    ? undefined
    : `the output is written for Elasticsearch ${versionText(OLDEST)} or newer (the first release with ES|QL)`;
}

export const TARGET_OPTIONS: Readonly<Record<TargetName, readonly OptionSpec[]>> = {
  elastic: [
    {
      key: "scope",
      type: { kind: "text", example: 'data_stream.dataset:"kubernetes.audit_logs"' },
      describe: "KQL clause ANDed in front of every query instead of the logsource's ('' for none)",
      language: true,
    },
    {
      key: "index",
      type: { kind: "list", example: "logs-*,winlogbeat-*" },
      describe: "index patterns of the detection rule (kibana-ndjson, toml)",
    },
    {
      key: "interval",
      type: { kind: "pattern", pattern: DURATION, example: "5m" },
      describe: "how often the rule runs (kibana-ndjson, toml)",
    },
    {
      key: "from",
      type: { kind: "pattern", pattern: /^now-[1-9][0-9]*[smhd]$/, example: "now-6m" },
      describe: "start of each run's time window (kibana-ndjson, toml)",
    },
    {
      key: "risk_score",
      type: { kind: "integer", min: 0, max: 100 },
      describe: "risk score of every rule instead of the one derived from its level",
    },
    {
      key: "severity",
      type: { kind: "choice", values: ["low", "medium", "high", "critical"] },
      describe: "severity of every rule instead of the one derived from its level",
    },
    {
      key: "elastic-version",
      type: { kind: "pattern", pattern: /^\d+(\.(\d+|x)(\.\d+)?)?$/, example: "9.2" },
      describe: "oldest Elasticsearch the output must run on (ES|QL's MV_CONTAINS needs 9.2)",
      check: elasticVersionCheck,
    },
    TIME_FIELD,
  ],
  splunk: [
    {
      key: "scope",
      type: { kind: "text", example: "`kube_audit`" },
      describe:
        "search clause ANDed in front of every query instead of the logsource's ('' for none)",
      language: true,
    },
    {
      key: "cron_schedule",
      type: { kind: "pattern", pattern: /^\S+( \S+){4}$/, example: "*/5 * * * *" },
      describe: "savedsearches.conf schedule (five cron fields)",
    },
    {
      key: "dispatch.earliest_time",
      type: { kind: "pattern", pattern: /^\S+$/, example: "-10m" },
      describe: "savedsearches.conf start of each run's time window",
    },
    {
      key: "dispatch.latest_time",
      type: { kind: "pattern", pattern: /^\S+$/, example: "now" },
      describe: "savedsearches.conf end of each run's time window",
    },
    TIME_FIELD,
  ],
  falco: [
    {
      key: "falco-version",
      type: { kind: "pattern", pattern: /^\d+\.\d+\.\d+$/, example: "0.39.0" },
      describe: "oldest Falco the rules must load on",
      check: falcoVersionCheck,
    },
    {
      key: "array-elements",
      type: { kind: "integer", min: 1, max: MAX_ARRAY_ELEMENTS },
      describe: "how many elements of an element-wise array field a condition reads",
    },
  ],
  js: [TIME_FIELD],
  sql: [
    {
      key: "dialect",
      type: { kind: "choice", values: DIALECT_NAMES },
      describe: "SQL dialect of the query",
    },
    {
      key: "table",
      type: {
        kind: "pattern",
        pattern: /^[^.\x00-\x1f\x7f]+(\.[^.\x00-\x1f\x7f]+)*$/,
        example: "lake.security.k8s_audit",
      },
      describe: "table the query reads (default: the logsource's, else product_category_service)",
    },
    TIME_FIELD,
  ],
};

export function optionSpec(target: TargetName, key: string): OptionSpec | undefined {
  return TARGET_OPTIONS[target].find((o) => o.key === key);
}

/** What is wrong with a value for an option, or undefined when it is fine. */
export function optionValueProblem(spec: OptionSpec, value: string): string | undefined {
  const t = spec.type;
  switch (t.kind) {
    case "text":
      return undefined;
    case "list":
      return value.split(",").every((v) => v.trim() !== "")
        ? undefined
        : `expected a comma-separated list like ${t.example}`;
    case "choice":
      return t.values.includes(value) ? undefined : `expected one of ${t.values.join(", ")}`;
    case "integer": {
      const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
      return n >= t.min && n <= t.max
        ? undefined
        : `expected a whole number from ${t.min} to ${t.max}`;
    }
    case "pattern":
      return t.pattern.test(value) ? spec.check?.(value) : `expected a value like ${t.example}`;
  }
}

/** "unknown option 'scop' for elastic — did you mean 'scope'?" (every known key when none is near). */
export function unknownOptionMessage(key: string, targets: readonly TargetName[]): string {
  const known = [...new Set(targets.flatMap((t) => TARGET_OPTIONS[t].map((o) => o.key)))];
  const where = `unknown option '${key}' for ${targets.join(", ")}`;
  if (known.length === 0) return `${where}, which takes no options`;
  const near = suggest(key, known);
  return near
    ? `${where} — did you mean '${near}'?`
    : `${where} — did you mean one of ${known.join(", ")}? ('sigprism list options' describes them)`;
}

/** One target's options checked: every key declared, every value of its type. */
export function targetOptionProblems(
  target: TargetName,
  options: Readonly<Record<string, string>>,
): { key: string; code: "UNKNOWN_TARGET_OPTION" | "INVALID_TARGET_OPTION"; message: string }[] {
  const out: {
    key: string;
    code: "UNKNOWN_TARGET_OPTION" | "INVALID_TARGET_OPTION";
    message: string;
  }[] = [];
  for (const [key, value] of Object.entries(options)) {
    const spec = optionSpec(target, key);
    if (spec === undefined) {
      out.push({
        key,
        code: "UNKNOWN_TARGET_OPTION",
        message: unknownOptionMessage(key, [target]),
      });
      continue;
    }
    const problem = optionValueProblem(spec, value);
    if (problem)
      out.push({
        key,
        code: "INVALID_TARGET_OPTION",
        message: `option ${key}=${value} for ${target}: ${problem}`,
      });
  }
  return out;
}
