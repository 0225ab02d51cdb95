import type { Diagnostic } from "../../diagnostics.js";
import type { BackendContext } from "../types.js";
import { DEFAULT_FALCO_VERSION } from "./dialect.js";

/**
 * The oldest Falco the output must load on. Everything this backend emits (=, in, startswith,
 * endswith, contains, icontains, glob with bracket sets, intersects, exists, k8saudit ≥ 0.7.0,
 * json.value[<JSON pointer>] of the json plugin ≥ 0.7.0) works from 0.36.0;
 * `regex` needs ≥ 0.39 (libs 0.18) and is emitted only from that version on; iglob / tolower()
 * (≥ 0.38) and val() (≥ 0.39) are not emitted.
 */
export const OLDEST_SUPPORTED = "0.36.0";

type Version = readonly [number, number, number];

export function parseVersion(text: string): Version | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

export function falcoVersion(ctx: BackendContext): string {
  const fromConfig = ctx.config.settings.minFalcoVersion;
  return (
    ctx.options.targetOptions?.["falco-version"] ??
    (typeof fromConfig === "string" ? fromConfig : DEFAULT_FALCO_VERSION)
  );
}

/** Whether the target Falco version is at least `min` (an unparsable version answers false). */
export function falcoAtLeast(ctx: BackendContext, min: string): boolean {
  const v = parseVersion(falcoVersion(ctx));
  return v !== undefined && compare(v, parseVersion(min)!) >= 0;
}

export function checkFalcoVersion(ctx: BackendContext): Diagnostic[] {
  const text = falcoVersion(ctx);
  const v = parseVersion(text);
  const base = { severity: "error" as const, file: ctx.rule.source.path, target: "falco" };
  if (v === undefined)
    return [
      {
        ...base,
        code: "INVALID_TARGET_OPTION",
        message: `falco-version '${text}' is not a version like 0.36.0`,
      },
    ];
  if (compare(v, parseVersion(OLDEST_SUPPORTED)!) < 0)
    return [
      {
        ...base,
        code: "UNSUPPORTED_FALCO_VERSION",
        message: `falco-version ${text} is older than ${OLDEST_SUPPORTED}, the oldest Falco this backend's output is written for`,
      },
    ];
  return [];
}
