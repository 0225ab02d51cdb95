import { builders } from "prettier/doc";
import { assertNever } from "../../diagnostics.js";
import type { Js, JsConstant } from "./js-ast.js";

/**
 * Js trees → prettier Docs built the way prettier's estree printer builds them for the same code
 * (prettier 3, src/language-js/print: binaryish, call-arguments, arrow-function, assignment,
 * return-statement, array, literal). prettier's own doc printer then lays them out, so the module
 * text is what `prettier.format` would print without parsing it. Only the node shapes print.ts
 * generates are covered; test/backends/js-format.test.ts compares against prettier.check.
 */

const { conditionalGroup, group, ifBreak, indent, indentIfBreak, join, line, softline } = builders;
const { lineSuffixBoundary } = builders;
type Doc = builders.Doc;

/** prettier's string quoting: double quotes unless the text holds more " than ', minimal escapes. */
export function quote(value: string): string {
  const json = JSON.stringify(value);
  const raw = json.slice(1, -1);
  let doubles = 0;
  let singles = 0;
  for (const ch of value) {
    if (ch === '"') doubles++;
    else if (ch === "'") singles++;
  }
  if (doubles <= singles) return json;
  // Single-quoted: the JSON escapes stay (all are necessary or kept by prettier), \" loses its
  // backslash and ' gains one. Escaped backslashes are consumed in pairs, so `\\"` stays intact.
  return `'${raw.replace(/\\(.)|'/g, (m: string, escaped: string | undefined) =>
    escaped === undefined ? "\\'" : escaped === '"' ? '"' : m,
  )}'`;
}

/** prettier's number normalization applied to String(n) (only the exponent sign can change). */
function numberDoc(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "Infinity";
  if (n === -Infinity) return "-Infinity";
  return String(n)
    .toLowerCase()
    .replace(/^(-?[\d.]+e)(?:\+|(-))?0*(\d)/, "$1$2$3");
}

/** A one-item and/or is its item: the parentheses around it were only grouping. */
function unwrap(e: Js): Js {
  let node = e;
  while (node.kind === "logical" && node.items.length === 1) node = node.items[0]!;
  return node;
}

type Parent = "return" | "unary" | "arrow-body" | "argument" | "other";

const isBinaryish = (e: Js): boolean => e.kind === "logical" || e.kind === "binary";

/** `print()` of a node in a given parent, with the parentheses prettier keeps or adds. */
function printNode(e: Js, parent: Parent): Doc {
  const node = unwrap(e);
  switch (node.kind) {
    case "id":
      return node.name;
    case "str":
      return quote(node.value);
    case "num":
      return numberDoc(node.value);
    case "bool":
      return node.value ? "true" : "false";
    case "null":
      return "null";
    case "call":
      return [node.callee, printArguments(node.args)];
    case "new":
      return ["new ", node.callee, printArguments(node.args)];
    case "arrow":
      return printArrow(node.param, node.body, false);
    case "array":
      return printArray(node.items);
    case "not":
      return ["!", printNode(node.arg, "unary")];
    case "logical":
    case "binary": {
      // Operands of binary nodes go through printOperand; here only `!` needs parentheses.
      const doc = printBinaryish(node, parent);
      return parent === "unary" ? ["(", doc, ")"] : doc;
    }
    default:
      return assertNever(node);
  }
}

const PRECEDENCE: Readonly<Record<string, number>> = {
  "||": 1,
  "&&": 2,
  "===": 3,
  "!==": 3,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
};

function operatorOf(e: Js): string {
  return e.kind === "logical" ? e.op : e.kind === "binary" ? e.op : "";
}

/** Left-assoc chains flatten: `a && b && c` is And(And(a, b), c) in the parsed tree. */
interface BinaryNode {
  readonly type: "LogicalExpression" | "BinaryExpression";
  readonly op: string;
  readonly left: Js | BinaryNode;
  readonly right: Js;
}

function toBinaryNode(e: Js): Js | BinaryNode {
  const node = unwrap(e);
  if (node.kind === "binary")
    return { type: "BinaryExpression", op: node.op, left: node.left, right: node.right };
  if (node.kind !== "logical") return node;
  // prettier's parser postprocess rebalances `a && (b && c)` into `(a && b) && c`, so an item
  // with the same operator joins the chain wherever it stands.
  const items: Js[] = [];
  const collect = (item: Js): void => {
    const u = unwrap(item);
    if (u.kind === "logical" && u.op === node.op) u.items.forEach(collect);
    else items.push(u);
  };
  node.items.forEach(collect);
  // a && (b && c) keeps its parentheses: items stay separate operands; build ((i1 op i2) op i3).
  let acc: Js | BinaryNode = items[0]!;
  for (const item of items.slice(1))
    acc = { type: "LogicalExpression", op: node.op, left: acc, right: item };
  return acc;
}

const isNode = (x: Js | BinaryNode): x is BinaryNode => "type" in x;

function nodeType(x: Js | BinaryNode): string {
  if (isNode(x)) return x.type;
  const u = unwrap(x);
  return u.kind === "logical"
    ? "LogicalExpression"
    : u.kind === "binary"
      ? "BinaryExpression"
      : u.kind;
}

function nodeOp(x: Js | BinaryNode): string {
  return isNode(x) ? x.op : operatorOf(unwrap(x));
}

/** shouldFlatten for the operators generated here: same precedence (no ** or %, bitwise). */
function shouldFlatten(parentOp: string, childOp: string): boolean {
  const a = PRECEDENCE[parentOp];
  const b = PRECEDENCE[childOp];
  if (a === undefined || b === undefined || a !== b) return false;
  // `a === b === c` style equality chains do not flatten.
  return a !== 3;
}

/** printBinaryishExpressions: a same-precedence left operand continues the same parts list. */
function printBinaryishParts(node: BinaryNode, parentType: string): Doc[] {
  const left = node.left;
  // A parenthesized same-operator item on the left flattens too: the parsed tree has no parens.
  const flat = shouldFlatten(node.op, nodeOp(left))
    ? isNode(left)
      ? left
      : toBinaryNode(left)
    : undefined;
  const parts =
    flat !== undefined && isNode(flat)
      ? printBinaryishParts(flat, node.type)
      : [group(printOperand(left, node))];
  const right: Doc = [node.op, line, printOperand(node.right, node, true)];
  const shouldGroup =
    parentType !== node.type && nodeType(left) !== node.type && nodeType(node.right) !== node.type;
  parts.push(" ", shouldGroup ? group(right) : right);
  return parts;
}

/** An operand of a binary node, parenthesized when its precedence requires it. */
function printOperand(e: Js | BinaryNode, parent: BinaryNode, isRight = false): Doc {
  if (isNode(e)) return printBinaryishFromNode(e, parent.type);
  const u = unwrap(e);
  if (u.kind !== "logical" && u.kind !== "binary") return printNode(u, "other");
  const inner = toBinaryNode(u);
  if (!isNode(inner)) return printNode(inner, "other");
  const po = PRECEDENCE[parent.op]!;
  const no = PRECEDENCE[inner.op]!;
  // prettier keeps `a || (b && c)` parenthesized: mixed && and || always get parentheses.
  const mixedLogical = parent.type === "LogicalExpression" && inner.type === "LogicalExpression";
  const parens =
    po > no ||
    (po === no && isRight) ||
    (po === no && !shouldFlatten(parent.op, inner.op)) ||
    (mixedLogical && parent.op !== inner.op);
  const doc = printBinaryishFromNode(inner, parent.type);
  return parens ? ["(", doc, ")"] : doc;
}

/** printBinaryishExpression for a node whose parent is another binary/logical node. */
function printBinaryishFromNode(node: BinaryNode, parentType: string): Doc {
  const parts = printBinaryishParts(node, parentType);
  return chain(parts);
}

/** The general case: the first operand stays, the rest is indented in one group. */
function chain(parts: Doc[]): Doc {
  const first = parts.findIndex(
    (p) => typeof p === "object" && !Array.isArray(p) && p.type === "group",
  );
  const head = parts.slice(0, first === -1 ? 1 : first + 1);
  return group([...head, indent(parts.slice(head.length))]);
}

function printBinaryish(e: Js, parent: Parent): Doc {
  const node = toBinaryNode(e);
  if (!isNode(node)) return printNode(node, parent);
  const parts = printBinaryishParts(node, parent);
  if (parent === "unary") return group([indent([softline, ...parts]), softline]);
  if (parent === "return" || parent === "arrow-body") return group(parts);
  return chain(parts);
}

/** `(v) => body`; with expandLastArg the body may move to its own line with a trailing comma. */
function printArrow(param: string, body: Js, expandLastArg: boolean): Doc {
  const signature = expandLastArg
    ? group(["(", param, ")"])
    : group(["(", indent([softline, param]), softline, ")"]);
  const bodyDoc = printNode(body, "arrow-body");
  const bodyParts: Doc = expandLastArg
    ? [indent([line, bodyDoc]), ifBreak(","), softline]
    : [indent([line, bodyDoc])];
  return group([group(signature), " =>", group(bodyParts)]);
}

/** couldExpandArg for the generated shapes: an arrow whose body is a call, a non-empty array. */
function couldExpand(arg: Js): boolean {
  const a = unwrap(arg);
  if (a.kind === "array") return a.items.length > 0;
  return a.kind === "arrow" && unwrap(a.body).kind === "call";
}

function printArguments(args: readonly Js[]): Doc {
  if (args.length === 0) return "()";
  const printed: Doc[] = args.map((a, i) =>
    i === args.length - 1 ? printNode(a, "argument") : [printNode(a, "argument"), ",", line],
  );
  const allBroken = (): Doc =>
    group(["(", indent([line, ...printed]), ",", line, ")"], { shouldBreak: true });
  const last = unwrap(args[args.length - 1]!);
  const penultimate = args.length > 1 ? unwrap(args[args.length - 2]!) : undefined;
  if (couldExpand(last) && (penultimate === undefined || penultimate.kind !== last.kind)) {
    const head = printed.slice(0, -1);
    const expanded =
      last.kind === "arrow" ? printArrow(last.param, last.body, true) : printNode(last, "argument");
    return conditionalGroup([
      ["(", ...head, expanded, ")"],
      ["(", ...head, group(expanded, { shouldBreak: true }), ")"],
      allBroken(),
    ]);
  }
  return group(["(", indent([softline, ...printed]), ifBreak(","), softline, ")"]);
}

function printArray(items: readonly Js[]): Doc {
  if (items.length === 0) return "[]";
  return group([
    "[",
    indent([
      softline,
      join(
        [",", line],
        items.map((i) => printNode(i, "other")),
      ),
    ]),
    ifBreak(","),
    softline,
    "]",
  ]);
}

/** `return arg;` */
export function returnDoc(arg: Js): Doc {
  const node = unwrap(arg);
  const argument = printNode(node, "return");
  if (!isBinaryish(node)) return ["return ", argument, ";"];
  return [
    "return ",
    group([ifBreak("("), indent([softline, argument]), softline, ifBreak(")")]),
    ";",
  ];
}

/** `const name = init;` (assignment layout "fluid" for the initializers generated here). */
export function constantDoc(c: JsConstant): Doc {
  const id = Symbol("assignment");
  return group([
    "const ",
    group(c.name),
    " =",
    group(indent(line), { id }),
    lineSuffixBoundary,
    indentIfBreak(printNode(c.init, "other"), { groupId: id }),
    ";",
  ]);
}

/** Metadata values: strings, string arrays and one level of string-valued objects. */
export type MetaValue = string | readonly string[] | Readonly<Record<string, string>>;

/** An object property `key: value` (keys are identifiers, so prettier prints them bare). */
function propertyDoc(key: string, value: MetaValue): Doc {
  const right =
    typeof value === "string"
      ? quote(value)
      : Array.isArray(value)
        ? printArray((value as readonly string[]).map((s): Js => ({ kind: "str", value: s })))
        : objectDoc(value as Readonly<Record<string, string>>);
  // Keys narrower than tabWidth + 3 never break after the colon (isObjectPropertyWithShortKey).
  if (key.length < 5) return group([group(key), ": ", right]);
  // A string value moves to the next line before anything else breaks.
  if (typeof value === "string") return group([group(key), ":", group(indent([line, right]))]);
  const id = Symbol("assignment");
  return group([
    group(key),
    ":",
    group(indent(line), { id }),
    lineSuffixBoundary,
    indentIfBreak(right, { groupId: id }),
  ]);
}

/** An object written with a line break after `{` stays expanded (prettier keeps that choice). */
export function objectDoc(entries: Readonly<Record<string, MetaValue>>): Doc {
  const props = Object.entries(entries).map(([k, v]) => propertyDoc(k, v));
  if (props.length === 0) return "{}";
  return group(["{", indent([line, join([",", line], props)]), ifBreak(","), line, "}"], {
    shouldBreak: true,
  });
}
