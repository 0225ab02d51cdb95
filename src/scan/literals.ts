import type { Pattern } from "../ir.js";

/**
 * Which byte strings a raw JSON line MUST contain when a pattern test holds on one of its values.
 *
 * Why a piece of pattern text shows up verbatim in the raw line: the evaluator decodes the line
 * with JSON.parse, so a string value S appears in the raw bytes as `"` + escape(S) + `"`, where
 * escape() may write a character as itself or as an escape sequence. Valid JSON knows only two kinds
 * of escapes:
 *   - `\" \\ \/ \b \f \n \r \t`, which stand for exactly the characters `" \ /` and U+0008, U+000C,
 *     U+000A, U+000D, U+0009 (raw control characters are not allowed inside JSON strings at all);
 *   - `\uXXXX`, which may stand for ANY character.
 * So: a run of characters that contains none of the first group, taken from S, is written verbatim
 * (as its UTF-8 bytes, which are prefix-free) in any line that has no `\u` escape. The scanner never
 * rejects a line containing the bytes `\u` (see prefilter.ts), and the runs built here never hold
 * one of the first group. U+FFFD and lone surrogates are excluded too: in S they may stand for
 * invalid UTF-8 bytes or come only from `\u` escapes.
 *
 * Non-string values: a pattern also matches numbers (as String(n): the raw line may say `4.03e2`
 * for "403", or `1e999` for "Infinity") and booleans ("true"/"false", never escaped, so those are
 * verbatim). A run made only of characters that String(number) can produce is therefore dropped.
 *
 * Case-insensitive runs are lowercased (the evaluator compares toLowerCase() of both sides) and
 * restricted to ASCII: the scanner folds only A–Z and treats lines with the few non-ASCII code
 * points whose case mapping yields ASCII as must-parse (fold.ts).
 *
 * When the pattern is anchored (no wildcard before / after a text part) and the value must be a
 * string, the run at the anchored end carries the JSON quote: `"create"` instead of `create`.
 */

export interface Literal {
  /** The bytes to look for; lowercased when `folded`. */
  readonly bytes: Buffer;
  /** Search in the ASCII-folded line (case-insensitive) rather than in the raw line. */
  readonly folded: boolean;
}

/** Characters that String(n) of a finite or infinite JSON number can contain. */
const NUMBER_CHARS = new Set("0123456789.+-eEInfinity");
/** Characters of "true" / "false" in any case: a value made only of these may be a boolean. */
const BOOL_CHARS = new Set("truefalsTRUEFALS");

/** Characters that JSON may write as a two-character escape, or that only \u escapes produce. */
function breaksRun(code: number): boolean {
  return (
    code < 0x20 ||
    code === 0x22 || // "
    code === 0x5c || // \
    code === 0x2f || // /
    code === 0xfffd ||
    (code >= 0xd800 && code <= 0xdfff)
  );
}

interface Run {
  readonly text: string;
  /** The run begins at the start of its text part / ends at its end (for quote anchoring). */
  readonly atStart: boolean;
  readonly atEnd: boolean;
}

function splitRuns(text: string, folded: boolean): Run[] {
  const runs: Run[] = [];
  let current = "";
  let start = 0;
  let index = 0;
  const flush = (end: number): void => {
    if (current !== "")
      runs.push({ text: current, atStart: start === 0, atEnd: end === text.length });
    current = "";
  };
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    // Lone surrogates iterate as single UTF-16 units and are caught by breaksRun.
    const stop = breaksRun(code) || (folded && code >= 0x80);
    if (stop) {
      flush(index);
      start = index + ch.length;
    } else {
      current += ch;
    }
    index += ch.length;
  }
  flush(text.length);
  return runs;
}

/** True when some character of the text cannot occur in String(number) (so a match needs a string or boolean). */
function beyondNumbers(text: string): boolean {
  for (const ch of text) if (!NUMBER_CHARS.has(ch)) return true;
  return false;
}

function beyondNumbersAndBooleans(text: string): boolean {
  for (const ch of text) if (!NUMBER_CHARS.has(ch) && !BOOL_CHARS.has(ch)) return true;
  return false;
}

/**
 * The literals every raw line must contain for the pattern to match one of its values
 * (all of them: a conjunction). Empty when nothing safe can be said.
 */
export function patternLiterals(pattern: Pattern, cased: boolean): Literal[] {
  const folded = !cased;
  const parts = pattern.map((p) =>
    p.kind === "text" ? { ...p, text: folded ? p.text.toLowerCase() : p.text } : p,
  );
  // A value that matches must be a string when some text holds a character no number or
  // boolean text has; only then is the JSON quote around it guaranteed.
  const mustBeString = parts.some((p) => p.kind === "text" && beyondNumbersAndBooleans(p.text));
  const out: Literal[] = [];
  parts.forEach((part, i) => {
    if (part.kind !== "text") return;
    const first = i === 0;
    const last = i === parts.length - 1;
    for (const run of splitRuns(part.text, folded)) {
      if (!beyondNumbers(run.text)) continue;
      let text = run.text;
      if (mustBeString && first && run.atStart) text = '"' + text;
      if (mustBeString && last && run.atEnd) text = text + '"';
      out.push({ bytes: Buffer.from(text, "utf8"), folded: folded && hasAsciiLetter(text) });
    }
  });
  return out;
}

function hasAsciiLetter(text: string): boolean {
  return /[a-z]/i.test(text);
}

/** Literals for a whole-value boolean test: the text "true"/"false" in any case. */
export function boolLiteral(value: boolean): Literal {
  return { bytes: Buffer.from(value ? "true" : "false"), folded: true };
}
