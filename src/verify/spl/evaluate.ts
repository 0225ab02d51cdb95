import { assertNever } from "../../diagnostics.js";
import { inIPv6Network, parseIPv6Text } from "./ip.js";
import type { CmpOp, EvalNode, Pipeline, SearchNode, SearchValue } from "./ast.js";

/**
 * Splunk semantics on a document of extracted fields (name → values; one value is a single-value
 * field, several a multivalue field, no entry a null field). See src/verify/views/splunk.ts for
 * how the document is made from a raw event.
 *
 * search: `f=value` holds when some value of f matches the glob, case-insensitively (modelled as
 * Unicode simple case folding, the same as PCRE (?i)); `f=*` holds when f has a value; NOT is
 * plain negation (so `NOT f=v` holds for events without f); an IPv4 CIDR value matches values
 * that are dotted-quad IPv4 text (no leading zeros) inside the network.
 * where: three-valued (a comparison with null is null); an event passes when the expression is
 * true. mvfind returns the index of the first matching value or null; mvfilter keeps the values
 * for which the predicate is true (null when none); tonumber reads decimal numbers; cidrmatch with
 * an IPv6 network is true for IPv6 address text inside it (IPv4 text is not an IPv6 address).
 */

export type SplDocument = Readonly<Record<string, readonly string[]>>;
type Value = null | string | number | boolean | readonly string[];

/** Raised when a modelled function meets a value shape the model does not define. */
export class OutsideModel extends Error {}

function globRegExp(value: SearchValue & { kind: "glob" }): RegExp {
  const body = value.parts
    .map((p) =>
      typeof p === "string"
        ? [...p].map((c) => `\\u{${c.codePointAt(0)!.toString(16)}}`).join("")
        : "[\\s\\S]*",
    )
    .join("");
  return new RegExp(`^${body}$`, "iu");
}

function parseIPv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

function compileSearch(node: SearchNode): (doc: SplDocument) => boolean {
  switch (node.kind) {
    case "and": {
      const items = node.items.map(compileSearch);
      return (d) => items.every((f) => f(d));
    }
    case "or": {
      const items = node.items.map(compileSearch);
      return (d) => items.some((f) => f(d));
    }
    case "not": {
      const item = compileSearch(node.item);
      return (d) => !item(d);
    }
    case "all":
      return () => true;
    case "cmp": {
      const { field, value } = node;
      if (value.kind === "cidr4") {
        const size = 2 ** (32 - value.prefix);
        const lo = value.network - (value.network % size);
        return (d) =>
          (d[field] ?? []).some((v) => {
            const ip = parseIPv4(v);
            return ip !== undefined && ip >= lo && ip < lo + size;
          });
      }
      if (value.parts.length > 0 && value.parts.every((p) => typeof p !== "string"))
        return (d) => (d[field] ?? []).length > 0;
      const re = globRegExp(value);
      return (d) => (d[field] ?? []).some((v) => re.test(v));
    }
    default:
      return assertNever(node);
  }
}

function fieldValue(doc: SplDocument, name: string): Value {
  const v = doc[name];
  if (v === undefined || v.length === 0) return null;
  return v.length === 1 ? v[0]! : v;
}

function single(v: Value, what: string): string | number | boolean | null {
  if (Array.isArray(v)) throw new OutsideModel(`${what} of a multivalue field is not modelled`);
  return v as string | number | boolean | null;
}

function compare(op: CmpOp, a: Value, b: Value): boolean | null {
  const x = single(a, "comparison");
  const y = single(b, "comparison");
  if (x === null || y === null) return null;
  if (typeof x === "number" && typeof y === "number") {
    switch (op) {
      case "==":
        return x === y;
      case "!=":
        return x !== y;
      case "<":
        return x < y;
      case "<=":
        return x <= y;
      case ">":
        return x > y;
      case ">=":
        return x >= y;
      default:
        return assertNever(op);
    }
  }
  if (typeof x === "string" && typeof y === "string" && (op === "==" || op === "!="))
    return op === "==" ? x === y : x !== y;
  throw new OutsideModel(`comparison ${op} of ${typeof x} and ${typeof y} is not modelled`);
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function evalNode(e: EvalNode, doc: SplDocument): Value {
  switch (e.kind) {
    case "string":
    case "number":
      return e.value;
    case "field":
      return fieldValue(doc, e.name);
    case "not": {
      const v = evalNode(e.item, doc);
      return v === null ? null : !truth(v);
    }
    case "and": {
      const l = evalNode(e.left, doc);
      if (l !== null && !truth(l)) return false;
      const r = evalNode(e.right, doc);
      if (r !== null && !truth(r)) return false;
      return l === null || r === null ? null : true;
    }
    case "or": {
      const l = evalNode(e.left, doc);
      if (l !== null && truth(l)) return true;
      const r = evalNode(e.right, doc);
      if (r !== null && truth(r)) return true;
      return l === null || r === null ? null : false;
    }
    case "cmp":
      return compare(e.op, evalNode(e.left, doc), evalNode(e.right, doc));
    case "call": {
      const f = e.fn;
      switch (f.name) {
        case "true":
          return true;
        case "false":
          return false;
        case "isnull":
          return evalNode(f.arg, doc) === null;
        case "isnotnull":
          return evalNode(f.arg, doc) !== null;
        case "tonumber": {
          const v = single(evalNode(f.arg, doc), "tonumber");
          if (v === null) return null;
          if (typeof v === "number") return v;
          return typeof v === "string" && DECIMAL.test(v) ? Number(v) : null;
        }
        case "match": {
          const v = single(evalNode(f.arg, doc), "match");
          if (v === null) return null;
          return f.regex.test(String(v));
        }
        case "cidrmatch": {
          const v = single(evalNode(f.arg, doc), "cidrmatch");
          if (typeof v !== "string") return false;
          const words = parseIPv6Text(v);
          return words !== undefined && inIPv6Network(words, f.words, f.prefix);
        }
        case "mvfind": {
          const v = evalNode(f.arg, doc);
          if (v === null) return null;
          const values = Array.isArray(v) ? v : [String(v)];
          const i = values.findIndex((s) => f.regex.test(s));
          return i < 0 ? null : i;
        }
        case "mvfilter": {
          const values = doc[f.field] ?? [];
          const kept = values.filter(
            (one) => evalNode(f.predicate, { ...doc, [f.field]: [one] }) === true,
          );
          return kept.length === 0 ? null : kept.length === 1 ? kept[0]! : kept;
        }
        default:
          return assertNever(f);
      }
    }
    default:
      return assertNever(e);
  }
}

function truth(v: Exclude<Value, null>): boolean {
  if (typeof v === "boolean") return v;
  throw new OutsideModel(
    `a ${Array.isArray(v) ? "multivalue" : typeof v} used as a condition is not modelled`,
  );
}

export function compilePipeline(p: Pipeline): (doc: SplDocument) => boolean {
  const stages = p.commands.map((c) => {
    switch (c.kind) {
      case "search":
        return compileSearch(c.expr);
      case "where":
        return (d: SplDocument) => evalNode(c.expr, d) === true;
      default:
        return assertNever(c);
    }
  });
  return (doc) => stages.every((s) => s(doc));
}
