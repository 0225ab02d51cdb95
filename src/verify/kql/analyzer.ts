/**
 * The `standard` analyzer of an Elasticsearch text field, written from UAX #29's word-boundary
 * rules rather than from Lucene's grammar (src/sigma has its own, grammar-shaped copy; the two
 * are checked against each other): find the word boundaries (WB5-WB13b on the Unicode 9
 * Word_Break classes Lucene's StandardTokenizerImpl.jflex is built for), keep the segments that
 * hold a letter, a digit or an emoji, lower-case each code point (Java Character.toLowerCase),
 * and respect max_token_length 255: Lucene's scanner sees at most 255 UTF-16 units from where a
 * token starts, so a longer word is cut at the last place inside that window where a word may
 * end, and segmentation starts afresh after the cut.
 *
 * Word_Break classes of the modelled characters (UnicodeData 9.0 WordBreakProperty.txt):
 * ALetter: ASCII letters, the letters of U+00C0-02AF, U+0370-052F, U+1E00-1FFF, U+2100-214F,
 * and ª µ º. Numeric: ASCII digits. ExtendNumLet: '_'. MidLetter: ':' U+00B7 U+0387 U+2027.
 * MidNumLet: '.' U+2018 U+2019 U+2024. MidNum: ',' ';'. Single_Quote: '\''. Emoji (Lucene's
 * EMOJI token): U+1F600-1F64F. Every other ASCII character, NBSP, ×, ÷, U+2010-2015, U+201C,
 * U+201D, U+2026: Other. Anything else is outside the model (the analyzer throws).
 */

type Wb = "AL" | "NU" | "EX" | "ML" | "MNL" | "MN" | "SQ" | "EM" | "XX";

const MAX_UNITS = 255;

const TABLE: readonly (readonly [RegExp, Wb])[] = [
  [/^[A-Za-z\u00aa\u00b5\u00ba]$/u, "AL"],
  [/^[0-9]$/u, "NU"],
  [/^_$/u, "EX"],
  [/^[:\u00b7\u0387\u2027]$/u, "ML"],
  [/^[.\u2018\u2019\u2024]$/u, "MNL"],
  [/^[,;]$/u, "MN"],
  [/^'$/u, "SQ"],
  [/^[\u{1f600}-\u{1f64f}]$/u, "EM"],
  [/^[\x00-\x7f\u00a0\u00d7\u00f7\u2010-\u2015\u201c\u201d\u2026]$/u, "XX"],
  [/^[\u00c0-\u02af\u0370-\u052f\u1e00-\u1fff\u2100-\u214f]$/u, "AL"],
];

const LETTER = /^\p{L}$/u;

function wordBreakClass(ch: string): Wb {
  for (const [re, wb] of TABLE) {
    if (!re.test(ch)) continue;
    // The script blocks hold marks and symbols too: only their letters are modelled.
    if (wb === "AL" && ch.codePointAt(0)! >= 0xc0 && !LETTER.test(ch)) break;
    return wb;
  }
  throw new Error(
    `the standard analyzer model has no word-break class for U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`,
  );
}

const isMidLetter = (c: Wb | undefined): boolean => c === "ML" || c === "MNL" || c === "SQ";
const isMidNum = (c: Wb | undefined): boolean => c === "MN" || c === "MNL" || c === "SQ";

/**
 * UAX #29: no boundary between c[i-1] and c[i], where the text starts at `sot` (segmentation
 * restarted there sees nothing before it).
 */
function joined(c: readonly Wb[], i: number, sot: number): boolean {
  const before = c[i - 1];
  const after = c[i];
  const b2 = i - 2 >= sot ? c[i - 2] : undefined;
  const a2 = c[i + 1];
  if (before === "AL" && after === "AL") return true; // WB5
  if (before === "AL" && isMidLetter(after) && a2 === "AL") return true; // WB6
  if (b2 === "AL" && isMidLetter(before) && after === "AL") return true; // WB7
  if (before === "NU" && after === "NU") return true; // WB8
  if (before === "AL" && after === "NU") return true; // WB9
  if (before === "NU" && after === "AL") return true; // WB10
  if (b2 === "NU" && isMidNum(before) && after === "NU") return true; // WB11
  if (before === "NU" && isMidNum(after) && a2 === "NU") return true; // WB12
  if ((before === "AL" || before === "NU" || before === "EX") && after === "EX") return true; // WB13a
  if (before === "EX" && (after === "AL" || after === "NU")) return true; // WB13b
  return false; // WB999
}

/** Java's Character.toLowerCase: one code point to one (İ to i, never to "i̇"). */
function lowerChar(ch: string): string {
  if (ch === "\u0130") return "i";
  const lower = ch.toLowerCase();
  return [...lower].length === 1 ? lower : ch;
}

/** The lower-cased tokens of one value; throws on a character outside the model. */
export function standardTokens(value: string): string[] {
  const chars = [...value];
  const classes = chars.map(wordBreakClass);
  const tokens: string[] = [];
  let start = 0;
  while (start < chars.length) {
    if (classes[start] === "EM") {
      tokens.push(chars[start]!);
      start += 1;
      continue;
    }
    // The segment from `start`, then its last possible word end inside the 255-unit window.
    let units = chars[start]!.length;
    let cut = -1;
    let wordSeen = false;
    for (let i = start; ;) {
      const c = classes[i];
      if (c === "AL" || c === "NU") wordSeen = true;
      if (wordSeen && (c === "AL" || c === "NU" || c === "EX")) cut = i + 1;
      i++;
      if (i >= chars.length || !joined(classes, i, start)) break;
      units += chars[i]!.length;
      if (units > MAX_UNITS) break;
    }
    if (cut < 0) {
      start += 1;
      continue;
    }
    tokens.push(chars.slice(start, cut).map(lowerChar).join(""));
    start = cut;
  }
  return tokens;
}

/** match_phrase (slop 0): the query's tokens appear in a row among one value's tokens. */
export function phraseIn(valueTokens: readonly string[], query: readonly string[]): boolean {
  if (query.length === 0) return false;
  const at = valueTokens.findIndex((_, i) => query.every((q, k) => valueTokens[i + k] === q));
  return at >= 0;
}

/** match (operator OR): some token of the query is a token of the value. */
export function anyTokenIn(valueTokens: readonly string[], query: readonly string[]): boolean {
  const wanted = new Set(query);
  return valueTokens.some((t) => wanted.has(t));
}
