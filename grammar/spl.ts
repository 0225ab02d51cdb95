import {
  CstParser,
  Lexer,
  createToken,
  type CstNode,
  type IToken,
  type TokenType,
} from "./chevrotain.js";

/**
 * The subset of Splunk SPL that sigprism emits (and a little more): a leading search expression,
 * then `| where <eval expression>` and `| search <search expression>` commands.
 *
 * Search expressions: implicit or explicit AND, OR binding tighter than AND, NOT binding tightest,
 * parentheses, `field=value` comparisons and bare terms. Eval expressions: OR < AND < NOT <
 * comparison < atom, function calls, "strings", 'quoted field names', bare words.
 * The grammar stays pure: it returns a CST; meaning lives in the visitor (src/verify/spl).
 */

const Word = createToken({ name: "Word", pattern: /[^\s"'|()=!<>,`]+/ });
const keyword = (name: string, pattern: RegExp): TokenType =>
  createToken({ name, pattern, longer_alt: Word });

export const T = {
  WhiteSpace: createToken({ name: "WhiteSpace", pattern: /\s+/, group: Lexer.SKIPPED }),
  Pipe: createToken({ name: "Pipe", pattern: /\|/ }),
  LParen: createToken({ name: "LParen", pattern: /\(/ }),
  RParen: createToken({ name: "RParen", pattern: /\)/ }),
  Comma: createToken({ name: "Comma", pattern: /,/ }),
  DQString: createToken({ name: "DQString", pattern: /"(?:[^"\\]|\\[\s\S])*"/ }),
  SQField: createToken({ name: "SQField", pattern: /'(?:[^'\\]|\\[\s\S])*'/ }),
  EqEq: createToken({ name: "EqEq", pattern: /==/ }),
  NotEq: createToken({ name: "NotEq", pattern: /!=/ }),
  LtEq: createToken({ name: "LtEq", pattern: /<=/ }),
  GtEq: createToken({ name: "GtEq", pattern: />=/ }),
  Lt: createToken({ name: "Lt", pattern: /</ }),
  Gt: createToken({ name: "Gt", pattern: />/ }),
  Eq: createToken({ name: "Eq", pattern: /=/ }),
  // Boolean operators are upper case in SPL; `and` is an ordinary search term.
  And: keyword("And", /AND/),
  Or: keyword("Or", /OR/),
  Not: keyword("Not", /NOT/),
  Where: keyword("Where", /where/),
  Search: keyword("Search", /search/),
  Word,
} as const;

const ALL_TOKENS: TokenType[] = [
  T.WhiteSpace,
  T.Pipe,
  T.LParen,
  T.RParen,
  T.Comma,
  T.DQString,
  T.SQField,
  T.EqEq,
  T.NotEq,
  T.LtEq,
  T.GtEq,
  T.Lt,
  T.Gt,
  T.Eq,
  T.And,
  T.Or,
  T.Not,
  T.Where,
  T.Search,
  T.Word,
];

export const splLexer = new Lexer(ALL_TOKENS, {
  ensureOptimizations: false,
  positionTracking: "full",
});

class SplParser extends CstParser {
  constructor() {
    super(ALL_TOKENS, { maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  pipeline = this.RULE("pipeline", () => {
    this.OPTION(() => this.SUBRULE(this.searchAnd));
    this.MANY(() => {
      this.CONSUME(T.Pipe);
      this.SUBRULE(this.command);
    });
  });

  command = this.RULE("command", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Where);
          this.SUBRULE(this.evalOr);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Search);
          this.SUBRULE(this.searchAnd);
        },
      },
    ]);
  });

  // ---- search: OR binds tighter than AND ----
  searchAnd = this.RULE("searchAnd", () => {
    this.SUBRULE(this.searchOr);
    this.MANY(() => {
      this.OPTION(() => this.CONSUME(T.And));
      this.SUBRULE2(this.searchOr);
    });
  });

  searchOr = this.RULE("searchOr", () => {
    this.SUBRULE(this.searchNot);
    this.MANY(() => {
      this.CONSUME(T.Or);
      this.SUBRULE2(this.searchNot);
    });
  });

  searchNot = this.RULE("searchNot", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Not);
          this.SUBRULE(this.searchNot);
        },
      },
      { ALT: () => this.SUBRULE(this.searchAtom) },
    ]);
  });

  searchAtom = this.RULE("searchAtom", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.searchAnd);
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.searchTerm) },
    ]);
  });

  searchTerm = this.RULE("searchTerm", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Word, { LABEL: "left" }) },
      { ALT: () => this.CONSUME(T.DQString, { LABEL: "left" }) },
    ]);
    this.OPTION(() => {
      this.OR2([
        { ALT: () => this.CONSUME(T.Eq, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.NotEq, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.Lt, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.Gt, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.LtEq, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.GtEq, { LABEL: "op" }) },
      ]);
      this.OR3([
        { ALT: () => this.CONSUME2(T.Word, { LABEL: "right" }) },
        { ALT: () => this.CONSUME2(T.DQString, { LABEL: "right" }) },
      ]);
    });
  });

  // ---- eval (where): NOT > AND > OR ----
  evalOr = this.RULE("evalOr", () => {
    this.SUBRULE(this.evalAnd);
    this.MANY(() => {
      this.CONSUME(T.Or);
      this.SUBRULE2(this.evalAnd);
    });
  });

  evalAnd = this.RULE("evalAnd", () => {
    this.SUBRULE(this.evalNot);
    this.MANY(() => {
      this.CONSUME(T.And);
      this.SUBRULE2(this.evalNot);
    });
  });

  evalNot = this.RULE("evalNot", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Not);
          this.SUBRULE(this.evalNot);
        },
      },
      { ALT: () => this.SUBRULE(this.evalCmp) },
    ]);
  });

  evalCmp = this.RULE("evalCmp", () => {
    this.SUBRULE(this.evalAtom, { LABEL: "left" });
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.EqEq, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.Eq, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.NotEq, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.LtEq, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.GtEq, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.Lt, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.Gt, { LABEL: "op" }) },
      ]);
      this.SUBRULE2(this.evalAtom, { LABEL: "right" });
    });
  });

  evalAtom = this.RULE("evalAtom", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.evalOr);
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.CONSUME(T.DQString) },
      { ALT: () => this.CONSUME(T.SQField) },
      {
        ALT: () => {
          this.CONSUME(T.Word);
          this.OPTION(() => {
            this.CONSUME2(T.LParen);
            this.OPTION2(() => {
              this.SUBRULE2(this.evalOr, { LABEL: "arg" });
              this.MANY(() => {
                this.CONSUME(T.Comma);
                this.SUBRULE3(this.evalOr, { LABEL: "arg" });
              });
            });
            this.CONSUME2(T.RParen);
          });
        },
      },
    ]);
  });
}

export const splParser = new SplParser();

export interface SplSyntaxError {
  readonly message: string;
  readonly offset: number;
}

/** Lex and parse; the CST of `pipeline`, or the first error with its offset. */
export function parseSpl(text: string): { cst: CstNode; errors: readonly SplSyntaxError[] } {
  const lexed = splLexer.tokenize(text);
  const errors: SplSyntaxError[] = lexed.errors.map((e) => ({
    message: `unexpected character '${text.slice(e.offset, e.offset + e.length)}'`,
    offset: e.offset,
  }));
  splParser.input = lexed.tokens;
  const cst = splParser.pipeline();
  for (const e of splParser.errors) {
    const tok: IToken = e.token;
    const offset = Number.isNaN(tok.startOffset) ? text.length : tok.startOffset;
    errors.push({ message: e.message, offset });
  }
  return { cst, errors };
}
