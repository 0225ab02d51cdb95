import {
  CstParser,
  Lexer,
  createToken,
  type CstNode,
  type CustomPatternMatcherFunc,
  type IToken,
  type TokenType,
} from "./chevrotain.js";

/**
 * The libsinsp filter-condition language (falcosecurity/libs userspace/libsinsp/filter/parser.cpp),
 * the subset a Falco rule condition uses: and / or / not, parentheses, macro identifiers, and
 * checks `field op value`. Imports nothing from src/: meaning lives in src/verify/falco.
 *
 * libsinsp's lexer is context-driven (a regex is tried at the cursor for what the parser expects
 * next), so the value tokens here are custom matchers that only fire after an operator, an opening
 * list parenthesis or a comma. That keeps `= and` a value and `and` elsewhere a keyword, as in Falco.
 */

const BLANK = "[ \\t\\b\\r\\n]";

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: new RegExp(`${BLANK}+`),
  group: Lexer.SKIPPED,
  line_breaks: true,
});

// ---- operators (token categories let the parser ask for "any string operator") ----

export const StrOp = createToken({ name: "StrOp", pattern: Lexer.NA });
export const NumOp = createToken({ name: "NumOp", pattern: Lexer.NA });
export const ListOp = createToken({ name: "ListOp", pattern: Lexer.NA });

export const Identifier = createToken({ name: "Identifier", pattern: /[a-zA-Z]+[a-zA-Z0-9_]*/ });

/** Word operators need the single space libsinsp's operator table spells after them ("glob "). */
function wordOp(name: string, word: string, category: TokenType): TokenType {
  return createToken({
    name,
    pattern: new RegExp(`${word}(?= )`),
    categories: [category],
    longer_alt: Identifier,
  });
}

export const EqEq = createToken({ name: "EqEq", pattern: /==/, categories: [StrOp] });
export const Eq = createToken({ name: "Eq", pattern: /=/, categories: [StrOp] });
export const Neq = createToken({ name: "Neq", pattern: /!=/, categories: [StrOp] });
export const Lte = createToken({ name: "Lte", pattern: /<=/, categories: [NumOp] });
export const Lt = createToken({ name: "Lt", pattern: /</, categories: [NumOp] });
export const Gte = createToken({ name: "Gte", pattern: />=/, categories: [NumOp] });
export const Gt = createToken({ name: "Gt", pattern: />/, categories: [NumOp] });
export const IGlob = wordOp("IGlob", "iglob", StrOp);
export const Glob = wordOp("Glob", "glob", StrOp);
export const IContains = wordOp("IContains", "icontains", StrOp);
export const BContains = wordOp("BContains", "bcontains", StrOp);
export const Contains = wordOp("Contains", "contains", StrOp);
export const BStartsWith = wordOp("BStartsWith", "bstartswith", StrOp);
export const StartsWith = wordOp("StartsWith", "startswith", StrOp);
export const EndsWith = wordOp("EndsWith", "endswith", StrOp);
export const Regex = wordOp("Regex", "regex", StrOp);
export const Intersects = createToken({
  name: "Intersects",
  pattern: /intersects/,
  categories: [ListOp],
  longer_alt: Identifier,
});
export const In = createToken({
  name: "In",
  pattern: /in/,
  categories: [ListOp],
  longer_alt: Identifier,
});
export const PMatch = createToken({
  name: "PMatch",
  pattern: /pmatch/,
  categories: [ListOp],
  longer_alt: Identifier,
});
export const Exists = createToken({ name: "Exists", pattern: /exists/, longer_alt: Identifier });

// ---- logic ----

/** `and` / `or` must be followed by a blank or `(`; `not` likewise (`not[[:space:]]+` or `not(`). */
export const And = createToken({ name: "And", pattern: new RegExp(`and(?=${BLANK}|\\()`) });
export const Or = createToken({ name: "Or", pattern: new RegExp(`or(?=${BLANK}|\\()`) });
export const Not = createToken({ name: "Not", pattern: new RegExp(`not(?=${BLANK}|\\()`) });

export const LParen = createToken({ name: "LParen", pattern: /\(/ });
export const RParen = createToken({ name: "RParen", pattern: /\)/ });
export const Comma = createToken({ name: "Comma", pattern: /,/ });

/** `name.sub[arg]`: at least one dot; the argument is a bare string without brackets, quotes or blanks. */
export const FieldName = createToken({
  name: "FieldName",
  pattern: /[a-zA-Z]+[a-zA-Z0-9_]*(?:\.[a-zA-Z]+[a-zA-Z0-9_]*)+(?:\[[^\][\"'\s]+\])?/,
});

// ---- context-dependent values ----

function isValuePosition(tokens: IToken[]): boolean {
  const last = tokens[tokens.length - 1];
  if (last === undefined) return false;
  if (last.tokenType === Comma) return true;
  if (last.tokenType.CATEGORIES?.includes(StrOp)) return true;
  if (last.tokenType === LParen) {
    const before = tokens[tokens.length - 2];
    return before !== undefined && before.tokenType.CATEGORIES?.includes(ListOp) === true;
  }
  return false;
}

function afterNumOp(tokens: IToken[]): boolean {
  const last = tokens[tokens.length - 1];
  return last !== undefined && last.tokenType.CATEGORIES?.includes(NumOp) === true;
}

function sticky(source: string): RegExp {
  return new RegExp(source, "y");
}

/**
 * libsinsp's quoted string ends at the first delimiter whose previous character is not a backslash
 * (so a value can never end in a backslash), and a NUL ends the input. Escapes are decoded later.
 */
const DOUBLE_QUOTED = sticky(`"(?:[^"\\\\\\0]|\\\\+(?:[^"\\\\\\0]|"))*"`);
const SINGLE_QUOTED = sticky(`'(?:[^'\\\\\\0]|\\\\+(?:[^'\\\\\\0]|'))*'`);
const BARE = sticky(`[^()"'\\s=,\\0]+`);
const NUMBER = sticky(`0[xX][0-9a-zA-Z]+|[+\\-]?[0-9]+\\.?[0-9]*(?:[eE][+\\-][0-9]+)?`);

function matcher(re: RegExp, when: (tokens: IToken[]) => boolean): CustomPatternMatcherFunc {
  return (text, offset, tokens) => {
    if (!when(tokens)) return null;
    re.lastIndex = offset;
    return re.exec(text);
  };
}

export const QuotedString = createToken({
  name: "QuotedString",
  pattern: (text, offset) => {
    DOUBLE_QUOTED.lastIndex = offset;
    const d = DOUBLE_QUOTED.exec(text);
    if (d) return d;
    SINGLE_QUOTED.lastIndex = offset;
    return SINGLE_QUOTED.exec(text);
  },
  start_chars_hint: ['"', "'"],
  line_breaks: true,
});

export const BareString = createToken({
  name: "BareString",
  pattern: matcher(BARE, isValuePosition),
  line_breaks: false,
});

export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: matcher(NUMBER, afterNumOp),
  line_breaks: false,
});

/** Order matters: chevrotain takes the first token that matches, not the longest. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  QuotedString,
  NumberLiteral,
  BareString,
  EqEq,
  Eq,
  Neq,
  Lte,
  Lt,
  Gte,
  Gt,
  LParen,
  RParen,
  Comma,
  And,
  Or,
  Not,
  FieldName,
  IGlob,
  Glob,
  IContains,
  BContains,
  Contains,
  BStartsWith,
  StartsWith,
  EndsWith,
  Regex,
  Intersects,
  PMatch,
  Exists,
  In,
  Identifier,
  StrOp,
  NumOp,
  ListOp,
];

export const falcoLexer = new Lexer(allTokens, {
  positionTracking: "full",
  ensureOptimizations: false,
  skipValidations: false,
});

/** Precedence layered as libsinsp parses it: or < and < not < check. */
export class FalcoConditionParser extends CstParser {
  constructor() {
    super(allTokens, { recoveryEnabled: false });
    this.performSelfAnalysis();
  }

  public condition = this.RULE("condition", () => {
    this.SUBRULE(this.orExpr);
  });

  public orExpr = this.RULE("orExpr", () => {
    this.SUBRULE(this.andExpr);
    this.MANY(() => {
      this.CONSUME(Or);
      this.SUBRULE2(this.andExpr);
    });
  });

  public andExpr = this.RULE("andExpr", () => {
    this.SUBRULE(this.notExpr);
    this.MANY(() => {
      this.CONSUME(And);
      this.SUBRULE2(this.notExpr);
    });
  });

  public notExpr = this.RULE("notExpr", () => {
    this.MANY(() => this.CONSUME(Not));
    this.SUBRULE(this.atom);
  });

  public atom = this.RULE("atom", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(LParen);
          this.SUBRULE(this.orExpr);
          this.CONSUME(RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.check) },
      { ALT: () => this.CONSUME(Identifier) },
    ]);
  });

  public check = this.RULE("check", () => {
    this.CONSUME(FieldName);
    this.OR([
      { ALT: () => this.CONSUME(Exists) },
      {
        ALT: () => {
          this.CONSUME(StrOp);
          this.SUBRULE(this.value);
        },
      },
      {
        ALT: () => {
          this.CONSUME(NumOp);
          this.CONSUME(NumberLiteral);
        },
      },
      {
        ALT: () => {
          this.CONSUME(ListOp);
          this.SUBRULE(this.list);
        },
      },
    ]);
  });

  public list = this.RULE("list", () => {
    this.CONSUME(LParen);
    this.OPTION(() => {
      this.SUBRULE(this.value);
      this.MANY(() => {
        this.CONSUME(Comma);
        this.SUBRULE2(this.value);
      });
    });
    this.CONSUME(RParen);
  });

  public value = this.RULE("value", () => {
    this.OR([{ ALT: () => this.CONSUME(QuotedString) }, { ALT: () => this.CONSUME(BareString) }]);
  });
}

export const falcoParser = new FalcoConditionParser();

export interface FalcoSyntaxError {
  readonly message: string;
  readonly offset: number;
  readonly line: number;
  readonly col: number;
}

export interface FalcoParseResult {
  readonly cst?: CstNode;
  readonly errors: readonly FalcoSyntaxError[];
}

/** Lex and parse one condition; syntax errors come back with their positions. */
export function parseFalcoCondition(text: string): FalcoParseResult {
  const lexed = falcoLexer.tokenize(text);
  const errors: FalcoSyntaxError[] = lexed.errors.map((e) => ({
    message: e.message,
    offset: e.offset,
    line: e.line ?? 1,
    col: e.column ?? 1,
  }));
  if (errors.length > 0) return { errors };
  falcoParser.input = lexed.tokens;
  const cst = falcoParser.condition();
  for (const e of falcoParser.errors) {
    const t = e.token;
    const atEnd = t.tokenType.name === "EOF" || Number.isNaN(t.startOffset);
    errors.push({
      message: e.message,
      offset: atEnd ? text.length : t.startOffset,
      line: atEnd ? lastLine(text) : (t.startLine ?? 1),
      col: atEnd ? lastCol(text) : (t.startColumn ?? 1),
    });
  }
  return errors.length > 0 ? { errors } : { cst, errors };
}

function lastLine(text: string): number {
  return text.split("\n").length;
}

function lastCol(text: string): number {
  const nl = text.lastIndexOf("\n");
  return text.length - nl;
}
