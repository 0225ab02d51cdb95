import type { CstNode, IToken } from "chevrotain";
import { parseEqlCst } from "../../../grammar/eql.js";
import { ParseError } from "../types.js";
import type { CompareOp, EqlNode, EqlQuery, PredicateOp, Span } from "./ast.js";

/**
 * The typed walk from chevrotain's concrete syntax tree to the EQL AST, decoding what
 * Elasticsearch's AbstractBuilder decodes: string escapes (`\u{…}` of 2 to 8 hex digits), raw
 * strings, backquoted names (`` ` `` doubled), and refusing what it refuses (single-quoted and
 * `?"…"` strings). Array indexes in field names and a unary minus on anything but a number are
 * outside the modelled subset.
 */

type Children = CstNode["children"];

export function nodes(children: Children, name: string): CstNode[] {
  return (children[name] ?? []).filter((e): e is CstNode => "children" in e);
}

export function tokens(children: Children, name: string): IToken[] {
  return (children[name] ?? []).filter((e): e is IToken => "image" in e);
}

export function one(children: Children, name: string): CstNode {
  const n = nodes(children, name)[0];
  if (n === undefined) throw new Error(`EQL tree: missing ${name}`);
  return n;
}

export function spanOf(t: IToken): Span {
  return { offset: t.startOffset, line: t.startLine ?? 1, col: t.startColumn ?? 1 };
}

function fail(message: string, span: Span): never {
  throw new ParseError(message, span.offset, span.line, span.col);
}

export function firstToken(node: CstNode): IToken {
  let best: IToken | undefined;
  for (const list of Object.values(node.children))
    for (const e of list) {
      const t = "image" in e ? e : firstToken(e);
      if (best === undefined || t.startOffset < best.startOffset) best = t;
    }
  if (best === undefined) throw new Error("EQL tree: empty node");
  return best;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  b: "\b",
  t: "\t",
  n: "\n",
  f: "\f",
  r: "\r",
  '"': '"',
  "'": "'",
  "\\": "\\",
};

/** The value of a STRING token. */
export function decodeEqlString(t: IToken): string {
  const image = t.image;
  // A raw string is everything between the first three and the last three quotes.
  if (image.startsWith('"""')) return image.slice(3, -3);
  const body = image.slice(1, -1);
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const n = body[i + 1]!;
    const simple = SIMPLE_ESCAPES[n];
    if (simple !== undefined) {
      out += simple;
      i++;
      continue;
    }
    const end = body.indexOf("}", i);
    const hex = body.slice(i + 3, end);
    const cp = parseInt(hex, 16);
    if (hex.length < 2 || hex.length > 8 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      fail(
        `\\u{${hex}} is not a Unicode escape of 2 to 8 hex digits naming a character`,
        spanOf(t),
      );
    out += String.fromCodePoint(cp);
    i = end;
  }
  return out;
}

function identifierText(node: CstNode): string {
  const quoted = tokens(node.children, "QuotedIdentifier")[0];
  if (quoted) return quoted.image.slice(1, -1).replaceAll("``", "`");
  return tokens(node.children, "Identifier")[0]!.image;
}

function field(node: CstNode): EqlNode {
  const optional = tokens(node.children, "Optional")[0];
  const first = firstToken(node);
  if (tokens(node.children, "LBracket").length > 0)
    fail("array indexes in field names are outside the modelled subset", spanOf(first));
  const name = nodes(node.children, "identifier").map(identifierText).join(".");
  return { kind: "field", name, optional: optional !== undefined, span: spanOf(first) };
}

function constant(node: CstNode): EqlNode {
  const t = firstToken(node);
  const span = spanOf(t);
  switch (t.tokenType.name) {
    case "Null":
      return { kind: "null", span };
    case "True":
      return { kind: "bool", value: true, span };
    case "False":
      return { kind: "bool", value: false, span };
    case "IntegerValue":
    case "DecimalValue":
      return { kind: "number", value: Number(t.image), span };
    case "StringLiteral":
    case "RawString":
      return { kind: "string", value: decodeEqlString(t), span };
    case "OldString":
      return fail(
        `${t.image.startsWith("?") ? "?-quoted" : "single-quoted"} strings are not EQL strings: use double quotes`,
        span,
      );
    default:
      throw new Error(`EQL tree: constant ${t.tokenType.name}`);
  }
}

function primary(node: CstNode): EqlNode {
  const c = nodes(node.children, "constant")[0];
  if (c) return constant(c);
  const call = nodes(node.children, "functionCall")[0];
  if (call) {
    const nameToken = firstToken(call);
    const insensitive = nameToken.image.endsWith("~");
    return {
      kind: "call",
      name: insensitive ? nameToken.image.slice(0, -1) : nameToken.image,
      insensitive,
      args: nodes(call.children, "orExpression").map(orExpression),
      span: spanOf(nameToken),
    };
  }
  const f = nodes(node.children, "field")[0];
  if (f) return field(f);
  return orExpression(one(node.children, "orExpression"));
}

const PREDICATES: Readonly<Record<string, PredicateOp>> = {
  Seq: ":",
  Like: "like",
  LikeInsensitive: "like~",
  Regex: "regex",
  RegexInsensitive: "regex~",
  In: "in",
  InInsensitive: "in~",
};

function operand(node: CstNode): EqlNode {
  const minus = tokens(node.children, "Minus")[0];
  let value = primary(one(node.children, "primary"));
  if (minus) {
    if (value.kind !== "number") fail("arithmetic is outside the modelled subset", spanOf(minus));
    value = { ...value, value: -value.value, span: spanOf(minus) };
  }
  const pred = nodes(node.children, "predicate")[0];
  if (!pred) return value;
  const kindToken = Object.keys(PREDICATES)
    .flatMap((k) => tokens(pred.children, k))
    .sort((a, b) => a.startOffset - b.startOffset)[0]!;
  const op = PREDICATES[kindToken.tokenType.name]!;
  const negated = tokens(pred.children, "Not").length > 0;
  const values =
    op === "in" || op === "in~"
      ? nodes(pred.children, "orExpression").map(orExpression)
      : nodes(pred.children, "constant").map(constant);
  return { kind: "predicate", op, negated, target: value, values, span: spanOf(kindToken) };
}

const COMPARISONS: Readonly<Record<string, CompareOp>> = {
  Eq: "==",
  Neq: "!=",
  Lt: "<",
  Lte: "<=",
  Gt: ">",
  Gte: ">=",
};

function comparison(node: CstNode): EqlNode {
  const operands = nodes(node.children, "operand").map(operand);
  if (operands.length === 1) return operands[0]!;
  const opToken = Object.keys(COMPARISONS).flatMap((k) => tokens(node.children, k))[0]!;
  return {
    kind: "compare",
    op: COMPARISONS[opToken.tokenType.name]!,
    left: operands[0]!,
    right: operands[1]!,
    span: spanOf(opToken),
  };
}

function notExpression(node: CstNode): EqlNode {
  const inner = nodes(node.children, "notExpression")[0];
  if (inner) return { kind: "not", item: notExpression(inner) };
  return comparison(one(node.children, "comparison"));
}

function combine(kind: "and" | "or", items: EqlNode[]): EqlNode {
  return items.length === 1 ? items[0]! : { kind, items };
}

function andExpression(node: CstNode): EqlNode {
  return combine("and", nodes(node.children, "notExpression").map(notExpression));
}

export function orExpression(node: CstNode): EqlNode {
  return combine("or", nodes(node.children, "andExpression").map(andExpression));
}

/** The event query of an `eventFilter` node. */
export function eventQuery(filter: CstNode): EqlQuery {
  const head = firstToken(filter);
  const category =
    head.tokenType.name === "Any"
      ? null
      : head.tokenType.name === "Identifier"
        ? head.image
        : decodeEqlString(head);
  return { category, where: orExpression(one(filter.children, "orExpression")) };
}

/** Lex and parse an EQL statement (an event query or a sequence) into its tree. */
export function parseEqlStatement(text: string): CstNode {
  const { cst, errors } = parseEqlCst(text);
  const first = errors[0];
  if (first) throw new ParseError(first.message, first.offset, first.line, first.col);
  if (!cst) throw new ParseError("empty parse", 0, 1, 1);
  return cst;
}

/** Parse an EQL event query; a syntax error or an unmodelled construct is a ParseError. */
export function parseEql(text: string): EqlQuery {
  const cst = parseEqlStatement(text);
  const sequence = nodes(cst.children, "sequence")[0];
  if (sequence)
    fail(
      "sequences are outside the per-event subset (a correlation's sequence is read by src/verify/correlation)",
      spanOf(firstToken(sequence)),
    );
  return eventQuery(one(cst.children, "eventFilter"));
}
