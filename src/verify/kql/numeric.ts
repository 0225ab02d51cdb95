/**
 * What Elasticsearch indexes for one source value of an `integer` or `long` field, with the
 * defaults of a Fleet `logs-*-*` data stream: `coerce: true` (the field default) and
 * `index.mapping.ignore_malformed: true` (the `logs@settings` component template), so a value
 * that does not parse is left out of the index (the document is kept, the field named in
 * `_ignored`). Read from Elasticsearch's NumberFieldMapper and AbstractXContentParser:
 * - a JSON number is truncated toward zero (0.5 → 0, -1.9 → -1); out of range is malformed;
 * - an integer field parses a string with Java's Double.parseDouble (surrounding control
 *   characters and spaces trimmed, exponents, `NaN` → 0, `Infinity` out of range, hex floats,
 *   a trailing f/F/d/D), then truncates; a long field reads it as Long.parseLong, else as a
 *   BigDecimal (no spaces), truncated;
 * - "" indexes nothing (null); booleans, objects and anything else are malformed.
 * undefined means "not indexed".
 */

export type IntegerType = "integer" | "long";

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** Java's String.trim: every code unit ≤ U+0020 at either end. */
function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

const JAVA_DECIMAL = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;
const JAVA_HEX = /^([+-]?)0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP]([+-]?\d+)[fFdD]?$/;

/** Java's Double.parseDouble; undefined where it throws NumberFormatException. */
export function javaParseDouble(text: string): number | undefined {
  const s = javaTrim(text);
  if (JAVA_DECIMAL.test(s)) {
    const body = s.replace(/[fFdD]$/, "");
    if (/NaN$/.test(body)) return NaN;
    return Number(body);
  }
  const hex = JAVA_HEX.exec(s);
  if (hex !== null) {
    const [, sign, mantissa, exponent] = hex as unknown as [string, string, string, string];
    const [int = "", frac = ""] = mantissa.split(".");
    const digits = int + frac;
    let value = 0;
    for (const d of digits) value = value * 16 + parseInt(d, 16);
    value *= 2 ** (Number(exponent) - 4 * frac.length);
    return sign === "-" ? -value : value;
  }
  return undefined;
}

/** Java's (int) cast of a double that passed the range check: NaN → 0, else toward zero. */
function toInt(d: number): number {
  return Number.isNaN(d) ? 0 : Math.trunc(d) + 0;
}

const BIG_DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Long.parseLong, then new BigDecimal(text).toBigInteger() (coerce), range-checked. */
function parseLongText(text: string): number | undefined {
  if (!BIG_DECIMAL.test(text)) return undefined;
  const m = /^([+-]?)(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?$/.exec(text);
  if (m === null) return undefined;
  const [, sign = "", int = "", frac = "", exp = "0"] = m;
  const e = Number(exp);
  // BigDecimal scale = frac digits - exponent; Elasticsearch refuses scale < -19 outright.
  if (frac.length - e < -19) return undefined;
  const digits = (int + frac).replace(/^0+(?=\d)/, "") || "0";
  const shift = e - frac.length;
  let whole: bigint;
  if (shift >= 0) whole = BigInt(digits) * 10n ** BigInt(shift);
  else {
    const cut = digits.length + shift;
    whole = cut <= 0 ? 0n : BigInt(digits.slice(0, cut));
  }
  if (sign === "-") whole = -whole;
  if (whole < LONG_MIN || whole > LONG_MAX) return undefined;
  return Number(whole) + 0;
}

/** The number Elasticsearch indexes for `v` in a field of `type`, or undefined for none. */
export function indexedInteger(v: unknown, type: IntegerType): number | undefined {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return undefined;
    if (type === "integer") return v < INT_MIN || v > INT_MAX ? undefined : toInt(v);
    const t = Math.trunc(v);
    return BigInt(t) < LONG_MIN || BigInt(t) > LONG_MAX ? undefined : t + 0;
  }
  if (typeof v !== "string" || v === "") return undefined;
  if (type === "long") return parseLongText(v);
  const d = javaParseDouble(v);
  if (d === undefined || d < INT_MIN || d > INT_MAX) return undefined;
  return toInt(d);
}
