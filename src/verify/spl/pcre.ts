import { boundedInV8 } from "../../sigma/regex-safety.js";
import { re2Search, translateToRe2, v8Search, type RegexSearch } from "../../sigma/regex-engine.js";
import { ParseError } from "../types.js";

export type { RegexSearch };

/**
 * Reading a PCRE string (as Splunk's mvfind/match compile it, UTF mode) into an equivalent
 * JavaScript regex, run in linear time: on RE2JS through the front end's exact JS→RE2 translation
 * (a final `$` lookahead and `(?<=…)` lookbehinds included), else on V8 only when its work per
 * position is bounded. Only a subset is modelled; anything else is a ParseError at its position
 * (a pattern that could backtrack polynomially is outside the subset, at offset 0).
 * PCRE facts used: `$` (no m) matches at the end or before a final newline; `.` (no s) excludes
 * only `\n`; `\s` is [\t\n\v\f\r ]; `\z`/`\A` are the absolute ends; `\x{h…}` is a code point;
 * a backslash before any ASCII punctuation is that literal character; `(?i)` folds Unicode case.
 */

const PCRE_SPACE = "\\t\\n\\v\\f\\r ";
const cp = (c: string): string => `\\u{${c.codePointAt(0)!.toString(16)}}`;

export function pcreToSearch(source: string, at: (offset: number) => ParseError): RegexSearch {
  let i = 0;
  let flags = { i: false, s: false };
  const lead = /^\(\?([a-z]+)\)/.exec(source);
  if (lead) {
    for (const f of lead[1]!) {
      if (f === "i") flags = { ...flags, i: true };
      else if (f === "s") flags = { ...flags, s: true };
      else throw at(1 + 2 + lead[1]!.indexOf(f));
    }
    i = lead[0].length;
  }
  let out = "";
  let inClass = false;
  while (i < source.length) {
    const start = i;
    const ch = String.fromCodePoint(source.codePointAt(i)!);
    i += ch.length;
    if (ch === "\\") {
      const e = source[i];
      if (e === undefined) throw at(start);
      i += 1;
      if ("dDwW".includes(e)) out += "\\" + e;
      else if ((e === "b" || e === "B") && !inClass) out += "\\" + e;
      else if ("tnrf".includes(e)) out += "\\" + e;
      else if (e === "s") out += inClass ? PCRE_SPACE : `[${PCRE_SPACE}]`;
      else if (e === "S" && !inClass) out += `[^${PCRE_SPACE}]`;
      else if (e === "z" && !inClass) out += "$";
      else if (e === "A" && !inClass) out += "^";
      else if (e === "x" && source[i] === "{") {
        const end = source.indexOf("}", i);
        const h = end < 0 ? "" : source.slice(i + 1, end);
        if (!/^[0-9a-fA-F]{1,6}$/.test(h)) throw at(start);
        out += `\\u{${h}}`;
        i = end + 1;
      } else if (/[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e ]/.test(e)) out += cp(e);
      else throw at(start);
      continue;
    }
    if (inClass) {
      if (ch === "]") {
        inClass = false;
        out += "]";
      } else if (ch === "[")
        throw at(start); // could open a POSIX class: outside the subset
      else out += /[\\\]\[\-^]/.test(ch) ? ch : ch === "/" ? "\\/" : cp(ch);
      continue;
    }
    switch (ch) {
      case "[":
        out += "[";
        if (source[i] === "^") {
          out += "^";
          i += 1;
        }
        if (source[i] === "]") throw at(i);
        inClass = true;
        break;
      case ".":
        out += flags.s ? "[\\s\\S]" : "[^\\n]";
        break;
      // Without the m flag JavaScript's ^ and $ are the absolute ends (lookarounds at the ends
      // misbehave inside surrogate pairs in V8's Unicode mode).
      case "^":
        out += "^";
        break;
      case "$":
        out += "(?=\\n?$)";
        break;
      case "(": {
        if (source[i] === "?") {
          const m = /^\?(?::|=|!|<=|<!|<[A-Za-z_][A-Za-z0-9_]*>)/.exec(source.slice(i));
          if (!m) throw at(start);
          out += "(" + m[0];
          i += m[0].length;
        } else out += "(";
        break;
      }
      case ")":
      case "|":
      case "*":
      case "+":
      case "?":
        out += ch;
        break;
      case "{": {
        const m = /^\d+(,\d*)?\}/.exec(source.slice(i));
        if (m) {
          out += "{" + m[0];
          i += m[0].length;
        } else out += "\\{";
        break;
      }
      case "}":
      case "]":
        out += "\\" + ch;
        break;
      default:
        out += /[A-Za-z0-9 ]/.test(ch) ? ch : cp(ch);
    }
  }
  if (inClass) throw at(source.length);
  try {
    new RegExp(out, flags.i ? "iu" : "u");
  } catch {
    throw at(0);
  }
  const jsFlags = { i: flags.i, m: false, s: false };
  const translation = translateToRe2(out, jsFlags, true);
  if (translation.ok) return re2Search(translation);
  if (boundedInV8(out, flags.i) === undefined) return v8Search(out, flags.i ? "iu" : "u");
  throw at(0);
}
