/**
 * Elasticsearch's `standard` analyzer, for the `phrase` test (what KQL's match_phrase does on a
 * text field): Lucene's StandardTokenizer, then a lower-case filter; no stop words
 * (Elasticsearch's standard analyzer: stopwords `_none_`, max_token_length 255).
 *
 * The tokenizer follows Lucene's grammar (lucene/core/.../analysis/standard/
 * StandardTokenizerImpl.jflex, `%unicode 9`): a token is
 *   ExtendNumLet* (Numeric ((ExtendNumLet* | MidNum | MidNumLet | SingleQuote) Numeric)*
 *                 | ALetter ((ExtendNumLet* | MidLetter | MidNumLet | SingleQuote) ALetter)*)+
 *   (ExtendNumLet+ (…the same blocks…)+)* ExtendNumLet*
 * or one emoji; the longest match wins and any other character is skipped. Word-break classes
 * (UAX #29 WordBreakProperty, Unicode 9): ':' U+00B7 U+0387 U+2027 are MidLetter, so
 * `system:masters` is one token; '.' U+2018 U+2019 U+2024 are MidNumLet (`kube.io`, `1.2.3`);
 * ',' ';' are MidNum (`1,5` but `a`,`b`); '\'' is Single_Quote (`dog's`); '_' is ExtendNumLet
 * (`kube_system`); '-', '/', '@', white space and the rest of ASCII punctuation break.
 * StandardTokenizer's scanner cannot look past max_token_length (255) UTF-16 units from a token's
 * start ("tokens larger than this will be chopped up", StandardTokenizer.setMaxTokenLength): the
 * longest token within that window is emitted and scanning resumes after it.
 * The lower-case filter maps each code point on its own (Java's Character.toLowerCase): 'İ' is
 * 'i' and a final 'Σ' is 'σ', unlike String.prototype.toLowerCase on a whole word.
 *
 * Modelled classes: ASCII; the letters (\p{L}) of Latin-1, Latin Extended, IPA, Greek, Cyrillic,
 * Latin Extended Additional, Greek Extended and Letterlike Symbols (ALetter); U+00B7, U+0387,
 * U+2027 (MidLetter); U+2018, U+2019, U+2024 (MidNumLet); NBSP, ×, ÷, dashes U+2010-U+2015,
 * curly double quotes and U+2026 (breaking); the Emoticons block U+1F600-U+1F64F (one token
 * each). Any other character (combining marks, format characters, other scripts…) is outside
 * the model: analyze() answers undefined rather than guess.
 */

type WordClass =
  "letter" | "numeric" | "extendNumLet" | "midLetter" | "midNum" | "midNumLet" | "emoji" | "break";

export const MAX_TOKEN_LENGTH = 255;

const LETTER = /^\p{L}$/u;
const LETTER_BLOCKS: readonly (readonly [number, number])[] = [
  [0x00c0, 0x02af],
  [0x0370, 0x03ff],
  [0x0400, 0x052f],
  [0x1e00, 0x1fff],
  [0x2100, 0x214f],
];
const SPECIAL: ReadonlyMap<number, WordClass> = new Map<number, WordClass>([
  [0x00aa, "letter"],
  [0x00b5, "letter"],
  [0x00ba, "letter"],
  [0x00b7, "midLetter"],
  [0x0387, "midLetter"],
  [0x2027, "midLetter"],
  [0x2018, "midNumLet"],
  [0x2019, "midNumLet"],
  [0x2024, "midNumLet"],
  [0x00a0, "break"],
  [0x00d7, "break"],
  [0x00f7, "break"],
  [0x2010, "break"],
  [0x2011, "break"],
  [0x2012, "break"],
  [0x2013, "break"],
  [0x2014, "break"],
  [0x2015, "break"],
  [0x201c, "break"],
  [0x201d, "break"],
  [0x2026, "break"],
]);

/** The word-break class of a code point, or undefined outside the model. */
function classify(cp: number): WordClass | undefined {
  if (cp < 0x80) {
    if ((cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a)) return "letter";
    if (cp >= 0x30 && cp <= 0x39) return "numeric";
    switch (cp) {
      case 0x5f:
        return "extendNumLet";
      case 0x3a:
        return "midLetter";
      case 0x2e:
        return "midNumLet";
      case 0x27:
        // Single_Quote joins letters (WB6/7) and numbers (WB11/12) like MidNumLet.
        return "midNumLet";
      case 0x2c:
      case 0x3b:
        return "midNum";
      default:
        return "break";
    }
  }
  const special = SPECIAL.get(cp);
  if (special !== undefined) return special;
  if (cp >= 0x1f600 && cp <= 0x1f64f) return "emoji";
  for (const [lo, hi] of LETTER_BLOCKS)
    if (cp >= lo && cp <= hi) return LETTER.test(String.fromCodePoint(cp)) ? "letter" : undefined;
  return undefined;
}

/** Java's Character.toLowerCase on one code point (simple case mapping). */
function lowerCodePoint(cp: number): string {
  if (cp === 0x130) return "i";
  const s = String.fromCodePoint(cp);
  const lower = s.toLowerCase();
  return [...lower].length === 1 ? lower : s;
}

/** Scanner states after reading part of a word (see the grammar above). */
type State =
  | "leadingUnderscores"
  | "afterLetter"
  | "afterNumber"
  | "afterUnderscore"
  | "letterMid"
  | "numberMid";

function next(state: State, c: WordClass): State | undefined {
  switch (state) {
    case "leadingUnderscores":
    case "afterUnderscore":
      if (c === "extendNumLet") return state;
      if (c === "letter") return "afterLetter";
      if (c === "numeric") return "afterNumber";
      return undefined;
    case "afterLetter":
      if (c === "letter") return "afterLetter";
      if (c === "numeric") return "afterNumber";
      if (c === "extendNumLet") return "afterUnderscore";
      if (c === "midLetter" || c === "midNumLet") return "letterMid";
      return undefined;
    case "afterNumber":
      if (c === "numeric") return "afterNumber";
      if (c === "letter") return "afterLetter";
      if (c === "extendNumLet") return "afterUnderscore";
      if (c === "midNum" || c === "midNumLet") return "numberMid";
      return undefined;
    case "letterMid":
      return c === "letter" ? "afterLetter" : undefined;
    case "numberMid":
      return c === "numeric" ? "afterNumber" : undefined;
  }
}

const ACCEPTING: ReadonlySet<State> = new Set<State>([
  "afterLetter",
  "afterNumber",
  "afterUnderscore",
]);

/**
 * The lower-cased tokens of `text`, or undefined when it holds a character outside the model.
 */
export function analyze(text: string): string[] | undefined {
  const cps = Array.from(text, (c) => c.codePointAt(0)!);
  const classes: WordClass[] = [];
  for (const cp of cps) {
    const c = classify(cp);
    if (c === undefined) return undefined;
    classes.push(c);
  }
  const tokens: string[] = [];
  let start = 0;
  while (start < cps.length) {
    if (classes[start] === "emoji") {
      tokens.push(String.fromCodePoint(cps[start]!));
      start++;
      continue;
    }
    // Longest accepted end within the window of MAX_TOKEN_LENGTH UTF-16 units.
    let state: State | undefined = "leadingUnderscores";
    let units = 0;
    let accepted = -1;
    for (let i = start; i < cps.length && state !== undefined; i++) {
      units += cps[i]! > 0xffff ? 2 : 1;
      if (units > MAX_TOKEN_LENGTH) break;
      state = next(state, classes[i]!);
      if (state !== undefined && ACCEPTING.has(state)) accepted = i + 1;
    }
    if (accepted < 0) {
      start++;
      continue;
    }
    tokens.push(cps.slice(start, accepted).map(lowerCodePoint).join(""));
    start = accepted;
  }
  return tokens;
}

/** match_phrase with slop 0: `phrase` occurs as consecutive tokens of `tokens`. */
export function containsPhrase(tokens: readonly string[], phrase: readonly string[]): boolean {
  if (phrase.length === 0) return false;
  outer: for (let i = 0; i + phrase.length <= tokens.length; i++) {
    for (let k = 0; k < phrase.length; k++) if (tokens[i + k] !== phrase[k]) continue outer;
    return true;
  }
  return false;
}
