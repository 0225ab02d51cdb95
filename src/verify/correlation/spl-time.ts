import { OutsideModel } from "../spl/evaluate.js";

/**
 * Splunk's strptime(text, format) for the directives of its documentation's table "Date and time
 * format variables" that a timestamp of fixed width needs: %Y (4 digits), %m %d %H %M %S (2 digits),
 * %<n>N (n subsecond digits; %N is 9), %z (+hhmm or -hhmm), %% and literal characters. The model
 * reads the whole text and returns epoch seconds (the fraction included), or null when the text
 * does not have exactly that form or names an impossible date. A format without %z depends on
 * the searching user's time zone and is outside the model, as is any other directive.
 */

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

type Part =
  | { readonly kind: "literal"; readonly text: string }
  | {
      readonly kind: "digits";
      readonly field: "Y" | "m" | "d" | "H" | "M" | "S";
      readonly width: number;
    }
  | { readonly kind: "fraction"; readonly width: number }
  | { readonly kind: "offset" };

const cache = new Map<string, readonly Part[]>();

function compileFormat(format: string): readonly Part[] {
  const hit = cache.get(format);
  if (hit) return hit;
  const parts: Part[] = [];
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== "%") {
      parts.push({ kind: "literal", text: c });
      continue;
    }
    const rest = format.slice(i + 1);
    const m = /^(\d?)([YmdHMSNz%])/.exec(rest);
    if (m === null) throw new OutsideModel(`strptime directive %${rest[0] ?? ""} is not modelled`);
    const [all, width, d] = m as unknown as [string, string, string];
    i += all.length;
    if (d === "%") parts.push({ kind: "literal", text: "%" });
    else if (d === "N") parts.push({ kind: "fraction", width: width === "" ? 9 : Number(width) });
    else if (d === "z") parts.push({ kind: "offset" });
    else if (width !== "")
      throw new OutsideModel(`strptime directive %${width}${d} is not modelled`);
    else parts.push({ kind: "digits", field: d as "Y", width: d === "Y" ? 4 : 2 });
  }
  if (!parts.some((p) => p.kind === "offset"))
    throw new OutsideModel("strptime without %z depends on the user's time zone; not modelled");
  cache.set(format, parts);
  return parts;
}

export function strptime(text: string, format: string): number | null {
  const parts = compileFormat(format);
  const f: Record<string, number> = { Y: 1970, m: 1, d: 1, H: 0, M: 0, S: 0 };
  let fraction = 0;
  let offset = 0;
  let at = 0;
  for (const p of parts) {
    switch (p.kind) {
      case "literal":
        if (text.slice(at, at + p.text.length) !== p.text) return null;
        at += p.text.length;
        break;
      case "digits":
      case "fraction": {
        const digits = text.slice(at, at + p.width);
        if (digits.length !== p.width || !/^\d+$/.test(digits)) return null;
        if (p.kind === "digits") f[p.field] = Number(digits);
        else fraction = Number(digits) / 10 ** p.width;
        at += p.width;
        break;
      }
      case "offset": {
        const m = /^([+-])(\d{2})(\d{2})/.exec(text.slice(at));
        if (m === null) return null;
        const hours = Number(m[2]);
        const minutes = Number(m[3]);
        if (hours > 23 || minutes > 59) return null;
        offset = (m[1] === "-" ? -1 : 1) * (hours * 3600 + minutes * 60);
        at += 5;
        break;
      }
    }
  }
  if (at !== text.length) return null;
  const { Y, m, d, H, M, S } = f as Record<"Y" | "m" | "d" | "H" | "M" | "S", number>;
  if (m < 1 || m > 12 || d < 1 || d > daysIn(Y, m) || H > 23 || M > 59 || S > 59) return null;
  return daysFromCivil(Y, m, d) * 86400 + H * 3600 + M * 60 + S - offset + fraction;
}
