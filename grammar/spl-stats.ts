import {
  CstParser,
  Lexer,
  createToken,
  type CstNode,
  type IToken,
  type TokenType,
} from "./chevrotain.js";

/**
 * The aggregation part of the SPL that sigprism emits for correlations, and how a whole pipeline
 * splits into commands.
 *
 * grammar/spl-split.ts cuts a pipeline into commands. The commands before the first aggregation
 * command are the base search (grammar/spl.ts reads them); the rest are read here, one at a time:
 *   eval NAME=expr (, NAME=expr)*      where expr
 *   sort [N] [-](str|num)(NAME) ...    filldown NAME ...
 *   streamstats (opt=value)* agg ... [BY NAME ...]
 *   eventstats agg ... [BY NAME ...]   stats agg ... [BY NAME ...]
 *   rename NAME AS "name" (, ...)*     multisearch [pipeline] [pipeline] ...
 * with agg = count [AS NAME] | fn(NAME) AS NAME. Eval expressions: OR < AND < NOT < comparison <
 * `+ - .` < `* / %` < atom (number, "string", 'field', NAME, fn(args), (expr)).
 * The grammar stays pure: a CST; meaning lives in src/verify/correlation.
 */

// ---- commands ----

const Name = createToken({ name: "Name", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });
const keyword = (name: string, pattern: RegExp): TokenType =>
  createToken({ name, pattern, longer_alt: Name });

export const S = {
  WhiteSpace: createToken({ name: "WhiteSpace", pattern: /\s+/, group: Lexer.SKIPPED }),
  LParen: createToken({ name: "LParen", pattern: /\(/ }),
  RParen: createToken({ name: "RParen", pattern: /\)/ }),
  Comma: createToken({ name: "Comma", pattern: /,/ }),
  DQString: createToken({ name: "DQString", pattern: /"(?:[^"\\]|\\[\s\S])*"/ }),
  SQField: createToken({ name: "SQField", pattern: /'(?:[^'\\]|\\[\s\S])*'/ }),
  Number: createToken({ name: "Number", pattern: /\d+(?:\.\d+)?/ }),
  EqEq: createToken({ name: "EqEq", pattern: /==/ }),
  NotEq: createToken({ name: "NotEq", pattern: /!=/ }),
  LtEq: createToken({ name: "LtEq", pattern: /<=/ }),
  GtEq: createToken({ name: "GtEq", pattern: />=/ }),
  Lt: createToken({ name: "Lt", pattern: /</ }),
  Gt: createToken({ name: "Gt", pattern: />/ }),
  Eq: createToken({ name: "Eq", pattern: /=/ }),
  Plus: createToken({ name: "Plus", pattern: /\+/ }),
  Minus: createToken({ name: "Minus", pattern: /-/ }),
  Star: createToken({ name: "Star", pattern: /\*/ }),
  Slash: createToken({ name: "Slash", pattern: /\// }),
  Percent: createToken({ name: "Percent", pattern: /%/ }),
  Dot: createToken({ name: "Dot", pattern: /\./ }),
  And: keyword("And", /AND/),
  Or: keyword("Or", /OR/),
  Not: keyword("Not", /NOT/),
  As: keyword("As", /AS/),
  By: keyword("By", /BY/),
  Name,
} as const;

const ALL: TokenType[] = Object.values(S);

export const statsLexer = new Lexer(ALL, { ensureOptimizations: false, positionTracking: "full" });

class StatsParser extends CstParser {
  constructor() {
    super(ALL, { maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  // Each command is its own entry rule; parseStatsCommand picks it by the command's name.
  evalCommand = this.RULE("evalCommand", () => {
    this.CONSUME(S.Name, { LABEL: "verb" });
    this.SUBRULE(this.assignments);
  });

  whereCommand = this.RULE("whereCommand", () => {
    this.CONSUME(S.Name, { LABEL: "verb" });
    this.SUBRULE(this.expr);
  });

  sortCommand = this.RULE("sortCommand", () => {
    this.CONSUME(S.Name, { LABEL: "verb" });
    this.OPTION(() => this.CONSUME(S.Number, { LABEL: "limit" }));
    this.AT_LEAST_ONE(() => this.SUBRULE(this.sortKey));
  });

  filldownCommand = this.RULE("filldownCommand", () => {
    this.CONSUME(S.Name, { LABEL: "verb" });
    this.AT_LEAST_ONE(() => this.CONSUME2(S.Name, { LABEL: "field" }));
  });

  renameCommand = this.RULE("renameCommand", () => {
    this.CONSUME(S.Name, { LABEL: "verb" });
    this.AT_LEAST_ONE_SEP({
      SEP: S.Comma,
      DEF: () => {
        this.CONSUME2(S.Name, { LABEL: "from" });
        this.CONSUME(S.As);
        this.OR([
          { ALT: () => this.CONSUME(S.DQString, { LABEL: "to" }) },
          { ALT: () => this.CONSUME3(S.Name, { LABEL: "to" }) },
        ]);
      },
    });
  });

  /** stats, eventstats and streamstats: `(opt=value)* agg+ [BY NAME+]`. */
  statsCommand = this.RULE("statsCommand", () => {
    this.CONSUME(S.Name, { LABEL: "verb" });
    this.MANY(() => this.SUBRULE(this.statsOption));
    this.AT_LEAST_ONE(() => this.SUBRULE(this.aggregate));
    this.OPTION(() => {
      this.CONSUME(S.By);
      this.AT_LEAST_ONE2(() => this.CONSUME2(S.Name, { LABEL: "by" }));
    });
  });

  assignments = this.RULE("assignments", () => {
    this.AT_LEAST_ONE_SEP({
      SEP: S.Comma,
      DEF: () => {
        this.CONSUME(S.Name, { LABEL: "target" });
        this.CONSUME(S.Eq);
        this.SUBRULE(this.expr, { LABEL: "value" });
      },
    });
  });

  sortKey = this.RULE("sortKey", () => {
    this.OPTION(() => this.CONSUME(S.Minus));
    this.CONSUME(S.Name, { LABEL: "first" });
    this.OPTION2(() => {
      this.CONSUME(S.LParen);
      this.CONSUME2(S.Name, { LABEL: "field" });
      this.CONSUME(S.RParen);
    });
  });

  statsOption = this.RULE("statsOption", () => {
    this.CONSUME(S.Name, { LABEL: "key" });
    this.CONSUME(S.Eq);
    this.OR([
      { ALT: () => this.CONSUME(S.Number, { LABEL: "value" }) },
      { ALT: () => this.CONSUME2(S.Name, { LABEL: "value" }) },
    ]);
  });

  aggregate = this.RULE("aggregate", () => {
    this.CONSUME(S.Name, { LABEL: "fn" });
    this.OPTION(() => {
      this.CONSUME(S.LParen);
      this.CONSUME2(S.Name, { LABEL: "field" });
      this.CONSUME(S.RParen);
    });
    this.OPTION2(() => {
      this.CONSUME(S.As);
      this.CONSUME3(S.Name, { LABEL: "alias" });
    });
  });

  // ---- eval expressions ----
  expr = this.RULE("expr", () => {
    this.SUBRULE(this.andExpr, { LABEL: "item" });
    this.MANY(() => {
      this.CONSUME(S.Or);
      this.SUBRULE2(this.andExpr, { LABEL: "item" });
    });
  });

  andExpr = this.RULE("andExpr", () => {
    this.SUBRULE(this.notExpr, { LABEL: "item" });
    this.MANY(() => {
      this.CONSUME(S.And);
      this.SUBRULE2(this.notExpr, { LABEL: "item" });
    });
  });

  notExpr = this.RULE("notExpr", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(S.Not);
          this.SUBRULE(this.notExpr, { LABEL: "negated" });
        },
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  comparison = this.RULE("comparison", () => {
    this.SUBRULE(this.additive, { LABEL: "left" });
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(S.EqEq, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(S.Eq, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(S.NotEq, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(S.LtEq, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(S.GtEq, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(S.Lt, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(S.Gt, { LABEL: "op" }) },
      ]);
      this.SUBRULE2(this.additive, { LABEL: "right" });
    });
  });

  additive = this.RULE("additive", () => {
    this.SUBRULE(this.multiplicative, { LABEL: "item" });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(S.Plus, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(S.Minus, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(S.Dot, { LABEL: "op" }) },
      ]);
      this.SUBRULE2(this.multiplicative, { LABEL: "item" });
    });
  });

  multiplicative = this.RULE("multiplicative", () => {
    this.SUBRULE(this.atom, { LABEL: "item" });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(S.Star, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(S.Slash, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(S.Percent, { LABEL: "op" }) },
      ]);
      this.SUBRULE2(this.atom, { LABEL: "item" });
    });
  });

  atom = this.RULE("atom", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(S.LParen);
          this.SUBRULE(this.expr, { LABEL: "inner" });
          this.CONSUME(S.RParen);
        },
      },
      { ALT: () => this.CONSUME(S.Number) },
      { ALT: () => this.CONSUME(S.DQString) },
      { ALT: () => this.CONSUME(S.SQField) },
      {
        ALT: () => {
          this.CONSUME(S.Name);
          this.OPTION(() => {
            this.CONSUME2(S.LParen, { LABEL: "call" });
            this.MANY_SEP({
              SEP: S.Comma,
              DEF: () => this.SUBRULE2(this.expr, { LABEL: "arg" }),
            });
            this.CONSUME2(S.RParen);
          });
        },
      },
    ]);
  });
}

export const statsParser = new StatsParser();

/** The entry rule of each command the grammar reads. */
const ENTRIES = {
  eval: () => statsParser.evalCommand(),
  where: () => statsParser.whereCommand(),
  sort: () => statsParser.sortCommand(),
  filldown: () => statsParser.filldownCommand(),
  rename: () => statsParser.renameCommand(),
  stats: () => statsParser.statsCommand(),
  eventstats: () => statsParser.statsCommand(),
  streamstats: () => statsParser.statsCommand(),
} as const;

export type StatsVerb = keyof typeof ENTRIES;

export function isStatsVerb(word: string): word is StatsVerb {
  return Object.hasOwn(ENTRIES, word);
}

export interface StatsSyntaxError {
  readonly message: string;
  readonly offset: number;
}

/** Lex and parse one command whose first word is `verb`; its CST, or the errors with offsets. */
export function parseStatsCommand(
  verb: StatsVerb,
  text: string,
): {
  cst: CstNode;
  errors: readonly StatsSyntaxError[];
} {
  const lexed = statsLexer.tokenize(text);
  const errors: StatsSyntaxError[] = lexed.errors.map((e) => ({
    message: `unexpected character '${text.slice(e.offset, e.offset + e.length)}'`,
    offset: e.offset,
  }));
  statsParser.input = lexed.tokens;
  const cst = ENTRIES[verb]();
  for (const e of statsParser.errors) {
    const tok: IToken = e.token;
    errors.push({
      message: e.message,
      offset: Number.isNaN(tok.startOffset) ? text.length : tok.startOffset,
    });
  }
  return { cst, errors };
}
