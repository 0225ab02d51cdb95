import type { CstNode, IToken } from "chevrotain";
import { parseEsqlCst } from "../../../grammar/esql.js";
import { ParseError } from "../types.js";
import type { EsqlExpr, Span } from "./ast.js";
import { booleanExpression, firstToken, nodes, one, spanOf, tokens } from "./parse.js";

/**
 * An aggregating ES|QL query as a correlation rule writes it: the row query (FROM and the WHERE
 * commands that follow it, read by the per-event interpreter), then EVAL, STATS and WHERE
 * commands in order, exactly one STATS among them. Column names come from `name = …`, else from
 * the expression's text (a field). A `CASE(…)` column keeps the text of each argument, so that a
 * condition is read by the per-event interpreter too.
 */

export interface Column {
  readonly name: string;
  readonly expr: EsqlExpr;
  /** For `CASE(a, b, …)`: the text of each argument, as written. */
  readonly caseArgs?: readonly string[];
}

export type StatsCommand =
  | { readonly kind: "eval"; readonly columns: readonly Column[]; readonly span: Span }
  | {
      readonly kind: "stats";
      readonly aggregates: readonly Column[];
      readonly by: readonly Column[];
      readonly span: Span;
    }
  | { readonly kind: "where"; readonly expr: EsqlExpr; readonly span: Span };

export interface EsqlStats {
  /** The FROM command's text. */
  readonly from: string;
  /** The text of the row query: `FROM … | WHERE …`. */
  readonly rows: string;
  readonly commands: readonly StatsCommand[];
  readonly span: Span;
}

function fail(message: string, span: Span): never {
  throw new ParseError(message, span.offset, span.line, span.col);
}

function textOf(text: string, node: CstNode): string {
  const loc = node.location;
  if (loc === undefined || loc.endOffset === undefined || Number.isNaN(loc.endOffset))
    throw new Error("ES|QL tree: a node without its location");
  return text.slice(loc.startOffset, loc.endOffset + 1);
}

/** The function call a field's expression is, when it is nothing else. */
function callOf(node: CstNode): CstNode | undefined {
  let cur: CstNode | undefined = node;
  for (const name of [
    "andExpression",
    "notExpression",
    "predicateExpression",
    "valueExpression",
    "operand",
    "primary",
    "functionCall",
  ]) {
    const next: CstNode[] = cur === undefined ? [] : nodes(cur.children, name);
    if (next.length !== 1) return undefined;
    cur = next[0];
  }
  return cur;
}

function columns(text: string, fields: readonly CstNode[]): { column: Column; offset: number }[] {
  return fields.map((f) => {
    const named = nodes(f.children, "qualifiedName")[0];
    const exprNode = one(f.children, "booleanExpression");
    const expr = booleanExpression(exprNode);
    const name = named
      ? nodes(named.children, "identifier")
          .map((i) => firstToken(i).image.replace(/^`|`$/g, ""))
          .join(".")
      : expr.kind === "field"
        ? expr.name
        : fail("an unnamed computed column is outside the modelled subset", spanOf(firstToken(f)));
    const call = callOf(exprNode);
    const caseArgs =
      expr.kind === "call" && expr.name === "CASE" && call !== undefined
        ? nodes(call.children, "booleanExpression").map((a) => textOf(text, a))
        : undefined;
    return {
      column: { name, expr, ...(caseArgs === undefined ? {} : { caseArgs }) },
      offset: firstToken(f).startOffset,
    };
  });
}

export function parseEsqlStats(text: string): EsqlStats {
  const { cst, errors } = parseEsqlCst(text);
  const first = errors[0];
  if (first) throw new ParseError(first.message, first.offset, first.line, first.col);
  if (!cst) throw new ParseError("empty parse", 0, 1, 1);
  const pipes: IToken[] = [...tokens(cst.children, "Pipe"), ...tokens(cst.children, "FromPipe")];
  pipes.sort((a, b) => a.startOffset - b.startOffset);
  const all = nodes(cst.children, "processingCommand");
  let rowsEnd = all.findIndex(
    (c) =>
      nodes(c.children, "booleanExpression").length === 0 &&
      tokens(c.children, "Limit").length === 0,
  );
  if (rowsEnd < 0) rowsEnd = all.length;
  const commands: StatsCommand[] = all.slice(rowsEnd).map((c): StatsCommand => {
    const span = spanOf(firstToken(c));
    const stats = nodes(c.children, "statsCommand")[0];
    if (stats !== undefined) {
      const byToken = tokens(stats.children, "By")[0];
      const split = byToken === undefined ? Infinity : byToken.startOffset;
      const cols = columns(text, nodes(stats.children, "field"));
      return {
        kind: "stats",
        aggregates: cols.filter((x) => x.offset < split).map((x) => x.column),
        by: cols.filter((x) => x.offset > split).map((x) => x.column),
        span,
      };
    }
    const evaluation = nodes(c.children, "evalCommand")[0];
    if (evaluation !== undefined)
      return {
        kind: "eval",
        columns: columns(text, nodes(evaluation.children, "field")).map((x) => x.column),
        span,
      };
    const b = nodes(c.children, "booleanExpression")[0];
    if (b === undefined)
      return fail("LIMIT after the row query is outside the modelled subset", span);
    return { kind: "where", expr: booleanExpression(b), span };
  });
  const stats = commands.filter((c) => c.kind === "stats");
  if (stats.length !== 1)
    fail("exactly one STATS command is the modelled form", { offset: 0, line: 1, col: 1 });
  const fromEnd = pipes[0]?.startOffset ?? text.length;
  const rowsText = rowsEnd < all.length ? text.slice(0, pipes[rowsEnd]!.startOffset) : text;
  return {
    from: text.slice(0, fromEnd).trimEnd(),
    rows: rowsText.trimEnd(),
    commands,
    span: stats[0]!.span,
  };
}
