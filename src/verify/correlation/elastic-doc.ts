import { datasetField } from "../kql/datasets.js";
import { valuesAt } from "../kql/interpret.js";
import type { EsFieldType } from "../kql/mapping.js";
import { OutsideModel } from "../spl/evaluate.js";

/**
 * What an Elasticsearch document holds for the fields a correlation groups and times by, as the
 * index keeps them (the mapping of the document's data stream, kql/datasets.ts):
 * - a `date` field keeps milliseconds since the epoch: the date is parsed as
 *   strict_date_optional_time and digits of the fraction beyond the third are dropped;
 * - a keyword value is its text; a number or boolean field's value its JSON text.
 * A field with several values is outside the model of a key (neither query groups by one here).
 */

function typeOf(doc: unknown, field: string): EsFieldType | undefined {
  const ds = valuesAt(doc, "data_stream.dataset")[0];
  return datasetField(typeof ds === "string" ? ds : undefined, field)?.type;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** A date value in epoch milliseconds, or undefined when the index could not have parsed it. */
export function dateMillis(text: string): number | undefined {
  const m = DATE.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(base)) return undefined;
  const check = new Date(base);
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1) return undefined;
  const ms = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, "0"));
  let offset = 0;
  if (zone !== "Z") {
    const sign = zone!.startsWith("-") ? -1 : 1;
    offset = sign * (Number(zone!.slice(1, 3)) * 60 + Number(zone!.slice(4, 6))) * 60_000;
  }
  return base + ms - offset;
}

/** The document's time in milliseconds from a date field; undefined when it has none. */
export function timeOf(doc: unknown, field: string): number | undefined {
  const type = typeOf(doc, field);
  if (type !== "date")
    throw new OutsideModel(`${field} is not a date field here (${type ?? "unmapped"})`);
  const values = valuesAt(doc, field);
  if (values.length === 0) return undefined;
  if (values.length > 1) throw new OutsideModel(`${field} holds several dates`);
  const v = values[0];
  return typeof v === "string" ? dateMillis(v) : undefined;
}

/** The document's value of a key field as text; undefined when it has none. */
export function keyOf(doc: unknown, field: string): string | undefined {
  const values = valuesAt(doc, field);
  if (values.length === 0) return undefined;
  if (values.length > 1) throw new OutsideModel(`${field} holds several values: a key of one`);
  const v = values[0];
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}
