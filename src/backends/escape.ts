// A character class of a table's keys (one code point each), per table: a text holding none of
// them is returned as is without walking it character by character.
const keyClasses = new WeakMap<Readonly<Record<string, string>>, RegExp>();

function keyClass(escapes: Readonly<Record<string, string>>): RegExp {
  let re = keyClasses.get(escapes);
  if (re === undefined) {
    const members = Object.keys(escapes).map((k) => k.replace(/[\\\]\[^-]/g, "\\$&"));
    re = new RegExp(`[${members.join("")}]`, "u");
    keyClasses.set(escapes, re);
  }
  return re;
}

/**
 * Each character replaced by its escape (when it has one). Unescaped runs are copied as slices and
 * the pieces joined once, so the result is one flat string, not a chain of one-character appends.
 * The table's keys are single characters (code points).
 */
export function escapeRuns(text: string, escapes: Readonly<Record<string, string>>): string {
  if (!keyClass(escapes).test(text)) return text;
  const parts: string[] = [];
  let start = 0;
  let i = 0;
  for (const ch of text) {
    const esc = escapes[ch];
    if (esc !== undefined) {
      parts.push(text.slice(start, i), esc);
      start = i + ch.length;
    }
    i += ch.length;
  }
  parts.push(text.slice(start));
  return parts.join("");
}
