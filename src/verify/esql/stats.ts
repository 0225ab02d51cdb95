import type { IToken } from "chevrotain";
import { parseEsqlCst } from "../../../grammar/esql.js";
import { ParseError } from "../types.js";
import type { EsqlExpr, Span } from "./ast.js";
import { booleanExpression, firstToken, nodes, one, spanOf, tokens } from "./parse.js";

/**
 * An aggregating ES|QL query as a correlation rule writes it: the row query (FROM and WHERE
 * commands, read by the per-event interpreter), one STATS command, then WHERE commands over its
 * result columns. Names of STATS columns come from `name = …`, else from the expression's text.
 */

export interface StatsColumn {
  readonly name: string;
  readonly expr: EsqlExpr;
}

export interface EsqlStats {
  /** The text before the STATS command: `FROM … | WHERE …`. */
  readonly rows: string;
  readonly aggregates: readonly StatsColumn[];
  readonly by: readonly StatsColumn[];
  /** WHERE commands after STATS, in order. */
  readonly after: readonly EsqlExpr[];
  readonly span: Span;
}

function fail(message: string, span: Span): never {
  throw new ParseError(message, span.offset, span.line, span.col);
}

export function parseEsqlStats(text: string): EsqlStats {
  const { cst, errors } = parseEsqlCst(text);
  const first = errors[0];
  if (first) throw new ParseError(first.message, first.offset, first.line, first.col);
  if (!cst) throw new ParseError("empty parse", 0, 1, 1);
  const pipes: IToken[] = [...tokens(cst.children, "Pipe"), ...tokens(cst.children, "FromPipe")];
  pipes.sort((a, b) => a.startOffset - b.startOffset);
  const commands = nodes(cst.children, "processingCommand");
  const at = commands.findIndex((c) => nodes(c.children, "statsCommand").length > 0);
  if (at < 0) return fail("no STATS command", { offset: 0, line: 1, col: 1 });
  const stats = one(commands[at]!.children, "statsCommand");
  const span = spanOf(firstToken(stats));
  const after: EsqlExpr[] = [];
  for (const c of commands.slice(at + 1)) {
    const b = nodes(c.children, "booleanExpression")[0];
    if (b === undefined) fail("only WHERE may follow STATS here", spanOf(firstToken(c)));
    after.push(booleanExpression(b));
  }
  const byToken = tokens(stats.children, "By")[0];
  const columns = nodes(stats.children, "field").map((f) => {
    const named = nodes(f.children, "qualifiedName")[0];
    const expr = booleanExpression(one(f.children, "booleanExpression"));
    const name = named
      ? nodes(named.children, "identifier")
          .map((i) => firstToken(i).image.replace(/^`|`$/g, ""))
          .join(".")
      : expr.kind === "field"
        ? expr.name
        : fail("an unnamed computed column is outside the modelled subset", spanOf(firstToken(f)));
    return { column: { name, expr }, offset: firstToken(f).startOffset };
  });
  const split = byToken === undefined ? Infinity : byToken.startOffset;
  return {
    rows: text.slice(0, pipes[at]!.startOffset).trimEnd(),
    aggregates: columns.filter((c) => c.offset < split).map((c) => c.column),
    by: columns.filter((c) => c.offset > split).map((c) => c.column),
    after,
    span,
  };
}
