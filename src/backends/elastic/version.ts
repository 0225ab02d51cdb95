import { DiagnosticError } from "../../diagnostics.js";
import type { BackendContext } from "../types.js";

/**
 * The oldest Elasticsearch the output must run on (`--option elastic-version=8.19`, `9.2`, `9.x`).
 * `N.x` means the first release of that line, so that the output runs on every N release.
 * What the version gates (ES|QL, from Elastic's function reference):
 * - MV_CONTAINS (technical preview in 9.2): a value test on a field declared multi-valued;
 * - TO_LOWER of a multi-valued field (9.1): comes with MV_CONTAINS.
 * Released 8.x and 9.x fold case for ASCII only in EQL's `:` and `like~` (AutomatonQueries); the
 * EQL lowering relies on that and on nothing newer.
 */

export interface ElasticVersion {
  readonly major: number;
  readonly minor: number;
}

/** ES|QL detection rules are generally available from 8.14; the default runs on every 8.19+. */
export const DEFAULT_ELASTIC_VERSION: ElasticVersion = { major: 8, minor: 19 };
export const OLDEST: ElasticVersion = { major: 8, minor: 11 };

export const MV_CONTAINS_SINCE: ElasticVersion = { major: 9, minor: 2 };

export function parseElasticVersion(text: string): ElasticVersion | undefined {
  const m = /^(\d+)(?:\.(\d+|x)(?:\.\d+)?)?$/.exec(text.trim());
  if (m === null) return undefined;
  const minor = m[2] === undefined || m[2] === "x" ? 0 : Number(m[2]);
  return { major: Number(m[1]), minor };
}

export function atLeast(v: ElasticVersion, since: ElasticVersion): boolean {
  return v.major > since.major || (v.major === since.major && v.minor >= since.minor);
}

export function versionText(v: ElasticVersion): string {
  return `${v.major}.${v.minor}`;
}

/** The version a compile targets; a malformed or too-old option aborts the rule with an error. */
export function elasticVersion(ctx: BackendContext): ElasticVersion {
  const text = ctx.options.targetOptions?.["elastic-version"];
  if (text === undefined) return DEFAULT_ELASTIC_VERSION;
  const v = parseElasticVersion(text);
  const fail = (code: string, message: string): never => {
    throw new DiagnosticError({
      severity: "error",
      code,
      message,
      file: ctx.rule.source.path,
      target: "elastic",
    });
  };
  if (v === undefined)
    return fail(
      "INVALID_TARGET_OPTION",
      `elastic-version '${text}' is not a version like 8.19, 9.2 or 9.x`,
    );
  if (!atLeast(v, OLDEST))
    return fail(
      "UNSUPPORTED_ELASTIC_VERSION",
      `elastic-version ${text} is older than ${versionText(OLDEST)}, the first release with ES|QL`,
    );
  return v;
}
