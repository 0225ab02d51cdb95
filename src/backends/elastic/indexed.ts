import { isIP } from "node:net";
import { assertNever } from "../../diagnostics.js";
import type { FieldType } from "./fields.js";

/**
 * The backend's claim of what Elasticsearch indexes for one raw leaf value of a mapped field, in
 * a Fleet `logs-*-*` data stream (`coerce` on, `index.mapping.ignore_malformed` from
 * logs@settings, keyword `ignore_above` 1024 unless the mapping says otherwise). undefined: the
 * value is not indexed, so no query sees it. The KQL view in src/verify states the same facts on
 * its own; the parity run holds the two to each other.
 */

export const DEFAULT_IGNORE_ABOVE = 1024;

const INT32 = [-(2 ** 31), 2 ** 31 - 1] as const;
const INT64 = [-(2n ** 63n), 2n ** 63n - 1n] as const;

/** Double.parseDouble after String.trim (code units up to U+0020 are trimmed). */
function javaDouble(text: string): number | undefined {
  const s = text.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "");
  const decimal =
    /^([+-]?)(NaN|Infinity|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)[fFdD]?$/.exec(s);
  if (decimal) {
    const [, sign, body] = decimal as unknown as [string, string, string];
    if (body === "NaN") return NaN;
    const n = body === "Infinity" ? Infinity : Number(body);
    return sign === "-" ? -n : n;
  }
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)[fFdD]?$/.exec(s);
  if (!hex) return undefined;
  const [, sign, whole, fraction, exponent] = hex as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (whole === "" && fraction === "") return undefined;
  const mantissa = [...(whole + fraction)].reduce((acc, d) => acc * 16 + parseInt(d, 16), 0);
  const n = mantissa * 2 ** (Number(exponent) - 4 * fraction.length);
  return sign === "-" ? -n : n;
}

/** new BigDecimal(text).toBigInteger(), as a long field coerces text that is not a plain long. */
function bigDecimalWhole(text: string): bigint | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return undefined;
  const sign = m[1] === "-" ? -1n : 1n;
  const digits = (m[2] ?? "") + (m[3] ?? "");
  const scale = (m[3] ?? "").length - Number(m[4] ?? "0");
  // Elasticsearch refuses a BigDecimal whose scale is below -19 before converting it.
  if (scale < -19) return undefined;
  const unscaled = BigInt(digits === "" ? "0" : digits);
  return sign * (scale <= 0 ? unscaled * 10n ** BigInt(-scale) : unscaled / 10n ** BigInt(scale));
}

function integerValue(v: unknown, type: "integer" | "long"): number | undefined {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return undefined;
    const t = Math.trunc(v) + 0;
    if (type === "integer") return t < INT32[0] || t > INT32[1] ? undefined : t;
    return BigInt(t) < INT64[0] || BigInt(t) > INT64[1] ? undefined : t;
  }
  if (typeof v !== "string" || v === "") return undefined;
  if (type === "integer") {
    const d = javaDouble(v);
    if (d === undefined || d < INT32[0] || d > INT32[1]) return undefined;
    return Number.isNaN(d) ? 0 : Math.trunc(d) + 0;
  }
  const whole = bigDecimalWhole(v);
  if (whole === undefined || whole < INT64[0] || whole > INT64[1]) return undefined;
  return Number(whole) + 0;
}

/** The value the index holds for raw leaf `v` of a field of `type` (undefined: none). */
export function indexedValue(v: unknown, type: FieldType, ignoreAbove: number): unknown {
  switch (type) {
    case "keyword":
      return typeof v === "string" && v.length > ignoreAbove ? undefined : v;
    case "text":
    case "date":
      return v;
    case "integer":
    case "long":
      return integerValue(v, type);
    case "ip":
      return typeof v === "string" && isIP(v) !== 0 ? v : undefined;
    case "boolean":
      if (typeof v === "boolean") return v;
      return v === "true" ? true : v === "false" ? false : undefined;
    default:
      return assertNever(type);
  }
}
