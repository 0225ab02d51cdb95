import type { CstElement, CstNode, IToken } from "chevrotain";
import { parseSpl } from "../../../grammar/spl.js";
import { ParseError } from "../types.js";
import type {
  CmpOp,
  Command,
  EvalFunction,
  EvalNode,
  Pipeline,
  SearchNode,
  SearchValue,
} from "./ast.js";
import { parseIPv6Text } from "./ip.js";
import { pcreToSearch, type PcreRegex } from "./pcre.js";

/**
 * The typed visitor: CST → AST, with every construct outside the modelled subset reported as a
 * ParseError at its position (never a guess).
 */

export function errorAt(text: string, offset: number, message: string): ParseError {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return new ParseError(message, offset, line, offset - lineStart + 1);
}

const isToken = (e: CstElement): e is IToken => "image" in e;
const nodes = (n: CstNode, key: string): CstNode[] =>
  (n.children[key] ?? []).filter((e): e is CstNode => !isToken(e));
const tokens = (n: CstNode, key: string): IToken[] => (n.children[key] ?? []).filter(isToken);
const node = (n: CstNode, key: string): CstNode | undefined => nodes(n, key)[0];
const token = (n: CstNode, key: string): IToken | undefined => tokens(n, key)[0];

/** Double-quoted strings: `\\` and `\"` are escapes; in eval other backslashes stay as they are. */
function unquote(image: string, strict: boolean, fail: (at: number) => ParseError): string {
  let out = "";
  for (let i = 1; i < image.length - 1; i++) {
    const c = image[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const n = image[i + 1]!;
    if (n === "\\" || n === '"') {
      out += n;
      i++;
    } else if (strict) throw fail(i);
    else out += c;
  }
  return out;
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export function buildPipeline(text: string): Pipeline {
  const { cst, errors } = parseSpl(text);
  const first = errors[0];
  if (first) throw errorAt(text, first.offset, first.message);
  const fail = (offset: number, message: string): ParseError => errorAt(text, offset, message);

  const searchValue = (tok: IToken): SearchValue => {
    if (tok.tokenType.name === "DQString") {
      const raw = unquote(tok.image, true, (i) =>
        fail(tok.startOffset + i, 'only \\\\ and \\" are modelled escapes in a search value'),
      );
      return { kind: "glob", parts: globParts(raw) };
    }
    if (tok.image.includes("\\"))
      throw fail(
        tok.startOffset,
        "backslash in an unquoted search value is outside the modelled subset",
      );
    const m = IPV4_CIDR.exec(tok.image);
    if (m) {
      const octets = m.slice(1, 5).map(Number);
      const prefix = Number(m[5]);
      if (octets.some((o) => o > 255) || prefix > 32)
        throw fail(tok.startOffset, "invalid IPv4 network");
      const network = octets.reduce((a, o) => a * 256 + o, 0);
      return { kind: "cidr4", network, prefix };
    }
    if (tok.image.includes("/"))
      throw fail(tok.startOffset, "unquoted value with '/' that is not an IPv4 network");
    return { kind: "glob", parts: globParts(tok.image) };
  };

  const searchTerm = (n: CstNode): SearchNode => {
    const left = token(n, "left")!;
    const op = token(n, "op");
    const right = token(n, "right");
    if (op === undefined || right === undefined) {
      if (left.image === "*" && left.tokenType.name === "Word")
        return { kind: "all", offset: left.startOffset };
      throw fail(
        left.startOffset,
        "bare search terms other than * are outside the modelled subset (raw-text search)",
      );
    }
    if (op.image !== "=")
      throw fail(op.startOffset, `search operator ${op.image} is outside the modelled subset`);
    const field =
      left.tokenType.name === "DQString"
        ? unquote(left.image, true, (i) => fail(left.startOffset + i, "escape in a field name"))
        : left.image;
    return { kind: "cmp", field, value: searchValue(right), offset: left.startOffset };
  };

  const searchAnd = (n: CstNode): SearchNode => {
    const items = nodes(n, "searchOr").map(searchOr);
    return items.length === 1 ? items[0]! : { kind: "and", items, offset: items[0]!.offset };
  };
  const searchOr = (n: CstNode): SearchNode => {
    const items = nodes(n, "searchNot").map(searchNot);
    return items.length === 1 ? items[0]! : { kind: "or", items, offset: items[0]!.offset };
  };
  const searchNot = (n: CstNode): SearchNode => {
    const not = token(n, "Not");
    if (not)
      return { kind: "not", item: searchNot(node(n, "searchNot")!), offset: not.startOffset };
    const atom = node(n, "searchAtom")!;
    const inner = node(atom, "searchAnd");
    return inner ? searchAnd(inner) : searchTerm(node(atom, "searchTerm")!);
  };

  // ---- eval ----
  const OPS: Readonly<Record<string, CmpOp>> = {
    "==": "==",
    "=": "==",
    "!=": "!=",
    "<": "<",
    "<=": "<=",
    ">": ">",
    ">=": ">=",
  };

  const evalOr = (n: CstNode): EvalNode =>
    nodes(n, "evalAnd")
      .map(evalAnd)
      .reduce((left, right) => ({ kind: "or", left, right, offset: left.offset }));
  const evalAnd = (n: CstNode): EvalNode =>
    nodes(n, "evalNot")
      .map(evalNot)
      .reduce((left, right) => ({ kind: "and", left, right, offset: left.offset }));
  const evalNot = (n: CstNode): EvalNode => {
    const not = token(n, "Not");
    if (not) return { kind: "not", item: evalNot(node(n, "evalNot")!), offset: not.startOffset };
    const cmp = node(n, "evalCmp")!;
    const left = evalAtom(node(cmp, "left")!);
    const r = node(cmp, "right");
    const op = token(cmp, "op");
    if (op === undefined || r === undefined) return left;
    return { kind: "cmp", op: OPS[op.image]!, left, right: evalAtom(r), offset: left.offset };
  };

  const regexArg = (a: EvalNode): PcreRegex => {
    if (a.kind !== "string")
      throw fail(a.offset, "the regular expression must be a string literal");
    return pcreToSearch(a.value, (i, reason) =>
      fail(a.offset + 1 + i, `regular expression outside the modelled PCRE subset: ${reason}`),
    );
  };

  const fieldsIn = (e: EvalNode, into: Set<string>): Set<string> => {
    switch (e.kind) {
      case "and":
      case "or":
      case "cmp":
        fieldsIn(e.left, into);
        fieldsIn(e.right, into);
        return into;
      case "not":
        return fieldsIn(e.item, into);
      case "field":
        into.add(e.name);
        return into;
      case "call": {
        const f = e.fn;
        if ("arg" in f) fieldsIn(f.arg, into);
        if (f.name === "mvfilter") into.add(f.field);
        return into;
      }
      case "string":
      case "number":
        return into;
    }
  };

  const call = (name: IToken, args: EvalNode[]): EvalNode => {
    const arity = (n: number): void => {
      if (args.length !== n) throw fail(name.startOffset, `${name.image}() takes ${n} argument(s)`);
    };
    let fn: EvalFunction;
    switch (name.image) {
      case "isnull":
      case "isnotnull":
      case "tonumber":
        arity(1);
        fn = { name: name.image, arg: args[0]! };
        break;
      case "true":
      case "false":
        arity(0);
        fn = { name: name.image };
        break;
      case "mvfind":
      case "match":
        arity(2);
        fn = { name: name.image, arg: args[0]!, regex: regexArg(args[1]!) };
        break;
      case "cidrmatch": {
        arity(2);
        const net = args[0]!;
        const m = net.kind === "string" ? /^([^/]+)\/(\d{1,3})$/.exec(net.value) : null;
        const words = m ? parseIPv6Text(m[1]!) : undefined;
        if (!m || words === undefined || Number(m[2]) > 128)
          throw fail(
            net.offset,
            "cidrmatch() needs a literal IPv6 network (IPv4 is outside the modelled subset)",
          );
        fn = { name: "cidrmatch", words, prefix: Number(m[2]), arg: args[1]! };
        break;
      }
      case "mvfilter": {
        arity(1);
        const fields = [...fieldsIn(args[0]!, new Set())];
        if (fields.length !== 1)
          throw fail(name.startOffset, "mvfilter() must reference exactly one field");
        fn = { name: "mvfilter", field: fields[0]!, predicate: args[0]! };
        break;
      }
      default:
        throw fail(
          name.startOffset,
          `eval function ${name.image}() is outside the modelled subset`,
        );
    }
    return { kind: "call", fn, offset: name.startOffset };
  };

  const evalAtom = (n: CstNode): EvalNode => {
    const inner = node(n, "evalOr");
    if (inner && token(n, "Word") === undefined) return evalOr(inner);
    const s = token(n, "DQString");
    if (s)
      return {
        kind: "string",
        value: unquote(s.image, false, () => fail(s.startOffset, "")),
        offset: s.startOffset,
      };
    const f = token(n, "SQField");
    if (f) {
      const name = f.image.slice(1, -1);
      if (name.includes("\\"))
        throw fail(f.startOffset, "escapes in quoted field names are outside the modelled subset");
      return { kind: "field", name, offset: f.startOffset };
    }
    const w = token(n, "Word")!;
    if (token(n, "LParen") !== undefined) return call(w, nodes(n, "arg").map(evalOr));
    if (/^-?\d+(\.\d+)?$/.test(w.image))
      return { kind: "number", value: Number(w.image), offset: w.startOffset };
    // In eval `.` concatenates and `-` subtracts: only plain names are field references.
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(w.image))
      return { kind: "field", name: w.image, offset: w.startOffset };
    throw fail(
      w.startOffset,
      `'${w.image}' is outside the modelled eval subset (quote field names with single quotes)`,
    );
  };

  const commands: Command[] = [];
  const lead = node(cst, "searchAnd");
  if (lead) commands.push({ kind: "search", expr: searchAnd(lead) });
  else throw fail(0, "a query must begin with a search expression");
  for (const c of nodes(cst, "command")) {
    const s = node(c, "searchAnd");
    if (s) commands.push({ kind: "search", expr: searchAnd(s) });
    else commands.push({ kind: "where", expr: evalOr(node(c, "evalOr")!) });
  }
  return { commands };
}

/** A search value's glob: `*` is the wildcard; everything else is literal text. */
function globParts(raw: string): (string | { readonly any: true })[] {
  const parts: (string | { readonly any: true })[] = [];
  let text = "";
  for (const c of raw) {
    if (c === "*") {
      if (text) parts.push(text);
      text = "";
      parts.push({ any: true });
    } else text += c;
  }
  if (text) parts.push(text);
  return parts;
}
