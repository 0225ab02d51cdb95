import type { CstElement, CstNode, IToken } from "chevrotain";
import { isStatsVerb, parseStatsCommand, type StatsVerb } from "../../../grammar/spl-stats.js";
import { bracketGroups, splitCommands, type Segment } from "../../../grammar/spl-split.js";
import { buildPipeline, errorAt } from "../spl/build.js";
import { ParseError } from "../types.js";
import type {
  AggFn,
  Aggregate,
  ArithOp,
  CmpOp,
  EvalExpr,
  FnName,
  Program,
  SortKey,
  StatsCommand,
} from "./spl-ast.js";

/**
 * Emitted correlation SPL → AST. The base search (everything before the first aggregation
 * command) is read by the search/where builder of src/verify/spl; every other command by
 * grammar/spl-stats.ts. Anything outside the modelled subset is a ParseError at its position.
 */

const isToken = (e: CstElement): e is IToken => "image" in e;
const nodes = (n: CstNode, key: string): CstNode[] =>
  (n.children[key] ?? []).filter((e): e is CstNode => !isToken(e));
const tokens = (n: CstNode, key: string): IToken[] => (n.children[key] ?? []).filter(isToken);
const node = (n: CstNode, key: string): CstNode | undefined => nodes(n, key)[0];
const token = (n: CstNode, key: string): IToken | undefined => tokens(n, key)[0];

const FUNCTIONS: Readonly<Record<FnName, number>> = {
  if: 3,
  null: 0,
  isnull: 1,
  isnotnull: 1,
  round: 1,
  strptime: 2,
  replace: 3,
  len: 1,
  true: 0,
  false: 0,
};
const AGGREGATES: readonly AggFn[] = ["count", "dc", "min", "max"];
const CMP: Readonly<Record<string, CmpOp>> = {
  "==": "==",
  "=": "==",
  "!=": "!=",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
};

/** Double-quoted eval strings: only `\\` and `\"` are escapes (Splunk's eval strings also have \t). */
function unquote(image: string): string {
  let out = "";
  for (let i = 1; i < image.length - 1; i++) {
    const c = image[i]!;
    const n = image[i + 1];
    if (c === "\\" && (n === "\\" || n === '"')) {
      out += n;
      i++;
    } else if (c === "\\" && n === "t") {
      out += "\t";
      i++;
    } else out += c;
  }
  return out;
}

export function buildProgram(text: string): Program {
  return program(text, splitCommands(text));
}

function program(whole: string, split: ReturnType<typeof splitCommands>): Program {
  const fail = (offset: number, message: string): ParseError => errorAt(whole, offset, message);
  if (split.error) throw fail(split.error.offset, split.error.message);
  const segments = split.segments;
  const first = segments[0];
  if (first === undefined) throw fail(0, "an empty pipeline");
  const verbOf = (s: Segment): string => /^[A-Za-z_]+/.exec(s.text)?.[0] ?? "";
  let head: Program["head"];
  let rest: readonly Segment[];
  if (verbOf(first) === "multisearch") {
    const groups = bracketGroups(
      first.text.slice("multisearch".length),
      first.offset + "multisearch".length,
    );
    if (groups.error) throw fail(groups.error.offset, groups.error.message);
    if (groups.segments.length < 2)
      throw fail(first.offset, "multisearch needs at least two subsearches");
    const parts = groups.segments.map((g) => {
      const inner = g.text.trimStart();
      const at = g.offset + g.text.length - inner.length;
      if (!inner.startsWith("search "))
        throw fail(at, "a multisearch subsearch must begin with `search`");
      const body = inner.slice("search ".length);
      return program(whole, splitCommands(body, at + "search ".length));
    });
    head = { kind: "multisearch", parts };
    rest = segments.slice(1);
  } else {
    let n = 1;
    while (n < segments.length && ["where", "search"].includes(verbOf(segments[n]!))) n++;
    const last = segments[n - 1]!;
    const baseText = whole.slice(first.offset, last.offset + last.text.length);
    let pipeline;
    try {
      pipeline = buildPipeline(baseText);
    } catch (e) {
      if (e instanceof ParseError)
        throw fail(first.offset + e.offset, e.message.replace(/^\d+:\d+: /, ""));
      throw e;
    }
    head = { kind: "search", pipeline };
    rest = segments.slice(n);
  }
  return { head, commands: rest.map((s) => command(whole, s)) };
}

function command(whole: string, seg: Segment): StatsCommand {
  const fail = (offset: number, message: string): ParseError =>
    errorAt(whole, seg.offset + offset, message);
  const verb = /^[A-Za-z_]+/.exec(seg.text)?.[0] ?? "";
  if (!isStatsVerb(verb)) throw fail(0, `the command '${verb}' is outside the modelled subset`);
  const { cst, errors } = parseStatsCommand(verb as StatsVerb, seg.text);
  const e = errors[0];
  if (e) throw fail(e.offset, e.message);

  const expr = (n: CstNode): EvalExpr => {
    const items = nodes(n, "item").map(andExpr);
    return items.reduce((left, right) => ({ kind: "or", left, right, offset: left.offset }));
  };
  const andExpr = (n: CstNode): EvalExpr =>
    nodes(n, "item")
      .map(notExpr)
      .reduce((left, right) => ({ kind: "and", left, right, offset: left.offset }));
  const notExpr = (n: CstNode): EvalExpr => {
    const negated = node(n, "negated");
    if (negated)
      return { kind: "not", item: notExpr(negated), offset: token(n, "Not")!.startOffset };
    const c = node(n, "comparison")!;
    const left = additive(node(c, "left")!);
    const op = token(c, "op");
    const right = node(c, "right");
    if (op === undefined || right === undefined) return left;
    return { kind: "cmp", op: CMP[op.image]!, left, right: additive(right), offset: left.offset };
  };
  const chain = (n: CstNode, item: (c: CstNode) => EvalExpr): EvalExpr => {
    const items = nodes(n, "item").map(item);
    const ops = tokens(n, "op");
    let acc = items[0]!;
    ops.forEach((op, i) => {
      acc = {
        kind: "arith",
        op: op.image as ArithOp,
        left: acc,
        right: items[i + 1]!,
        offset: acc.offset,
      };
    });
    return acc;
  };
  const additive = (n: CstNode): EvalExpr => chain(n, (m) => chain(m, atom));
  const atom = (n: CstNode): EvalExpr => {
    const inner = node(n, "inner");
    if (inner) return expr(inner);
    const num = token(n, "Number");
    if (num) return { kind: "number", value: Number(num.image), offset: num.startOffset };
    const s = token(n, "DQString");
    if (s) return { kind: "string", value: unquote(s.image), offset: s.startOffset };
    const f = token(n, "SQField");
    if (f) {
      if (f.image.includes("\\"))
        throw fail(f.startOffset, "escapes in quoted field names are outside the modelled subset");
      return { kind: "field", name: f.image.slice(1, -1), offset: f.startOffset };
    }
    const name = token(n, "Name")!;
    if (token(n, "call") === undefined)
      return { kind: "field", name: name.image, offset: name.startOffset };
    if (!Object.hasOwn(FUNCTIONS, name.image))
      throw fail(name.startOffset, `eval function ${name.image}() is outside the modelled subset`);
    const fn = name.image as FnName;
    const args = nodes(n, "arg").map(expr);
    if (args.length !== FUNCTIONS[fn])
      throw fail(name.startOffset, `${fn}() takes ${FUNCTIONS[fn]} argument(s)`);
    return { kind: "call", name: fn, args, offset: name.startOffset };
  };

  const aggregates = (n: CstNode): Aggregate[] =>
    nodes(n, "aggregate").map((a) => {
      const fn = token(a, "fn")!;
      const field = token(a, "field")?.image;
      if (!(AGGREGATES as readonly string[]).includes(fn.image))
        throw fail(fn.startOffset, `the function ${fn.image}() is outside the modelled subset`);
      if ((fn.image === "count") !== (field === undefined))
        throw fail(
          fn.startOffset,
          fn.image === "count" ? "count takes no field here" : `${fn.image}() needs a field`,
        );
      return {
        fn: fn.image as AggFn,
        ...(field === undefined ? {} : { field }),
        as: token(a, "alias")?.image ?? (field === undefined ? fn.image : `${fn.image}(${field})`),
      };
    });

  switch (verb as StatsVerb) {
    case "eval": {
      const a = node(cst, "assignments")!;
      const targets = tokens(a, "target");
      return {
        kind: "eval",
        assignments: nodes(a, "value").map((v, i) => ({ name: targets[i]!.image, value: expr(v) })),
      };
    }
    case "where":
      return { kind: "where", expr: expr(node(cst, "expr")!) };
    case "sort": {
      const limit = token(cst, "limit");
      if (limit === undefined || limit.image !== "0")
        throw fail(
          limit?.startOffset ?? 0,
          "sort without `0` keeps only 10,000 results; outside the modelled subset",
        );
      const keys: SortKey[] = nodes(cst, "sortKey").map((k) => {
        const first = token(k, "first")!;
        const field = token(k, "field");
        if (field === undefined || (first.image !== "str" && first.image !== "num"))
          throw fail(first.startOffset, "sort keys are modelled as str(field) or num(field)");
        return { field: field.image, descending: token(k, "Minus") !== undefined, as: first.image };
      });
      return { kind: "sort", keys };
    }
    case "filldown":
      return { kind: "filldown", fields: tokens(cst, "field").map((t) => t.image) };
    case "rename": {
      const from = tokens(cst, "from");
      return {
        kind: "rename",
        pairs: tokens(cst, "to").map((t, i) => ({
          from: from[i]!.image,
          to: t.tokenType.name === "DQString" ? unquote(t.image) : t.image,
        })),
      };
    }
    case "stats":
    case "eventstats":
    case "streamstats": {
      const options = new Map<string, string>();
      for (const o of nodes(cst, "statsOption"))
        options.set(token(o, "key")!.image, token(o, "value")!.image);
      const by = tokens(cst, "by").map((t) => t.image);
      const aggs = aggregates(cst);
      if (verb !== "streamstats") {
        if (options.size > 0) throw fail(0, `${verb} options are outside the modelled subset`);
        return { kind: verb as "stats" | "eventstats", aggregates: aggs, by };
      }
      const window = Number(options.get("window") ?? "0");
      if (
        !(window > 0) ||
        options.get("global") !== "false" ||
        [...options.keys()].some((k) => k !== "window" && k !== "global")
      )
        throw fail(0, "streamstats is modelled only with window=N (N > 0) and global=false");
      return { kind: "streamstats", window, aggregates: aggs, by };
    }
  }
}
