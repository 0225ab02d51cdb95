import {
  EmbeddedActionsParser,
  Lexer,
  createToken,
  type IToken,
  type TokenType,
} from "./chevrotain.js";

/**
 * The Sigma condition language: `and`, `or`, `not`, parentheses, `1 of X`, `any of X`, `all of X`
 * (X = `them`, a search identifier, or a wildcard pattern such as `selection_*`).
 * Precedence: not > and > or. The grammar stays pure: it knows no rule, no file and no IR; it
 * returns a plain AST whose offsets are relative to the condition text.
 */

// ---- AST ----

export interface Span {
  /** Offset of the first character in the condition text. */
  readonly start: number;
  /** Offset just past the last character. */
  readonly end: number;
}

export type QuantifierTarget =
  | ({ readonly kind: "them" } & Span)
  | ({ readonly kind: "name"; readonly name: string; readonly wildcard: boolean } & Span);

export type CondNode =
  | ({ readonly kind: "and"; readonly items: readonly CondNode[] } & Span)
  | ({ readonly kind: "or"; readonly items: readonly CondNode[] } & Span)
  | ({ readonly kind: "not"; readonly item: CondNode } & Span)
  | ({ readonly kind: "ref"; readonly name: string } & Span)
  | ({
      readonly kind: "quantified";
      /** `1 of` and `any of` are "one", `all of` is "all". */
      readonly quantifier: "one" | "all";
      readonly target: QuantifierTarget;
    } & Span);

export type ConditionErrorKind =
  "invalid-character" | "unbalanced-parenthesis" | "unexpected-token" | "aggregation" | "too-deep";

export interface ConditionError extends Span {
  readonly kind: ConditionErrorKind;
  readonly message: string;
}

export interface ConditionParse {
  /** Undefined when there are errors. */
  readonly ast: CondNode | undefined;
  readonly errors: readonly ConditionError[];
}

// ---- tokens ----

// Identifiers may hold `*` (patterns), dots and dashes, as search identifiers in real rules do.
const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z0-9_.\-*]+/ });

function keyword(name: string, pattern: RegExp): TokenType {
  // longer_alt: `not_filter`, `andromeda`, `them_all` stay identifiers.
  return createToken({ name, pattern, longer_alt: Identifier });
}

const And = keyword("And", /and/i);
const Or = keyword("Or", /or/i);
const Not = keyword("Not", /not/i);
const Of = keyword("Of", /of/i);
const Them = keyword("Them", /them/i);
const AllQ = keyword("All", /all/i);
const AnyQ = keyword("Any", /any/i);
const One = keyword("One", /1/);
const LParen = createToken({ name: "LParen", pattern: /\(/ });
const RParen = createToken({ name: "RParen", pattern: /\)/ });
// An old-style aggregation (`| count() by x > 5`, `| near ...`): the pipe swallows the rest.
const Aggregation = createToken({ name: "Aggregation", pattern: /\|[^]*/ });
const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /\s+/, group: Lexer.SKIPPED });

const allTokens = [
  WhiteSpace,
  Aggregation,
  LParen,
  RParen,
  And,
  Or,
  Not,
  Of,
  Them,
  AllQ,
  AnyQ,
  One,
  Identifier,
];

const conditionLexer = new Lexer(allTokens, { positionTracking: "onlyOffset" });

function span(first: IToken, last: IToken): Span {
  return { start: first.startOffset, end: last.startOffset + last.image.length };
}

function spanOf(nodes: readonly Span[]): Span {
  return { start: nodes[0]!.start, end: nodes[nodes.length - 1]!.end };
}

class ConditionParser extends EmbeddedActionsParser {
  /**
   * Chevrotain's grammar validations (ambiguity, left recursion) cost a third of the parser's
   * start-up and find nothing in a grammar that does not change at run time: the CLI skips them
   * and the test suite runs them (`conditionGrammarIsValid`).
   */
  constructor(validate = false) {
    super(allTokens, { recoveryEnabled: false, skipValidations: !validate });
    this.performSelfAnalysis();
  }

  /** condition := or (Aggregation)? */
  readonly condition = this.RULE(
    "condition",
    (): { node: CondNode; aggregation: IToken | undefined } => {
      const node = this.SUBRULE(this.orExpr);
      let aggregation: IToken | undefined;
      this.OPTION(() => {
        aggregation = this.CONSUME(Aggregation);
      });
      return { node, aggregation };
    },
  );

  readonly orExpr = this.RULE("orExpr", (): CondNode => {
    const items: CondNode[] = [this.SUBRULE(this.andExpr)];
    this.MANY(() => {
      this.CONSUME(Or);
      items.push(this.SUBRULE2(this.andExpr));
    });
    return items.length === 1 ? items[0]! : { kind: "or", items, ...spanOf(items) };
  });

  readonly andExpr = this.RULE("andExpr", (): CondNode => {
    const items: CondNode[] = [this.SUBRULE(this.notExpr)];
    this.MANY(() => {
      this.CONSUME(And);
      items.push(this.SUBRULE2(this.notExpr));
    });
    return items.length === 1 ? items[0]! : { kind: "and", items, ...spanOf(items) };
  });

  readonly notExpr = this.RULE("notExpr", (): CondNode => {
    return this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(Not);
          const item = this.SUBRULE(this.notExpr);
          return { kind: "not", item, start: t.startOffset, end: item.end } as CondNode;
        },
      },
      { ALT: () => this.SUBRULE(this.atom) },
    ]);
  });

  readonly atom = this.RULE("atom", (): CondNode => {
    return this.OR([
      {
        ALT: () => {
          const open = this.CONSUME(LParen);
          const inner = this.SUBRULE(this.orExpr);
          const close = this.CONSUME(RParen);
          // The parenthesised node keeps its own kind; its span grows to cover the parentheses.
          return { ...inner, ...span(open, close) };
        },
      },
      { ALT: () => this.SUBRULE(this.quantified) },
      {
        ALT: () => {
          const t = this.CONSUME(Identifier);
          return { kind: "ref", name: t.image, ...span(t, t) } as CondNode;
        },
      },
    ]);
  });

  readonly quantified = this.RULE("quantified", (): CondNode => {
    let first: IToken | undefined;
    let quantifier: "one" | "all" = "one";
    this.OR([
      { ALT: () => (first = this.CONSUME(One)) },
      { ALT: () => (first = this.CONSUME(AnyQ)) },
      {
        ALT: () => {
          first = this.CONSUME(AllQ);
          quantifier = "all";
        },
      },
    ]);
    this.CONSUME(Of);
    const target = this.OR2([
      {
        ALT: (): QuantifierTarget => {
          const t = this.CONSUME(Them);
          return { kind: "them", ...span(t, t) };
        },
      },
      {
        ALT: (): QuantifierTarget => {
          const t = this.CONSUME(Identifier);
          return { kind: "name", name: t.image, wildcard: t.image.includes("*"), ...span(t, t) };
        },
      },
    ]);
    // `first` is always assigned by one of the alternatives; the grammar recording pass may not run them.
    const start = first?.startOffset ?? target.start;
    return { kind: "quantified", quantifier, target, start, end: target.end };
  });
}

const parser = new ConditionParser();

/** Builds the parser with chevrotain's grammar validations on; they throw on a grammar error. */
export function conditionGrammarIsValid(): boolean {
  return new ConditionParser(true) instanceof ConditionParser;
}

/** Report `(` without `)` and `)` without `(` at the parenthesis itself, before the parser's generic errors. */
function parenthesisErrors(tokens: readonly IToken[]): ConditionError[] {
  const open: IToken[] = [];
  const errors: ConditionError[] = [];
  for (const t of tokens) {
    if (t.tokenType === LParen) open.push(t);
    else if (t.tokenType === RParen) {
      if (open.pop() === undefined) {
        errors.push({
          kind: "unbalanced-parenthesis",
          message: "')' has no matching '('",
          ...span(t, t),
        });
      }
    }
  }
  for (const t of open) {
    errors.push({ kind: "unbalanced-parenthesis", message: "'(' is never closed", ...span(t, t) });
  }
  return errors;
}

function describe(token: IToken): string {
  return token.tokenType === Aggregation ? "'|'" : `'${token.image}'`;
}

/** Deeper than this, the recursive-descent parser could exhaust the stack: refuse with a position. */
export const MAX_CONDITION_NESTING = 128;

/** Nesting = open parentheses + the run of `not`s in front of the current operand. */
function nestingError(tokens: readonly IToken[]): ConditionError | undefined {
  let parens = 0;
  let nots = 0;
  for (const t of tokens) {
    if (t.tokenType === LParen) parens++;
    else if (t.tokenType === Not) nots++;
    else {
      if (t.tokenType === RParen) parens--;
      nots = 0;
    }
    if (parens + nots > MAX_CONDITION_NESTING) {
      return {
        kind: "too-deep",
        message: `the condition nests more than ${MAX_CONDITION_NESTING} levels deep (parentheses and not)`,
        start: t.startOffset,
        end: t.startOffset + t.image.length,
      };
    }
  }
  return undefined;
}

export function parseCondition(text: string): ConditionParse {
  const lexed = conditionLexer.tokenize(text);
  if (lexed.errors.length > 0) {
    const errors = lexed.errors.map((e): ConditionError => ({
      kind: "invalid-character",
      message: `unexpected character '${text.slice(e.offset, e.offset + e.length)}' in condition`,
      start: e.offset,
      end: e.offset + e.length,
    }));
    return { ast: undefined, errors };
  }
  const aggregationToken = lexed.tokens.find((t) => t.tokenType === Aggregation);
  const parens = parenthesisErrors(lexed.tokens.filter((t) => t.tokenType !== Aggregation));
  if (parens.length > 0) return { ast: undefined, errors: parens };
  const deep = nestingError(lexed.tokens);
  if (deep) return { ast: undefined, errors: [deep] };
  if (lexed.tokens.length === 0 || lexed.tokens[0]!.tokenType === Aggregation) {
    return {
      ast: undefined,
      errors: [
        aggregationToken !== undefined
          ? aggregationError(aggregationToken)
          : { kind: "unexpected-token", message: "the condition is empty", start: 0, end: 0 },
      ],
    };
  }
  parser.input = lexed.tokens;
  const result = parser.condition();
  if (parser.errors.length > 0) {
    const e = parser.errors[0]!;
    const t = e.token;
    const atEnd = t.tokenType.name === "EOF" || Number.isNaN(t.startOffset);
    const error: ConditionError = atEnd
      ? {
          kind: "unexpected-token",
          message: "the condition ends too early",
          start: text.length,
          end: text.length,
        }
      : t.tokenType === Aggregation
        ? aggregationError(t)
        : {
            kind: "unexpected-token",
            message: `unexpected ${describe(t)} in condition`,
            ...span(t, t),
          };
    return { ast: undefined, errors: [error] };
  }
  if (result.aggregation !== undefined)
    return { ast: undefined, errors: [aggregationError(result.aggregation)] };
  return { ast: result.node, errors: [] };
}

function aggregationError(t: IToken): ConditionError {
  return {
    kind: "aggregation",
    message:
      "pipe aggregations ('| count() ...', '| near ...') were removed in Sigma 2; use a correlation rule instead",
    start: t.startOffset,
    end: t.startOffset + 1,
  };
}
