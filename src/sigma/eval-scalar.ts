/**
 * How one JSON leaf value reads as text, number or boolean for the value tests. Kept apart so that
 * the JS backend's runtime can be checked against exactly these conversions.
 */

/** Strings as they are, numbers by String(n), booleans as "true"/"false"; anything else: none. */
export function asText(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
      return String(value);
    case "boolean":
      return value ? "true" : "false";
    default:
      return undefined;
  }
}

/** Regex and timestamp tests read strings, and numbers by String(n); booleans are not text to them. */
export function asSearchText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

/** A decimal number string, exactly: no spaces, no `+`, no hex, no `Infinity`. */
const NUMERIC = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

/** A JSON number, or a numeric string's value; NaN for anything else (NaN compares false). */
export function asNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && NUMERIC.test(value)) return Number(value);
  return NaN;
}

/** A JSON boolean, or the strings "true"/"false" in any case; undefined for anything else. */
export function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const lower = value.toLowerCase();
    if (lower === "true") return true;
    if (lower === "false") return false;
  }
  return undefined;
}
