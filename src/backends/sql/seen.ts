import type { BackendContext, DataNote, SeenEvent } from "../types.js";
import type { DialectName } from "./dialect.js";
import { dialectOf } from "./options.js";
import { isMany, resolveField, type Access, type JsonStep } from "./schema.js";

/**
 * What the table holds of a raw event, for the fields a rule reads (the backend's claim, checked
 * by the DuckDB view in src/verify/sql): DuckDB reading the NDJSON line into the table's columns
 * (read_json with explicit columns, lenient on types). The seen event is flat: each Sigma field
 * is one key holding the text value(s) the query reads there (the reference evaluator reads a
 * literal dotted key first).
 * - varchar: strings as they are, booleans "true"/"false", an integer that fits 64 bits as written,
 *   other numbers in DuckDB's double text (1000.0, 1e-07, 1.2345678901234568e+20), an object or
 *   array as its JSON text; JSON null is no value.
 * - varchar[]: an array's elements as above (null elements stay null); anything else is no value.
 * - a struct that is not an object has no fields; a key is read only where the shape puts it.
 * - json: the value at the JSON path (keys exact, `[*]` every element); numbers in JSON text are
 *   as yyjson writes them (1e21, not 1e+21); Trino's json_extract_scalar gives no value for an
 *   object or array.
 */

export const SQL_DATA_NOTES: readonly DataNote[] = [
  {
    code: "FIDELITY_NUMBER_TEXT",
    message:
      "a JSON number in a text column reads as DuckDB's text of it: an integer as written, other numbers as doubles (1e-7 as 1e-07, 1e3 as 1000.0)",
  },
  {
    code: "FIDELITY_BOOLEAN_AS_TEXT",
    message:
      "a JSON boolean in a text column reads as the text true/false, which a regular expression can match (Sigma's regex reads only strings and numbers)",
  },
  {
    code: "FIDELITY_TABLE_SHAPE",
    message:
      "values are read where the table's columns put them: an object or array at a text column is its JSON text, a scalar at a list column or an array inside a struct path is no value",
  },
];

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** DuckDB's VARCHAR of a double: shortest digits, fixed between 1e-4 and 1e16 with a `.0`. */
export function duckDoubleText(n: number): string {
  if (n === 0) return Object.is(n, -0) ? "-0.0" : "0.0";
  const [mant, e] = Math.abs(n).toExponential().split("e") as [string, string];
  const exp = Number(e);
  const digits = mant.replace(".", "");
  const sign = n < 0 ? "-" : "";
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  if (exp >= 0) {
    const int = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
    const frac = digits.slice(exp + 1);
    return `${sign}${int}.${frac === "" ? "0" : frac}`;
  }
  return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
}

/** A JSON number (as JSON.stringify writes it) read into a VARCHAR column. */
export function duckNumberText(n: number): string {
  const json = JSON.stringify(n);
  if (/^-?\d+$/.test(json)) {
    const b = BigInt(json);
    if (b >= INT64_MIN && b <= UINT64_MAX) return json;
  }
  return duckDoubleText(n);
}

/** JSON text as DuckDB writes it (yyjson): JSON.stringify's text, exponents without `+`. */
export function duckJsonText(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => x).replace(
    /("(?:[^"\\]|\\.)*")|e\+/g,
    (m, str: string | undefined) => str ?? "e",
  );
}

/** A JSON value read into a VARCHAR; undefined for JSON null. */
function varcharOf(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number") return duckNumberText(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  return duckJsonText(v);
}

/** json_extract_string (DuckDB, Spark) / json_extract_scalar (Trino) of a JSON value. */
function jsonScalarOf(v: unknown, dialect: DialectName): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number") return duckJsonText(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  return dialect === "trino" ? undefined : duckJsonText(v);
}

function jsonValues(node: unknown, steps: readonly JsonStep[], i: number, out: unknown[]): void {
  if (i === steps.length) {
    out.push(node);
    return;
  }
  const s = steps[i]!;
  if (s.kind === "each") {
    if (Array.isArray(node)) for (const item of node) jsonValues(item, steps, i + 1, out);
    return;
  }
  if (isRecord(node) && Object.hasOwn(node, s.key)) jsonValues(node[s.key], steps, i + 1, out);
}

/** The value(s) the query reads at an access: a text, a list (may hold null), or undefined. */
export function readAccess(raw: unknown, a: Access, dialect: DialectName): unknown {
  let node: unknown = raw;
  for (const c of a.columns) {
    if (!isRecord(node) || !Object.hasOwn(node, c)) return undefined;
    node = node[c];
  }
  switch (a.kind) {
    case "scalar":
      return varcharOf(node);
    case "list":
      return Array.isArray(node) ? node.map((x) => varcharOf(x) ?? null) : undefined;
    case "json": {
      if (node === null || node === undefined) return undefined;
      if (!isMany(a)) {
        const found: unknown[] = [];
        jsonValues(node, a.steps, 0, found);
        return found.length === 0 ? undefined : jsonScalarOf(found[0], dialect);
      }
      const found: unknown[] = [];
      jsonValues(node, a.steps, 0, found);
      const texts = found.map((x) => jsonScalarOf(x, dialect)).filter((x) => x !== undefined);
      return texts.length === 0 ? undefined : texts;
    }
  }
}

/**
 * The seen event answers any Sigma field by its SQL read (a field is one flat key, so the
 * reference evaluator's longest-key lookup asks for the whole field first). Fields that have no
 * column are absent. A proxy, because the fields a rule reads are not part of the context.
 */
export function sqlSeen(ctx: BackendContext): SeenEvent {
  const dialect = dialectOf(ctx).name;
  const accesses = new Map<string, Access | null>();
  const accessOf = (field: string): Access | null => {
    let a = accesses.get(field);
    if (a === undefined) {
      try {
        a = resolveField(ctx.mapping, field, ctx.rule.source.path, undefined);
      } catch {
        a = null;
      }
      accesses.set(field, a);
    }
    return a;
  };
  return (raw) => {
    const values = new Map<string, unknown>();
    const read = (field: string): unknown => {
      if (!values.has(field)) {
        const a = accessOf(field);
        values.set(field, a === null ? undefined : readAccess(raw, a, dialect));
      }
      return values.get(field);
    };
    return new Proxy(Object.create(null) as Record<string, unknown>, {
      get: (_t, key) => (typeof key === "string" ? read(key) : undefined),
      has: (_t, key) => typeof key === "string" && read(key) !== undefined,
      getOwnPropertyDescriptor: (_t, key) => {
        if (typeof key !== "string") return undefined;
        const value = read(key);
        return value === undefined
          ? undefined
          : { value, writable: false, enumerable: true, configurable: true };
      },
      ownKeys: () => [...values.keys()].filter((k) => values.get(k) !== undefined),
    });
  };
}
