import { assertNever } from "../../diagnostics.js";
import { ParseError } from "../types.js";
import type { FieldRef, FNode, StrOpName } from "./ast.js";
import { JSON_VALUE_FIELDS, jsonValueKey, type FieldShape } from "./fields.js";
import { GlobSyntaxError, compileFnmatch } from "./fnmatch.js";
import { RegexRefused, compileFalcoRegex } from "./regex.js";
import { SOURCE_FIELDS, type FieldEntry, type ValueKind } from "./source-fields.js";
import { ValueRefused, addressBits, parseAddress, parseNetwork, parseNumber } from "./typed.js";

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
  /** How libsinsp compares the field's values (fd.*ip.name: whole domain names). */
  readonly kind: ValueKind | "hostname";
}

/** The field's entry in the rule's source, or (no source: a bare condition) in any source. */
function entryOf(name: string, source: string | undefined): FieldEntry | undefined {
  if (source !== undefined) return SOURCE_FIELDS[source]?.get(name);
  for (const table of Object.values(SOURCE_FIELDS)) {
    const e = table.get(name);
    if (e !== undefined) return e;
  }
  return undefined;
}

/** libsinsp keeps a string constant in a 256-byte buffer: a longer one refuses the rules file. */
const MAX_CONSTANT_BYTES = 255;

function checkLength(value: string, text: string, offset: number): void {
  if (encoder.encode(value).length > MAX_CONSTANT_BYTES)
    throw fail(text, offset, `filter parameter too long (${encoder.encode(value).length} bytes)`);
}

function resolveField(field: FieldRef, text: string, source: string | undefined): Resolved {
  const entry = entryOf(field.name, source);
  if (entry === undefined)
    throw fail(
      text,
      field.offset,
      source === undefined
        ? `field '${field.name}' is outside the modelled subset`
        : `field '${field.name}' does not exist in event source '${source}'`,
    );
  const [kind, list, arg] = entry;
  if (JSON_VALUE_FIELDS.has(field.name)) {
    if (field.arg === undefined)
      throw fail(text, field.offset, `field '${field.name}' requires an argument`);
    return { key: jsonValueKey(field.arg), shape: "scalar", kind: "string" };
  }
  if (arg === "r" && field.arg === undefined)
    throw fail(text, field.offset, `field '${field.name}' requires an argument`);
  if (arg === "" && field.arg !== undefined)
    throw fail(text, field.offset, `field '${field.name}' does not take an argument`);
  const key = field.arg === undefined ? field.name : `${field.name}[${field.arg}]`;
  const hostname = /^fd\.[sclr]ip\.name$/.test(field.name);
  return { key, shape: list ? "list" : "scalar", kind: hostname ? "hostname" : kind };
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
export function compilePredicate(node: FNode, text: string, source?: string): Predicate {
  switch (node.kind) {
    case "and": {
      const items = node.items.map((i) => compilePredicate(i, text, source));
      return (d) => items.every((p) => p(d));
    }
    case "or": {
      const items = node.items.map((i) => compilePredicate(i, text, source));
      return (d) => items.some((p) => p(d));
    }
    case "not": {
      const item = compilePredicate(node.item, text, source);
      return (d) => !item(d);
    }
    case "macro":
      throw fail(text, node.offset, `Undefined macro '${node.name}' used in filter.`);
    case "exists": {
      const f = resolveField(node.field, text, source);
      return f.shape === "list"
        ? (d) => listOf(d, f.key) !== undefined
        : (d) => scalarOf(d, f.key) !== undefined;
    }
    case "str": {
      const f = resolveField(node.field, text, source);
      if (f.shape === "list")
        throw fail(
          text,
          node.field.offset,
          `operator '${node.op}' is not supported on list field '${node.field.name}'`,
        );
      checkLength(node.value, text, node.field.offset);
      const test =
        f.kind === "string"
          ? stringTest(node.op, node.value, text, node.field.offset)
          : typedTest(f.kind, node.op, [node.value], text, node.field.offset);
      return (d) => {
        const v = scalarOf(d, f.key);
        return v !== undefined && test(v);
      };
    }
    case "num": {
      const f = resolveField(node.field, text, source);
      if (f.shape === "list")
        throw fail(
          text,
          node.field.offset,
          `operator '${node.op}' is not supported on list field '${node.field.name}'`,
        );
      const rhs = node.value;
      const op = node.op;
      if (f.kind !== "string" && f.kind !== "number")
        throw fail(
          text,
          node.field.offset,
          `operator '${op}' is not supported on field '${node.field.name}'`,
        );
      const numeric = f.kind === "number";
      const rhsNumber = numeric ? parseNumber(rhs) : 0;
      return (d) => {
        const v = scalarOf(d, f.key);
        if (v === undefined) return false;
        const c = numeric ? Number(v) - rhsNumber : strcmp(v, rhs);
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
      const f = resolveField(node.field, text, source);
      for (const v of node.values) checkLength(v, text, node.field.offset);
      const op = node.op;
      if (f.kind !== "string" && op === "in" && f.shape === "scalar") {
        const test = typedTest(f.kind, "=", node.values, text, node.field.offset);
        return (d) => {
          const v = scalarOf(d, f.key);
          return v !== undefined && test(v);
        };
      }
      const set = new Set(node.values);
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
    case "regex":
      try {
        return compileFalcoRegex(value);
      } catch (e) {
        if (e instanceof RegexRefused) throw fail(text, offset, e.message);
        throw e;
      }
    case "bcontains":
    case "bstartswith":
      throw fail(text, offset, `operator '${op}' is outside the modelled subset`);
    default:
      return assertNever(op);
  }
}

/**
 * `=`, `!=` (and `in`, as `=` on any value) on a field that is not a string; the right-hand side
 * is parsed when the rules load (a value that does not parse refuses the file).
 */
function typedTest(
  kind: ValueKind | "hostname",
  op: StrOpName,
  values: readonly string[],
  text: string,
  offset: number,
): (v: string) => boolean {
  if (op !== "=" && op !== "==" && op !== "!=")
    throw fail(text, offset, `operator '${op}' is not supported on a ${kind} field`);
  const negate = op === "!=";
  let one: (v: string) => boolean;
  try {
    switch (kind) {
      case "number": {
        const nums = new Set(values.map(parseNumber));
        one = (v) => /^-?[0-9]+$/.test(v) && nums.has(Number(v));
        break;
      }
      case "bool": {
        const bools: string[] = values.map((x) => {
          if (x !== "true" && x !== "false") throw new ValueRefused(`'${x}' is not a boolean`);
          return x;
        });
        one = (v) => bools.includes(v);
        break;
      }
      case "ipaddr": {
        const addrs = new Set(values.map(parseAddress));
        one = (v) => {
          const a = addressBits(v);
          return a !== undefined && addrs.has(a.bits);
        };
        break;
      }
      case "ipnet": {
        const nets = values.map(parseNetwork);
        one = (v) => {
          const a = addressBits(v);
          return a !== undefined && nets.some((n) => n(a.bits));
        };
        break;
      }
      case "hostname": {
        const names = new Set(values.map(asciiLower));
        one = (v) => names.has(asciiLower(v));
        break;
      }
      case "string":
      case "other":
        throw new ValueRefused(`the field's values are outside the modelled subset`);
    }
  } catch (e) {
    if (e instanceof ValueRefused) throw fail(text, offset, e.message);
    throw e;
  }
  return negate ? (v) => !one(v) : one;
}
