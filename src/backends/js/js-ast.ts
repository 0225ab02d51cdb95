import { assertNever } from "../../diagnostics.js";

/**
 * The small subset of JavaScript the js backend generates, as a tree. One tree, two printers:
 * `jsText` writes the compact query text (strings through JSON.stringify), and js-doc.ts lays it
 * out exactly as prettier would, so a module never needs prettier's parser.
 */

export type Js =
  | { readonly kind: "id"; readonly name: string }
  | { readonly kind: "str"; readonly value: string }
  | { readonly kind: "num"; readonly value: number }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "null" }
  | { readonly kind: "call"; readonly callee: string; readonly args: readonly Js[] }
  | { readonly kind: "new"; readonly callee: string; readonly args: readonly Js[] }
  | { readonly kind: "arrow"; readonly param: string; readonly body: Js }
  | { readonly kind: "logical"; readonly op: "&&" | "||"; readonly items: readonly Js[] }
  | { readonly kind: "binary"; readonly op: BinaryOp; readonly left: Js; readonly right: Js }
  | { readonly kind: "not"; readonly arg: Js }
  | { readonly kind: "array"; readonly items: readonly Js[] };

export type BinaryOp = "===" | "!==" | "<" | "<=" | ">" | ">=";

export const id = (name: string): Js => ({ kind: "id", name });
export const str = (value: string): Js => ({ kind: "str", value });
export const num = (value: number): Js => ({ kind: "num", value });
export const call = (callee: string, ...args: Js[]): Js => ({ kind: "call", callee, args });
export const binary = (op: BinaryOp, left: Js, right: Js): Js => ({
  kind: "binary",
  op,
  left,
  right,
});

/** `const name = init;` at module level. */
export interface JsConstant {
  readonly name: string;
  readonly init: Js;
}

/** NaN and the infinities are identifiers (with a unary minus), everything else String(n). */
export function numberText(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "Infinity";
  if (n === -Infinity) return "-Infinity";
  return String(n);
}

/** A logical item nested in a logical is always parenthesized (the IR keeps its grouping). */
function operandText(e: Js): string {
  return e.kind === "logical" ? `(${jsText(e)})` : jsText(e);
}

export function jsText(e: Js): string {
  switch (e.kind) {
    case "id":
      return e.name;
    case "str":
      return JSON.stringify(e.value);
    case "num":
      return numberText(e.value);
    case "bool":
      return e.value ? "true" : "false";
    case "null":
      return "null";
    case "call":
      return `${e.callee}(${e.args.map(jsText).join(", ")})`;
    case "new":
      return `new ${e.callee}(${e.args.map(jsText).join(", ")})`;
    case "arrow":
      return `(${e.param}) => ${jsText(e.body)}`;
    case "logical":
      return e.items.map(operandText).join(` ${e.op} `);
    case "binary":
      return `${jsText(e.left)} ${e.op} ${jsText(e.right)}`;
    case "not":
      return `!${operandText(e.arg)}`;
    case "array":
      return `[${e.items.map(jsText).join(", ")}]`;
    default:
      return assertNever(e);
  }
}

export function constantText(c: JsConstant): string {
  return `const ${c.name} = ${jsText(c.init)};`;
}
