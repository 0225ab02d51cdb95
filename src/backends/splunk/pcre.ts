import type { Pattern, RegexFlags } from "../../ir.js";

/**
 * Building PCRE text for Splunk's mvfind()/match(). Splunk compiles PCRE in UTF-8 mode: `.` is
 * one code point, `(?i)` folds Unicode case, `^` without (?m) is the start, `\z` the very end
 * (`$` would also match before a final newline, so it is never emitted as an anchor).
 */

/** Characters PCRE gives meaning to outside a class; a backslash makes each literal. */
const META = new Set(["\\", "^", "$", ".", "|", "?", "*", "+", "(", ")", "[", "]", "{", "}"]);

/** Code points written as `\x{…}` so that the query stays one printable line. */
function needsHex(cp: number): boolean {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029;
}

const hex = (cp: number): string => `\\x{${cp.toString(16)}}`;

/** One literal character as PCRE (outside a class). */
export function pcreLiteral(text: string): string {
  // Pieces joined once: a flat string, not a chain of per-character appends.
  const out: string[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (META.has(ch)) out.push("\\" + ch);
    else if (needsHex(cp)) out.push(hex(cp));
    else out.push(ch);
  }
  return out.join("");
}

/** The body of an anchored pattern regex (no flags, no anchors). */
export function patternBody(pattern: Pattern): string {
  return pattern
    .map((p) => {
      switch (p.kind) {
        case "text":
          return pcreLiteral(p.text);
        case "any":
          return ".*";
        case "one":
          return ".";
      }
    })
    .join("");
}

export const hasWildcard = (pattern: Pattern): boolean => pattern.some((p) => p.kind !== "text");

/**
 * Whole-value match of one or more glob patterns (an alternation), `(?i)` unless cased, `(?s)`
 * when a wildcard must also cross newlines.
 */
export function anchoredPatterns(patterns: readonly Pattern[], cased: boolean): string {
  const flags = (cased ? "" : "i") + (patterns.some(hasWildcard) ? "s" : "");
  const bodies = patterns.map(patternBody);
  const body = bodies.length === 1 ? bodies[0]! : `(?:${bodies.join("|")})`;
  return `${flags ? `(?${flags})` : ""}^${body}\\z`;
}

// ---- JavaScript regex (the IR's dialect) → PCRE ----

export type Translation =
  { readonly ok: true; readonly pcre: string } | { readonly ok: false; readonly reason: string };

/** JavaScript's \s, spelled out (PCRE's \s is ASCII only). */
const JS_SPACE =
  "\\t\\n\\x{0b}\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}";
/** JavaScript's line terminators (for `.`, `^` and `$`). */
const JS_EOL = "\\n\\r\\x{2028}\\x{2029}";

/**
 * Rewrite a JavaScript regular expression (what the reference evaluator runs) into PCRE with the
 * same meaning. Constructs whose meaning differs and that are not rewritten are refused.
 */
export function jsToPcre(source: string, flags: RegexFlags): Translation {
  let out = "";
  let inClass = false;
  let i = 0;
  const fail = (reason: string): Translation => ({ ok: false, reason });
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === "\\") {
      const e = source[i + 1];
      if (e === undefined) return fail("trailing backslash");
      i += 2;
      if ("dDwWbB".includes(e)) {
        if (inClass && (e === "b" || e === "B")) return fail("\\b inside a character class");
        out += "\\" + e;
      } else if (e === "s") out += inClass ? JS_SPACE : `[${JS_SPACE}]`;
      else if (e === "S") {
        if (inClass) return fail("\\S inside a character class");
        out += `[^${JS_SPACE}]`;
      } else if ("tnrf".includes(e)) out += "\\" + e;
      else if (e === "v") out += "\\x{0b}";
      else if (e === "0" && !/[0-9]/.test(source[i] ?? "")) out += "\\x{0}";
      else if (e === "x" && /^[0-9a-fA-F]{2}$/.test(source.slice(i, i + 2))) {
        out += `\\x{${source.slice(i, i + 2).toLowerCase()}}`;
        i += 2;
      } else if (e === "u" && /^\{[0-9a-fA-F]{1,6}\}/.test(source.slice(i))) {
        const end = source.indexOf("}", i);
        const cp = parseInt(source.slice(i + 1, end), 16);
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
          return fail("invalid code point escape");
        out += hex(cp);
        i = end + 1;
      } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(source.slice(i, i + 4))) {
        const cp = parseInt(source.slice(i, i + 4), 16);
        if (cp >= 0xd800 && cp <= 0xdfff) return fail("surrogate escape");
        out += hex(cp);
        i += 4;
      } else if (/[A-Za-z0-9]/.test(e)) return fail(`escape \\${e}`);
      else if (e === "[" || e === "]" || META.has(e) || /[\x21-\x7e]/.test(e)) out += "\\" + e;
      else out += e;
      continue;
    }
    if (inClass) {
      if (ch === "]") inClass = false;
      if (ch === "[") out += "\\[";
      else out += needsHex(ch.codePointAt(0)!) ? hex(ch.codePointAt(0)!) : ch;
      i += ch.length;
      continue;
    }
    switch (ch) {
      case "[": {
        const negated = source[i + 1] === "^";
        const first = source[i + (negated ? 2 : 1)];
        if (first === "]") return fail("empty character class");
        out += negated ? "[^" : "[";
        i += negated ? 2 : 1;
        inClass = true;
        continue;
      }
      case ".":
        out += flags.s ? "[\\d\\D]" : `[^${JS_EOL}]`;
        break;
      case "^":
        out += flags.m ? `(?:\\A|(?<=[${JS_EOL}]))` : "\\A";
        break;
      case "$":
        out += flags.m ? `(?=[${JS_EOL}]|\\z)` : "\\z";
        break;
      case "(": {
        if (source[i + 1] === "?") {
          const rest = source.slice(i);
          const m = /^\(\?(?::|=|!|<=|<!|<[A-Za-z_][A-Za-z0-9_]*>)/.exec(rest);
          if (!m) return fail("group syntax");
          out += m[0];
          i += m[0].length;
          continue;
        }
        out += "(";
        break;
      }
      default: {
        const cp = source.codePointAt(i)!;
        const c = String.fromCodePoint(cp);
        out += needsHex(cp) ? hex(cp) : c;
        i += c.length;
        continue;
      }
    }
    i += 1;
  }
  if (inClass) return fail("unterminated character class");
  return { ok: true, pcre: (flags.i ? "(?i)" : "") + out };
}

// ---- IPv4 networks as a dotted-quad regex (JavaScript source, for the effective IR) ----

const ANY_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";

function octetRange(lo: number, hi: number): string {
  if (lo === 0 && hi === 255) return ANY_OCTET;
  if (lo === hi) return String(lo);
  const alts: string[] = [];
  for (let n = hi; n >= lo; n--) alts.push(String(n));
  return `(?:${alts.join("|")})`;
}

/**
 * A regex matching exactly the canonical dotted-quad texts (no leading zeros) of the addresses in
 * an IPv4 network; `network` has its host bits cleared.
 */
export function ipv4NetworkRegex(network: string, prefix: number): string {
  const octets = network.split(".").map(Number);
  const parts = octets.map((o, k) => {
    const bits = Math.max(0, Math.min(8, prefix - 8 * k));
    const size = 2 ** (8 - bits);
    const lo = bits === 0 ? 0 : o & (256 - size);
    return octetRange(lo, lo + size - 1);
  });
  return `^${parts.join("\\.")}$`;
}
