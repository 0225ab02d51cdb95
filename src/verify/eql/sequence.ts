import type { CstNode } from "chevrotain";
import { ParseError } from "../types.js";
import type { EqlNode, EqlQuery, Span } from "./ast.js";
import {
  eventQuery,
  firstToken,
  nodes,
  one,
  orExpression,
  parseEqlStatement,
  spanOf,
  tokens,
} from "./parse.js";

/**
 * An EQL sequence (EqlBase.g4 `sequence`, read as Elasticsearch's LogicalPlanBuilder reads it):
 * the keys of `sequence by …` are prepended to each term's own `by` keys, and every term must end
 * with the same number of keys; keys after `with maxspan` are refused ("Please specify sequence
 * [by] before [with] not after"); at least two terms; maxspan is a number with a unit
 * (ms, s, m, h, d).
 */

export interface EqlSequenceTerm {
  readonly query: EqlQuery;
  /** The term's text (`any where …`), as written between its brackets. */
  readonly text: string;
  readonly keys: readonly EqlNode[];
}

export interface EqlSequence {
  /** Milliseconds; 0 when the sequence has no maxspan. */
  readonly maxspanMs: number;
  readonly terms: readonly EqlSequenceTerm[];
  readonly span: Span;
}

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

function fail(message: string, span: Span): never {
  throw new ParseError(message, span.offset, span.line, span.col);
}

function keysOf(node: CstNode | undefined): EqlNode[] {
  return node === undefined ? [] : nodes(node.children, "orExpression").map(orExpression);
}

function maxspan(params: CstNode | undefined): number {
  if (params === undefined) return 0;
  const number = [
    ...tokens(params.children, "IntegerValue"),
    ...tokens(params.children, "DecimalValue"),
  ][0]!;
  const unit = tokens(params.children, "Identifier")[0];
  if (unit === undefined) return fail("maxspan needs a time unit (ms, s, m, h, d)", spanOf(number));
  const per = UNIT_MS[unit.image];
  if (per === undefined) return fail(`unknown time unit ${unit.image}`, spanOf(unit));
  if (number.tokenType.name !== "IntegerValue")
    return fail("a fractional maxspan is outside the modelled subset", spanOf(number));
  return Number(number.image) * per;
}

export function parseEqlSequence(text: string): EqlSequence {
  const cst = parseEqlStatement(text);
  const seq = nodes(cst.children, "sequence")[0];
  if (seq === undefined) return fail("not a sequence", { offset: 0, line: 1, col: 1 });
  const span = spanOf(firstToken(seq));
  const keyNodes = nodes(seq.children, "joinKeys");
  const params = nodes(seq.children, "sequenceParams")[0];
  const common = keyNodes[0];
  if (common !== undefined && params !== undefined) {
    const keysAt = firstToken(common).startOffset;
    if (keysAt > firstToken(params).startOffset)
      fail("Please specify sequence [by] before [with] not after", spanOf(firstToken(common)));
  }
  const shared = keysOf(common);
  const terms = nodes(seq.children, "sequenceTerm").map((t) => {
    const filter = one(t.children, "eventFilter");
    const start = firstToken(filter).startOffset;
    const end = tokens(t.children, "RBracket")[0]!.startOffset;
    return {
      query: eventQuery(filter),
      text: text.slice(start, end).trimEnd(),
      keys: [...shared, ...keysOf(nodes(t.children, "joinKeys")[0])],
    };
  });
  if (terms.length < 2) fail("a sequence needs at least two queries", span);
  const n = terms[0]!.keys.length;
  if (terms.some((t) => t.keys.length !== n))
    fail("every query of a sequence needs the same number of join keys", span);
  return { maxspanMs: maxspan(params), terms, span };
}
