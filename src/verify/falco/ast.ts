import type { CstNode, IToken } from "chevrotain";
import { parseFalcoCondition } from "../../../grammar/falco.js";
import { ParseError } from "../types.js";

/** The typed AST of one Falco condition, as libsinsp builds it before macros are resolved. */
export type StrOpName =
  | "="
  | "=="
  | "!="
  | "glob"
  | "iglob"
  | "contains"
  | "icontains"
  | "bcontains"
  | "startswith"
  | "bstartswith"
  | "endswith"
  | "regex";
export type NumOpName = "<" | "<=" | ">" | ">=";
export type ListOpName = "in" | "intersects" | "pmatch";

export interface FieldRef {
  readonly name: string;
  readonly arg?: string;
  /** Offset of the field in the condition text, for errors. */
  readonly offset: number;
}

export type FNode =
  | { readonly kind: "and"; readonly items: readonly FNode[] }
  | { readonly kind: "or"; readonly items: readonly FNode[] }
  | { readonly kind: "not"; readonly item: FNode }
  | { readonly kind: "macro"; readonly name: string; readonly offset: number }
  | { readonly kind: "exists"; readonly field: FieldRef }
  | {
      readonly kind: "str";
      readonly field: FieldRef;
      readonly op: StrOpName;
      readonly value: string;
    }
  | {
      readonly kind: "num";
      readonly field: FieldRef;
      readonly op: NumOpName;
      readonly value: string;
    }
  | {
      readonly kind: "list";
      readonly field: FieldRef;
      readonly op: ListOpName;
      readonly values: readonly string[];
    };

function errorAt(text: string, offset: number, message: string): ParseError {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const col = offset - before.lastIndexOf("\n");
  return new ParseError(message, offset, line, col);
}

/**
 * libsinsp's unescape_str: `\b \f \n \r \t \\ \/` and `\ ` (kept as a space), `\"` only inside
 * "…", `\'` only inside '…'; anything else is an error, as in Falco.
 */
export function unescapeQuoted(token: string, text: string, offset: number): string {
  const delim = token[0];
  let out = "";
  for (let i = 1; i < token.length - 1; i++) {
    const c = token[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = token[++i];
    switch (e) {
      case "b":
        out += "\b";
        break;
      case "f":
        out += "\f";
        break;
      case "n":
        out += "\n";
        break;
      case "r":
        out += "\r";
        break;
      case "t":
        out += "\t";
        break;
      case " ":
        out += " ";
        break;
      case "\\":
        out += "\\";
        break;
      case "/":
        out += "/";
        break;
      case '"':
      case "'":
        if (e !== delim)
          throw errorAt(text, offset + i - 1, `invalid \\${e} escape in ${delim}-quoted string`);
        out += e;
        break;
      default:
        throw errorAt(text, offset + i - 1, `unsupported string escape sequence: \\${e ?? ""}`);
    }
  }
  return out;
}

function tokens(node: CstNode, name: string): IToken[] {
  return (node.children[name] as IToken[] | undefined) ?? [];
}

function nodes(node: CstNode, name: string): CstNode[] {
  return (node.children[name] as CstNode[] | undefined) ?? [];
}

const STR_OPS: Readonly<Record<string, StrOpName>> = {
  EqEq: "==",
  Eq: "=",
  Neq: "!=",
  Glob: "glob",
  IGlob: "iglob",
  Contains: "contains",
  IContains: "icontains",
  BContains: "bcontains",
  StartsWith: "startswith",
  BStartsWith: "bstartswith",
  EndsWith: "endswith",
  Regex: "regex",
};
const NUM_OPS: Readonly<Record<string, NumOpName>> = { Lt: "<", Lte: "<=", Gt: ">", Gte: ">=" };
const LIST_OPS: Readonly<Record<string, ListOpName>> = {
  In: "in",
  Intersects: "intersects",
  PMatch: "pmatch",
};

/** CST → AST. Decodes quoted strings with Falco's escape rules. */
class AstBuilder {
  constructor(private readonly text: string) {}

  orExpr(node: CstNode): FNode {
    const items = nodes(node, "andExpr").map((n) => this.andExpr(n));
    return items.length === 1 ? items[0]! : { kind: "or", items };
  }

  andExpr(node: CstNode): FNode {
    const items = nodes(node, "notExpr").map((n) => this.notExpr(n));
    return items.length === 1 ? items[0]! : { kind: "and", items };
  }

  notExpr(node: CstNode): FNode {
    const inner = this.atom(nodes(node, "atom")[0]!);
    // libsinsp toggles a flag per `not`: an even number of them cancels out.
    return tokens(node, "Not").length % 2 === 1 ? { kind: "not", item: inner } : inner;
  }

  atom(node: CstNode): FNode {
    const or = nodes(node, "orExpr")[0];
    if (or) return this.orExpr(or);
    const check = nodes(node, "check")[0];
    if (check) return this.check(check);
    const id = tokens(node, "Identifier")[0]!;
    return { kind: "macro", name: id.image, offset: id.startOffset };
  }

  field(token: IToken): FieldRef {
    const image = token.image;
    const open = image.indexOf("[");
    if (open < 0) return { name: image, offset: token.startOffset };
    return {
      name: image.slice(0, open),
      arg: image.slice(open + 1, -1),
      offset: token.startOffset,
    };
  }

  value(node: CstNode): string {
    const q = tokens(node, "QuotedString")[0];
    if (q) return unescapeQuoted(q.image, this.text, q.startOffset);
    return tokens(node, "BareString")[0]!.image;
  }

  check(node: CstNode): FNode {
    const field = this.field(tokens(node, "FieldName")[0]!);
    if (tokens(node, "Exists").length > 0) return { kind: "exists", field };
    const strOp = tokens(node, "StrOp")[0];
    if (strOp) {
      const op = STR_OPS[strOp.tokenType.name]!;
      return { kind: "str", field, op, value: this.value(nodes(node, "value")[0]!) };
    }
    const numOp = tokens(node, "NumOp")[0];
    if (numOp) {
      const op = NUM_OPS[numOp.tokenType.name]!;
      return { kind: "num", field, op, value: tokens(node, "NumberLiteral")[0]!.image };
    }
    const listOp = tokens(node, "ListOp")[0]!;
    const list = nodes(node, "list")[0]!;
    const values = nodes(list, "value").map((v) => this.value(v));
    return { kind: "list", field, op: LIST_OPS[listOp.tokenType.name]!, values };
  }
}

/** Parse one condition (lists already substituted) into the AST; ParseError with a position. */
export function parseCondition(text: string): FNode {
  if (text.length === 0) throw new ParseError("filter input string is empty", 0, 1, 1);
  const parsed = parseFalcoCondition(text);
  const first = parsed.errors[0];
  if (first !== undefined || parsed.cst === undefined) {
    throw new ParseError(
      first?.message ?? "syntax error",
      first?.offset ?? 0,
      first?.line ?? 1,
      first?.col ?? 1,
    );
  }
  return new AstBuilder(text).orExpr(nodes(parsed.cst, "orExpr")[0]!);
}
