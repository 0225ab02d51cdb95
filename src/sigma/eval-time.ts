import type { TimePart } from "../ir.js";

/**
 * Time parts for Sigma's `|minute` … `|year` modifiers. A value is a date-time when it is a string
 * in RFC 3339 form: `YYYY-MM-DD`, `T`/`t`/space, `hh:mm:ss`, optional fraction (`.` or `,`), and an
 * offset `Z`/`z` or `±hh:mm`. Without an offset the UTC instant is unknown, so the value is not a
 * date-time. Fields are range-checked (day against its month); second 60 (a leap second) is counted
 * in the minute it closes. Parts are taken in UTC: week is the ISO-8601 week (1-53), year the
 * calendar year.
 */

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,]\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The UTC instant of an RFC 3339 date-time, or undefined. */
export function parseDateTime(text: string): Date | undefined {
  const m = DATE_TIME.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const offH = m[8] === undefined ? 0 : Number(m[8]);
  const offM = m[9] === undefined ? 0 : Number(m[9]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60 || offH > 23 || offM > 59) return undefined;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, Math.min(second, 59), 0);
  const sign = m[7] === "-" ? -1 : 1;
  return new Date(date.getTime() - sign * (offH * 60 + offM) * 60_000);
}

/** ISO-8601 week number of the UTC date: weeks start on Monday, week 1 holds the first Thursday. */
function isoWeek(date: Date): number {
  const thursday = new Date(0);
  thursday.setUTCFullYear(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  thursday.setUTCDate(thursday.getUTCDate() + 3 - ((thursday.getUTCDay() + 6) % 7));
  const jan1 = new Date(0);
  jan1.setUTCFullYear(thursday.getUTCFullYear(), 0, 1);
  return 1 + Math.floor((thursday.getTime() - jan1.getTime()) / (7 * 86_400_000));
}

export function timePart(date: Date, part: TimePart): number {
  switch (part) {
    case "minute":
      return date.getUTCMinutes();
    case "hour":
      return date.getUTCHours();
    case "day":
      return date.getUTCDate();
    case "week":
      return isoWeek(date);
    case "month":
      return date.getUTCMonth() + 1;
    case "year":
      return date.getUTCFullYear();
  }
}
