import type { CstNode, IToken } from "chevrotain";
import { parseEsqlCst } from "../../../grammar/esql.js";
import { ParseError } from "../types.js";
import type { CompareOp, EsqlExpr, EsqlQuery, Span } from "./ast.js";

/**
 * The typed walk from chevrotain's concrete syntax tree to the ES|QL AST, decoding what
 * Elasticsearch's ExpressionBuilder decodes: `"…"` strings with `\t \n \r \" \\`, `"""…"""` raw
 * strings (everything between the first and the last three quotes), backquoted names with
 * `` ` `` doubled.
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
  if (n === undefined) throw new Error(`ES|QL tree: missing ${name}`);
  return n;
}

export function spanOf(t: IToken): Span {
  return { offset: t.startOffset, line: t.startLine ?? 1, col: t.startColumn ?? 1 };
}

export function firstToken(node: CstNode): IToken {
  let best: IToken | undefined;
  for (const list of Object.values(node.children))
    for (const e of list) {
      const t = "image" in e ? e : firstToken(e);
      if (best === undefined || t.startOffset < best.startOffset) best = t;
    }
  if (best === undefined) throw new Error("ES|QL tree: empty node");
  return best;
}

const ESCAPES: Readonly<Record<string, string>> = {
  t: "\t",
  n: "\n",
  r: "\r",
  '"': '"',
  "\\": "\\",
};

export function decodeEsqlString(image: string): string {
  if (image.startsWith('"""')) return image.slice(3, -3);
  return image.slice(1, -1).replace(/\\(.)/g, (_, c: string) => ESCAPES[c] ?? c);
}

function identifierText(node: CstNode): string {
  const quoted = tokens(node.children, "QuotedIdentifier")[0];
  if (quoted) return quoted.image.slice(1, -1).replaceAll("``", "`");
  return tokens(node.children, "UnquotedIdentifier")[0]!.image;
}

function primary(node: CstNode): EsqlExpr {
  const call = nodes(node.children, "functionCall")[0];
  if (call) {
    const name = tokens(call.children, "UnquotedIdentifier")[0]!;
    return {
      kind: "call",
      name: name.image.toUpperCase(),
      args: nodes(call.children, "booleanExpression").map(booleanExpression),
      ...(tokens(call.children, "Asterisk").length > 0 ? { star: true } : {}),
      span: spanOf(name),
    };
  }
  const qn = nodes(node.children, "qualifiedName")[0];
  if (qn)
    return {
      kind: "field",
      name: nodes(qn.children, "identifier").map(identifierText).join("."),
      span: spanOf(firstToken(qn)),
    };
  const inner = nodes(node.children, "booleanExpression")[0];
  if (inner) return booleanExpression(inner);
  const t = firstToken(node);
  const span = spanOf(t);
  const unit = tokens(node.children, "UnquotedIdentifier")[0];
  if (unit !== undefined) return { kind: "span", value: Number(t.image), unit: unit.image, span };
  switch (t.tokenType.name) {
    case "Null":
      return { kind: "null", span };
    case "True":
      return { kind: "bool", value: true, span };
    case "False":
      return { kind: "bool", value: false, span };
    case "IntegerLiteral":
    case "DecimalLiteral":
      return { kind: "number", value: Number(t.image), span };
    case "QuotedString":
      return { kind: "string", value: decodeEsqlString(t.image), span };
    default:
      throw new Error(`ES|QL tree: primary ${t.tokenType.name}`);
  }
}

function operand(node: CstNode): EsqlExpr {
  const minus = tokens(node.children, "Minus")[0];
  const value = primary(one(node.children, "primary"));
  if (!minus) return value;
  if (value.kind !== "number")
    throw new ParseError(
      "arithmetic is outside the modelled subset",
      minus.startOffset,
      minus.startLine ?? 1,
      minus.startColumn ?? 1,
    );
  return { ...value, value: -value.value, span: spanOf(minus) };
}

const COMPARISONS: Readonly<Record<string, CompareOp>> = {
  Eq: "==",
  Neq: "!=",
  Lt: "<",
  Lte: "<=",
  Gt: ">",
  Gte: ">=",
};

/** Operands joined by `+`, as one sum. */
function sum(list: readonly CstNode[], plus: readonly IToken[]): EsqlExpr {
  const items = list.map(operand);
  return items.length === 1 ? items[0]! : { kind: "add", items, span: spanOf(plus[0]!) };
}

function valueExpression(node: CstNode): EsqlExpr {
  const all = nodes(node.children, "operand");
  const plus = tokens(node.children, "Plus");
  const opToken = Object.keys(COMPARISONS).flatMap((k) => tokens(node.children, k))[0];
  if (opToken === undefined) return sum(all, plus);
  const before = (n: CstNode | IToken) =>
    ("image" in n ? n : firstToken(n)).startOffset < opToken.startOffset;
  return {
    kind: "compare",
    op: COMPARISONS[opToken.tokenType.name]!,
    left: sum(all.filter(before), plus.filter(before)),
    right: sum(
      all.filter((n) => !before(n)),
      plus.filter((n) => !before(n)),
    ),
    span: spanOf(opToken),
  };
}

function predicateExpression(node: CstNode): EsqlExpr {
  const values = nodes(node.children, "valueExpression");
  const value = valueExpression(values[0]!);
  const negated = tokens(node.children, "Not").length > 0;
  const is = tokens(node.children, "Is")[0];
  if (is) return { kind: "isNull", value, negated, span: spanOf(is) };
  const like = tokens(node.children, "Like")[0] ?? tokens(node.children, "Rlike")[0];
  if (like)
    return {
      kind: like.tokenType.name === "Like" ? "like" : "rlike",
      value,
      negated,
      patterns: tokens(node.children, "QuotedString").map((t) => ({
        text: decodeEsqlString(t.image),
        span: spanOf(t),
      })),
      span: spanOf(like),
    };
  const inToken = tokens(node.children, "In")[0];
  if (inToken)
    return {
      kind: "in",
      value,
      negated,
      list: values.slice(1).map(valueExpression),
      span: spanOf(inToken),
    };
  return value;
}

function notExpression(node: CstNode): EsqlExpr {
  const inner = nodes(node.children, "notExpression")[0];
  if (inner) return { kind: "not", item: notExpression(inner) };
  return predicateExpression(one(node.children, "predicateExpression"));
}

function combine(kind: "and" | "or", items: EsqlExpr[]): EsqlExpr {
  return items.length === 1 ? items[0]! : { kind, items };
}

function andExpression(node: CstNode): EsqlExpr {
  return combine("and", nodes(node.children, "notExpression").map(notExpression));
}

export function booleanExpression(node: CstNode): EsqlExpr {
  return combine("or", nodes(node.children, "andExpression").map(andExpression));
}

/** Parse an ES|QL query; a syntax error or an unmodelled construct is a ParseError. */
function position(t: IToken): [number, number, number] {
  return [t.startOffset, t.startLine ?? 1, t.startColumn ?? 1];
}

export function parseEsql(text: string): EsqlQuery {
  const { cst, errors } = parseEsqlCst(text);
  const first = errors[0];
  if (first) throw new ParseError(first.message, first.offset, first.line, first.col);
  if (!cst) throw new ParseError("empty parse", 0, 1, 1);
  const from = one(cst.children, "fromCommand");
  const sources = nodes(from.children, "source").map((s) => {
    const t = firstToken(s);
    return {
      pattern: t.tokenType.name === "QuotedString" ? decodeEsqlString(t.image) : t.image,
      span: spanOf(t),
    };
  });
  const metadata = tokens(from.children, "UnquotedSource")
    .filter((t) => !nodes(from.children, "source").some((s) => firstToken(s) === t))
    .map((t) => t.image);
  const where: EsqlExpr[] = [];
  let limit: number | undefined;
  for (const c of nodes(cst.children, "processingCommand")) {
    const stats = nodes(c.children, "statsCommand")[0] ?? nodes(c.children, "evalCommand")[0];
    if (stats !== undefined)
      throw new ParseError(
        `${firstToken(stats).image.toUpperCase()} is outside the per-event subset (a correlation's aggregation is read by src/verify/correlation)`,
        ...position(firstToken(stats)),
      );
    const b = nodes(c.children, "booleanExpression")[0];
    if (b) where.push(booleanExpression(b));
    else limit = Number(tokens(c.children, "IntegerLiteral")[0]!.image);
  }
  return { sources, metadata, where, limit };
}
