import {
  CstParser,
  Lexer,
  createToken,
  type CstNode,
  type IToken,
  type TokenType,
} from "./chevrotain.js";

/**
 * Kibana Query Language (KQL), the subset of Kibana's `kuery` grammar (kbn-es-query
 * src/kuery/grammar/grammar.peggy) that matters for detection queries: or / and / not with their
 * precedence, parentheses, `field:value`, `field:(value list)`, ranges and free-text values.
 * Nested queries (`field:{...}`) are not modelled: `{` and `}` are tokens only so that the parser
 * reports them at their position.
 *
 * The peggy grammar is scannerless and whitespace-sensitive (`or`/`and` need whitespace on both
 * sides; `not` needs whitespace after it, even inside a word), so whitespace is a real token here
 * and the keyword and literal tokens use small matchers that apply the same look-ahead as peggy.
 */

/** peggy `Space`: the only characters KQL treats as whitespace. */
const SPACE = new Set([" ", "\t", "\r", "\n", "\u00a0"]);
/** peggy `SpecialCharacter`: must be backslash-escaped inside an unquoted literal. */
export const KQL_SPECIAL_CHARACTERS = '\\():<>"*{}';
const SPECIAL = new Set(KQL_SPECIAL_CHARACTERS);

function isSpace(c: string | undefined): boolean {
  return c !== undefined && SPACE.has(c);
}

function startsWithWordCI(text: string, offset: number, word: string): boolean {
  return text.slice(offset, offset + word.length).toLowerCase() === word;
}

/** Length of `Space+ word Space+` at offset (peggy `Or` / `And`), or 0. */
function spacedKeywordAt(text: string, offset: number, word: string): number {
  let i = offset;
  while (isSpace(text[i])) i++;
  if (i === offset || !startsWithWordCI(text, i, word)) return 0;
  i += word.length;
  const afterWord = i;
  while (isSpace(text[i])) i++;
  return i === afterWord ? 0 : i - offset;
}

/** peggy `Not`: 'not'i Space+ (no whitespace needed before it). */
function notKeywordAt(text: string, offset: number): boolean {
  return startsWithWordCI(text, offset, "not") && isSpace(text[offset + 3]);
}

/** peggy `Keyword`: the look-ahead that ends an unquoted literal. */
function keywordAt(text: string, offset: number): boolean {
  return (
    spacedKeywordAt(text, offset, "or") > 0 ||
    spacedKeywordAt(text, offset, "and") > 0 ||
    notKeywordAt(text, offset)
  );
}

const HEX4 = /^[0-9a-fA-F]{4}$/;

/** One decoded character of an unquoted literal: text, or the wildcard `*`. */
export type UnquotedChar =
  { readonly kind: "char"; readonly text: string } | { readonly kind: "wildcard" };

/**
 * peggy `UnquotedCharacter` at offset: its decoded value and source length, or undefined when the
 * literal ends here. The order of the alternatives is peggy's: `\n` is a newline before `\not` could
 * be an escaped keyword, which is why `not` cannot be written `\not`.
 */
export function unquotedCharAt(
  text: string,
  offset: number,
): { char: UnquotedChar; length: number } | undefined {
  const c = text[offset];
  if (c === undefined) return undefined;
  if (c === "\\") {
    const n = text[offset + 1];
    if (n === "t") return { char: { kind: "char", text: "\t" }, length: 2 };
    if (n === "r") return { char: { kind: "char", text: "\r" }, length: 2 };
    if (n === "n") return { char: { kind: "char", text: "\n" }, length: 2 };
    if (n !== undefined && SPECIAL.has(n)) return { char: { kind: "char", text: n }, length: 2 };
    if (n === "u" && HEX4.test(text.slice(offset + 2, offset + 6)))
      return {
        char: {
          kind: "char",
          text: String.fromCharCode(parseInt(text.slice(offset + 2, offset + 6), 16)),
        },
        length: 6,
      };
    for (const kw of ["or", "and", "not"]) {
      if (startsWithWordCI(text, offset + 1, kw))
        return {
          char: { kind: "char", text: text.slice(offset + 1, offset + 1 + kw.length) },
          length: 1 + kw.length,
        };
    }
    return undefined;
  }
  if (c === "*") return { char: { kind: "wildcard" }, length: 1 };
  if (SPECIAL.has(c) || keywordAt(text, offset)) return undefined;
  // `.` in peggy is one UTF-16 unit; a surrogate pair is two characters, both ordinary.
  return { char: { kind: "char", text: c }, length: 1 };
}

function match(image: string): RegExpExecArray {
  const m = [image] as unknown as RegExpExecArray;
  return m;
}

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n\u00a0]+/,
  line_breaks: true,
});

export const Or = createToken({
  name: "Or",
  pattern: {
    exec: (text: string, offset: number) =>
      isSpace(text[offset - 1]) && startsWithWordCI(text, offset, "or") && isSpace(text[offset + 2])
        ? match(text.slice(offset, offset + 2))
        : null,
  },
  line_breaks: false,
  start_chars_hint: ["o", "O"],
});

export const And = createToken({
  name: "And",
  pattern: {
    exec: (text: string, offset: number) =>
      isSpace(text[offset - 1]) &&
      startsWithWordCI(text, offset, "and") &&
      isSpace(text[offset + 3])
        ? match(text.slice(offset, offset + 3))
        : null,
  },
  line_breaks: false,
  start_chars_hint: ["a", "A"],
});

export const Not = createToken({
  name: "Not",
  pattern: {
    exec: (text: string, offset: number) =>
      notKeywordAt(text, offset) ? match(text.slice(offset, offset + 3)) : null,
  },
  line_breaks: false,
  start_chars_hint: ["n", "N"],
});

export const LParen = createToken({ name: "LParen", pattern: /\(/ });
export const RParen = createToken({ name: "RParen", pattern: /\)/ });
export const LBrace = createToken({ name: "LBrace", pattern: /\{/ });
export const RBrace = createToken({ name: "RBrace", pattern: /\}/ });
export const Colon = createToken({ name: "Colon", pattern: /:/ });
/** peggy `RangeOperator`: `<=` and `>=` are tried before `<` and `>`. */
export const RangeOperator = createToken({ name: "RangeOperator", pattern: /<=|>=|<|>/ });

/**
 * peggy `QuotedString`: `\"`, `\\`, `\t`, `\r`, `\n` and `\uXXXX` are escapes; any other backslash
 * is an ordinary character. A backslash that starts an escape is never an ordinary character,
 * as in peggy's ordered choice (so `"a\"` is unterminated).
 */
export const QuotedString = createToken({
  name: "QuotedString",
  pattern: /"(?:\\["\\trn]|\\u[0-9a-fA-F]{4}|\\(?!["\\trn]|u[0-9a-fA-F]{4})|[^"\\])*"/,
  line_breaks: true,
});

/** peggy `UnquotedLiteral`: UnquotedCharacter+ (decoded later by decodeUnquoted). */
export const UnquotedLiteral = createToken({
  name: "UnquotedLiteral",
  pattern: {
    exec: (text: string, offset: number) => {
      let i = offset;
      for (;;) {
        const step = unquotedCharAt(text, i);
        if (step === undefined) break;
        i += step.length;
      }
      return i > offset ? match(text.slice(offset, i)) : null;
    },
  },
  line_breaks: true,
});

export const allTokens: TokenType[] = [
  WhiteSpace,
  QuotedString,
  LParen,
  RParen,
  LBrace,
  RBrace,
  Colon,
  RangeOperator,
  Or,
  And,
  Not,
  UnquotedLiteral,
];

export const kqlLexer = new Lexer(allTokens, {
  positionTracking: "full",
  ensureOptimizations: false,
});

/** The decoded text of a quoted string token (without its quotes). */
export function decodeQuoted(image: string): string {
  const body = image.slice(1, -1);
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const n = body[i + 1];
    if (n === '"' || n === "\\") {
      out += n;
      i++;
    } else if (n === "t" || n === "r" || n === "n") {
      out += n === "t" ? "\t" : n === "r" ? "\r" : "\n";
      i++;
    } else if (n === "u" && HEX4.test(body.slice(i + 2, i + 6))) {
      out += String.fromCharCode(parseInt(body.slice(i + 2, i + 6), 16));
      i += 5;
    } else {
      out += c;
    }
  }
  return out;
}

/** The decoded characters of an unquoted literal token, before Kibana trims the sequence. */
export function decodeUnquoted(image: string): UnquotedChar[] {
  const out: UnquotedChar[] = [];
  for (let i = 0; i < image.length;) {
    const step = unquotedCharAt(image, i);
    if (step === undefined)
      throw new Error(`not an unquoted KQL literal: ${JSON.stringify(image)}`);
    out.push(step.char);
    i += step.length;
  }
  return out;
}

/**
 * The parser: rules are layered by precedence (or < and < not < sub-query), as in peggy, with
 * the value-list rules (`field:(a or not b)`) mirroring the query rules.
 */
export class KqlParser extends CstParser {
  constructor() {
    super(allTokens, { maxLookahead: 3, nodeLocationTracking: "full" });
    this.performSelfAnalysis();
  }

  public start = this.RULE("start", () => {
    this.OPTION(() => this.CONSUME(WhiteSpace));
    this.OPTION2(() => {
      this.SUBRULE(this.orQuery);
      this.OPTION3(() => this.CONSUME2(WhiteSpace));
    });
  });

  public orQuery = this.RULE("orQuery", () => {
    this.SUBRULE(this.andQuery);
    this.MANY({
      GATE: () => this.LA(1).tokenType === WhiteSpace && this.LA(2).tokenType === Or,
      DEF: () => {
        this.CONSUME(WhiteSpace);
        this.CONSUME(Or);
        this.CONSUME2(WhiteSpace);
        this.SUBRULE2(this.andQuery);
      },
    });
  });

  public andQuery = this.RULE("andQuery", () => {
    this.SUBRULE(this.notQuery);
    this.MANY({
      GATE: () => this.LA(1).tokenType === WhiteSpace && this.LA(2).tokenType === And,
      DEF: () => {
        this.CONSUME(WhiteSpace);
        this.CONSUME(And);
        this.CONSUME2(WhiteSpace);
        this.SUBRULE2(this.notQuery);
      },
    });
  });

  public notQuery = this.RULE("notQuery", () => {
    this.OPTION(() => {
      this.CONSUME(Not);
      this.CONSUME(WhiteSpace);
    });
    this.SUBRULE(this.subQuery);
  });

  public subQuery = this.RULE("subQuery", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(LParen);
          this.OPTION(() => this.CONSUME(WhiteSpace));
          this.SUBRULE(this.orQuery);
          this.OPTION2(() => this.CONSUME2(WhiteSpace));
          this.CONSUME(RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.expression) },
    ]);
  });

  /** FieldRangeExpression / FieldValueExpression / ValueExpression. */
  public expression = this.RULE("expression", () => {
    this.SUBRULE(this.literal);
    this.OPTION(() => {
      this.OPTION2(() => this.CONSUME(WhiteSpace));
      this.OR([
        {
          ALT: () => {
            this.CONSUME(RangeOperator);
            this.OPTION3(() => this.CONSUME2(WhiteSpace));
            this.SUBRULE2(this.literal);
          },
        },
        {
          ALT: () => {
            this.CONSUME(Colon);
            this.OPTION4(() => this.CONSUME3(WhiteSpace));
            this.SUBRULE(this.listOfValues);
          },
        },
      ]);
    });
  });

  public listOfValues = this.RULE("listOfValues", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(LParen);
          this.OPTION(() => this.CONSUME(WhiteSpace));
          this.SUBRULE(this.orList);
          this.OPTION2(() => this.CONSUME2(WhiteSpace));
          this.CONSUME(RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.literal) },
    ]);
  });

  public orList = this.RULE("orList", () => {
    this.SUBRULE(this.andList);
    this.MANY({
      GATE: () => this.LA(1).tokenType === WhiteSpace && this.LA(2).tokenType === Or,
      DEF: () => {
        this.CONSUME(WhiteSpace);
        this.CONSUME(Or);
        this.CONSUME2(WhiteSpace);
        this.SUBRULE2(this.andList);
      },
    });
  });

  public andList = this.RULE("andList", () => {
    this.SUBRULE(this.notList);
    this.MANY({
      GATE: () => this.LA(1).tokenType === WhiteSpace && this.LA(2).tokenType === And,
      DEF: () => {
        this.CONSUME(WhiteSpace);
        this.CONSUME(And);
        this.CONSUME2(WhiteSpace);
        this.SUBRULE2(this.notList);
      },
    });
  });

  public notList = this.RULE("notList", () => {
    this.OPTION(() => {
      this.CONSUME(Not);
      this.CONSUME(WhiteSpace);
    });
    this.SUBRULE(this.listOfValues);
  });

  public literal = this.RULE("literal", () => {
    this.OR([
      { ALT: () => this.CONSUME(QuotedString) },
      { ALT: () => this.CONSUME(UnquotedLiteral) },
    ]);
  });
}

/** One shared parser instance (chevrotain parsers are reusable: set `input`, call a rule). */
export const kqlParser = new KqlParser();

export interface KqlSyntaxError {
  readonly message: string;
  readonly offset: number;
  readonly line: number;
  readonly col: number;
}

export interface KqlCst {
  readonly cst: CstNode | undefined;
  readonly errors: readonly KqlSyntaxError[];
}

/** Lex and parse a whole KQL query into a concrete syntax tree (errors carry positions). */
export function parseKqlCst(text: string): KqlCst {
  const lexed = kqlLexer.tokenize(text);
  const errors: KqlSyntaxError[] = lexed.errors.map((e) => ({
    message: `unexpected character ${JSON.stringify(text.slice(e.offset, e.offset + 1))}`,
    offset: e.offset,
    line: e.line ?? 1,
    col: e.column ?? 1,
  }));
  if (errors.length > 0) return { cst: undefined, errors };
  kqlParser.input = lexed.tokens;
  const cst = kqlParser.start();
  for (const e of kqlParser.errors) {
    const t: IToken = e.token;
    const atEnd = t.tokenType.name === "EOF";
    errors.push({
      message: atEnd
        ? `unexpected end of query: ${e.message}`
        : `unexpected ${JSON.stringify(t.image)}: ${e.message}`,
      offset: atEnd ? text.length : t.startOffset,
      line: atEnd ? lineColAt(text, text.length).line : (t.startLine ?? 1),
      col: atEnd ? lineColAt(text, text.length).col : (t.startColumn ?? 1),
    });
  }
  return { cst: errors.length > 0 ? undefined : cst, errors };
}

/** 1-based line and column of an offset (columns in UTF-16 units, like chevrotain). */
export function lineColAt(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      start = i + 1;
    }
  }
  return { line, col: offset - start + 1 };
}
