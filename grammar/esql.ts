import {
  CstParser,
  Lexer,
  createToken,
  type CstNode,
  type IToken,
  type TokenType,
} from "./chevrotain.js";

/**
 * ES|QL (x-pack/plugin/esql/src/main/antlr: EsqlBaseLexer with lexer/From.g4 and
 * lexer/Expression.g4, EsqlBaseParser with parser/Expression.g4), the part a non-aggregating
 * detection rule uses: `FROM <index patterns> [METADATA <fields>]` followed by `| WHERE <boolean
 * expression>` and `| LIMIT n` commands, and the aggregation of a correlation rule:
 * `| EVAL name = expr, …`, `| STATS [name =] agg(…), … BY [name =] expr, …` with `COUNT(*)`, time
 * spans (`5 minutes`) and additions (`a + b`). The lexer is modal as Elasticsearch's is (a source
 * pattern is only a token after FROM; `|` ends a command) and case-insensitive for keywords.
 * Other commands, parameters, casts, arithmetic and the `:` / `=~` operators are tokens only, so
 * the parser reports them at their position.
 */

function kw(
  name: string,
  word: string,
  extra: Partial<Parameters<typeof createToken>[0]> = {},
): TokenType {
  return createToken({ name, pattern: new RegExp(word, "i"), ...extra });
}

const WS = createToken({
  name: "WS",
  pattern: /[ \t\r\n]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
const LineComment = createToken({
  name: "LineComment",
  pattern: /\/\/[^\r\n]*/,
  group: Lexer.SKIPPED,
});
const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[\s\S]*?\*\//,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

export const UnquotedIdentifier = createToken({
  name: "UnquotedIdentifier",
  pattern: /[A-Za-z][A-Za-z0-9_]*|[_@][A-Za-z0-9_]+/,
});
export const QuotedIdentifier = createToken({
  name: "QuotedIdentifier",
  pattern: /`(?:[^`]|``)+`/,
  line_breaks: true,
});

// ---- command words (default mode) ----
/** Any other command (eval, stats, keep, sort …): outside the modelled subset. */
export const OtherCommand = createToken({
  name: "OtherCommand",
  pattern: /[A-Za-z_]+/,
  push_mode: "expression",
});
const commandAlt = { longer_alt: OtherCommand };
export const From = kw("From", "from", { push_mode: "from", ...commandAlt });
export const Where = kw("Where", "where", { push_mode: "expression", ...commandAlt });
export const Limit = kw("Limit", "limit", { push_mode: "expression", ...commandAlt });
export const Stats = kw("Stats", "stats", { push_mode: "expression", ...commandAlt });
export const Eval = kw("Eval", "eval", { push_mode: "expression", ...commandAlt });

// ---- FROM mode ----
export const FromPipe = createToken({ name: "FromPipe", pattern: /\|/, pop_mode: true });
export const FromComma = createToken({ name: "FromComma", pattern: /,/ });
export const QuotedString = createToken({
  name: "QuotedString",
  pattern: /"""[^\r\n]*?"""(?:"{1,2}(?!"))?|"(?:\\[tnr"\\]|[^\r\n"\\])*"/,
});
/** UNQUOTED_SOURCE: anything but `: " = | , [ ] / ( )` and whitespace (a single `/` is allowed). */
export const UnquotedSource = createToken({
  name: "UnquotedSource",
  pattern: /(?:[^:"=|,[\]/() \t\r\n]|\/(?![*/]))+/,
});
export const Metadata = kw("Metadata", "metadata", { longer_alt: UnquotedSource });
export const FromOther = createToken({ name: "FromOther", pattern: /[:=[\]()]/ });

// ---- expression mode ----
export const Pipe = createToken({ name: "Pipe", pattern: /\|/, pop_mode: true });
const idAlt = { longer_alt: UnquotedIdentifier };
export const And = kw("And", "and", idAlt);
export const Or = kw("Or", "or", idAlt);
export const Not = kw("Not", "not", idAlt);
export const Is = kw("Is", "is", idAlt);
export const Null = kw("Null", "null", idAlt);
export const In = kw("In", "in", idAlt);
export const Like = kw("Like", "like", idAlt);
export const Rlike = kw("Rlike", "rlike", idAlt);
export const True = kw("True", "true", idAlt);
export const False = kw("False", "false", idAlt);
export const NestedWhere = kw("NestedWhere", "where", idAlt);
export const By = kw("By", "by", idAlt);
export const DecimalLiteral = createToken({
  name: "DecimalLiteral",
  pattern: /\d+\.\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?|\d+e[+-]?\d+/i,
});
export const IntegerLiteral = createToken({ name: "IntegerLiteral", pattern: /\d+/ });
export const Eq = createToken({ name: "Eq", pattern: /==/ });
export const Cieq = createToken({ name: "Cieq", pattern: /=~/ });
export const Neq = createToken({ name: "Neq", pattern: /!=/ });
export const Lte = createToken({ name: "Lte", pattern: /<=/ });
export const Gte = createToken({ name: "Gte", pattern: />=/ });
export const Lt = createToken({ name: "Lt", pattern: /</ });
export const Gt = createToken({ name: "Gt", pattern: />/ });
export const CastOp = createToken({ name: "CastOp", pattern: /::/ });
export const Colon = createToken({ name: "Colon", pattern: /:/ });
export const Assign = createToken({ name: "Assign", pattern: /=/ });
export const Plus = createToken({ name: "Plus", pattern: /\+/ });
export const Minus = createToken({ name: "Minus", pattern: /-/ });
export const Asterisk = createToken({ name: "Asterisk", pattern: /\*/ });
export const Slash = createToken({ name: "Slash", pattern: /\// });
export const Percent = createToken({ name: "Percent", pattern: /%/ });
export const Dot = createToken({ name: "Dot", pattern: /\./ });
export const Comma = createToken({ name: "Comma", pattern: /,/ });
export const LParen = createToken({ name: "LParen", pattern: /\(/ });
export const RParen = createToken({ name: "RParen", pattern: /\)/ });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/ });
export const RBracket = createToken({ name: "RBracket", pattern: /]/ });
export const LBrace = createToken({ name: "LBrace", pattern: /\{/ });
export const RBrace = createToken({ name: "RBrace", pattern: /\}/ });
export const Param = createToken({ name: "Param", pattern: /\?[A-Za-z0-9_]*/ });

const trivia = [WS, LineComment, BlockComment];

export const esqlLexer = new Lexer(
  {
    modes: {
      command: [...trivia, From, Where, Limit, Stats, Eval, OtherCommand],
      from: [...trivia, FromPipe, Metadata, FromComma, QuotedString, UnquotedSource, FromOther],
      expression: [
        ...trivia,
        Pipe,
        QuotedString,
        DecimalLiteral,
        IntegerLiteral,
        And,
        Or,
        Not,
        Is,
        Null,
        In,
        Like,
        Rlike,
        True,
        False,
        NestedWhere,
        By,
        UnquotedIdentifier,
        QuotedIdentifier,
        Eq,
        Cieq,
        Neq,
        Lte,
        Gte,
        Lt,
        Gt,
        CastOp,
        Colon,
        Assign,
        Plus,
        Minus,
        Asterisk,
        Slash,
        Percent,
        Dot,
        Comma,
        LParen,
        RParen,
        LBracket,
        RBracket,
        LBrace,
        RBrace,
        Param,
      ],
    },
    defaultMode: "command",
  },
  { positionTracking: "full", ensureOptimizations: false },
);

const allTokens: TokenType[] = [
  WS,
  LineComment,
  BlockComment,
  From,
  Where,
  Limit,
  Stats,
  Eval,
  OtherCommand,
  FromPipe,
  Metadata,
  FromComma,
  QuotedString,
  UnquotedSource,
  FromOther,
  Pipe,
  DecimalLiteral,
  IntegerLiteral,
  And,
  Or,
  Not,
  Is,
  Null,
  In,
  Like,
  Rlike,
  True,
  False,
  NestedWhere,
  By,
  UnquotedIdentifier,
  QuotedIdentifier,
  Eq,
  Cieq,
  Neq,
  Lte,
  Gte,
  Lt,
  Gt,
  CastOp,
  Colon,
  Assign,
  Plus,
  Minus,
  Asterisk,
  Slash,
  Percent,
  Dot,
  Comma,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Param,
];

/** Precedence as in parser/Expression.g4: OR < AND < NOT < a predicate < a comparison. */
export class EsqlParser extends CstParser {
  constructor() {
    super(allTokens, { maxLookahead: 3, nodeLocationTracking: "full" });
    this.performSelfAnalysis();
  }

  public query = this.RULE("query", () => {
    this.SUBRULE(this.fromCommand);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(FromPipe) }, { ALT: () => this.CONSUME(Pipe) }]);
      this.SUBRULE(this.processingCommand);
    });
  });

  public fromCommand = this.RULE("fromCommand", () => {
    this.CONSUME(From);
    this.SUBRULE(this.source);
    this.MANY(() => {
      this.CONSUME(FromComma);
      this.SUBRULE2(this.source);
    });
    this.OPTION(() => {
      this.CONSUME(Metadata);
      this.CONSUME(UnquotedSource);
      this.MANY2(() => {
        this.CONSUME2(FromComma);
        this.CONSUME2(UnquotedSource);
      });
    });
  });

  public source = this.RULE("source", () => {
    this.OR([
      { ALT: () => this.CONSUME(UnquotedSource) },
      { ALT: () => this.CONSUME(QuotedString) },
    ]);
  });

  public processingCommand = this.RULE("processingCommand", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Where);
          this.SUBRULE(this.booleanExpression);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Limit);
          this.CONSUME(IntegerLiteral);
        },
      },
      { ALT: () => this.SUBRULE(this.statsCommand) },
      { ALT: () => this.SUBRULE(this.evalCommand) },
    ]);
  });

  /** parser/EsqlBaseParser.g4 `evalCommand`: EVAL fields. */
  public evalCommand = this.RULE("evalCommand", () => {
    this.CONSUME(Eval);
    this.SUBRULE(this.field);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE2(this.field);
    });
  });

  /** parser/EsqlBaseParser.g4 `statsCommand`: STATS aggFields (BY fields)?. */
  public statsCommand = this.RULE("statsCommand", () => {
    this.CONSUME(Stats);
    this.SUBRULE(this.field);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE2(this.field);
    });
    this.OPTION(() => {
      this.CONSUME(By);
      this.SUBRULE3(this.field);
      this.MANY2(() => {
        this.CONSUME2(Comma);
        this.SUBRULE4(this.field);
      });
    });
  });

  /** `[name =] expression` */
  public field = this.RULE("field", () => {
    this.OPTION({
      GATE: () => this.LA(2).tokenType === Assign,
      DEF: () => {
        this.SUBRULE(this.qualifiedName);
        this.CONSUME(Assign);
      },
    });
    this.SUBRULE(this.booleanExpression);
  });

  public booleanExpression = this.RULE("booleanExpression", () => {
    this.SUBRULE(this.andExpression);
    this.MANY(() => {
      this.CONSUME(Or);
      this.SUBRULE2(this.andExpression);
    });
  });

  public andExpression = this.RULE("andExpression", () => {
    this.SUBRULE(this.notExpression);
    this.MANY(() => {
      this.CONSUME(And);
      this.SUBRULE2(this.notExpression);
    });
  });

  public notExpression = this.RULE("notExpression", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Not);
          this.SUBRULE(this.notExpression);
        },
      },
      { ALT: () => this.SUBRULE(this.predicateExpression) },
    ]);
  });

  /** A value, then IS [NOT] NULL, [NOT] LIKE / RLIKE patterns, or [NOT] IN (…). */
  public predicateExpression = this.RULE("predicateExpression", () => {
    this.SUBRULE(this.valueExpression);
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Is);
            this.OPTION2(() => this.CONSUME(Not));
            this.CONSUME(Null);
          },
        },
        {
          ALT: () => {
            this.OPTION3(() => this.CONSUME2(Not));
            this.OR2([
              {
                ALT: () => {
                  this.OR3([{ ALT: () => this.CONSUME(Like) }, { ALT: () => this.CONSUME(Rlike) }]);
                  this.OR4([
                    { ALT: () => this.CONSUME(QuotedString) },
                    {
                      ALT: () => {
                        this.CONSUME(LParen);
                        this.CONSUME2(QuotedString);
                        this.MANY(() => {
                          this.CONSUME(Comma);
                          this.CONSUME3(QuotedString);
                        });
                        this.CONSUME(RParen);
                      },
                    },
                  ]);
                },
              },
              {
                ALT: () => {
                  this.CONSUME(In);
                  this.CONSUME2(LParen);
                  this.SUBRULE2(this.valueExpression);
                  this.MANY2(() => {
                    this.CONSUME2(Comma);
                    this.SUBRULE3(this.valueExpression);
                  });
                  this.CONSUME2(RParen);
                },
              },
            ]);
          },
        },
      ]);
    });
  });

  /** Operands joined by `+` (operatorExpression's addition; other arithmetic stays a token). */
  public valueExpression = this.RULE("valueExpression", () => {
    this.SUBRULE(this.operand);
    this.MANY(() => {
      this.CONSUME(Plus);
      this.SUBRULE3(this.operand);
    });
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(Eq) },
        { ALT: () => this.CONSUME(Neq) },
        { ALT: () => this.CONSUME(Lte) },
        { ALT: () => this.CONSUME(Gte) },
        { ALT: () => this.CONSUME(Lt) },
        { ALT: () => this.CONSUME(Gt) },
      ]);
      this.SUBRULE2(this.operand);
      this.MANY2(() => {
        this.CONSUME2(Plus);
        this.SUBRULE4(this.operand);
      });
    });
  });

  public operand = this.RULE("operand", () => {
    this.OPTION(() => this.CONSUME(Minus));
    this.SUBRULE(this.primary);
  });

  public primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.CONSUME(Null) },
      { ALT: () => this.CONSUME(True) },
      { ALT: () => this.CONSUME(False) },
      { ALT: () => this.CONSUME(DecimalLiteral) },
      {
        // qualifiedIntegerLiteral: a time span such as `5 minutes`.
        GATE: () => this.LA(2).tokenType === UnquotedIdentifier,
        ALT: () => {
          this.CONSUME2(IntegerLiteral);
          this.CONSUME2(UnquotedIdentifier);
        },
      },
      { ALT: () => this.CONSUME(IntegerLiteral) },
      { ALT: () => this.CONSUME(QuotedString) },
      {
        GATE: () => this.LA(2).tokenType === LParen,
        ALT: () => this.SUBRULE(this.functionCall),
      },
      { ALT: () => this.SUBRULE(this.qualifiedName) },
      {
        ALT: () => {
          this.CONSUME(LParen);
          this.SUBRULE(this.booleanExpression);
          this.CONSUME(RParen);
        },
      },
    ]);
  });

  public functionCall = this.RULE("functionCall", () => {
    this.CONSUME(UnquotedIdentifier);
    this.CONSUME(LParen);
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(Asterisk) },
        {
          ALT: () => {
            this.SUBRULE(this.booleanExpression);
            this.MANY(() => {
              this.CONSUME(Comma);
              this.SUBRULE2(this.booleanExpression);
            });
          },
        },
      ]);
    });
    this.CONSUME(RParen);
  });

  public qualifiedName = this.RULE("qualifiedName", () => {
    this.SUBRULE(this.identifier);
    this.MANY(() => {
      this.CONSUME(Dot);
      this.SUBRULE2(this.identifier);
    });
  });

  public identifier = this.RULE("identifier", () => {
    this.OR([
      { ALT: () => this.CONSUME(UnquotedIdentifier) },
      { ALT: () => this.CONSUME(QuotedIdentifier) },
    ]);
  });
}

export const esqlParser = new EsqlParser();

export interface EsqlSyntaxError {
  readonly message: string;
  readonly offset: number;
  readonly line: number;
  readonly col: number;
}

const UNMODELLED: ReadonlyMap<TokenType, string> = new Map([
  [OtherCommand, "this command"],
  [Cieq, "the =~ operator"],
  [Colon, "the : (match) operator"],
  [CastOp, "casts (::)"],
  [Param, "parameters"],
  [Plus, "arithmetic"],
  [Asterisk, "arithmetic"],
  [Slash, "arithmetic"],
  [Percent, "arithmetic"],
  [LBracket, "multi-valued constants"],
  [LBrace, "function options"],
]);

function position(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  return { line: before.split("\n").length, col: offset - before.lastIndexOf("\n") };
}

/** Lex and parse an ES|QL query into a concrete syntax tree (errors carry positions). */
export function parseEsqlCst(text: string): {
  readonly cst: CstNode | undefined;
  readonly errors: readonly EsqlSyntaxError[];
} {
  const lexed = esqlLexer.tokenize(text);
  const errors: EsqlSyntaxError[] = lexed.errors.map((e) => ({
    message: `unexpected character ${JSON.stringify(text.slice(e.offset, e.offset + 1))}`,
    offset: e.offset,
    line: e.line ?? 1,
    col: e.column ?? 1,
  }));
  if (errors.length > 0) return { cst: undefined, errors };
  esqlParser.input = lexed.tokens;
  const cst = esqlParser.query();
  for (const e of esqlParser.errors) {
    const t: IToken = e.token;
    const atEnd = t.tokenType.name === "EOF";
    const unmodelled = UNMODELLED.get(t.tokenType);
    const at = atEnd
      ? position(text, text.length)
      : { line: t.startLine ?? 1, col: t.startColumn ?? 1 };
    errors.push({
      message: atEnd
        ? `unexpected end of query: ${e.message}`
        : unmodelled !== undefined
          ? `${unmodelled} (${JSON.stringify(t.image)}) is outside the modelled subset`
          : `unexpected ${JSON.stringify(t.image)}: ${e.message}`,
      offset: atEnd ? text.length : t.startOffset,
      ...at,
    });
  }
  return { cst: errors.length > 0 ? undefined : cst, errors };
}
