import type { CstNode, IToken } from "chevrotain";
import {
  decodeQuoted,
  decodeUnquoted,
  parseKqlCst,
  type UnquotedChar,
} from "../../../grammar/kql.js";
import { assertNever } from "../../diagnostics.js";
import { ParseError } from "../types.js";
import type { KqlNode, KqlValue, RangeOp, Span, WildcardPart } from "./ast.js";

/**
 * The typed walk from chevrotain's concrete syntax tree to the KQL AST. It builds nodes the way
 * Kibana's grammar actions do: a value list is a function of the field it is applied to, unquoted
 * literals are trimmed and `null` / `true` / `false` become JSON values.
 */

type Children = CstNode["children"];

function nodes(children: Children, name: string): CstNode[] {
  return (children[name] ?? []).filter((e): e is CstNode => "children" in e);
}

function tokens(children: Children, name: string): IToken[] {
  return (children[name] ?? []).filter((e): e is IToken => "image" in e);
}

function one(children: Children, name: string): CstNode {
  const n = nodes(children, name)[0];
  if (n === undefined) throw new Error(`KQL tree: missing ${name}`);
  return n;
}

function spanOf(t: IToken): Span {
  return { offset: t.startOffset, line: t.startLine ?? 1, col: t.startColumn ?? 1 };
}

/** Kibana: `chars.join('').trim()`; the wildcard placeholder is not whitespace, so only the ends move. */
function trimChars(chars: readonly UnquotedChar[]): UnquotedChar[] {
  const isWs = (c: UnquotedChar | undefined) =>
    c !== undefined && c.kind === "char" && /^\s+$/u.test(c.text);
  let start = 0;
  let end = chars.length;
  while (start < end && isWs(chars[start])) start++;
  while (end > start && isWs(chars[end - 1])) end--;
  return chars.slice(start, end);
}

function literalValue(node: CstNode): KqlValue {
  const quoted = tokens(node.children, "QuotedString")[0];
  if (quoted)
    return { kind: "string", text: decodeQuoted(quoted.image), quoted: true, span: spanOf(quoted) };
  const unquoted = tokens(node.children, "UnquotedLiteral")[0];
  if (!unquoted) throw new Error("KQL tree: literal without token");
  const span = spanOf(unquoted);
  const chars = trimChars(decodeUnquoted(unquoted.image));
  if (chars.some((c) => c.kind === "wildcard")) {
    const parts: WildcardPart[] = [];
    for (const c of chars) {
      if (c.kind === "wildcard") parts.push({ kind: "any" });
      else {
        const last = parts[parts.length - 1];
        if (last?.kind === "text")
          parts[parts.length - 1] = { kind: "text", text: last.text + c.text };
        else parts.push({ kind: "text", text: c.text });
      }
    }
    return { kind: "wildcard", parts, span };
  }
  const text = chars.map((c) => (c.kind === "char" ? c.text : "")).join("");
  if (text === "null") return { kind: "json", value: null, span };
  if (text === "true") return { kind: "json", value: true, span };
  if (text === "false") return { kind: "json", value: false, span };
  return { kind: "string", text, quoted: false, span };
}

function combine(kind: "and" | "or", items: KqlNode[]): KqlNode {
  return items.length === 1 ? items[0]! : { kind, items };
}

function orQuery(node: CstNode): KqlNode {
  return combine("or", nodes(node.children, "andQuery").map(andQuery));
}

function andQuery(node: CstNode): KqlNode {
  return combine("and", nodes(node.children, "notQuery").map(notQuery));
}

function notQuery(node: CstNode): KqlNode {
  const inner = subQuery(one(node.children, "subQuery"));
  return tokens(node.children, "Not").length > 0 ? { kind: "not", item: inner } : inner;
}

function subQuery(node: CstNode): KqlNode {
  const or = nodes(node.children, "orQuery")[0];
  return or ? orQuery(or) : expression(one(node.children, "expression"));
}

const RANGE_OPS: Readonly<Record<string, RangeOp>> = {
  "<": "lt",
  "<=": "lte",
  ">": "gt",
  ">=": "gte",
};

function expression(node: CstNode): KqlNode {
  const literals = nodes(node.children, "literal");
  const first = literalValue(literals[0]!);
  const op = tokens(node.children, "RangeOperator")[0];
  if (op) {
    const rangeOp = RANGE_OPS[op.image];
    if (rangeOp === undefined) throw new Error(`KQL tree: range operator ${op.image}`);
    return { kind: "range", field: first, op: rangeOp, value: literalValue(literals[1]!) };
  }
  const list = nodes(node.children, "listOfValues")[0];
  if (list) return listOfValues(list, first);
  return { kind: "is", field: null, value: first };
}

function listOfValues(node: CstNode, field: KqlValue): KqlNode {
  const or = nodes(node.children, "orList")[0];
  if (or) return orList(or, field);
  return { kind: "is", field, value: literalValue(one(node.children, "literal")) };
}

function orList(node: CstNode, field: KqlValue): KqlNode {
  return combine(
    "or",
    nodes(node.children, "andList").map((n) => andList(n, field)),
  );
}

function andList(node: CstNode, field: KqlValue): KqlNode {
  return combine(
    "and",
    nodes(node.children, "notList").map((n) => notList(n, field)),
  );
}

function notList(node: CstNode, field: KqlValue): KqlNode {
  const inner = listOfValues(one(node.children, "listOfValues"), field);
  return tokens(node.children, "Not").length > 0 ? { kind: "not", item: inner } : inner;
}

/** Parse KQL text into its AST; a syntax error is a ParseError at its position. */
export function parseKql(text: string): KqlNode {
  const { cst, errors } = parseKqlCst(text);
  const first = errors[0];
  if (first) throw new ParseError(first.message, first.offset, first.line, first.col);
  if (!cst) throw new ParseError("empty parse", 0, 1, 1);
  const or = nodes(cst.children, "orQuery")[0];
  return or ? orQuery(or) : { kind: "all" };
}

/** A value's text form for messages. */
export function describeValue(v: KqlValue): string {
  switch (v.kind) {
    case "string":
      return JSON.stringify(v.text);
    case "wildcard":
      return v.parts.map((p) => (p.kind === "any" ? "*" : p.text)).join("");
    case "json":
      return String(v.value);
    default:
      return assertNever(v);
  }
}
