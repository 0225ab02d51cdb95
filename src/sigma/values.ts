import { normalizePattern, type Part, type Pattern } from "../ir.js";

/**
 * A Sigma string value, parsed once into parts with the specification's escapes:
 * `*` is any run, `?` is one character, `\*`, `\?` and `\\` are those literal characters, and every
 * other backslash (including a trailing one) is a literal backslash. Modifiers then work on the
 * parts, never on the text, so `contains` of `C:\` is [any, "C:\", any] (pySigma issue #431).
 */
export function parseSigmaString(text: string): Pattern {
  const parts: Part[] = [];
  let buffer = "";
  const flush = (): void => {
    if (buffer !== "") parts.push({ kind: "text", text: buffer });
    buffer = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\") {
      const next = text[i + 1];
      if (next === "*" || next === "?" || next === "\\") {
        buffer += next;
        i++;
      } else {
        buffer += c;
      }
    } else if (c === "*") {
      flush();
      parts.push({ kind: "any" });
    } else if (c === "?") {
      flush();
      parts.push({ kind: "one" });
    } else {
      buffer += c;
    }
  }
  flush();
  return normalizePattern(parts);
}

export function hasWildcard(pattern: Pattern): boolean {
  return pattern.some((p) => p.kind !== "text");
}

export function startsWithAny(pattern: Pattern): boolean {
  return pattern[0]?.kind === "any";
}

export function endsWithAny(pattern: Pattern): boolean {
  return pattern[pattern.length - 1]?.kind === "any";
}

/** `contains`: a leading and a trailing `*`, unless already there (as pySigma does). */
export function containsPattern(pattern: Pattern): Pattern {
  return endswithPattern(startswithPattern(pattern));
}

/** `startswith`: a trailing `*` unless already there. */
export function startswithPattern(pattern: Pattern): Pattern {
  return endsWithAny(pattern) ? pattern : normalizePattern([...pattern, { kind: "any" }]);
}

/** `endswith`: a leading `*` unless already there. */
export function endswithPattern(pattern: Pattern): Pattern {
  return startsWithAny(pattern) ? pattern : normalizePattern([{ kind: "any" }, ...pattern]);
}

/** Apply a function to every text part; wildcards are kept as they are. */
export function mapText(pattern: Pattern, f: (text: string) => string): Pattern {
  return normalizePattern(
    pattern.map((p) => (p.kind === "text" ? { kind: "text", text: f(p.text) } : p)),
  );
}
