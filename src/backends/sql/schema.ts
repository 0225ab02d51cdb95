import { DiagnosticError } from "../../diagnostics.js";
import type { Loc } from "../../source.js";
import { targetField } from "../../pipelines/fields.js";
import type { ResolvedMapping } from "../../pipelines/types.js";
import type { LogsourceMapping } from "../../targets/types.js";

/**
 * The table shape a SQL query is written for (targets/sql.yml `columns`), and how a Sigma field
 * reads from it. Every leaf is text: a `varchar`, a `varchar[]` list, or text read out of a `json`
 * column with a JSON path. Without a known logsource every dotted field is a struct path to a
 * varchar (`a.b` is column `a`, field `b`).
 */

export type ColumnType =
  | { readonly kind: "varchar" }
  | { readonly kind: "list" }
  | { readonly kind: "json" }
  | { readonly kind: "struct"; readonly fields: ReadonlyMap<string, ColumnType> };

/** One step of a path inside a JSON column: an object key, or every element of an array. */
export type JsonStep = { readonly kind: "key"; readonly key: string } | { readonly kind: "each" };

/** Where a Sigma field's values are in the table. `columns` is the struct path from the row. */
export type Access =
  | { readonly kind: "scalar"; readonly columns: readonly string[] }
  | { readonly kind: "list"; readonly columns: readonly string[] }
  /** `each` steps make it many values (a list); otherwise at most one. */
  | {
      readonly kind: "json";
      readonly columns: readonly string[];
      readonly steps: readonly JsonStep[];
    };

export const isMany = (a: Access): boolean =>
  a.kind === "list" || (a.kind === "json" && a.steps.some((s) => s.kind === "each"));

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function badSchema(message: string): never {
  throw new Error(`targets/sql.yml: invalid columns: ${message}`);
}

/** `columns` of a logsource's settings as types; a broken file is a packaging bug (throws). */
export function parseColumns(raw: unknown, where = "columns"): ColumnType {
  if (!isRecord(raw)) return badSchema(`${where} must be a mapping`);
  const fields = new Map<string, ColumnType>();
  for (const [name, t] of Object.entries(raw)) {
    if (isRecord(t)) fields.set(name, parseColumns(t, `${where}.${name}`));
    else if (t === "varchar") fields.set(name, { kind: "varchar" });
    else if (t === "varchar[]") fields.set(name, { kind: "list" });
    else if (t === "json") fields.set(name, { kind: "json" });
    else badSchema(`${where}.${name}: unknown type ${JSON.stringify(t)}`);
  }
  return { kind: "struct", fields };
}

const schemas = new WeakMap<LogsourceMapping, ColumnType | null>();

/** The table shape of a logsource, or null when it declares none. */
export function schemaOf(mapping: LogsourceMapping | undefined): ColumnType | null {
  if (mapping === undefined) return null;
  let s = schemas.get(mapping);
  if (s === undefined) {
    const raw = mapping.settings["columns"];
    s = raw === undefined ? null : parseColumns(raw);
    schemas.set(mapping, s);
  }
  return s;
}

/** A target path split at dots outside double quotes (`a."b.c"` is a, b.c; `[*]` stays a segment suffix). */
export function splitPath(path: string): string[] | undefined {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === '"') {
      if (quoted && path[i + 1] === '"') {
        cur += '"';
        i++;
      } else {
        quoted = !quoted;
        wasQuoted = true;
      }
    } else if (c === "." && !quoted) {
      if (cur === "" && !wasQuoted) return undefined;
      out.push(cur);
      cur = "";
      wasQuoted = false;
    } else cur += c;
  }
  if (quoted || (cur === "" && !wasQuoted)) return undefined;
  out.push(cur);
  return out;
}

function unmapped(field: string, origin: Loc | undefined, file: string, why: string): never {
  throw new DiagnosticError({
    severity: "error",
    code: "UNMAPPED_FIELD",
    message: `field '${field}' ${why}; map it in the logsource's pipeline (targets/pipelines/sql-*.yml or -p)`,
    file,
    ...(origin ? { loc: origin } : {}),
    target: "sql",
  });
}

/** The JSON steps of the path segments after a json column (`x[*]` is key x, then each element). */
function jsonSteps(segments: readonly string[]): JsonStep[] {
  const steps: JsonStep[] = [];
  for (const seg of segments) {
    let key = seg;
    let each = 0;
    while (key.endsWith("[*]")) {
      key = key.slice(0, -3);
      each++;
    }
    if (key !== "") steps.push({ kind: "key", key });
    for (let k = 0; k < each; k++) steps.push({ kind: "each" });
  }
  return steps;
}

/**
 * Where a Sigma field is read: the mapping's `fields` entry (a column path) or the field itself,
 * resolved through the table's columns. A path that ends at a struct, or runs into a varchar or
 * a list before its end, has no text value and is refused.
 */
export function resolveField(
  mapping: ResolvedMapping | undefined,
  field: string,
  file: string,
  origin: Loc | undefined,
): Access {
  // A one-to-many field would need the predicate repeated per column; refused, never narrowed.
  const target = targetField(mapping, field, "sql", file, origin);
  const explicit =
    mapping !== undefined && Object.prototype.hasOwnProperty.call(mapping.targetsOf, field);
  const segments = explicit ? splitPath(target) : field.split(".");
  if (segments === undefined || segments.some((s) => s === ""))
    return unmapped(field, origin, file, `has no valid column path ('${target}')`);
  const schema = schemaOf(mapping);
  if (schema === null) return { kind: "scalar", columns: segments };
  let type: ColumnType = schema;
  const columns: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (type.kind !== "struct") break;
    const next: ColumnType | undefined = type.fields.get(seg);
    if (next === undefined)
      return unmapped(field, origin, file, `is not a column of the table ('${target}')`);
    columns.push(seg);
    type = next;
    if (type.kind === "json")
      return { kind: "json", columns, steps: jsonSteps(segments.slice(i + 1)) };
  }
  if (columns.length !== segments.length)
    return unmapped(field, origin, file, `goes below a text column ('${target}')`);
  switch (type.kind) {
    case "varchar":
      return { kind: "scalar", columns };
    case "list":
      return { kind: "list", columns };
    case "struct":
      return unmapped(field, origin, file, `is a struct, not a value ('${target}')`);
    case "json":
      return { kind: "json", columns, steps: [] };
  }
}
