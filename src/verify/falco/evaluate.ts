import { assertNever } from "../../diagnostics.js";
import { ParseError } from "../types.js";
import type { FieldRef, FNode, StrOpName } from "./ast.js";
import { JSON_VALUE_FIELDS, KA_FIELDS, jsonValueKey, type FieldShape } from "./fields.js";
import { GlobSyntaxError, compileFnmatch } from "./fnmatch.js";

/**
 * A Falco document: field name (json.value with its canonical pointer) → the string value, or the
 * strings of a list field. A missing key means "not available": every comparison on it is false,
 * `exists` is false, and `not <comparison>` is true.
 */
export type FalcoDocument = Readonly<Record<string, string | readonly string[]>>;

export type Predicate = (doc: FalcoDocument) => boolean;

const encoder = new TextEncoder();

/** strcmp on the UTF-8 bytes. */
function strcmp(a: string, b: string): number {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** strcasestr: ASCII letters fold, nothing else (C locale). */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function fail(text: string, offset: number, message: string): ParseError {
  const before = text.slice(0, offset);
  return new ParseError(
    message,
    offset,
    before.split("\n").length,
    offset - before.lastIndexOf("\n"),
  );
}

interface Resolved {
  readonly key: string;
  readonly shape: FieldShape;
}

function resolveField(field: FieldRef, text: string): Resolved {
  if (JSON_VALUE_FIELDS.has(field.name)) {
    if (field.arg === undefined)
      throw fail(text, field.offset, `field '${field.name}' requires an argument`);
    return { key: jsonValueKey(field.arg), shape: "scalar" };
  }
  const shape = KA_FIELDS[field.name];
  if (shape === undefined)
    throw fail(text, field.offset, `field '${field.name}' is outside the modelled subset`);
  if (field.arg !== undefined)
    throw fail(text, field.offset, `argument on '${field.name}' is outside the modelled subset`);
  return { key: field.name, shape };
}

function scalarOf(doc: FalcoDocument, key: string): string | undefined {
  const v = doc[key];
  return typeof v === "string" ? v : undefined;
}

function listOf(doc: FalcoDocument, key: string): readonly string[] | undefined {
  const v = doc[key];
  if (v === undefined) return undefined;
  const list = typeof v === "string" ? [v] : v;
  return list.length === 0 ? undefined : list;
}

/**
 * Compile a macro-free AST into a predicate with libsinsp's semantics for string fields:
 * `=`/`!=`/`contains`/`startswith`/`endswith`/`in` compare bytes, `icontains` folds ASCII only,
 * `glob`/`iglob` are fnmatch, `<`… compare strings (strcmp). List fields take only `in` (every
 * value in the set), `intersects` (some value in the set) and `exists`.
 * `text` is the condition text, for positions in errors.
 */
export function compilePredicate(node: FNode, text: string): Predicate {
  switch (node.kind) {
    case "and": {
      const items = node.items.map((i) => compilePredicate(i, text));
      return (d) => items.every((p) => p(d));
    }
    case "or": {
      const items = node.items.map((i) => compilePredicate(i, text));
      return (d) => items.some((p) => p(d));
    }
    case "not": {
      const item = compilePredicate(node.item, text);
      return (d) => !item(d);
    }
    case "macro":
      throw fail(text, node.offset, `Undefined macro '${node.name}' used in filter.`);
    case "exists": {
      const f = resolveField(node.field, text);
      return f.shape === "list"
        ? (d) => listOf(d, f.key) !== undefined
        : (d) => scalarOf(d, f.key) !== undefined;
    }
    case "str": {
      const f = resolveField(node.field, text);
      if (f.shape === "list")
        throw fail(
          text,
          node.field.offset,
          `operator '${node.op}' is not supported on list field '${node.field.name}'`,
        );
      const test = stringTest(node.op, node.value, text, node.field.offset);
      return (d) => {
        const v = scalarOf(d, f.key);
        return v !== undefined && test(v);
      };
    }
    case "num": {
      const f = resolveField(node.field, text);
      if (f.shape === "list")
        throw fail(
          text,
          node.field.offset,
          `operator '${node.op}' is not supported on list field '${node.field.name}'`,
        );
      const rhs = node.value;
      const op = node.op;
      return (d) => {
        const v = scalarOf(d, f.key);
        if (v === undefined) return false;
        const c = strcmp(v, rhs);
        switch (op) {
          case "<":
            return c < 0;
          case "<=":
            return c <= 0;
          case ">":
            return c > 0;
          case ">=":
            return c >= 0;
          default:
            return assertNever(op);
        }
      };
    }
    case "list": {
      const f = resolveField(node.field, text);
      const set = new Set(node.values);
      const op = node.op;
      switch (op) {
        case "in":
          return f.shape === "list"
            ? (d) => listOf(d, f.key)?.every((v) => set.has(v)) ?? false
            : (d) => {
                const v = scalarOf(d, f.key);
                return v !== undefined && set.has(v);
              };
        case "intersects":
          return (d) => listOf(d, f.key)?.some((v) => set.has(v)) ?? false;
        case "pmatch":
          throw fail(text, node.field.offset, "operator 'pmatch' is outside the modelled subset");
        default:
          return assertNever(op);
      }
    }
    default:
      return assertNever(node);
  }
}

function stringTest(
  op: StrOpName,
  value: string,
  text: string,
  offset: number,
): (v: string) => boolean {
  switch (op) {
    case "=":
    case "==":
      return (v) => v === value;
    case "!=":
      return (v) => v !== value;
    case "contains":
      return (v) => v.includes(value);
    case "icontains": {
      const needle = asciiLower(value);
      return (v) => asciiLower(v).includes(needle);
    }
    case "startswith":
      return (v) => v.startsWith(value);
    case "endswith":
      return (v) => v.endsWith(value);
    case "glob":
    case "iglob":
      try {
        return compileFnmatch(value, op === "iglob");
      } catch (e) {
        if (e instanceof GlobSyntaxError) throw fail(text, offset, e.message);
        throw e;
      }
    case "bcontains":
    case "bstartswith":
      throw fail(text, offset, `operator '${op}' is outside the modelled subset`);
    default:
      return assertNever(op);
  }
}
