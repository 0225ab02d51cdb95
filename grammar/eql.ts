import {
  CstParser,
  Lexer,
  createToken,
  type CstNode,
  type IToken,
  type TokenType,
} from "./chevrotain.js";

/**
 * Elasticsearch's EQL (x-pack/plugin/eql/src/main/antlr/EqlBase.g4), the part a detection rule's
 * event query uses: `(any | category) where <expression>`, and the sequences of a correlation:
 * `sequence [by <keys>] [with maxspan=<n><unit>] [<event query>] [<event query>]… ` (a term may
 * have its own `by` keys), with not / and / or, comparisons,
 * the predicates `: like like~ regex regex~ in in~ not in` (one value or a parenthesized list),
 * function calls, constants and field names (dotted, backquoted, `?optional`). Samples, `until`,
 * `with runs`, joins, pipes and arithmetic are tokens only, so that the parser reports them at their position.
 * Keywords are lower-case (the lexer reads the query as written); `like~`, `in~` and `regex~` are
 * single tokens, as is a function name ending in `~`.
 */

function keyword(name: string, word: string, longerAlt: TokenType[]): TokenType {
  return createToken({ name, pattern: new RegExp(word), longer_alt: longerAlt });
}

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \r\n\t]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
export const LineComment = createToken({
  name: "LineComment",
  pattern: /\/\/[^\r\n]*/,
  group: Lexer.SKIPPED,
});
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[\s\S]*?\*\//,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_@][A-Za-z0-9_]*/ });
export const TildeIdentifier = createToken({
  name: "TildeIdentifier",
  pattern: /[A-Za-z][A-Za-z0-9_]*~/,
});
export const QuotedIdentifier = createToken({
  name: "QuotedIdentifier",
  pattern: /`(?:[^`]|``)*`/,
  line_breaks: true,
});

export const InInsensitive = createToken({ name: "InInsensitive", pattern: /in~/ });
export const LikeInsensitive = createToken({ name: "LikeInsensitive", pattern: /like~/ });
export const RegexInsensitive = createToken({ name: "RegexInsensitive", pattern: /regex~/ });

const idAlt = [TildeIdentifier, Identifier];
export const And = keyword("And", "and", idAlt);
export const Any = keyword("Any", "any", idAlt);
export const By = keyword("By", "by", idAlt);
export const False = keyword("False", "false", idAlt);
export const In = keyword("In", "in", idAlt);
export const Join = keyword("Join", "join", idAlt);
export const Like = keyword("Like", "like", idAlt);
export const Maxspan = keyword("Maxspan", "maxspan", idAlt);
export const Not = keyword("Not", "not", idAlt);
export const Null = keyword("Null", "null", idAlt);
export const Of = keyword("Of", "of", idAlt);
export const Or = keyword("Or", "or", idAlt);
export const Regex = keyword("Regex", "regex", idAlt);
export const Sample = keyword("Sample", "sample", idAlt);
export const Sequence = keyword("Sequence", "sequence", idAlt);
export const True = keyword("True", "true", idAlt);
export const Until = keyword("Until", "until", idAlt);
export const Where = keyword("Where", "where", idAlt);
export const With = keyword("With", "with", idAlt);

/**
 * STRING: `"…"` with `\b \t \n \f \r \" \' \\` and `\u{hex}` escapes and no raw line break;
 * `"""…"""` raw; the old `'…'`, `?"…"` and `?'…'` forms are tokens that the reader refuses.
 */
export const RawString = createToken({
  name: "RawString",
  pattern: /"""[^\r\n]*?"""(?:"{1,2}(?!"))?/,
});
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /"(?:\\[btnfr"'\\]|\\u\{[0-9A-Fa-f]+\}|[^\r\n"\\])*"/,
});
export const OldString = createToken({
  name: "OldString",
  pattern: /'(?:\\[btnfr"'\\]|[^\r\n'\\])*'|\?"(?:\\"|[^"\r\n])*"|\?'(?:\\'|[^'\r\n])*'/,
});

export const DecimalValue = createToken({
  name: "DecimalValue",
  pattern: /\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+/,
});
export const IntegerValue = createToken({ name: "IntegerValue", pattern: /\d+/ });

export const Seq = createToken({ name: "Seq", pattern: /:/ });
export const Eq = createToken({ name: "Eq", pattern: /==/ });
export const Neq = createToken({ name: "Neq", pattern: /!=/ });
export const Lte = createToken({ name: "Lte", pattern: /<=/ });
export const Gte = createToken({ name: "Gte", pattern: />=/ });
export const Lt = createToken({ name: "Lt", pattern: /</ });
export const Gt = createToken({ name: "Gt", pattern: />/ });
export const Asgn = createToken({ name: "Asgn", pattern: /=/ });
export const MissingEventOpen = createToken({ name: "MissingEventOpen", pattern: /!\[/ });
export const Plus = createToken({ name: "Plus", pattern: /\+/ });
export const Minus = createToken({ name: "Minus", pattern: /-/ });
export const Asterisk = createToken({ name: "Asterisk", pattern: /\*/ });
export const Slash = createToken({ name: "Slash", pattern: /\// });
export const Percent = createToken({ name: "Percent", pattern: /%/ });
export const Dot = createToken({ name: "Dot", pattern: /\./ });
export const Comma = createToken({ name: "Comma", pattern: /,/ });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/ });
export const RBracket = createToken({ name: "RBracket", pattern: /]/ });
export const LParen = createToken({ name: "LParen", pattern: /\(/ });
export const RParen = createToken({ name: "RParen", pattern: /\)/ });
export const Pipe = createToken({ name: "Pipe", pattern: /\|/ });
export const Optional = createToken({ name: "Optional", pattern: /\?/ });

export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  RawString,
  StringLiteral,
  OldString,
  DecimalValue,
  IntegerValue,
  InInsensitive,
  LikeInsensitive,
  RegexInsensitive,
  And,
  Any,
  By,
  False,
  In,
  Join,
  Like,
  Maxspan,
  Not,
  Null,
  Of,
  Or,
  Regex,
  Sample,
  Sequence,
  True,
  Until,
  Where,
  With,
  TildeIdentifier,
  Identifier,
  QuotedIdentifier,
  Seq,
  Eq,
  Neq,
  Lte,
  Gte,
  Lt,
  Gt,
  Asgn,
  MissingEventOpen,
  Plus,
  Minus,
  Asterisk,
  Slash,
  Percent,
  Dot,
  Comma,
  LBracket,
  RBracket,
  LParen,
  RParen,
  Pipe,
  Optional,
];

export const eqlLexer = new Lexer(allTokens, {
  positionTracking: "full",
  ensureOptimizations: false,
});

/**
 * Precedence as in EqlBase.g4: or < and < not < a comparison (two operands around ==, !=, <,
 * <=, >, >=) < an operand with its predicate (`:`, like, regex, in …).
 */
export class EqlParser extends CstParser {
  constructor() {
    super(allTokens, { maxLookahead: 3, nodeLocationTracking: "full" });
    this.performSelfAnalysis();
  }

  public statement = this.RULE("statement", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.sequence) },
      { ALT: () => this.SUBRULE(this.eventFilter) },
    ]);
  });

  /** EqlBase.g4 `sequence`: keys before or after the parameters (the latter is refused by ES). */
  public sequence = this.RULE("sequence", () => {
    this.CONSUME(Sequence);
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            this.SUBRULE(this.joinKeys);
            this.OPTION2(() => this.SUBRULE(this.sequenceParams));
          },
        },
        {
          ALT: () => {
            this.SUBRULE2(this.sequenceParams);
            this.OPTION3(() => this.SUBRULE2(this.joinKeys));
          },
        },
      ]);
    });
    this.AT_LEAST_ONE(() => this.SUBRULE(this.sequenceTerm));
  });

  public sequenceParams = this.RULE("sequenceParams", () => {
    this.CONSUME(With);
    this.CONSUME(Maxspan);
    this.CONSUME(Asgn);
    this.OR([{ ALT: () => this.CONSUME(IntegerValue) }, { ALT: () => this.CONSUME(DecimalValue) }]);
    this.OPTION(() => this.CONSUME(Identifier));
  });

  public joinKeys = this.RULE("joinKeys", () => {
    this.CONSUME(By);
    this.SUBRULE(this.orExpression);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE2(this.orExpression);
    });
  });

  public sequenceTerm = this.RULE("sequenceTerm", () => {
    this.CONSUME(LBracket);
    this.SUBRULE(this.eventFilter);
    this.CONSUME(RBracket);
    this.OPTION(() => this.SUBRULE(this.joinKeys));
  });

  public eventFilter = this.RULE("eventFilter", () => {
    this.OR([
      { ALT: () => this.CONSUME(Any) },
      { ALT: () => this.CONSUME(Identifier) },
      { ALT: () => this.CONSUME(StringLiteral) },
      { ALT: () => this.CONSUME(RawString) },
    ]);
    this.CONSUME(Where);
    this.SUBRULE(this.orExpression);
  });

  public orExpression = this.RULE("orExpression", () => {
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
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  public comparison = this.RULE("comparison", () => {
    this.SUBRULE(this.operand);
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
    });
  });

  /** A primary expression, a unary minus, and the predicate that may follow a primary. */
  public operand = this.RULE("operand", () => {
    this.OPTION(() => this.CONSUME(Minus));
    this.SUBRULE(this.primary);
    this.OPTION2(() => this.SUBRULE(this.predicate));
  });

  public predicate = this.RULE("predicate", () => {
    this.OR([
      {
        GATE: () =>
          this.LA(1).tokenType === In ||
          this.LA(1).tokenType === InInsensitive ||
          (this.LA(1).tokenType === Not &&
            (this.LA(2).tokenType === In || this.LA(2).tokenType === InInsensitive)),
        ALT: () => {
          this.OPTION(() => this.CONSUME(Not));
          this.OR2([{ ALT: () => this.CONSUME(In) }, { ALT: () => this.CONSUME(InInsensitive) }]);
          this.CONSUME(LParen);
          this.SUBRULE(this.orExpression);
          this.MANY(() => {
            this.CONSUME(Comma);
            this.SUBRULE2(this.orExpression);
          });
          this.CONSUME(RParen);
        },
      },
      {
        ALT: () => {
          this.OR3([
            { ALT: () => this.CONSUME(Seq) },
            { ALT: () => this.CONSUME(Like) },
            { ALT: () => this.CONSUME(LikeInsensitive) },
            { ALT: () => this.CONSUME(Regex) },
            { ALT: () => this.CONSUME(RegexInsensitive) },
          ]);
          this.OR4([
            {
              ALT: () => {
                this.CONSUME2(LParen);
                this.SUBRULE(this.constant);
                this.MANY2(() => {
                  this.CONSUME2(Comma);
                  this.SUBRULE2(this.constant);
                });
                this.CONSUME2(RParen);
              },
            },
            { ALT: () => this.SUBRULE3(this.constant) },
          ]);
        },
      },
    ]);
  });

  public primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.constant) },
      {
        GATE: () =>
          (this.LA(1).tokenType === Identifier || this.LA(1).tokenType === TildeIdentifier) &&
          this.LA(2).tokenType === LParen,
        ALT: () => this.SUBRULE(this.functionCall),
      },
      { ALT: () => this.SUBRULE(this.field) },
      {
        ALT: () => {
          this.CONSUME(LParen);
          this.SUBRULE(this.orExpression);
          this.CONSUME(RParen);
        },
      },
    ]);
  });

  public functionCall = this.RULE("functionCall", () => {
    this.OR([
      { ALT: () => this.CONSUME(Identifier) },
      { ALT: () => this.CONSUME(TildeIdentifier) },
    ]);
    this.CONSUME(LParen);
    this.OPTION(() => {
      this.SUBRULE(this.orExpression);
      this.MANY(() => {
        this.CONSUME(Comma);
        this.SUBRULE2(this.orExpression);
      });
    });
    this.CONSUME(RParen);
  });

  public field = this.RULE("field", () => {
    this.OPTION(() => this.CONSUME(Optional));
    this.SUBRULE(this.identifier);
    // `[` after a field is an index only when a number follows (a sequence's next term otherwise).
    this.MANY({
      GATE: () =>
        this.LA(1).tokenType === Dot ||
        (this.LA(1).tokenType === LBracket && this.LA(2).tokenType === IntegerValue),
      DEF: () => {
        this.OR([
          {
            ALT: () => {
              this.CONSUME(Dot);
              this.SUBRULE2(this.identifier);
            },
          },
          {
            ALT: () => {
              this.CONSUME(LBracket);
              this.AT_LEAST_ONE(() => this.CONSUME(IntegerValue));
              this.CONSUME(RBracket);
            },
          },
        ]);
      },
    });
  });

  public identifier = this.RULE("identifier", () => {
    this.OR([
      { ALT: () => this.CONSUME(Identifier) },
      { ALT: () => this.CONSUME(QuotedIdentifier) },
    ]);
  });

  public constant = this.RULE("constant", () => {
    this.OR([
      { ALT: () => this.CONSUME(Null) },
      { ALT: () => this.CONSUME(True) },
      { ALT: () => this.CONSUME(False) },
      { ALT: () => this.CONSUME(DecimalValue) },
      { ALT: () => this.CONSUME(IntegerValue) },
      { ALT: () => this.CONSUME(StringLiteral) },
      { ALT: () => this.CONSUME(RawString) },
      { ALT: () => this.CONSUME(OldString) },
    ]);
  });
}

export const eqlParser = new EqlParser();

export interface EqlSyntaxError {
  readonly message: string;
  readonly offset: number;
  readonly line: number;
  readonly col: number;
}

/** What the grammar has tokens for but the modelled subset does not: named for the error. */
const UNMODELLED: ReadonlyMap<TokenType, string> = new Map([
  [Pipe, "pipes"],
  [Until, "until clauses"],
  [Sample, "samples"],
  [Join, "joins"],
  [Plus, "arithmetic"],
  [Asterisk, "arithmetic"],
  [Slash, "arithmetic"],
  [Percent, "arithmetic"],
  [MissingEventOpen, "missing-event sequences"],
]);

/** Lex and parse an EQL event query into a concrete syntax tree (errors carry positions). */
export function parseEqlCst(text: string): {
  readonly cst: CstNode | undefined;
  readonly errors: readonly EqlSyntaxError[];
} {
  const lexed = eqlLexer.tokenize(text);
  const errors: EqlSyntaxError[] = lexed.errors.map((e) => ({
    message: `unexpected character ${JSON.stringify(text.slice(e.offset, e.offset + 1))}`,
    offset: e.offset,
    line: e.line ?? 1,
    col: e.column ?? 1,
  }));
  if (errors.length > 0) return { cst: undefined, errors };
  eqlParser.input = lexed.tokens;
  const cst = eqlParser.statement();
  for (const e of eqlParser.errors) {
    const t: IToken = e.token;
    const atEnd = t.tokenType.name === "EOF";
    const unmodelled = UNMODELLED.get(t.tokenType);
    errors.push({
      message: atEnd
        ? `unexpected end of query: ${e.message}`
        : unmodelled !== undefined
          ? `${unmodelled} (${JSON.stringify(t.image)}) are outside the modelled subset`
          : `unexpected ${JSON.stringify(t.image)}: ${e.message}`,
      offset: atEnd ? text.length : t.startOffset,
      line: atEnd ? lineAt(text, text.length) : (t.startLine ?? 1),
      col: atEnd ? colAt(text, text.length) : (t.startColumn ?? 1),
    });
  }
  return { cst: errors.length > 0 ? undefined : cst, errors };
}

function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split("\n").length;
}

function colAt(text: string, offset: number): number {
  return offset - text.lastIndexOf("\n", offset - 1);
}
