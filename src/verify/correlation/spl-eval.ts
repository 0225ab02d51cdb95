import { assertNever } from "../../diagnostics.js";
import { OutsideModel } from "../spl/evaluate.js";
import type { CmpOp, EvalExpr } from "./spl-ast.js";
import { strptime } from "./spl-time.js";

/**
 * Splunk eval semantics for the subset the correlation pipelines use, on a row of fields.
 *
 * - A field holds null (no value), a number, a string, or several strings (a multivalue field).
 * - Arithmetic (`+ - * / %`) takes numbers and strings that are decimal numbers; null gives null.
 * - `.` concatenates the texts of its operands (integers without a fraction); null gives null.
 * - `==` / `!=` compare as numbers when both sides are numbers or decimal-number strings (Splunk
 *   reads a field that looks like a number as one), else as strings; `< <= > >=` need numbers.
 *   A comparison with null is null; AND, OR, NOT are three-valued; `if(c, a, b)` is `a` only
 *   when `c` is true.
 * - round(x) rounds half away from zero; len(s) counts characters (code points);
 *   replace(s, re, r) is modelled for a literal regular expression with an optional final `$`
 *   (end of text or before a final newline, as PCRE) and a literal replacement;
 *   strptime is spl-time.ts.
 * Any other shape (a multivalue field in an expression, text in arithmetic) is OutsideModel.
 */

export type Value = null | boolean | number | string | readonly string[];
export type Row = Record<string, Value>;

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function scalar(v: Value, what: string): Exclude<Value, readonly string[]> {
  if (Array.isArray(v)) throw new OutsideModel(`${what} of a multivalue field is not modelled`);
  return v as Exclude<Value, readonly string[]>;
}

export function asNumber(v: Value, what: string): number | null {
  const s = scalar(v, what);
  if (s === null) return null;
  if (typeof s === "number") return s;
  if (typeof s === "string" && DECIMAL.test(s)) return Number(s);
  throw new OutsideModel(`${what} of ${JSON.stringify(s)} is not modelled`);
}

function numeric(v: Value): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && DECIMAL.test(v)) return Number(v);
  return undefined;
}

function text(v: Exclude<Value, null | readonly string[]>): string {
  if (typeof v === "number") {
    if (!Number.isInteger(v))
      throw new OutsideModel("the text of a fractional number is not modelled");
    return String(v);
  }
  if (typeof v === "boolean") throw new OutsideModel("the text of a boolean is not modelled");
  return v;
}

function compare(op: CmpOp, a: Value, b: Value): Value {
  const x = scalar(a, "a comparison");
  const y = scalar(b, "a comparison");
  if (x === null || y === null) return null;
  const nx = numeric(x);
  const ny = numeric(y);
  if (nx !== undefined && ny !== undefined) {
    switch (op) {
      case "==":
        return nx === ny;
      case "!=":
        return nx !== ny;
      case "<":
        return nx < ny;
      case "<=":
        return nx <= ny;
      case ">":
        return nx > ny;
      case ">=":
        return nx >= ny;
      default:
        return assertNever(op);
    }
  }
  if (typeof x === "string" && typeof y === "string" && (op === "==" || op === "!="))
    return (x === y) === (op === "==");
  throw new OutsideModel(`comparison ${op} of ${typeof x} and ${typeof y} is not modelled`);
}

function truth(v: Value, what: string): boolean | null {
  if (v === null || typeof v === "boolean") return v;
  throw new OutsideModel(`${what}: a ${typeof v} used as a condition is not modelled`);
}

/** A literal PCRE with an optional final `$`, as the replace() model accepts it. */
function literalPattern(re: string): { text: string; anchored: boolean } {
  const anchored = re.endsWith("$") && !re.endsWith("\\$");
  const body = anchored ? re.slice(0, -1) : re;
  if (/[\\.^$|?*+()[\]{}]/.test(body))
    throw new OutsideModel(
      `replace() with the regular expression ${JSON.stringify(re)} is not modelled`,
    );
  return { text: body, anchored };
}

function replace(s: string, re: string, by: string): string {
  if (/[\\$]/.test(by)) throw new OutsideModel("replace() with a back-reference is not modelled");
  const { text: lit, anchored } = literalPattern(re);
  if (!anchored) return lit === "" ? s : s.split(lit).join(by);
  // PCRE `$`: the end of the text, or just before a final newline.
  const end = s.endsWith("\n") && s.slice(0, -1).endsWith(lit) ? s.length - 1 : s.length;
  if (!s.slice(0, end).endsWith(lit)) return s;
  return s.slice(0, end - lit.length) + by + s.slice(end);
}

export function evaluate(e: EvalExpr, row: Row): Value {
  switch (e.kind) {
    case "number":
    case "string":
      return e.value;
    case "field":
      return Object.hasOwn(row, e.name) ? row[e.name]! : null;
    case "not": {
      const v = truth(evaluate(e.item, row), "NOT");
      return v === null ? null : !v;
    }
    case "and": {
      const l = truth(evaluate(e.left, row), "AND");
      if (l === false) return false;
      const r = truth(evaluate(e.right, row), "AND");
      if (r === false) return false;
      return l === null || r === null ? null : true;
    }
    case "or": {
      const l = truth(evaluate(e.left, row), "OR");
      if (l === true) return true;
      const r = truth(evaluate(e.right, row), "OR");
      if (r === true) return true;
      return l === null || r === null ? null : false;
    }
    case "cmp":
      return compare(e.op, evaluate(e.left, row), evaluate(e.right, row));
    case "arith": {
      const l = evaluate(e.left, row);
      const r = evaluate(e.right, row);
      if (e.op === ".") {
        const a = scalar(l, "concatenation");
        const b = scalar(r, "concatenation");
        return a === null || b === null ? null : text(a) + text(b);
      }
      const a = asNumber(l, `'${e.op}'`);
      const b = asNumber(r, `'${e.op}'`);
      if (a === null || b === null) return null;
      switch (e.op) {
        case "+":
          return a + b;
        case "-":
          return a - b;
        case "*":
          return a * b;
        case "/":
          return b === 0 ? null : a / b;
        case "%":
          return b === 0 ? null : a % b;
        default:
          return assertNever(e.op);
      }
    }
    case "call":
      return call(e, row);
    default:
      return assertNever(e);
  }
}

function call(e: Extract<EvalExpr, { kind: "call" }>, row: Row): Value {
  const arg = (i: number): Value => evaluate(e.args[i]!, row);
  switch (e.name) {
    case "true":
      return true;
    case "false":
      return false;
    case "null":
      return null;
    case "isnull":
      return arg(0) === null;
    case "isnotnull":
      return arg(0) !== null;
    case "if":
      return truth(arg(0), "if()") === true ? arg(1) : arg(2);
    case "round": {
      const x = asNumber(arg(0), "round()");
      return x === null ? null : Math.sign(x) * Math.floor(Math.abs(x) + 0.5);
    }
    case "len": {
      const s = scalar(arg(0), "len()");
      if (s === null) return null;
      if (typeof s !== "string") throw new OutsideModel("len() of a non-string is not modelled");
      return [...s].length;
    }
    case "strptime": {
      const s = scalar(arg(0), "strptime()");
      const f = scalar(arg(1), "strptime()");
      if (s === null || f === null) return null;
      if (typeof s !== "string" || typeof f !== "string")
        throw new OutsideModel("strptime() of a non-string is not modelled");
      return strptime(s, f);
    }
    case "replace": {
      const s = scalar(arg(0), "replace()");
      const re = scalar(arg(1), "replace()");
      const by = scalar(arg(2), "replace()");
      if (s === null) return null;
      if (typeof s !== "string" || typeof re !== "string" || typeof by !== "string")
        throw new OutsideModel("replace() of a non-string is not modelled");
      return replace(s, re, by);
    }
    default:
      return assertNever(e.name);
  }
}
